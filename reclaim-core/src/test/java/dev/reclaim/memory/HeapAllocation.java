package dev.reclaim.memory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The current thread's allocated heap bytes ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}),
 * reached reflectively because the test sources compile inside module {@code dev.reclaim}, which does not read
 * {@code java.management} (tests run on the class path, where the call works).
 */
final class HeapAllocation {

    private static final Object MX_BEAN;
    private static final MethodHandle ALLOCATED;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            MX_BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            Class<?> sunBean = Class.forName("com.sun.management.ThreadMXBean");
            ALLOCATED = MethodHandles.publicLookup()
                    .findVirtual(sunBean, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                    .asType(MethodType.methodType(long.class, Object.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HeapAllocation() {
    }

    /** Heap bytes allocated so far by the current thread. */
    static long currentThread() {
        try {
            return (long) ALLOCATED.invokeExact(MX_BEAN, Thread.currentThread().threadId());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}

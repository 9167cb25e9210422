package dev.reclaim;

import java.lang.management.ManagementFactory;

/** The current thread's allocated heap bytes, for the zero-allocation tests of every package. */
public final class HeapAllocation {

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HeapAllocation() {
    }

    /**
     * Heap bytes allocated so far by the current thread.
     *
     * @return {@code getThreadAllocatedBytes} of the current thread
     */
    public static long currentThread() {
        return MX.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}

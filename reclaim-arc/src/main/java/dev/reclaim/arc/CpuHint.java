package dev.reclaim.arc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The CPU the calling thread runs on ({@code sched_getcpu}), as a hint for where a virtual thread's pool load
 * starts probing: the carriers running on one CPU then reuse the slots that CPU's cache already holds, instead
 * of each virtual thread's own (thread-id) slot, which the carriers pass back and forth. A hint only: the
 * thread may move to another CPU right after the call, and a claim is a CAS whatever slot it tries, so a stale
 * or wrong answer costs a cache miss, never safety.
 *
 * <p>Available on Linux with native access enabled for this module (as for the asymmetric fences); off
 * elsewhere, or with {@code -Dreclaim.arc.cpuHint=false} (then pool loads start from the thread-id hash).
 */
final class CpuHint {

    /** {@code sched_getcpu()}, as a critical downcall (no thread-state transition); null when unavailable. */
    private static final MethodHandle GETCPU = lookup();

    /** Whether {@link #cpu()} answers. */
    static final boolean ENABLED = GETCPU != null;

    private CpuHint() {
    }

    /** The current CPU (>= 0), or -1 when unavailable or when the call failed. */
    static int cpu() {
        if (GETCPU == null) {
            return -1;
        }
        try {
            return (int) GETCPU.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }

    private static MethodHandle lookup() {
        MethodHandle h = criticalDowncall("reclaim.arc.cpuHint", "sched_getcpu", FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try {
            return h != null && (int) h.invokeExact() >= 0 ? h : null;
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * A critical downcall (no thread-state transition) to the libc function {@code symbol}, or null when the
     * boolean system property {@code property} (default true) is false, off Linux, without native access for
     * this module, or when the symbol is missing. Shared with {@link CarrierId}.
     */
    static MethodHandle criticalDowncall(String property, String symbol, FunctionDescriptor descriptor) {
        String prop = System.getProperty(property, "true").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!prop.equals("true") || !os.startsWith("linux") || !CpuHint.class.getModule().isNativeAccessEnabled()) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment fn = linker.defaultLookup().find(symbol).orElse(null);
            return fn == null ? null : linker.downcallHandle(fn, descriptor, Linker.Option.critical(false));
        } catch (RuntimeException e) {
            return null;
        }
    }
}

package dev.reclaim.arc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The identity of the OS thread running the caller ({@code pthread_self}): for a virtual thread, its carrier.
 * {@link DebtLane} gives each carrier a lane that only code running on that carrier claims, so a virtual thread's
 * load takes the lane path (no atomic read-modify-write) instead of the pool.
 *
 * <p>Why a carrier can own a lane: two live OS threads never have the same {@code pthread_t}, and a virtual
 * thread changes carriers only when it unmounts (it parks, yields or blocks), which the lane's claim (a probe of
 * the lane's slots and a store of the debt) never does. Available on Linux with native access enabled for this
 * module (as for the asymmetric fences); off elsewhere, or with {@code -Dreclaim.arc.carrierLanes=false} (then
 * virtual threads use the pool).
 */
final class CarrierId {

    /** {@code pthread_self()}, as a critical downcall (no thread-state transition); null when unavailable. */
    private static final MethodHandle SELF = lookup();

    /** Whether {@link #current()} answers. */
    static final boolean ENABLED = SELF != null;

    private CarrierId() {
    }

    /**
     * The calling OS thread's {@code pthread_t} (never 0 when {@link #ENABLED}), or 0 when unavailable or when
     * the call failed.
     */
    static long current() {
        if (SELF == null) {
            return 0;
        }
        try {
            return (long) SELF.invokeExact();
        } catch (Throwable t) {
            return 0;
        }
    }

    private static MethodHandle lookup() {
        String prop = System.getProperty("reclaim.arc.carrierLanes", "true").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!prop.equals("true") || !os.startsWith("linux") || !CarrierId.class.getModule().isNativeAccessEnabled()
                || ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment fn = linker.defaultLookup().find("pthread_self").orElse(null);
            if (fn == null) {
                return null;
            }
            MethodHandle h = linker.downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_LONG),
                    Linker.Option.critical(false));
            long probe = (long) h.invokeExact();
            return probe != 0 ? h : null;
        } catch (Throwable t) {
            return null;
        }
    }
}

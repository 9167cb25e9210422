package dev.reclaim.arc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

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
        if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
            return null; // pthread_t read as a long
        }
        MethodHandle h = CpuHint.criticalDowncall("reclaim.arc.carrierLanes", "pthread_self",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        try {
            return h != null && (long) h.invokeExact() != 0 ? h : null;
        } catch (Throwable t) {
            return null;
        }
    }
}

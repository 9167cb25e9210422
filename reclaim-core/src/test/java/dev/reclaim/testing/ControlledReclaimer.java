package dev.reclaim.testing;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A shipped reclaimer seen through a client that breaks the protection contract in one way
 * ({@link ProtectedCell.Control}), so that a structure's shipped code, which only talks to {@link Reclaimer} and
 * {@link Guard}, can be model-checked with a negative control and without a switch in its own code:
 * <ul>
 *   <li>{@link ProtectedCell.Control#FREE_AT_ONCE}: every retirement runs its deleter at once (the node is freed
 *       without a grace period);</li>
 *   <li>{@link ProtectedCell.Control#LOAD_BEFORE_PROTECT}: every {@code protect(i, address)} first loads the
 *       word, then (entering the real guard on first use) protects a private copy of it, so the pointer is loaded
 *       before its protection starts: for EBR a pin after the load, for hazard pointers a hazard never validated
 *       against the shared word, for IBR a reservation made after the load.</li>
 * </ul>
 * Everything else (flush, stats, close) is the wrapped reclaimer's.
 */
public final class ControlledReclaimer implements Reclaimer {

    /** Words of private copies per guard: one per protection slot. */
    private static final long SCRATCH_BYTES = 8L * Guard.PROTECT_SLOTS;

    private final Reclaimer inner;
    private final ProtectedCell.Control control;
    private final SlabAllocator scratch;

    private ControlledReclaimer(Reclaimer inner, ProtectedCell.Control control, SlabAllocator scratch) {
        this.inner = inner;
        this.control = control;
        this.scratch = scratch;
    }

    /**
     * Reclaimers made by {@code reclaimers}, seen through {@code control}.
     *
     * @param reclaimers makes the real reclaimers
     * @param control    the negative control; {@link ProtectedCell.Control#NONE} returns the real ones
     * @param scratch    where {@link ProtectedCell.Control#LOAD_BEFORE_PROTECT} keeps its private copies
     * @return makes one reclaimer per call
     */
    public static Supplier<Reclaimer> around(Supplier<? extends Reclaimer> reclaimers, ProtectedCell.Control control,
                                             SlabAllocator scratch) {
        if (control == ProtectedCell.Control.NONE) {
            return reclaimers::get;
        }
        return () -> new ControlledReclaimer(reclaimers.get(), control, scratch);
    }

    @Override
    public Guard enter() {
        return new ControlledGuard();
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public boolean synchronize(Duration timeout) {
        return inner.synchronize(timeout);
    }

    @Override
    public ReclaimerStats stats() {
        return inner.stats();
    }

    @Override
    public Scheme scheme() {
        return inner.scheme();
    }

    @Override
    public String name() {
        return inner.name() + "+" + control;
    }

    @Override
    public boolean isClosed() {
        return inner.isClosed();
    }

    @Override
    public void close() {
        inner.close();
    }

    /** A guard of the wrapped reclaimer, entered at once or (for a load before protection) on first use. */
    private final class ControlledGuard implements Guard {
        private Guard real;
        private long copies;
        private boolean open = true;

        ControlledGuard() {
            if (control == ProtectedCell.Control.LOAD_BEFORE_PROTECT) {
                copies = scratch.allocate(SCRATCH_BYTES);
            } else {
                real = inner.enter();
            }
        }

        private Guard real() {
            if (real == null) {
                real = inner.enter();
            }
            return real;
        }

        @Override
        public long protect(int index, long address) {
            if (control != ProtectedCell.Control.LOAD_BEFORE_PROTECT) {
                return real().protect(index, address);
            }
            long copy = copies + 8L * index;
            Memory.putLong(copy, Memory.getLongAcquire(address)); // negative control: loaded before protection
            return real().protect(index, copy);
        }

        @Override
        public <T> T protect(int index, AtomicReference<T> source) {
            return real().protect(index, source);
        }

        @Override
        public void unprotect(int index) {
            real().unprotect(index);
        }

        @Override
        public void repin() {
            real().repin();
        }

        @Override
        public void retire(long pointer, Deleter deleter) {
            if (control == ProtectedCell.Control.FREE_AT_ONCE) {
                deleter.delete(pointer); // negative control: no grace period
            } else {
                real().retire(pointer, deleter);
            }
        }

        @Override
        public long birthEra() {
            return real().birthEra();
        }

        @Override
        public void retire(long pointer, long birthEra, Deleter deleter) {
            if (control == ProtectedCell.Control.FREE_AT_ONCE) {
                deleter.delete(pointer); // negative control: no grace period
            } else {
                real().retire(pointer, birthEra, deleter);
            }
        }

        @Override
        public void defer(Runnable action) {
            real().defer(action);
        }

        @Override
        public Reclaimer reclaimer() {
            return ControlledReclaimer.this;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (!open) {
                throw new IllegalStateException("guard already closed; close each guard exactly once");
            }
            open = false;
            if (real != null) {
                real.close();
            }
            if (copies != 0) {
                scratch.free(copies);
            }
        }
    }
}

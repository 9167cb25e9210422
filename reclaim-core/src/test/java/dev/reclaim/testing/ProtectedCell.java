package dev.reclaim.testing;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.function.Supplier;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * The smallest client of a reclamation protocol, for {@link ModelCheck}: an off-heap root word pointing to an
 * off-heap node that holds a version number (and its birth era). Readers protect the root and read the node; writers protect it,
 * publish a copy with the next version by CAS and retire the old node to a sanitizing allocator, so a read of
 * a node that the protocol let the writer free throws {@link dev.reclaim.memory.UseAfterFreeException}, which the
 * sequential specification ({@link Spec}) never does.
 *
 * <p>The model checker cannot switch threads at off-heap accesses themselves, but the sanitizer's check of every
 * access is an on-heap lookup, so every node access is a switch point, and so is every access the reclaimer
 * makes to its own on-heap state (epochs, slots, hazards, eras).
 */
public final class ProtectedCell implements AutoCloseable {

    /** What the running check hands to the cells the model checker makes. */
    private record Fixture(ReclaimCheck check, Supplier<? extends Reclaimer> reclaimers, Control control) {
    }

    /** The client's negative controls: each breaks the protocol's contract on the client's side. */
    public enum Control {
        /** None: the client follows the contract. */
        NONE,
        /** The writer frees a replaced node at once instead of retiring it: no grace period. */
        FREE_AT_ONCE,
        /**
         * The reader loads the root before its protection starts (before enter, then protects a private copy of
         * the pointer): for EBR a pin after the load, for HP a hazard never validated against the root, for IBR a
         * reservation made after the load.
         */
        LOAD_BEFORE_PROTECT
    }

    private static volatile Fixture fixture;

    /** Node layout: the version, then the birth era (for the interval-based scheme; 0 elsewhere). */
    private static final long VERSION = 0;
    private static final long BIRTH = 8;
    private static final long NODE_SIZE = 16;

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final long root;
    /** Which negative control, if any, this cell runs. */
    private final Control control;
    /** A private word for {@link Control#LOAD_BEFORE_PROTECT}. */
    private final long scratch;

    /** Lincheck makes one per interleaving, on the reclaimer factory and check of {@link #use}. */
    public ProtectedCell() {
        Fixture f = fixture;
        reclaimer = f.check().reclaimer(f.reclaimers());
        control = f.control();
        allocator = f.check().allocator(b -> b.sanitize(true).siteSampling(0).quarantine(1 << 16, 1L << 24));
        root = allocator.allocate(8);
        scratch = allocator.allocate(8);
        long node = allocator.allocate(NODE_SIZE);
        Memory.putLong(node + VERSION, 0); // plain: published by the release below
        Memory.putLong(node + BIRTH, 0); // plain: as above
        Memory.putLongRelease(root, node); // release: pairs with protect's acquire load
        ModelCheck.invocation(this);
    }

    /**
     * Makes the cells of the next {@link ModelCheck#run} use reclaimers from {@code reclaimers}, obtained from and
     * checked by {@code check}.
     *
     * @param check      the test's check
     * @param reclaimers makes one reclaimer per interleaving
     * @param control    the negative control to run, or {@link Control#NONE}
     */
    public static void use(ReclaimCheck check, Supplier<? extends Reclaimer> reclaimers, Control control) {
        fixture = new Fixture(check, reclaimers, control);
    }

    /**
     * Reads the current version under a guard.
     *
     * @return half the version (rounded down): the odd version between the two replaces of
     *         {@link #replaceTwiceAndFlush()} reads as the one before it, where the read linearizes
     */
    @Operation
    public long read() {
        if (control == Control.LOAD_BEFORE_PROTECT) {
            Memory.putLong(scratch, Memory.getLongAcquire(root)); // negative control: loaded before protection
            try (Guard g = reclaimer.enter()) {
                long p = g.protect(0, scratch);
                return Memory.getLong(p + VERSION) / 2; // checked, as below
            }
        }
        try (Guard g = reclaimer.enter()) {
            long p = g.protect(0, root);
            return Memory.getLong(p + VERSION) / 2; // checked: throws UseAfterFreeException if p was freed
        }
    }

    /**
     * Replaces the node with one holding the next version, and retires the old one.
     *
     * @return the new version
     */
    @Operation
    public long replace() {
        try (Guard g = reclaimer.enter()) {
            long next = allocator.allocate(NODE_SIZE);
            Memory.putLong(next + BIRTH, g.birthEra()); // plain: published by the CAS; an era before publication
            while (true) {
                long p = g.protect(0, root);
                long v = Memory.getLong(p + VERSION) + 1; // checked, as in read()
                Memory.putLong(next + VERSION, v); // plain: published by the CAS
                if (Memory.compareAndSetLong(root, p, next)) { // volatile CAS: pairs with protect's loads
                    if (control != Control.FREE_AT_ONCE) {
                        g.retire(p, Memory.getLong(p + BIRTH), allocator);
                    } else {
                        allocator.free(p); // negative control: no grace period
                    }
                    return v;
                }
            }
        }
    }

    /**
     * Two replaces and a flush in one operation: the writer's whole part of the scenario, so that the schedules
     * with one switch already include every point where the reader can be interrupted while the writer frees.
     *
     * @return the new version
     */
    @Operation
    public long replaceTwiceAndFlush() {
        replace();
        long v = replace();
        flush();
        return v;
    }

    /** Asks the reclaimer to reclaim what it can now. */
    @Operation
    public void flush() {
        reclaimer.flush();
    }

    /** Frees the root and the current node (called by the check after the run, when no thread uses the cell). */
    @Override
    public void close() {
        allocator.free(Memory.getLong(root));
        allocator.free(root);
        allocator.free(scratch);
    }

    /** The sequential specification: a version counter. */
    public static final class Spec {
        private long version;

        /** Lincheck instantiates it reflectively. */
        public Spec() {
        }

        /**
         * Half the version, as {@link ProtectedCell#read()}.
         *
         * @return it
         */
        public long read() {
            return version / 2;
        }

        /**
         * The next version.
         *
         * @return it
         */
        public long replace() {
            return ++version;
        }

        /**
         * Two versions on.
         *
         * @return the new version
         */
        public long replaceTwiceAndFlush() {
            version += 2;
            return version;
        }

        /** Nothing to do sequentially. */
        public void flush() {
        }
    }
}

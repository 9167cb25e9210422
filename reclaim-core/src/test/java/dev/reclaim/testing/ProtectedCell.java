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
    private record Fixture(ReclaimCheck check, Supplier<? extends Reclaimer> reclaimers, boolean retire) {
    }

    private static volatile Fixture fixture;

    /** Node layout: the version, then the birth era (for the interval-based scheme; 0 elsewhere). */
    private static final long VERSION = 0;
    private static final long BIRTH = 8;
    private static final long NODE_SIZE = 16;

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final long root;
    /** False in the negative control: replace frees the old node at once instead of retiring it. */
    private final boolean retire;

    /** Lincheck makes one per interleaving, on the reclaimer factory and check of {@link #use}. */
    public ProtectedCell() {
        Fixture f = fixture;
        reclaimer = f.check().reclaimer(f.reclaimers());
        retire = f.retire();
        allocator = f.check().allocator(b -> b.sanitize(true).siteSampling(0).quarantine(1 << 16, 1L << 24));
        root = allocator.allocate(8);
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
     * @param retire     true to retire replaced nodes; false (the negative control) to free them at once, without
     *                   a grace period
     */
    public static void use(ReclaimCheck check, Supplier<? extends Reclaimer> reclaimers, boolean retire) {
        fixture = new Fixture(check, reclaimers, retire);
    }

    /**
     * Reads the current version under a guard.
     *
     * @return the version
     */
    @Operation
    public long read() {
        try (Guard g = reclaimer.enter()) {
            long p = g.protect(0, root);
            return Memory.getLong(p + VERSION); // checked: throws UseAfterFreeException if p was freed
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
                    if (retire) {
                        g.retire(p, Memory.getLong(p + BIRTH), allocator);
                    } else {
                        allocator.free(p); // negative control: no grace period
                    }
                    return v;
                }
            }
        }
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
    }

    /** The sequential specification: a version counter. */
    public static final class Spec {
        private long version;

        /** Lincheck instantiates it reflectively. */
        public Spec() {
        }

        /**
         * The version.
         *
         * @return it
         */
        public long read() {
            return version;
        }

        /**
         * The next version.
         *
         * @return it
         */
        public long replace() {
            return ++version;
        }

        /** Nothing to do sequentially. */
        public void flush() {
        }
    }
}

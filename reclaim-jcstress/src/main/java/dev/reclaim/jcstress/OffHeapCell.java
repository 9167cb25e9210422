package dev.reclaim.jcstress;

import dev.reclaim.Deleter;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State shared by the reclamation tests: an off-heap cell holding a pointer to an off-heap node whose payload
 * is a value unique to this state. A writer swaps in a second node and retires the first; the deleter poisons
 * a node before freeing it, so a reader that dereferences a reclaimed node reads the poison (or another
 * state's value, if the block was reused) instead of one of this state's two values.
 *
 * <p>jcstress creates states by the million and has no per-state teardown, so the cell and the node still in
 * it are freed by a {@link Cleaner} once the state is unreachable (by then no actor can touch them).
 */
public class OffHeapCell {

    /** The value a poisoned (freed) node holds. */
    static final long POISON = 0xDEAD_DEAD_DEAD_DEADL;

    /** Outcome: the reader saw the node that was there first. */
    static final int SAW_FIRST = 1;
    /** Outcome: the reader saw the node swapped in. */
    static final int SAW_SECOND = 2;
    /** Outcome: the reader dereferenced a freed node (poison or a reused block). */
    static final int SAW_FREED = 3;

    /** One allocator for the whole test JVM; never closed (the JVM's exit releases it). */
    static final SlabAllocator MEMORY = SlabAllocator.builder().name("jcstress").build();

    /** Poisons, then frees: any later read of the node sees {@link #POISON} or a stranger's value. */
    static final Deleter POISON_AND_FREE = pointer -> {
        Memory.putLong(pointer, POISON);
        MEMORY.free(pointer);
    };

    private static final AtomicLong IDS = new AtomicLong(1);
    private static final Cleaner CLEANER = Cleaner.create();

    /** Address of the word holding the current node pointer. */
    final long cell;
    /** The payload of the first node. */
    final long first;
    /** The payload of the node the writer swaps in. */
    final long second;

    /** Allocates the cell and the first node. */
    public OffHeapCell() {
        first = IDS.getAndAdd(2);
        second = first + 1;
        cell = MEMORY.allocate(8);
        long node = MEMORY.allocate(16);
        Memory.putLong(node, first);
        Memory.putLongRelease(cell, node); // release: publishes the payload; pairs with the readers' protect
        long c = cell;
        CLEANER.register(this, () -> {
            MEMORY.free(Memory.getLongAcquire(c)); // acquire: pairs with the writer's swap (long finished)
            MEMORY.free(c);
        });
    }

    /**
     * Classifies what a reader read through a protected pointer.
     *
     * @param node the protected node
     * @return {@link #SAW_FIRST}, {@link #SAW_SECOND} or {@link #SAW_FREED}
     */
    int classify(long node) {
        long v = Memory.getLong(node);
        return v == first ? SAW_FIRST : v == second ? SAW_SECOND : SAW_FREED;
    }

    /**
     * Swaps a fresh node carrying {@link #second} into the cell.
     *
     * @return the node swapped out, for the caller to retire
     */
    long swapInSecond() {
        long fresh = MEMORY.allocate(16);
        Memory.putLong(fresh, second);
        return Memory.getAndSetLong(cell, fresh); // volatile swap: pairs with the readers' protect
    }

    /** The reader of the hazard-pointer races: protect the cell's node under a guard and classify what it read. */
    final int protectAndClassify(dev.reclaim.Reclaimer reclaimer) {
        try (dev.reclaim.Guard g = reclaimer.enter()) {
            return classify(g.protect(0, cell));
        }
    }

    /**
     * The reader of the folded-hazard race: the guard's claim CAS publishes the cell's node as hazard 0
     * ({@code enterProtecting}), so protect validates it with a load; classify what it read.
     */
    final int protectFoldedAndClassify(dev.reclaim.Reclaimer reclaimer) {
        try (dev.reclaim.Guard g = reclaimer.enterProtecting(0, cell)) {
            return classify(g.protect(0, cell));
        }
    }

    /** The writer of the hazard-pointer races: swap the node out, retire it, and flush (a scan that frees it). */
    final void swapRetireFlush(dev.reclaim.Reclaimer reclaimer) {
        long old = swapInSecond();
        try (dev.reclaim.Guard g = reclaimer.enter()) {
            g.retire(old, POISON_AND_FREE);
        }
        reclaimer.flush();
    }
}

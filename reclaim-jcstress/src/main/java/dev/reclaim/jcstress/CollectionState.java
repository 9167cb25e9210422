package dev.reclaim.jcstress;

import dev.reclaim.Deleter;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.robust.RobustReclaimer;

/**
 * The reclaimers and allocator shared by the collection races. Each reclaimer frees inside the race window
 * (a scan or an advance on every retire), so a node one actor unlinks can be freed and reused while the other
 * actor still walks through it if protection were missing. Each race's structure is created by its state and
 * closed by its arbiter (after both actors, so quiescent), so nothing accumulates across states.
 */
final class CollectionState {

    /** The fast slab allocator every collection race allocates from; never closed (the JVM's exit releases it). */
    static final SlabAllocator MEMORY = SlabAllocator.builder().name("jcstress-collections").build();
    /** Hazard pointers that scan on every retire. */
    static final HazardReclaimer HP =
            HazardReclaimer.builder().name("jcstress-collections-hp").scanThreshold(1).build();
    /** EBR that tries to advance on every flush. */
    static final EpochReclaimer EBR = EpochReclaimer.builder().name("jcstress-collections-ebr").advanceEvery(1).build();
    /** IBR whose era moves on every allocation and that scans on every retire. */
    static final RobustReclaimer IBR =
            RobustReclaimer.builder().name("jcstress-collections-ibr").scanThreshold(1).eraEvery(1).build();

    /** Poisons a node's first word with {@link OffHeapCell#POISON}, then frees it to {@link #MEMORY}. */
    static final Deleter POISON_AND_FREE = pointer -> {
        Memory.putLong(pointer, OffHeapCell.POISON); // plain: the node is unreachable; read only by a racing bug
        MEMORY.free(pointer);
    };

    /** A value no race stores: what a pop or poll of an empty structure returns. */
    static final long EMPTY = 0;

    private CollectionState() {
    }
}

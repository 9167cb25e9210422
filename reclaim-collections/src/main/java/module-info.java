/**
 * Off-heap lock-free collections generic over any {@link dev.reclaim.Reclaimer}; nodes live in a
 * {@link dev.reclaim.memory.SlabAllocator}.
 */
module dev.reclaim.collections {
    requires transitive dev.reclaim;

    exports dev.reclaim.collections;
}

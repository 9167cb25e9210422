package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;

/** {@link HarrisMichaelList}: the map suite, with ascending iteration and the small key ranges of a list. */
class HarrisMichaelListTest extends LongLongMapSuite<HarrisMichaelList> {

    @Override
    HarrisMichaelList create(Reclaimer reclaimer, SlabAllocator allocator) {
        return new HarrisMichaelList(reclaimer, allocator);
    }

    @Override
    boolean sortedList() {
        return true;
    }
}

package dev.reclaim.collections;

/** {@link HarrisMichaelList}: the map suite, with ascending iteration and the small key ranges of a list. */
class HarrisMichaelListTest extends LongLongMapSuite<HarrisMichaelList> {

    HarrisMichaelListTest() {
        super(HarrisMichaelList::new);
    }

    @Override
    boolean sortedList() {
        return true;
    }
}

package dev.reclaim.collections;

/** Linearizability of {@link HarrisMichaelList}. */
class HarrisMichaelListLincheckTest extends LongLongMapLincheckSuite {

    HarrisMichaelListLincheckTest() {
        super(HarrisMichaelList::new);
    }
}

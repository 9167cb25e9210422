package dev.reclaim.collections;

/** Linearizability of {@link LongOpenHashMap}, starting at 2 entries. */
class LongOpenHashMapLincheckTest extends LongLongMapLincheckSuite {

    LongOpenHashMapLincheckTest() {
        super((r, a) -> new LongOpenHashMap(r, a, 0, 2));
    }
}

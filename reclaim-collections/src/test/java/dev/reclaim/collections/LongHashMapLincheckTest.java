package dev.reclaim.collections;

/** Linearizability of {@link LongHashMap}, starting with the smallest table. */
class LongHashMapLincheckTest extends LongLongMapLincheckSuite {

    LongHashMapLincheckTest() {
        super((r, a) -> new LongHashMap(r, a, 0));
    }
}

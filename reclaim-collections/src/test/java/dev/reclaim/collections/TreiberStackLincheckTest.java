package dev.reclaim.collections;

/** Linearizability of {@link TreiberStack}: push, pop and isEmpty against a last-in-first-out deque. */
class TreiberStackLincheckTest extends ContainerLincheckSuite {

    TreiberStackLincheckTest() {
        super((r, a) -> LongContainer.of(new TreiberStack(r, a)), Operations.class, LastInFirstOut.class);
    }
}

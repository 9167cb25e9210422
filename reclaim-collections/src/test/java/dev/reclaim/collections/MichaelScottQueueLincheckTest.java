package dev.reclaim.collections;

/** Linearizability of {@link MichaelScottQueue}: offer, poll, peek and isEmpty against a first-in-first-out deque. */
class MichaelScottQueueLincheckTest extends ContainerLincheckSuite {

    MichaelScottQueueLincheckTest() {
        super((r, a) -> LongContainer.of(new MichaelScottQueue(r, a)), PeekableOperations.class,
                FirstInFirstOut.class);
    }
}

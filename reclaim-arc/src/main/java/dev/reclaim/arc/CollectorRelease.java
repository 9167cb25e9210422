package dev.reclaim.arc;

import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.CollectorNode;

/**
 * The preallocated queue node through which the last release of an {@link Arc} made with
 * {@link Arc#of(Object, Releaser, RealtimeCollector)} hands its release action to the collector: made (and
 * registered with the collector) together with the value's control block, enqueued once by the final
 * decrement, destroyed on the collector's thread by running the releaser.
 */
final class CollectorRelease extends CollectorNode {

    private final RealtimeCollector collector;
    private final Counted<?> block;

    CollectorRelease(RealtimeCollector collector, Counted<?> block) {
        super(collector);
        this.collector = collector;
        this.block = block;
    }

    /** Called once, by the final decrement (Counted.casReleased makes it unique). Wait-free, allocation-free. */
    void enqueue() {
        collector.enqueue(this);
    }

    @Override
    protected void destroy() {
        block.runReleaserOnCollector(collector.name());
    }

    @Override
    protected String describe() {
        return ArcMessages.collectorReleaseDescription(block.valueTypeName());
    }
}

package dev.reclaim.bench.soak;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import dev.reclaim.realtime.CollectorStats;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The on-heap part of the soak: an {@link ArcSwap} that workers load and replace, and a
 * {@link RealtimeCollector} with a {@link SharedCell} that workers read and replace plus counted handles
 * ({@code Arc.of(value, releaser, collector)}) that workers create and drop. Every value counts itself live
 * until its release action runs, so {@link #liveValues()} is the handles' footprint: steady unless releases
 * are lost.
 */
final class HandleLane implements AutoCloseable {

    /** Loads per step; one in {@link #WRITE_EVERY} steps also replaces the values. */
    static final int LOADS = 16;
    static final int WRITE_EVERY = 4;

    private final AtomicLong live = new AtomicLong();
    private final AtomicLong releaseErrors = new AtomicLong();
    private final RealtimeCollector collector;
    private final ArcSwap<long[]> swap;
    private final SharedCell<long[]> cell;

    HandleLane() {
        collector = RealtimeCollector.builder().name("soak-collector").interval(Duration.ofMillis(5)).build();
        swap = ArcSwap.of(swapValue(0));
        cell = collector.cell(value(0), this::released);
    }

    private long[] value(long v) {
        live.incrementAndGet();
        return new long[] {v, ~v};
    }

    private void released(long[] v) {
        if (v[1] != ~v[0]) {
            releaseErrors.incrementAndGet();
        }
        live.decrementAndGet();
    }

    private Arc<long[]> swapValue(long v) {
        return Arc.of(value(v), this::released);
    }

    /** A worker's reader of the shared cell; the worker closes it when it stops. */
    SharedCell.Reader<long[]> reader() {
        return cell.reader();
    }

    /**
     * One step: loads through the swap and the cell reader, and now and then a replacement of each plus a
     * counted handle dropped to the collector.
     *
     * @return operations run
     */
    long step(SplittableRandom random, SharedCell.Reader<long[]> reader) {
        long ops = 0;
        for (int i = 0; i < LOADS; i++) {
            try (ArcGuard<long[]> g = swap.load()) {
                if (g.get()[1] != ~g.get()[0]) {
                    releaseErrors.incrementAndGet();
                }
            }
            long[] c = reader.get();
            if (c[1] != ~c[0]) {
                releaseErrors.incrementAndGet();
            }
            ops += 2;
        }
        reader.release();
        if (random.nextInt(WRITE_EVERY) == 0) {
            long v = random.nextLong();
            swap.store(swapValue(v));
            cell.set(value(v));
            Arc<long[]> h = Arc.of(value(v), this::released, collector);
            Arc<long[]> second = h.retain();
            h.close();
            second.close(); // the last release: the collector runs the releaser
            ops += 3;
        }
        return ops;
    }

    /** @return values created and not yet released (the swap's, the cell's and the counted handles') */
    long liveValues() {
        return live.get();
    }

    /** @return drops handed to the collector and not yet destroyed */
    long pending() {
        CollectorStats s = collector.stats();
        return s.pending();
    }

    /** @return values found corrupt when read or released (must stay 0) */
    long errors() {
        return releaseErrors.get() + collector.stats().failures();
    }

    @Override
    public void close() {
        swap.close();
        cell.close();
        collector.close();
    }
}

package dev.reclaim.examples.synth;

import dev.reclaim.arc.Arc;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.realtime.CloseReport;
import dev.reclaim.realtime.CollectorStats;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;
import dev.reclaim.realtime.Tracked;
import dev.reclaim.realtime.Tracker;
import org.HdrHistogram.Histogram;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The realtime synth: an audio callback (48 kHz, 64 frames per callback) plays sample tables that a
 * UI thread replaces every few callbacks; each table exists twice, as a heap {@code float[]} and as an
 * off-heap block of a {@link SlabAllocator}, and the volume comes from a {@link SharedCell}. What differs per
 * {@link Model} is who destroys a replaced table (zero-fill the heap array, as a pool would, and free the
 * off-heap block): the {@link RealtimeCollector} thread, the callback itself, or the tracking collector.
 *
 * <p>The callback runs on its own platform thread, every {@code periodNanos} (faster than real time when below
 * 1,333,333 ns), and stores its own duration in a preallocated array; the durations after warm-up go into an
 * HdrHistogram once the run is over (recording into the histogram on the callback thread allocated: its
 * first calls link and load code).
 */
public final class Synth {

    /** Sample rate of the simulated device. */
    public static final int SAMPLE_RATE = 48_000;
    /** Frames per callback. */
    public static final int FRAMES = 64;
    /** The real-time callback period: 64 frames at 48 kHz. */
    public static final long REAL_TIME_PERIOD_NANOS = 1_000_000_000L * FRAMES / SAMPLE_RATE;

    /** Who destroys the tables the callback replaces. */
    public enum Model {
        /** {@link Arc} handles bound to the collector; destroyed on the collector thread. */
        COLLECTOR("collector"),
        /** The callback destroys them itself (the naive baseline). */
        DIRECT("direct"),
        /** {@link Tracker}: the collector scans its list and destroys tables only it still holds. */
        TRACKING("tracking");

        private final String id;

        Model(String id) {
            this.id = id;
        }

        /**
         * The id used on the command line.
         *
         * @return the id
         */
        public String id() {
            return id;
        }
    }

    /**
     * How a run is configured.
     *
     * @param callbacks   callbacks to run, warm-up included
     * @param warmup      callbacks before measuring (allocation and durations)
     * @param periodNanos callback period; 0 runs them back to back
     * @param sendEvery   the UI thread sends a new table about every this many callbacks
     * @param tableFloats floats per table (a power of two, at least 64)
     */
    public record Config(int callbacks, int warmup, long periodNanos, int sendEvery, int tableFloats) {

        /**
         * Validates the configuration.
         *
         * @param callbacks   callbacks to run
         * @param warmup      warm-up callbacks
         * @param periodNanos period
         * @param sendEvery   send interval in callbacks
         * @param tableFloats floats per table
         */
        public Config {
            if (callbacks <= warmup || warmup < 0) {
                throw new IllegalArgumentException("callbacks (" + callbacks + ") must exceed the warm-up (" + warmup
                        + ")");
            }
            if (periodNanos < 0 || sendEvery < 1) {
                throw new IllegalArgumentException("period must be >= 0 and send-every >= 1, got " + periodNanos
                        + " and " + sendEvery);
            }
            if (tableFloats < FRAMES || Integer.bitCount(tableFloats) != 1) {
                throw new IllegalArgumentException("table floats must be a power of two >= " + FRAMES + ", got "
                        + tableFloats);
            }
        }
    }

    /**
     * What one run measured.
     *
     * @param model               the release model
     * @param callbacks           callbacks measured (after warm-up)
     * @param durations           callback durations in ns, after warm-up
     * @param allocatedBytes      heap bytes the callback thread allocated after warm-up
     * @param tablesSent          tables the UI thread made after the initial one
     * @param tablesDestroyed     tables destroyed (heap and off-heap counted once each)
     * @param destroyedOffThread  tables destroyed on a thread other than the collector thread (collector
     *                            models; always 0 for {@code direct}, whose callback destroys them)
     * @param maxDestroyLatencyNanos longest drop-to-destruction time (collector models), 0 for direct
     * @param destroyLatency      drop-to-destruction time of each heap table, in ns (collector models; empty
     *                            for direct)
     * @param collectorStats      the collector's statistics at close
     * @param closeReport         what close left behind
     * @param allocatorLiveBlocks off-heap blocks still allocated after close
     * @param failure             an exception that stopped the run, or null
     */
    public record Result(Model model, long callbacks, Histogram durations, long allocatedBytes, long tablesSent,
                         long tablesDestroyed, long destroyedOffThread, long maxDestroyLatencyNanos, Histogram destroyLatency,
                         CollectorStats collectorStats, CloseReport closeReport, long allocatorLiveBlocks,
                         String failure) {
    }

    /** A table as the callback sees it: the two copies and how to drop each. */
    /**
     * The heap copy of a table, with the time the callback dropped it (for the destruction latency). A plain
     * class, not a record: a record's constant pool holds its component names as a string, which the first C2
     * compilation of an accessor requested by the callback thread would resolve there (an allocation).
     */
    private static final class HeapCopy {
        private final float[] samples;
        private long droppedAt;

        HeapCopy(float[] samples) {
            this.samples = samples;
        }

        float[] samples() {
            return samples;
        }
    }

    private abstract static class Table {
        final float[] heap;
        final long address;
        final HeapCopy copy;

        Table(HeapCopy copy, long address) {
            this.heap = copy.samples();
            this.address = address;
            this.copy = copy;
        }

        /** Stamps the drop time (plain store: published by the hand-over to the collector). */
        final void stamp() {
            copy.droppedAt = System.nanoTime();
        }

        /** Lets go of both copies: what the callback does when it switches to a newer table. */
        abstract void drop();
    }

    /** Collector model: the handles hand the copies to the collector. */
    private static final class HandleTable extends Table {
        private final Arc<HeapCopy> heapHandle;
        private final Arc<Long> offHeapHandle;

        HandleTable(HeapCopy heap, long address, Arc<HeapCopy> heapHandle, Arc<Long> offHeapHandle) {
            super(heap, address);
            this.heapHandle = heapHandle;
            this.offHeapHandle = offHeapHandle;
        }

        @Override
        void drop() {
            stamp();
            heapHandle.close();
            offHeapHandle.close();
        }
    }

    /** Tracking model: closing the handles only decrements; the collector's scan destroys. */
    private static final class TrackedTable extends Table {
        private final Tracked<HeapCopy> heapHandle;
        private final Tracked<Long> offHeapHandle;

        TrackedTable(HeapCopy heap, long address, Tracked<HeapCopy> heapHandle, Tracked<Long> offHeapHandle) {
            super(heap, address);
            this.heapHandle = heapHandle;
            this.offHeapHandle = offHeapHandle;
        }

        @Override
        void drop() {
            stamp();
            heapHandle.close();
            offHeapHandle.close();
        }
    }

    /** Direct model: the dropping thread destroys both copies itself. */
    private static final class DirectTable extends Table {
        private final java.util.function.Consumer<HeapCopy> destroyHeap;
        private final java.util.function.LongConsumer destroyOffHeap;

        DirectTable(HeapCopy heap, long address, java.util.function.Consumer<HeapCopy> destroyHeap,
                    java.util.function.LongConsumer destroyOffHeap) {
            super(heap, address);
            this.destroyHeap = destroyHeap;
            this.destroyOffHeap = destroyOffHeap;
        }

        @Override
        void drop() {
            stamp();
            destroyHeap.accept(copy);
            destroyOffHeap.accept(address);
        }
    }

    /** Single-producer single-consumer mailbox: wait-free and allocation-free on both sides. */
    private static final class Mailbox {
        private static final int SIZE = 16;
        private final AtomicReferenceArray<Table> slots = new AtomicReferenceArray<>(SIZE);
        private final AtomicLong head = new AtomicLong();
        private final AtomicLong tail = new AtomicLong();

        boolean offer(Table t) {
            long i = tail.get();
            if (i - head.get() == SIZE) {
                return false;
            }
            slots.set((int) (i & (SIZE - 1)), t);
            tail.set(i + 1);
            return true;
        }

        Table poll() {
            long h = head.get();
            if (h == tail.get()) {
                return null;
            }
            Table t = slots.getAndSet((int) (h & (SIZE - 1)), null);
            head.set(h + 1);
            return t;
        }
    }

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The audio callback and its state; runs on the callback thread only. */
    private static final class Callback {
        private final float[] out = new float[FRAMES];
        private final int mask;
        private final long period;
        private final Mailbox mailbox;
        private final SharedCell.Reader<float[]> volume;
        private final long[] times;
        private final AtomicLong progress;
        Table current;
        int phase;
        float sink;
        long next = System.nanoTime();

        Callback(Table first, int tableFloats, long period, Mailbox mailbox, SharedCell.Reader<float[]> volume,
                 long[] times, AtomicLong progress) {
            this.current = first;
            this.mask = tableFloats - 1;
            this.period = period;
            this.mailbox = mailbox;
            this.volume = volume;
            this.times = times;
            this.progress = progress;
        }

        /** Runs callbacks {@code from} to {@code to - 1}, each at its period, recording each duration. */
        void run(int from, int to) {
            for (int k = from; k < to; k++) {
                if (period > 0) {
                    while (System.nanoTime() - next < 0) {
                        Thread.onSpinWait(); // the audio driver's wait for the next period
                    }
                    next += period;
                }
                long t0 = System.nanoTime();
                // ---- the callback
                Table t = mailbox.poll();
                if (t != null) {
                    current.drop(); // collector: hands both copies over; direct: destroys them here
                    current = t;
                }
                float vol = volume.get()[0];
                float[] heap = current.heap;
                long address = current.address;
                for (int i = 0; i < FRAMES; i++) {
                    int j = (phase + i) & mask;
                    out[i] = vol * 0.5f * (heap[j] + Float.intBitsToFloat(Memory.getInt(address + 4L * j)));
                }
                phase = (phase + FRAMES) & mask;
                // ---- end of the callback
                long d = System.nanoTime() - t0;
                sink += out[k & (FRAMES - 1)];
                times[k] = d; // a preallocated array: HdrHistogram is filled off the callback thread
                progress.setRelease(k + 1);
            }
        }
    }

    private Synth() {
    }

    /**
     * Runs the synth once with one release model.
     *
     * @param model  who destroys replaced tables
     * @param config the run's configuration
     * @return what was measured
     * @throws InterruptedException if interrupted while waiting for the callback thread
     */
    public static Result run(Model model, Config config) throws InterruptedException {
        int tableFloats = config.tableFloats();
        SlabAllocator slab = SlabAllocator.builder().name("synth-" + model.id()).build();
        RealtimeCollector collector = RealtimeCollector.builder().name("synth-" + model.id())
                .interval(Duration.ofMillis(1)).build();
        AtomicLong destroyed = new AtomicLong();
        AtomicLong offThread = new AtomicLong();
        Thread expected = model == Model.DIRECT ? null : collector.thread();
        Runnable count = () -> {
            if (expected != null && Thread.currentThread() != expected) {
                offThread.incrementAndGet();
            }
            destroyed.incrementAndGet();
        };
        Histogram destroyLatency = new Histogram(TimeUnit.SECONDS.toNanos(100), 3);
        java.util.function.Consumer<HeapCopy> destroyHeap = h -> {
            if (model != Model.DIRECT) { // single writer: the collector thread (then close(), after joining it)
                destroyLatency.recordValue(Math.max(0, Math.min(System.nanoTime() - h.droppedAt,
                        destroyLatency.getHighestTrackableValue())));
            }
            Arrays.fill(h.samples(), 0f); // scrubbed before going back to a pool: the release cost of a heap table
            count.run();
        };
        java.util.function.LongConsumer destroyOffHeap = a -> {
            slab.free(a);
            count.run();
        };
        Tracker<HeapCopy> heapTracker = model == Model.TRACKING ? collector.tracker(destroyHeap) : null;
        Tracker<Long> offTracker = model == Model.TRACKING ? collector.tracker(destroyOffHeap::accept) : null;
        SharedCell<float[]> volume = collector.cell(new float[] {0.5f}, v -> { });
        SharedCell.Reader<float[]> volumeReader = volume.reader();

        float[][] waves = new float[8][tableFloats]; // eight volumes of one sine, computed once
        for (int w = 0; w < waves.length; w++) {
            for (int i = 0; i < tableFloats; i++) {
                waves[w][i] = (float) Math.sin(2 * Math.PI * i * FRAMES / tableFloats) * (w + 1) / 8f;
            }
        }
        java.util.function.IntFunction<Table> make = seed -> {
            HeapCopy heap = new HeapCopy(waves[seed & 7].clone());
            long address = slab.allocate(4L * tableFloats);
            Memory.copyFrom(MemorySegment.ofArray(heap.samples()), 0, address, 4L * tableFloats);
            return switch (model) {
                case COLLECTOR -> {
                    Arc<HeapCopy> h = Arc.of(heap, destroyHeap::accept, collector);
                    Arc<Long> o = Arc.of(address, destroyOffHeap::accept, collector);
                    yield new HandleTable(heap, address, h, o);
                }
                case TRACKING -> {
                    Tracked<HeapCopy> h = heapTracker.track(heap);
                    Tracked<Long> o = offTracker.track(address);
                    yield new TrackedTable(heap, address, h, o);
                }
                case DIRECT -> new DirectTable(heap, address, destroyHeap, destroyOffHeap);
            };
        };

        long[] times = new long[config.callbacks()];
        Mailbox mailbox = new Mailbox();
        AtomicLong progress = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        long[] allocated = new long[1];
        Table first = make.apply(0);
        int callbacks = config.callbacks();
        int warmup = config.warmup();
        long period = config.periodNanos();

        Callback cb = new Callback(first, tableFloats, period, mailbox, volumeReader, times, progress);
        Thread callback = Thread.ofPlatform().name("synth-callback").unstarted(() -> {
            long tid = Thread.currentThread().threadId();
            MX.getThreadAllocatedBytes(tid); // links the call before measuring
            try {
                // Warm-up in two calls: the second one replays what the measured call goes through (entering the
                // loop interpreted again after the first call's compiled loop exited), so that every C2
                // compilation this thread requests (HotSpot resolves the string constants of the compiled
                // method's class on the requesting thread: Java heap allocation) happens before measuring.
                cb.run(0, warmup / 2);
                cb.run(warmup / 2, warmup);
                allocated[0] = MX.getThreadAllocatedBytes(tid);
                cb.run(warmup, callbacks);
                allocated[0] = MX.getThreadAllocatedBytes(tid) - allocated[0];
                volumeReader.close();
                cb.current.drop();
                if (cb.sink == Float.MIN_VALUE) {
                    System.out.print(""); // keeps the mix from being optimised away
                }
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            } finally {
                progress.set(Long.MAX_VALUE);
            }
        });

        long sent = 0;
        callback.start();
        long lastSent = 0;
        long sleep = period > 0 ? period : 20_000;
        while (true) {
            long k = progress.getAcquire();
            if (k == Long.MAX_VALUE) {
                break;
            }
            if (k - lastSent >= config.sendEvery()) {
                Table t = make.apply((int) sent + 1);
                sent++;
                lastSent = k;
                if (!mailbox.offer(t)) { // the callback is behind: drop the table unseen (the UI owns it)
                    t.drop();
                }
                if (sent % 64 == 0) {
                    volume.set(new float[] {0.25f + (sent % 128) / 256f});
                }
            } else {
                LockSupport.parkNanos(sleep);
            }
        }
        callback.join();
        Histogram durations = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long highest = durations.getHighestTrackableValue();
        for (int k = config.warmup(); k < config.callbacks(); k++) {
            durations.recordValue(Math.min(Math.max(times[k], 0), highest));
        }
        Table left;
        while ((left = mailbox.poll()) != null) {
            left.drop();
        }
        long expectedDestroyed = 2 * (sent + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (destroyed.get() < expectedDestroyed && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        volume.close();
        CloseReport report = collector.close(Duration.ofSeconds(5));
        CollectorStats stats = collector.stats();
        long live = slab.stats().liveBlocks();
        slab.close();
        Throwable e = error.get();
        return new Result(model, callbacks - warmup, durations, allocated[0], sent, destroyed.get(), offThread.get(),
                model == Model.DIRECT ? 0 : stats.maxLatencyNanos(), destroyLatency, stats, report, live,
                e == null ? null : e.toString());
    }
}

package dev.reclaim.realtime;

import dev.reclaim.arc.Arc;
import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The realtime promises, end to end: a simulated audio callback (48 kHz, 64 frames, run faster than real time)
 * receives a new heap sample buffer and a new off-heap one every few callbacks from a UI thread, reads a
 * volume from a {@link SharedCell}, and drops the buffers it replaces. Checked: the callback thread allocates
 * nothing after warm-up, never parks or waits on a monitor (JFR events, with a negative control), every buffer
 * is destroyed on the collector thread, and everything is destroyed after close.
 */
class AudioCallbackTest {

    static final int FRAMES = 64;
    static final int TABLE = 512;
    static final int WARMUP = 10_000;
    /** Callback period in the test: 20 us, about 66x faster than real time (64 / 48 kHz = 1333 us). */
    static final long PERIOD_NANOS = 20_000;
    static final int SEND_EVERY = 4;
    /**
     * Buffers the UI thread must have sent for a run to mean something. On a loaded machine the UI thread is
     * descheduled while the callback thread catches up on late periods back to back, so the callbacks go on (in
     * steps of {@link #EXTRA_STEP}, for at most {@link #EXTRA_NANOS}) until the UI thread has sent this many.
     */
    static final int MIN_SENT = 500;
    static final int EXTRA_STEP = 1_000;
    static final long EXTRA_NANOS = 60_000_000_000L;

    /**
     * What the UI thread sends: the two buffers and how to drop each (an Arc or Tracked close). A plain class,
     * not a record: a record's constant pool holds its component names as a string, which the first C2
     * compilation of an accessor requested by the callback thread would resolve there (an allocation).
     */
    static final class Buffers {
        final float[] heap;
        final long address;
        final Runnable dropHeap;
        final Runnable dropOffHeap;

        Buffers(float[] heap, long address, Runnable dropHeap, Runnable dropOffHeap) {
            this.heap = heap;
            this.address = address;
            this.dropHeap = dropHeap;
            this.dropOffHeap = dropOffHeap;
        }
    }

    /** The simulated audio callback and its state; runs on the callback thread only. */
    static final class Callback {
        private final float[] out = new float[FRAMES];
        private final Mailbox mailbox;
        private final SharedCell.Reader<float[]> volume;
        private final AtomicLong done;
        private final boolean park;
        Buffers current;
        int phase;
        float sink;
        long next = System.nanoTime();

        Callback(Buffers first, Mailbox mailbox, SharedCell.Reader<float[]> volume, AtomicLong done, boolean park) {
            this.current = first;
            this.mailbox = mailbox;
            this.volume = volume;
            this.done = done;
            this.park = park;
        }

        void run(int from, int to) {
            for (int k = from; k < to; k++) {
                while (System.nanoTime() - next < 0) {
                    Thread.onSpinWait(); // waiting for the next period is the audio driver's job, not a lock
                }
                next += PERIOD_NANOS;
                // ---- the callback
                Buffers b = mailbox.poll();
                if (b != null) {
                    current.dropHeap.run();
                    current.dropOffHeap.run();
                    current = b;
                }
                float vol = volume.get()[0];
                float[] heap = current.heap;
                long address = current.address;
                for (int i = 0; i < FRAMES; i++) {
                    int j = (phase + i) & (TABLE - 1);
                    out[i] = vol * (heap[j] + Float.intBitsToFloat(Memory.getInt(address + 4L * j)));
                }
                phase = (phase + FRAMES) & (TABLE - 1);
                sink += out[k & (FRAMES - 1)];
                if (park && k % 1000 == 999) {
                    LockSupport.parkNanos(1000); // the negative control: a callback that waits
                }
                done.setRelease(k + 1);
                // ---- end of the callback
            }
        }
    }

    /** A single-producer single-consumer mailbox: allocation-free and wait-free on both sides. */
    static final class Mailbox {
        private final AtomicReferenceArray<Buffers> slots = new AtomicReferenceArray<>(16);
        private final AtomicLong head = new AtomicLong();
        private final AtomicLong tail = new AtomicLong();

        boolean offer(Buffers b) {
            long t = tail.get();
            if (t - head.get() == slots.length()) {
                return false;
            }
            slots.set((int) (t & 15), b);
            tail.set(t + 1);
            return true;
        }

        Buffers poll() {
            long h = head.get();
            if (h == tail.get()) {
                return null;
            }
            Buffers b = slots.getAndSet((int) (h & 15), null);
            head.set(h + 1);
            return b;
        }
    }

    /** What a run measured. */
    record Result(long callbacks, long allocatedAfterWarmup, long sent, long waitEvents, List<String> waits,
                  Set<String> destroyers,
                  long destroyed, long allocatorLiveAfterClose, CloseReport closeReport, String failure) {
    }

    enum Model { COLLECTOR, TRACKER }

    @Test
    void collectorModelCallbackNeverAllocatesWaitsOrDestroys() throws Exception {
        Result r = run(Model.COLLECTOR, 60_000, false);
        assertPromisesHold(r);
    }

    @Test
    void trackingModelCallbackNeverAllocatesWaitsOrDestroys() throws Exception {
        Result r = run(Model.TRACKER, 45_000, false);
        assertPromisesHold(r);
    }

    @Test
    void theWaitDetectorSeesACallbackThatParks() throws Exception {
        Result r = run(Model.COLLECTOR, 12_000, true);
        assertTrue(r.waitEvents() > 0, "the negative control parked, yet no park event was recorded: " + r);
    }

    private static void assertPromisesHold(Result r) {
        System.out.println(r);
        assertNull(r.failure(), r.failure());
        assertEquals(0, r.allocatedAfterWarmup(), "callback thread allocated after warm-up: " + r);
        assertEquals(0, r.waitEvents(), "callback thread parked or waited on a monitor: " + r);
        assertTrue(r.sent() >= MIN_SENT, "the UI thread sent too few buffers for the test to mean much: " + r);
        assertEquals(Set.of("collector"), r.destroyers(), "buffers destroyed off the collector thread: " + r);
        assertEquals(2 * r.sent() + 2, r.destroyed(), "every buffer (2 per message + 2 initial) destroyed: " + r);
        assertTrue(r.closeReport().clean(), r.toString());
        assertEquals(0, r.allocatorLiveAfterClose(), "off-heap blocks left after close: " + r);
    }

    private static Result run(Model model, int callbacks, boolean parkInCallback) throws Exception {
        Path jfr = Files.createTempFile("reclaim-audio", ".jfr");
        SlabAllocator slab = SlabAllocator.builder().name("audio").build();
        RealtimeCollector collector = RealtimeCollector.builder().name("audio")
                .interval(Duration.ofMillis(1)).build();
        Set<String> destroyers = ConcurrentHashMap.newKeySet();
        AtomicLong destroyed = new AtomicLong();
        Runnable recordDestroyer = () -> {
            destroyers.add(Thread.currentThread() == collector.thread() ? "collector"
                    : Thread.currentThread().getName());
            destroyed.incrementAndGet();
        };
        Tracker<float[]> heapTracker = collector.tracker(b -> recordDestroyer.run());
        Tracker<Long> offTracker = collector.tracker(a -> {
            slab.free(a);
            recordDestroyer.run();
        });
        SharedCell<float[]> volume = collector.cell(new float[] {0.5f}, v -> { });
        SharedCell.Reader<float[]> volumeReader = volume.reader();
        Mailbox mailbox = new Mailbox();
        AtomicLong done = new AtomicLong();
        AtomicLong sentSoFar = new AtomicLong(); // written by the UI thread, polled by the callback thread
        long[] ran = new long[1];
        AtomicReference<Throwable> error = new AtomicReference<>();
        long[] allocated = new long[1];
        java.time.Instant[] span = new java.time.Instant[2];

        java.util.function.IntFunction<Buffers> make = seed -> {
            float[] heap = new float[TABLE];
            long address = slab.allocate(4L * TABLE);
            for (int i = 0; i < TABLE; i++) {
                float s = (float) Math.sin(2 * Math.PI * i / TABLE) * (seed % 7 + 1) / 8f;
                heap[i] = s;
                Memory.putInt(address + 4L * i, Float.floatToRawIntBits(s));
            }
            if (model == Model.COLLECTOR) {
                Arc<float[]> h = Arc.of(heap, b -> recordDestroyer.run(), collector);
                Arc<Long> o = Arc.of(address, a -> {
                    slab.free(a);
                    recordDestroyer.run();
                }, collector);
                return new Buffers(heap, address, h::close, o::close);
            }
            Tracked<float[]> h = heapTracker.track(heap);
            Tracked<Long> o = offTracker.track(address);
            return new Buffers(heap, address, h::close, o::close);
        };

        Buffers first = make.apply(0);
        Callback cb = new Callback(first, mailbox, volumeReader, done, parkInCallback);
        Thread callback = Thread.ofPlatform().name("audio-callback").unstarted(() -> {
            try {
                HeapAllocation.currentThread(); // links the call before measuring
                span[0] = java.time.Instant.now(); // the callbacks start: waits before this are thread start-up
                // warm-up in two calls: the second replays what the measured call goes through (re-entering the
                // loop after the first call's compiled loop exited), so that the C2 compilations this thread
                // requests, which resolve string constants on it, happen before measuring
                cb.run(0, WARMUP / 2);
                cb.run(WARMUP / 2, WARMUP);
                allocated[0] = HeapAllocation.currentThread();
                cb.run(WARMUP, callbacks);
                int k = callbacks;
                long giveUp = System.nanoTime() + EXTRA_NANOS;
                while (sentSoFar.getAcquire() < MIN_SENT && System.nanoTime() - giveUp < 0) { // acquire: the UI's count
                    cb.run(k, k + EXTRA_STEP);
                    k += EXTRA_STEP;
                }
                ran[0] = k;
                allocated[0] = HeapAllocation.currentThread() - allocated[0];
                span[1] = java.time.Instant.now(); // the callbacks end: reader close and drops below may lock
                volumeReader.close();
                cb.current.dropHeap.run();
                cb.current.dropOffHeap.run();
                if (cb.sink == 42.4242f) {
                    System.out.println("unlikely");
                }
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            } finally {
                done.set(Long.MAX_VALUE);
            }
        });

        long sent = 0;
        long tid;
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ThreadPark").withThreshold(Duration.ZERO);
            rec.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO);
            rec.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO);
            rec.start();
            callback.start();
            tid = callback.threadId();
            long lastSent = 0;
            while (true) {
                long k = done.getAcquire();
                if (k == Long.MAX_VALUE) {
                    break;
                }
                if (k - lastSent >= SEND_EVERY) {
                    Buffers b = make.apply((int) sent + 1);
                    if (mailbox.offer(b)) {
                        sent++;
                        sentSoFar.setRelease(sent); // release: read by the callback thread's extension loop
                        lastSent = k;
                        if (sent % 64 == 0) {
                            volume.set(new float[] {(sent % 128) / 128f});
                        }
                    } else {
                        b.dropHeap.run();
                        b.dropOffHeap.run();
                        sent++; // dropped unseen by the callback: still two buffers to destroy
                        sentSoFar.setRelease(sent); // release: as above
                    }
                } else {
                    LockSupport.parkNanos(PERIOD_NANOS); // the UI thread may sleep; ~every few callbacks
                }
            }
            callback.join();
            Buffers left;
            while ((left = mailbox.poll()) != null) {
                left.dropHeap.run();
                left.dropOffHeap.run();
            }
            rec.stop();
            rec.dump(jfr);
        }
        long waitEvents;
        List<String> waits;
        try {
            List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
            waits = events.stream()
                    .filter(e -> e.getThread() != null && e.getThread().getJavaThreadId() == tid)
                    .filter(e -> span[0] != null && span[1] != null && !e.getStartTime().isBefore(span[0])
                            && !e.getStartTime().isAfter(span[1]))
                    .map(e -> e.getEventType().getName() + " at " + (e.getStackTrace() == null ? "?"
                            : e.getStackTrace().getFrames().stream().limit(6)
                            .map(fr -> fr.getMethod().getType().getName() + "." + fr.getMethod().getName())
                            .toList()))
                    .toList();
            waitEvents = waits.size();
        } finally {
            Files.deleteIfExists(jfr);
        }
        // every message dropped: wait for the collector thread to destroy them all before closing
        long expected = 2 * sent + 2;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (destroyed.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        volume.close();
        CloseReport report = collector.close(Duration.ofSeconds(5));
        long live = slab.stats().liveBlocks();
        slab.close();
        Throwable t = error.get();
        return new Result(ran[0], allocated[0], sent, waitEvents, waits, Set.copyOf(destroyers), destroyed.get(),
                live, report, t == null ? null : t.toString());
    }
}

package dev.reclaim.bench.scale;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.HdrHistogram.Histogram;

/**
 * One scale configuration in its own JVM: prefill, warm up, measure the mix, then measure the memory and
 * close. Writes its figures as a properties file; {@link ScaleCommand} starts it.
 *
 * <p>Arguments: {@code resultFile peer size zipf threads durationMs seed}.
 */
public final class ScaleFork {

    private static final int OPS_PER_THREAD = 1 << 20; // drawn up front, replayed cyclically

    private ScaleFork() {
    }

    /**
     * Runs one configuration.
     *
     * @param args {@code resultFile peer size zipf threads durationMs seed}
     * @throws Exception if the run fails (the parent records the error from the log)
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String peer = args[1];
        long size = Long.parseLong(args[2]);
        double zipf = Double.parseDouble(args[3]);
        int threads = Integer.parseInt(args[4]);
        long durationMs = Long.parseLong(args[5]);
        long seed = Long.parseLong(args[6]);
        Properties p = new Properties();
        long range = size * 2;

        ScaleKeys[] mixes = new ScaleKeys[threads];
        for (int t = 0; t < threads; t++) {
            mixes[t] = ScaleKeys.draw(OPS_PER_THREAD, range, zipf, seed + t);
        }
        fullGc();
        long rss0 = rssBytes();
        long heap0 = heapUsed();

        ScaleMap map = ScalePeers.create(peer, size, range);
        long f0 = System.nanoTime();
        Histogram fillLatency = fill(map, size, threads);
        long fillNs = System.nanoTime() - f0;
        p.setProperty("fillP50us", fmt(fillLatency.getValueAtPercentile(50) / 1e3));
        p.setProperty("fillP99us", fmt(fillLatency.getValueAtPercentile(99) / 1e3));
        p.setProperty("fillP999us", fmt(fillLatency.getValueAtPercentile(99.9) / 1e3));
        p.setProperty("fillP9999us", fmt(fillLatency.getValueAtPercentile(99.99) / 1e3));
        p.setProperty("fillMaxUs", fmt(fillLatency.getMaxValue() / 1e3));
        p.setProperty("fillSeconds", fmt(fillNs / 1e9));
        p.setProperty("sizeAfterFill", Long.toString(map.size()));

        run(map, mixes, 1000, null); // warm-up
        fullGc();
        long rss1 = rssBytes();
        long heap1 = heapUsed();
        p.setProperty("rssPerEntry", fmt((rss1 - rss0) / (double) size));
        p.setProperty("heapPerEntry", fmt((heap1 - heap0) / (double) size));
        long alloc = map.allocatorBytes();
        p.setProperty("allocatorPerEntry", alloc < 0 ? "" : fmt(alloc / (double) size));

        GcWatch gc = new GcWatch();
        Histogram h = new Histogram(60_000_000_000L, 3);
        long[] counts = run(map, mixes, durationMs, h);
        gc.stop();
        double seconds = counts[1] / 1e9;
        p.setProperty("opsPerSecond", fmt(counts[0] / seconds));
        p.setProperty("p50us", fmt(h.getValueAtPercentile(50) / 1e3));
        p.setProperty("p99us", fmt(h.getValueAtPercentile(99) / 1e3));
        p.setProperty("p999us", fmt(h.getValueAtPercentile(99.9) / 1e3));
        p.setProperty("p9999us", fmt(h.getValueAtPercentile(99.99) / 1e3));
        p.setProperty("maxus", fmt(h.getMaxValue() / 1e3));
        p.setProperty("heapBytesPerOp", fmt(counts[2] / (double) counts[0]));
        p.setProperty("gcCount", Long.toString(gc.count()));
        p.setProperty("gcTotalMs", fmt(gc.totalMs()));
        p.setProperty("gcMaxPauseMs", fmt(gc.maxPauseMs()));
        p.setProperty("sizeAfterRun", Long.toString(map.size()));

        map.close();
        fullGc();
        p.setProperty("rssAfterCloseMiB", fmt((rssBytes() - rss0) / 1048576.0));
        long live = map.liveBlocksAfterClose();
        p.setProperty("liveBlocksAfterClose", live < 0 ? "" : Long.toString(live));
        p.setProperty("ok", "true");
        try (Writer w = Files.newBufferedWriter(out)) {
            p.store(w, peer + " " + size);
        }
    }

    /**
     * Prefills; returns the latency of every put (HdrHistogram, 3 significant digits, as the measured window),
     * which includes every resize a map does while it grows. The keys are computed and the histograms made
     * before the timed calls; recording allocates nothing.
     */
    private static Histogram fill(ScaleMap map, long size, int threads) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        Histogram[] hs = new Histogram[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Histogram h = new Histogram(600_000_000_000L, 3);
            hs[t] = h;
            ts.add(Thread.ofPlatform().start(() -> {
                for (long j = id; j < size; j += threads) {
                    long k = ScaleKeys.key(2 * j); // the even indices: half the range
                    long t0 = System.nanoTime();
                    map.put(k, j);
                    h.recordValue(System.nanoTime() - t0);
                }
            }));
        }
        Histogram merged = new Histogram(600_000_000_000L, 3);
        for (int t = 0; t < threads; t++) {
            ts.get(t).join();
            merged.add(hs[t]);
        }
        return merged;
    }

    /** Runs the mix on every thread for {@code ms}; returns {ops, elapsed ns, heap bytes allocated}. */
    private static long[] run(ScaleMap map, ScaleKeys[] mixes, long ms, Histogram merged) throws Exception {
        int threads = mixes.length;
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        AtomicLong allocated = new AtomicLong();
        Histogram[] hs = new Histogram[threads];
        List<Thread> ts = new ArrayList<>();
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int t = 0; t < threads; t++) {
            Histogram h = merged == null ? null : new Histogram(60_000_000_000L, 3);
            hs[t] = h;
            ScaleKeys m = mixes[t];
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long a0 = tmx.getCurrentThreadAllocatedBytes();
                long n = 0;
                int mask = m.keys.length - 1;
                long sink = 0;
                while (!stop.get()) {
                    for (int b = 0; b < 256; b++, n++) {
                        int i = (int) (n & mask);
                        long k = m.keys[i];
                        long t0 = h == null ? 0 : System.nanoTime();
                        switch (m.ops[i]) {
                            case ScaleKeys.GET -> sink += map.get(k, 0);
                            case ScaleKeys.PUT -> map.put(k, n);
                            default -> map.remove(k);
                        }
                        if (h != null) {
                            h.recordValue(System.nanoTime() - t0);
                        }
                    }
                }
                allocated.addAndGet(tmx.getCurrentThreadAllocatedBytes() - a0);
                ops.addAndGet(n + (sink == 42 ? 1 : 0));
            }));
        }
        start.await();
        long t0 = System.nanoTime();
        Thread.sleep(ms);
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (merged != null) {
            for (Histogram h : hs) {
                merged.add(h);
            }
        }
        return new long[] {ops.get(), elapsed, allocated.get()};
    }

    /** Collections and pauses from the GC MXBeans' notifications (concurrent cycles are not pauses). */
    private static final class GcWatch {
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong totalMs = new AtomicLong();
        private final AtomicLong maxMs = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = (n, hb) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            GarbageCollectionNotificationInfo i = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            String name = i.getGcName();
            if (name.contains("Concurrent") || name.contains("Cycles")) {
                return; // G1's concurrent cycle, ZGC's cycles: not stop-the-world
            }
            long ms = i.getGcInfo().getDuration();
            count.incrementAndGet();
            totalMs.addAndGet(ms);
            maxMs.accumulateAndGet(ms, Math::max);
        };

        GcWatch() {
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (b instanceof NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
        }

        void stop() throws Exception {
            Thread.sleep(200); // notifications are delivered asynchronously
            for (NotificationEmitter e : emitters) {
                e.removeNotificationListener(listener);
            }
        }

        long count() {
            return count.get();
        }

        double totalMs() {
            return totalMs.get();
        }

        double maxPauseMs() {
            return maxMs.get();
        }
    }

    private static void fullGc() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS from /proc/self/status, in bytes (0 where there is no /proc). */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

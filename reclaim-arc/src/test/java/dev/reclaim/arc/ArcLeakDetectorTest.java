package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.realtime.CloseReport;
import dev.reclaim.realtime.RealtimeCollector;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The opt-in leak detector: reports a dropped handle with its allocation site and releases it anyway. */
class ArcLeakDetectorTest {

    @AfterEach
    void off() {
        ArcLeakDetector.setSamplingRate(0);
        ArcLeakDetector.setListener(ArcLeakDetector.LOG);
    }

    @Test
    void theDefaultListenerLogsAWarningThroughSystemLoggerWithTheSite() throws Exception {
        // System.Logger's default backend is java.util.logging: capture what reaches logger "dev.reclaim.arc"
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.reclaim.arc");
        ConcurrentLinkedQueue<java.util.logging.LogRecord> records = new ConcurrentLinkedQueue<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
        try {
            ArcLeakDetector.setListener(ArcLeakDetector.LOG);
            ArcLeakDetector.setSamplingRate(1.0);
            AtomicInteger released = new AtomicInteger();
            leakOne(released);
            gcUntilReleased(released);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (records.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            java.util.logging.LogRecord r = records.peek();
            assertTrue(r != null, "no log record from the leak detector");
            assertEquals(java.util.logging.Level.WARNING, r.getLevel());
            assertTrue(r.getMessage().startsWith("Arc<java.lang.String> was never released"), r.getMessage());
            assertTrue(java.util.Arrays.stream(r.getThrown().getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("leakOne")), "the logged throwable is the creation site");
        } finally {
            jul.removeHandler(capture);
            jul.setUseParentHandlers(true);
        }
    }

    private static void leakOne(AtomicInteger released) {
        Arc<String> a = Arc.of("leaked", v -> released.incrementAndGet());
        a.retain().close(); // used, then the handle is dropped without close()
    }

    /** Tracks every new handle; returns where the reports go. */
    private static ConcurrentLinkedQueue<ArcLeak> sampleEveryHandle() {
        ConcurrentLinkedQueue<ArcLeak> leaks = new ConcurrentLinkedQueue<>();
        ArcLeakDetector.setListener(leaks::add);
        ArcLeakDetector.setSamplingRate(1.0);
        return leaks;
    }

    /** Runs the GC until {@code released} counts one release, for at most 10 s. */
    private static void gcUntilReleased(AtomicInteger released) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (released.get() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
    }

    @Test
    void droppedHandleIsReportedWithItsSiteAndReleased() throws Exception {
        ConcurrentLinkedQueue<ArcLeak> leaks = sampleEveryHandle();
        AtomicInteger released = new AtomicInteger();
        leakOne(released);
        gcUntilReleased(released);
        assertEquals(1, released.get(), "the detector releases a leaked handle");
        ArcLeak leak = leaks.peek();
        assertTrue(leak != null && leak.valueType().equals("java.lang.String"));
        assertTrue(leak.describe().contains("leakOne"), leak.describe());
    }

    @Test
    void closedHandlesAreNotReported() throws Exception {
        ConcurrentLinkedQueue<ArcLeak> leaks = sampleEveryHandle();
        AtomicInteger released = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            Arc<String> a = Arc.of("ok", v -> released.incrementAndGet());
            a.retain().close();
            a.close();
            assertThrows(IllegalStateException.class, a::close);
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(100, released.get());
        assertTrue(leaks.isEmpty(), () -> "false report: " + leaks.peek().describe());
    }

    /**
     * Collector-bound handles are closed on realtime threads, where a sampled close (the Cleaner's
     * deregistration takes a lock) must not happen: they are never sampled, and the collector's close report
     * counts their leaks instead.
     */
    @Test
    void collectorBoundHandlesAreNotSampledTheirLeaksShowInTheCloseReport() throws Exception {
        ConcurrentLinkedQueue<ArcLeak> leaks = sampleEveryHandle();
        RealtimeCollector collector = RealtimeCollector.builder().ownThread(false).build();
        AtomicInteger released = new AtomicInteger();
        Arc.of("leaked", v -> released.incrementAndGet(), collector).retain().close(); // both handles dropped
        AtomicInteger control = new AtomicInteger();
        leakOne(control); // sampled: proves the GC below is enough for the detector to act
        gcUntilReleased(control);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            collector.collect();
        }
        assertEquals(1, control.get(), "the sampled control handle was not found: the GC did not run");
        assertEquals(1, leaks.size(), () -> "reports: " + leaks.stream().map(ArcLeak::describe).toList());
        assertEquals(0, released.get(), "a collector-bound handle was sampled and released by the detector");
        CloseReport report = collector.close(Duration.ZERO);
        assertEquals(1, report.notDestroyed(), "the collector's close report names the leaked value: " + report);
    }

    @Test
    void detectorIsOffByDefaultAndRejectsBadRates() {
        assertEquals(0.0, ArcLeakDetector.samplingRate());
        assertThrows(IllegalArgumentException.class, () -> ArcLeakDetector.setSamplingRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> ArcLeakDetector.setSamplingRate(Double.NaN));
        assertThrows(NullPointerException.class, () -> ArcLeakDetector.setListener(null));
    }
}

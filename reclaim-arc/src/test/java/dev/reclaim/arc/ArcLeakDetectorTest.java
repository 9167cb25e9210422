package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The opt-in leak detector: reports a dropped handle with its allocation site and releases it anyway. */
class ArcLeakDetectorTest {

    @AfterEach
    void off() {
        ArcLeakDetector.setSamplingRate(0);
        ArcLeakDetector.setListener(leak -> System.err.println(leak.describe()));
    }

    private static void leakOne(AtomicInteger released) {
        Arc<String> a = Arc.of("leaked", v -> released.incrementAndGet());
        a.retain().close(); // used, then the handle is dropped without close()
    }

    @Test
    void droppedHandleIsReportedWithItsSiteAndReleased() throws Exception {
        ConcurrentLinkedQueue<ArcLeak> leaks = new ConcurrentLinkedQueue<>();
        ArcLeakDetector.setListener(leaks::add);
        ArcLeakDetector.setSamplingRate(1.0);
        AtomicInteger released = new AtomicInteger();
        leakOne(released);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (released.get() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1, released.get(), "the detector releases a leaked handle");
        ArcLeak leak = leaks.peek();
        assertTrue(leak != null && leak.valueType().equals("java.lang.String"));
        assertTrue(leak.describe().contains("leakOne"), leak.describe());
    }

    @Test
    void closedHandlesAreNotReported() throws Exception {
        ConcurrentLinkedQueue<ArcLeak> leaks = new ConcurrentLinkedQueue<>();
        ArcLeakDetector.setListener(leaks::add);
        ArcLeakDetector.setSamplingRate(1.0);
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

    @Test
    void detectorIsOffByDefaultAndRejectsBadRates() {
        assertEquals(0.0, ArcLeakDetector.samplingRate());
        assertThrows(IllegalArgumentException.class, () -> ArcLeakDetector.setSamplingRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> ArcLeakDetector.setSamplingRate(Double.NaN));
        assertThrows(NullPointerException.class, () -> ArcLeakDetector.setListener(null));
    }
}

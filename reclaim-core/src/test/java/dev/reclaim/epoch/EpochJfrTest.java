package dev.reclaim.epoch;

import dev.reclaim.Guard;
import dev.reclaim.epoch.EpochTesting.CountingDeleter;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JFR events: a slow guard, and reclaimed batches. */
class EpochJfrTest {

    @Test
    void slowGuardAndReclaimBatchEventsAreRecorded() throws Exception {
        Path file = Files.createTempFile("reclaim-epoch", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("dev.reclaim.epoch.SlowGuard");
            rec.enable("dev.reclaim.epoch.Reclaim");
            rec.start();
            CountingDeleter d = new CountingDeleter(1, 24);
            try (EpochReclaimer r = EpochReclaimer.builder().name("jfr").slowGuardThreshold(Duration.ofMillis(10))
                    .build()) {
                CountDownLatch entered = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Thread slow = Thread.ofPlatform().name("slow-reader").start(() -> {
                    try (Guard g = r.enter()) {
                        entered.countDown();
                        release.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                entered.await();
                r.flush(); // advances once
                Thread.sleep(30);
                r.flush(); // blocked by the slow reader for 30 ms > 10 ms
                r.flush(); // once per pin: no second event
                release.countDown();
                slow.join();
                r.retire(1, d);
                r.synchronize();
            }
            rec.stop();
            rec.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            long slowEvents = events.stream().filter(e -> e.getEventType().getName().equals("dev.reclaim.epoch.SlowGuard")
                    && "slow-reader".equals(e.getString("thread")) && "jfr".equals(e.getString("reclaimer"))
                    && e.getLong("age") >= 10_000_000L).count();
            assertTrue(slowEvents == 1, "one slow guard event expected, got " + slowEvents + " in " + events);
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.reclaim.epoch.Reclaim")
                    && "jfr".equals(e.getString("reclaimer")) && e.getInt("count") >= 1), events.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RwLockTest {

    @Test
    void readersShareWritersExclude() {
        RwLock l = new RwLock();
        assertTrue(l.tryRead());
        assertTrue(l.tryRead());
        assertEquals(2, l.readers());
        assertFalse(l.tryWrite());
        l.unlockRead();
        l.unlockRead();
        assertTrue(l.tryWrite());
        assertFalse(l.tryRead());
        assertTrue(l.isWriteLocked());
        l.unlockWrite();
    }

    @Test
    void misuseThrows() throws Exception {
        RwLock l = new RwLock();
        assertThrows(IllegalStateException.class, l::unlockRead);
        assertThrows(IllegalStateException.class, l::unlockWrite);
        l.write();
        assertThrows(IllegalStateException.class, l::unlockRead);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                l.unlockWrite();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertTrue(thrown.get() instanceof IllegalStateException, "unlockWrite by a non-owner: " + thrown.get());
        l.unlockWrite();
    }

    @Test
    void waitingWriterBlocksNewReaders() throws Exception {
        RwLock l = new RwLock();
        l.read();
        AtomicBoolean wrote = new AtomicBoolean();
        Thread w = Thread.ofPlatform().start(() -> {
            try (RwLockWriteGuard g = l.write()) {
                wrote.set(true);
            }
        });
        SyncTesting.awaitParked(w);
        assertFalse(l.tryRead(), "a new reader must not enter while a writer waits");
        l.unlockRead();
        w.join();
        assertTrue(wrote.get());
        assertTrue(l.tryRead());
        l.unlockRead();
    }

    /** Readers see a == b always; writers are alone; readers overlap each other. */
    @Test
    void readersNeverSeeAHalfDoneWriteAndWritersAreAlone() throws Exception {
        RwLock l = new RwLock();
        long[] pair = new long[2];
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxReaders = new AtomicInteger();
        SyncTesting.runThreads(4, i -> {
            for (int k = 0; k < 20_000; k++) {
                if (i == 0 || (i == 1 && k % 4 == 0)) {
                    try (RwLockWriteGuard g = l.write()) {
                        assertEquals(0, inside.getAndAdd(1000), "a writer found someone inside");
                        pair[0]++;
                        pair[1]++;
                        inside.addAndGet(-1000);
                    }
                } else {
                    try (RwLockReadGuard g = l.read()) {
                        int now = inside.incrementAndGet();
                        assertTrue(now < 1000, "a reader found a writer inside");
                        maxReaders.accumulateAndGet(now, Math::max);
                        assertEquals(pair[0], pair[1], "torn write seen by a reader");
                        inside.decrementAndGet();
                    }
                }
            }
        });
        assertEquals(pair[0], pair[1]);
        assertEquals(20_000 + 5_000, pair[0]);
    }

    /**
     * Two readers hold the lock in overlapping turns so that it is never free of readers; a writer must still get
     * in (it blocks new readers). Bound: 10 s, generous: this checks progress, not speed.
     */
    @Test
    void writerGetsInUnderContinuousReaders() throws Exception {
        RwLock l = new RwLock();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        Thread[] readers = new Thread[3];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (RwLockReadGuard g = l.read()) {
                        reads.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            });
        }
        SyncTesting.awaitTrue("readers running", () -> reads.get() > 10_000);
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 10; i++) {
                try (RwLockWriteGuard g = l.write()) {
                    wrote.set(true);
                }
            }
        });
        writer.join(TimeUnit.SECONDS.toMillis(10));
        boolean finished = !writer.isAlive();
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        writer.join();
        assertTrue(finished && wrote.get(), "a writer starved for 10 s under continuous readers");
    }
}

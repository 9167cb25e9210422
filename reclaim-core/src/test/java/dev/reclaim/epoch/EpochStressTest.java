package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * With the smallest bags and an advance attempt on every pin (the test seams), threads swap ids in and out of
 * shared cells and retire the old ones, while reading: an id read inside a guard must never be freed before
 * that guard closes, and every retired id must be freed exactly once.
 */
class EpochStressTest {
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 60_000;
    private static final int CELLS = 8;

    @Test
    void protectedIdIsNeverFreedWhileItsGuardIsOpen() throws Exception {
        int maxId = CELLS + THREADS * OPS_PER_THREAD + 1;
        AtomicLongArray freed = new AtomicLongArray(maxId + 1);
        AtomicLongArray cells = new AtomicLongArray(CELLS);
        AtomicLong nextId = new AtomicLong(1);
        AtomicLong useAfterFree = new AtomicLong();
        AtomicLong doubleFree = new AtomicLong();
        AtomicInteger retired = new AtomicInteger();
        for (int c = 0; c < CELLS; c++) {
            cells.set(c, nextId.getAndIncrement());
        }
        Deleter markFreed = id -> {
            if (freed.getAndIncrement((int) id) != 0) {
                doubleFree.incrementAndGet();
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (EpochReclaimer r = EpochReclaimer.builder().bagCapacity(2).advanceEvery(1).build()) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 42 + t;
                ts.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                    try {
                        Random rnd = new Random(seed);
                        for (int i = 0; i < OPS_PER_THREAD; i++) {
                            int c = rnd.nextInt(CELLS);
                            try (Guard g = r.enter()) {
                                if (rnd.nextInt(4) == 0) {
                                    long fresh = nextId.getAndIncrement();
                                    long old = cells.getAndSet(c, fresh); // unlink old
                                    g.retire(old, markFreed);
                                    retired.incrementAndGet();
                                } else {
                                    long id = cells.getAcquire(c); // the "protected load"
                                    if (freed.get((int) id) != 0) {
                                        useAfterFree.incrementAndGet();
                                    }
                                    for (int k = rnd.nextInt(50); k > 0; k--) {
                                        Thread.onSpinWait();
                                    }
                                    if (rnd.nextInt(64) == 0) {
                                        Thread.yield(); // get descheduled inside the guard now and then
                                    }
                                    if (freed.get((int) id) != 0) {
                                        useAfterFree.incrementAndGet();
                                    }
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertNull(failure.get());
            r.synchronize();
            assertEquals(0, useAfterFree.get(), "an id was freed while a guard that read it was open");
            assertEquals(0, doubleFree.get(), "an id was freed twice");
            long freedCount = 0;
            for (int i = 0; i < freed.length(); i++) {
                freedCount += freed.get(i);
            }
            assertEquals(retired.get(), freedCount, "every retired id is freed exactly once");
            assertEquals(0, r.stats().pending());
        }
    }
}

package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * shared cells and retire the old ones, while reading, re-pinning, nesting guards and flushing: an id read
 * inside a guard (since its last repin) must never be freed before that guard closes, and every retired id
 * must be freed exactly once. Bookkeeping is on the heap (AtomicLongArray), not off-heap.
 */
class EpochStressTest {
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 40_000;
    private static final int CELLS = 8;

    @ParameterizedTest(name = "virtual threads: {0}")
    @ValueSource(booleans = {false, true})
    void protectedIdIsNeverFreedWhileItsGuardIsOpen(boolean virtual) throws Exception {
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
                Thread.Builder b = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
                ts.add(b.name("stress-" + t).start(() -> {
                    try {
                        Random rnd = new Random(seed);
                        for (int i = 0; i < OPS_PER_THREAD; i++) {
                            int c = rnd.nextInt(CELLS);
                            int op = rnd.nextInt(16);
                            try (Guard g = r.enter()) {
                                if (op < 4) {
                                    long fresh = nextId.getAndIncrement();
                                    long old = cells.getAndSet(c, fresh); // unlink old
                                    g.retire(old, markFreed);
                                    retired.incrementAndGet();
                                } else if (op == 4) {
                                    r.flush(); // inside a guard: seals our own slot and the free ones
                                } else {
                                    long id = cells.getAcquire(c); // the "protected load"
                                    check(freed, id, useAfterFree);
                                    if (op == 5) {
                                        try (Guard inner = r.enter()) { // nested guard
                                            check(freed, cells.getAcquire(rnd.nextInt(CELLS)), useAfterFree);
                                        }
                                    } else if (op == 6) {
                                        g.repin(); // id may be freed from now on: read a fresh one
                                        id = cells.getAcquire(c);
                                    }
                                    for (int k = rnd.nextInt(50); k > 0; k--) {
                                        Thread.onSpinWait();
                                    }
                                    if (rnd.nextInt(64) == 0) {
                                        Thread.yield(); // descheduled (or unmounted) inside the guard
                                    }
                                    check(freed, id, useAfterFree);
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

    private static void check(AtomicLongArray freed, long id, AtomicLong useAfterFree) {
        if (freed.get((int) id) != 0) {
            useAfterFree.incrementAndGet();
        }
    }
}

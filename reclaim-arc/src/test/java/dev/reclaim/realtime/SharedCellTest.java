package dev.reclaim.realtime;

import dev.reclaim.testing.HeapAllocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedCellTest {

    /** A value that knows whether it was destroyed. */
    static final class Box {
        final long id;
        volatile boolean destroyed;

        Box(long id) {
            this.id = id;
        }
    }

    @Test
    void aReaderHoldingTheOldValueDelaysItsDestructionButNeverTheWriter() {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        SharedCell<String> cell = c.cell("v0", destroyed::add);
        SharedCell.Reader<String> reader = cell.reader();
        assertEquals("v0", reader.get());
        for (int i = 1; i <= 1000; i++) {
            cell.set("v" + i); // never waits for the reader
        }
        c.collect();
        assertEquals(999, destroyed.size(), "all replaced values but the held one are destroyed");
        assertTrue(!destroyed.contains("v0"), "v0 is still held by the reader");
        assertEquals(1, c.stats().waiting());
        assertEquals("v1000", reader.get()); // moves on: v0 is free now
        c.collect();
        assertTrue(destroyed.contains("v0"));
        assertEquals(0, c.stats().waiting());
        reader.close();
        cell.close();
        c.close();
        assertEquals(1001, destroyed.size(), "the last value is destroyed after the cell closes");
    }

    @Test
    void releaseLetsTheHeldValueGoAndClosedCellsAndReadersThrow() {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        SharedCell<String> cell = c.cell("a", destroyed::add);
        SharedCell.Reader<String> reader = cell.reader();
        reader.get();
        cell.set("b");
        c.collect();
        assertTrue(destroyed.isEmpty());
        reader.release();
        c.collect();
        assertEquals(List.of("a"), destroyed);
        cell.close();
        assertThrows(IllegalStateException.class, reader::get);
        assertThrows(IllegalStateException.class, () -> cell.set("c"));
        assertThrows(IllegalStateException.class, cell::close);
        assertThrows(IllegalStateException.class, cell::reader);
        reader.close();
        assertThrows(IllegalStateException.class, reader::get);
        c.close();
        assertTrue(destroyed.containsAll(List.of("a", "b", "c")), destroyed.toString());
    }

    @Test
    void readerGetAllocatesNothing() {
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        SharedCell<Box> cell = c.cell(new Box(0), b -> b.destroyed = true);
        SharedCell.Reader<Box> reader = cell.reader();
        AtomicLong sink = new AtomicLong();
        Runnable loop = () -> {
            long s = 0;
            for (int i = 0; i < 100_000; i++) {
                s += reader.get().id;
            }
            sink.addAndGet(s);
        };
        loop.run();
        long bytes = HeapAllocation.fewestBytes(loop);
        assertTrue(bytes < 512, "100k Reader.get() allocated " + bytes + " B");
        reader.close();
        cell.close();
        c.close();
    }

    @Test
    void aReaderNeverSeesADestroyedValueWhileTheWriterReplacesConcurrently() throws Exception {
        AtomicInteger destroyedCount = new AtomicInteger();
        RealtimeCollector c = RealtimeCollector.builder().interval(Duration.ofNanos(100_000)).build();
        SharedCell<Box> cell = c.cell(new Box(0), b -> {
            b.destroyed = true;
            destroyedCount.incrementAndGet();
        });
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            SharedCell.Reader<Box> reader = cell.reader();
            readers[t] = Thread.ofPlatform().start(() -> {
                long n = 0;
                long last = -1;
                while (!stop.get()) {
                    Box b = reader.get();
                    for (int spin = 0; spin < 20; spin++) {
                        if (b.destroyed) {
                            failure.compareAndSet(null, "reader saw destroyed box " + b.id);
                        }
                    }
                    if (b.id < last) {
                        failure.compareAndSet(null, "went back in time: " + b.id + " after " + last);
                    }
                    last = b.id;
                    n++;
                }
                reads.addAndGet(n);
                reader.close();
            });
        }
        int writes = 50_000;
        for (int i = 1; i <= writes; i++) {
            cell.set(new Box(i));
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        cell.close();
        c.close();
        assertNull(failure.get());
        assertEquals(writes + 1, destroyedCount.get(), "every value destroyed exactly once");
        assertTrue(reads.get() > 0);
    }
    @Test
    void readersRegisteredInTurnByThousandsOfTasksKeepTheArraySmall() throws Exception {
        try (RealtimeCollector c = RealtimeCollector.create()) {
            SharedCell<Box> cell = c.cell(new Box(0), b -> b.destroyed = true);
            for (int i = 0; i < 20_000; i++) {
                try (SharedCell.Reader<Box> r = cell.reader()) {
                    assertTrue(!r.get().destroyed);
                }
            }
            assertEquals(0, cell.registeredReaders());
            assertTrue(cell.readerCapacity() <= 8, "capacity " + cell.readerCapacity());
            List<SharedCell.Reader<Box>> open = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                open.add(cell.reader());
            }
            assertTrue(cell.readerCapacity() >= 5_000 && cell.readerCapacity() <= 8_192, "capacity " + cell.readerCapacity());
            for (SharedCell.Reader<Box> r : open) {
                r.close();
            }
            assertTrue(cell.readerCapacity() <= 8, "compacted after the burst: " + cell.readerCapacity());
            cell.close();
        }
    }

    @Test
    void readersRegisteringAndLeavingInBurstsNeverSeeADestroyedValue() throws Exception {
        assertNull(churnReaders(), "a held value was destroyed");
    }

    @Test
    void negativeControlACompactionThatDropsLiveReadersLetsTheCollectorDestroyWhatTheyHold() throws Exception {
        SharedCell.compactDropsReadersForTests = true;
        try {
            assertTrue(churnReaders() != null, "dropping live readers from the array must be caught");
        } finally {
            SharedCell.compactDropsReadersForTests = false;
        }
    }

    /**
     * Two long-lived readers check that what they hold is never destroyed, while bursts of 2,000 virtual-thread
     * readers register, read and leave (growing and compacting the readers array) and a writer replaces the
     * value. Returns the first failure seen, or null.
     */
    private static String churnReaders() throws Exception {
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (RealtimeCollector c = RealtimeCollector.builder().interval(Duration.ofNanos(100_000)).build()) {
            SharedCell<Box> cell = c.cell(new Box(0), b -> b.destroyed = true);
            Thread writer = Thread.ofPlatform().start(() -> {
                for (long i = 1; !stop.get(); i++) {
                    cell.set(new Box(i));
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            });
            Thread[] holders = new Thread[2];
            for (int t = 0; t < holders.length; t++) {
                SharedCell.Reader<Box> reader = cell.reader(); // registered first: live across every compaction
                holders[t] = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        Box b = reader.get();
                        java.util.concurrent.locks.LockSupport.parkNanos(300_000); // holds b across collector passes
                        if (b.destroyed) {
                            failure.compareAndSet(null, "a long-lived reader's box " + b.id + " was destroyed");
                        }
                    }
                    reader.close();
                });
            }
            long end = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < end && failure.get() == null) {
                CountDownLatch all = new CountDownLatch(1);
                List<Thread> burst = new java.util.ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    burst.add(Thread.ofVirtual().start(() -> {
                        try (SharedCell.Reader<Box> r = cell.reader()) {
                            all.await();
                            Box b = r.get();
                            Thread.yield();
                            if (b.destroyed) {
                                failure.compareAndSet(null, "a task's box " + b.id + " was destroyed");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                all.countDown();
                for (Thread t : burst) {
                    t.join();
                }
            }
            stop.set(true);
            writer.join();
            for (Thread t : holders) {
                t.join();
            }
            cell.close();
        }
        return failure.get();
    }
}

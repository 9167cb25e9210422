package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.testing.HeapAllocation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SeqLockTest {

    /** More than SeqLock keeps inline (4), so the snapshots span the lock's own fields and its array. */
    static final int FIELDS = 6;

    /** The record a writer stores for value v: every field derived from v, so a mix of two writes is detectable. */
    static void record(long v, long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = v * (i + 1) ^ (0x9E3779B97F4A7C15L * i);
        }
    }

    /** Whether {@code r} is a record of one value (not torn); returns that value or -1. */
    static long validRecord(long[] r) {
        long v = r[0];
        for (int i = 1; i < r.length; i++) {
            if (r[i] != (v * (i + 1) ^ (0x9E3779B97F4A7C15L * i))) {
                return -1;
            }
        }
        return v;
    }

    /** Two readers, 5 * 10^6 snapshots each (10^7 total), one writer writing continuously: none torn. */
    @Test
    void heapSnapshotsAreNeverTornAcrossTenMillionReads() throws Exception {
        SeqLock lock = new SeqLock(FIELDS);
        long[] initial = new long[FIELDS];
        record(0, initial);
        lock.write(initial);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer = Thread.ofPlatform().start(() -> {
            long[] rec = new long[FIELDS];
            for (long v = 1; !stop.get(); v++) {
                record(v, rec);
                lock.write(rec);
                writes.incrementAndGet();
                for (int p = 0; p < 200; p++) {
                    Thread.onSpinWait(); // leave the readers room: a write every few hundred ns is plenty
                }
            }
        });
        AtomicLong distinct = new AtomicLong();
        SyncTesting.runThreads(2, i -> {
            long[] snap = new long[FIELDS];
            long last = -1;
            for (int k = 0; k < 5_000_000; k++) {
                if ((k & 1) == 0) {
                    lock.read(snap);
                } else {
                    long s;
                    do {
                        s = lock.readBegin();
                        for (int f = 0; f < FIELDS; f++) {
                            snap[f] = lock.get(f);
                        }
                    } while (!lock.readValidate(s));
                }
                long v = validRecord(snap);
                assertTrue(v >= 0, "torn snapshot");
                assertTrue(v >= last, "snapshot went back in time: " + v + " after " + last);
                if (v != last) {
                    distinct.incrementAndGet();
                }
                last = v;
            }
        });
        stop.set(true);
        writer.join();
        assertTrue(writes.get() > 0 && distinct.get() > 1, "the readers saw no concurrent writes: test is vacuous");
    }

    @Test
    void tryReadGivesUpWhileAWriteIsStuckInProgress() {
        SeqLock lock = new SeqLock(2);
        lock.beginWrite();
        long[] snap = new long[2];
        assertFalse(lock.tryRead(snap, 100));
        lock.endWrite();
        assertTrue(lock.tryRead(snap, 1));
        assertEquals(2, lock.sequence(), "one write moves the sequence by 2");
    }

    /** readBegin never waits: during a write it returns a stamp that cannot validate, even after the write. */
    @Test
    void stampTakenDuringAWriteNeverValidates() {
        SeqLock lock = new SeqLock(0);
        lock.beginWrite();
        long stamp = lock.readBegin();
        assertFalse(lock.readValidate(stamp));
        lock.endWrite();
        assertFalse(lock.readValidate(stamp));
        assertTrue(lock.readValidate(lock.readBegin()));
    }

    @Test
    void misuseThrows() {
        SeqLock lock = new SeqLock(2);
        assertThrows(IllegalStateException.class, lock::endWrite);
        assertThrows(IllegalArgumentException.class, () -> lock.read(new long[3]));
        assertThrows(IllegalArgumentException.class, () -> new SeqLock(-1));
    }

    /** Fields 0..3 live in the lock object, the rest in its array: every index round-trips, and only those. */
    @Test
    void everyFieldRoundTripsAcrossInlineAndArrayFields() {
        for (int n : new int[] {1, 4, 5, 9}) {
            SeqLock lock = new SeqLock(n);
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = 100L * (i + 1) + n;
            }
            lock.write(values);
            long[] snap = new long[n];
            lock.read(snap);
            assertArrayEquals(values, snap, "fields of SeqLock(" + n + ")");
            long s = lock.readBegin();
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], lock.get(i));
            }
            assertTrue(lock.readValidate(s));
            int fields = n;
            assertThrows(IndexOutOfBoundsException.class, () -> lock.get(fields));
            assertThrows(IndexOutOfBoundsException.class, () -> lock.get(-1));
            lock.beginWrite();
            assertThrows(IndexOutOfBoundsException.class, () -> lock.set(fields, 1));
            lock.set(n - 1, -7);
            lock.endWrite();
            assertEquals(-7, lock.get(n - 1));
        }
    }

    @Test
    void readsAllocateNothing() {
        SeqLock lock = new SeqLock(2);
        long[] snap = new long[2];
        Runnable loop = () -> {
            for (int i = 0; i < 100_000; i++) {
                lock.read(snap);
            }
        };
        loop.run();
        assertTrue(HeapAllocation.fewestBytes(loop) < 512);
    }

    @Test
    void segmentSeqLockRoundTripsAndAttachValidatesTheHeader() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SegmentSeqLock.bytesFor(3), 8);
            assertThrows(IllegalArgumentException.class, () -> SegmentSeqLock.attach(seg), "unformatted");
            SegmentSeqLock w = SegmentSeqLock.format(seg, 3);
            w.write(new long[] {7, 8, 9});
            SegmentSeqLock r = SegmentSeqLock.attach(seg);
            assertEquals(3, r.fields());
            long[] snap = new long[3];
            assertTrue(r.tryRead(snap, 1));
            assertEquals(9, snap[2]);
            seg.set(ValueLayout.JAVA_LONG, SegmentSeqLock.FIELD_COUNT_OFFSET, 1_000_000);
            assertThrows(IllegalArgumentException.class, () -> SegmentSeqLock.attach(seg), "corrupt count");
            seg.set(ValueLayout.JAVA_LONG, SegmentSeqLock.FIELD_COUNT_OFFSET, 3);
            w.beginWrite();
            assertFalse(r.tryRead(snap, 50), "a write stuck in progress (writer died) must not hang the reader");
            w.endWrite();
            assertThrows(IllegalArgumentException.class,
                    () -> SegmentSeqLock.format(arena.allocate(16, 8), 1), "too small");
        }
    }

    @Test
    void segmentSnapshotsAreNeverTornBetweenThreads() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SegmentSeqLock lock = SegmentSeqLock.format(arena.allocate(SegmentSeqLock.bytesFor(FIELDS), 8), FIELDS);
            long[] initial = new long[FIELDS];
            record(0, initial);
            lock.write(initial);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().start(() -> {
                long[] rec = new long[FIELDS];
                for (long v = 1; !stop.get(); v++) {
                    record(v, rec);
                    lock.write(rec);
                    for (int p = 0; p < 200; p++) {
                        Thread.onSpinWait();
                    }
                }
            });
            try {
                long[] snap = new long[FIELDS];
                for (int k = 0; k < 500_000; k++) {
                    if (lock.tryRead(snap, 1_000)) {
                        assertTrue(validRecord(snap) >= 0, "torn off-heap snapshot");
                    }
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }
}

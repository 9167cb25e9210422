package dev.reclaim.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A mutex whose whole state is one byte inside a larger off-heap record: put a lock in every slot of a table,
 * every node of a structure, every record of a shared file, at the cost of one byte each. Contended waiters park
 * on the {@link ParkingLot} keyed by the byte's address (WebKit's {@code WTF::Lock} idea, on the JVM).
 *
 * <pre>{@code
 * MemorySegment records = arena.allocate(64 * 1024, 8);  // 1024 records of 64 bytes, byte 0 = lock
 * ByteLock lock = ByteLock.at(records, 64 * 17);          // a view; the state is the byte itself
 * try (ByteLockGuard g = lock.lock()) {
 *     records.set(JAVA_LONG, 64 * 17 + 8, value);
 * }
 * // or statically, without the view: ByteLock.lock(records, off); ... ByteLock.unlock(records, off);
 * }</pre>
 *
 * <p>The byte holds 0 (unlocked), 1 (locked) or 2 (locked, threads may be parked), the same protocol as
 * {@link Mutex}. No owner is recorded (there is no room): an unlock of an unlocked byte throws, an unlock by a
 * thread that did not lock is not detected. The segment must be native (the park key is the byte's address) and
 * 4-byte aligned: the JVM has no byte-wide compare-and-set on segments, so the lock CASes the aligned 4-byte word
 * that contains the byte and leaves the other three bytes unchanged (concurrent writes to them only make the CAS
 * retry). Interrupts are ignored while waiting.
 *
 * <p><b>One process only.</b> The parking lot is per JVM: in a file-mapped segment shared by two processes the
 * byte still excludes, but a thread parked in one process is never woken by an unlock in the other. Share a
 * lock across processes only through a spinning protocol (or {@link SegmentSeqLock} for one writer).
 */
public final class ByteLock {

    /*
     * Implementation notes
     *
     * State byte b inside the aligned int word w at (offset & ~3); shift = its bit position in native order.
     * casByte: volatile read of w, compare the byte, CAS w -> w with the byte replaced; retry if only other bytes
     * changed. The CAS is volatile: its acquire half (lock) pairs with the release half of the CAS in unlock().
     * lock: CAS 0 -> 1; else spin briefly, then swap the byte to 2 and park (validating byte == 2) until the swap
     * returns 0. unlock: swap to 0; if it was 2, wake one parked thread on the byte's address.
     * Garbage: none on the fast path; one ParkingLot node and validation per park.
     */

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int SPINS = 100;

    private final MemorySegment segment;
    private final long offset;
    private final ByteLockGuard guard = new ByteLockGuard(this);

    private ByteLock(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
    }

    /**
     * A view of the lock byte at {@code offset} of {@code segment} (the byte itself holds the state; views of the
     * same byte are interchangeable).
     *
     * @param segment a native, 4-byte aligned segment
     * @param offset  the byte's offset
     * @return the view
     * @throws IllegalArgumentException if the segment is not native or not 4-byte aligned, or the offset is out
     *                                  of bounds
     */
    public static ByteLock at(MemorySegment segment, long offset) {
        check(segment, offset);
        return new ByteLock(segment, offset);
    }

    /**
     * Locks through this view.
     *
     * @return the guard whose {@code close()} unlocks
     */
    public ByteLockGuard lock() {
        lock(segment, offset);
        return guard;
    }

    /**
     * Locks if free.
     *
     * @return whether it was locked
     */
    public boolean tryLock() {
        return tryLock(segment, offset);
    }

    /** Unlocks through this view. */
    public void unlock() {
        unlock(segment, offset);
    }

    /**
     * Locks the byte at {@code offset}, waiting as long as needed.
     *
     * @param segment a native, 4-byte aligned segment
     * @param offset  the byte's offset
     */
    public static void lock(MemorySegment segment, long offset) {
        check(segment, offset);
        long word = offset & ~3L;
        int shift = shift(offset);
        if (casByte(segment, word, shift, 0, 1)) {
            return;
        }
        for (int i = 0; i < SPINS && byteVolatile(segment, word, shift) == 1; i++) {
            Thread.onSpinWait();
        }
        if (casByte(segment, word, shift, 0, 1)) {
            return;
        }
        long address = segment.address() + offset;
        ParkingLot.Validation stillContended = () -> byteVolatile(segment, word, shift) == 2;
        while (swapByte(segment, word, shift, 2) != 0) {
            ParkingLot.parkAddressUninterruptibly(address, stillContended, ParkingLot.NO_TIMEOUT);
        }
    }

    /**
     * Locks the byte if it is free.
     *
     * @param segment a native, 4-byte aligned segment
     * @param offset  the byte's offset
     * @return whether it was locked
     */
    public static boolean tryLock(MemorySegment segment, long offset) {
        check(segment, offset);
        return casByte(segment, offset & ~3L, shift(offset), 0, 1);
    }

    /**
     * Unlocks the byte, waking one parked thread if any.
     *
     * @param segment a native, 4-byte aligned segment
     * @param offset  the byte's offset
     * @throws IllegalStateException if the byte is not locked
     */
    public static void unlock(MemorySegment segment, long offset) {
        check(segment, offset);
        int old = swapByte(segment, offset & ~3L, shift(offset), 0);
        if (old == 2) {
            ParkingLot.wakeOneAddress(segment.address() + offset);
        } else if (old != 1) {
            throw new IllegalStateException("ByteLock.unlock() of a byte holding " + old
                    + " (not locked); unlock once per lock(), and do not write the lock byte directly");
        }
    }

    /**
     * Whether the byte is locked (a snapshot).
     *
     * @param segment the segment
     * @param offset  the byte's offset
     * @return whether locked
     */
    public static boolean isLocked(MemorySegment segment, long offset) {
        check(segment, offset);
        return byteVolatile(segment, offset & ~3L, shift(offset)) != 0;
    }

    private static void check(MemorySegment segment, long offset) {
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative() || (segment.address() & 3) != 0) {
            throw new IllegalArgumentException("ByteLock needs a native, 4-byte aligned segment (address "
                    + segment.address() + ", native " + segment.isNative() + "); allocate it from an Arena with "
                    + "alignment >= 4");
        }
        if (offset < 0 || (offset & ~3L) + 4 > segment.byteSize()) {
            throw new IllegalArgumentException("ByteLock offset " + offset + " out of bounds of a segment of "
                    + segment.byteSize() + " bytes (its aligned 4-byte word must fit)");
        }
    }

    private static int shift(long offset) {
        int k = (int) (offset & 3);
        return LITTLE ? 8 * k : 8 * (3 - k);
    }

    private static int byteVolatile(MemorySegment s, long word, int shift) {
        return ((int) INT.getVolatile(s, word) >>> shift) & 0xFF; // volatile: pairs with the CASes below
    }

    private static boolean casByte(MemorySegment s, long word, int shift, int expected, int value) {
        while (true) {
            int w = (int) INT.getVolatile(s, word); // volatile: the witness for the CAS below
            if (((w >>> shift) & 0xFF) != expected) {
                return false;
            }
            int nw = (w & ~(0xFF << shift)) | (value << shift);
            if (INT.compareAndSet(s, word, w, nw)) { // volatile CAS: acquire pairs with unlock()'s release CAS
                return true;
            }
        }
    }

    private static int swapByte(MemorySegment s, long word, int shift, int value) {
        while (true) {
            int w = (int) INT.getVolatile(s, word); // volatile: the witness for the CAS below
            int nw = (w & ~(0xFF << shift)) | (value << shift);
            if (INT.compareAndSet(s, word, w, nw)) { // volatile CAS: release (unlock) pairs with lock's acquire
                return (w >>> shift) & 0xFF;
            }
        }
    }
}

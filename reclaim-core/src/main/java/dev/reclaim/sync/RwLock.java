package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A writer-preferring reader-writer lock on one {@code int} and the {@link ParkingLot}: many readers or one
 * writer. A waiting writer stops new readers from entering, so a writer gets in even under a continuous stream
 * of readers (no writer starvation), and waiting writers park instead of spinning (no busy-looping writers).
 * Not reentrant: a reader that tries to read again while a writer waits deadlocks, as with any
 * writer-preferring lock.
 *
 * <pre>{@code
 * try (RwLock.ReadGuard r = lock.read()) { return map.get(k); }
 * try (RwLock.WriteGuard w = lock.write()) { map.put(k, v); }
 * }</pre>
 *
 * <p>Interrupts are ignored while waiting (and the status restored). The write lock records its owner: a
 * {@link #unlockWrite()} by another thread throws. Read locks are not owned (any thread may release one, as
 * with a semaphore); a {@link #unlockRead()} without read holders throws.
 */
public final class RwLock {

    /*
     * Implementation notes ("Rust Atomics and Locks", ch. 9, the writer-preferring version)
     *
     * state = 2 * readers + (1 if a writer is waiting), or WRITE_LOCKED (odd, larger than any reader count).
     * Readers enter only on an even state (CAS +2); on an odd state they park on the reader key (this) until
     * the state changes. A writer takes 0 or 1 -> WRITE_LOCKED by CAS; otherwise it sets the waiting bit
     * (even -> odd) and parks on the writer key (writerKey) until writerWakes changes. The last reader leaving
     * with the bit set (state 3 -> 1) bumps writerWakes and wakes one writer. Write unlock stores 0, bumps
     * writerWakes and wakes one writer and all readers (readers that lose the race to the writer park again).
     *
     * "Skip the parking lot when nobody parks": parkedReaders / parkedWriters are incremented (volatile RMW)
     * before a thread validates and parks, decremented after. An unlocker writes the state (or writerWakes)
     * with a volatile RMW/store and then reads the count: by the total order of volatile accesses, either it
     * sees the count (and wakes under the bucket lock), or the parker's increment comes later and its
     * validation, later still, sees the new state and does not park (Dekker).
     *
     * Linearization: read/write acquire at the successful CAS; unlock at the getAndAdd / store.
     * Memory orders: all state accesses volatile (acquire halves of the CASes pair with the release halves of
     * the unlocks). Garbage: one ParkingLot node per park; validations are allocated per park (slow path).
     */

    private static final int WRITE_LOCKED = Integer.MAX_VALUE;
    private static final int MAX_READERS_STATE = WRITE_LOCKED - 3;

    private volatile int state;
    private volatile int writerWakes;
    private volatile int parkedReaders;
    private volatile int parkedWriters;
    private Thread writer;
    private final Object writerKey = new Object();
    private final ReadGuard readGuard = new ReadGuard();
    private final WriteGuard writeGuard = new WriteGuard();

    /** Creates an unlocked reader-writer lock. */
    public RwLock() {
    }

    /**
     * Acquires a read lock, waiting while a writer holds or waits for the lock.
     *
     * @return the guard whose {@code close()} releases one read lock (a shared object: close it once per
     *         {@code read()})
     * @throws IllegalStateException if the reader count would overflow
     */
    public ReadGuard read() {
        int s = stateVolatile();
        while (true) {
            if ((s & 1) == 0) {
                if (s >= MAX_READERS_STATE) {
                    throw new IllegalStateException("too many readers on one RwLock");
                }
                int witness = caeState(s, s + 2);
                if (witness == s) {
                    return readGuard;
                }
                s = witness;
                continue;
            }
            int seen = s;
            getAndAddParkedReaders(1);
            ParkingLot.parkUninterruptibly(this, () -> stateVolatile() == seen, ParkingLot.NO_TIMEOUT);
            getAndAddParkedReaders(-1);
            s = stateVolatile();
        }
    }

    /**
     * Acquires a read lock if no writer holds or waits for it.
     *
     * @return whether it was acquired
     */
    public boolean tryRead() {
        int s = stateVolatile();
        while ((s & 1) == 0 && s < MAX_READERS_STATE) {
            int witness = caeState(s, s + 2);
            if (witness == s) {
                return true;
            }
            s = witness;
        }
        return false;
    }

    /**
     * Releases one read lock.
     *
     * @throws IllegalStateException if no read lock is held
     */
    public void unlockRead() {
        int s = stateVolatile();
        while (true) {
            if (s < 2 || s == WRITE_LOCKED) {
                throw new IllegalStateException("RwLock.unlockRead() without a read lock held; release once per read()");
            }
            int witness = caeState(s, s - 2);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        if (s == 3) { // the last reader left while a writer waits: 3 -> 1
            getAndAddWriterWakes();
            if (parkedWriters != 0) { // volatile: Dekker with getAndAddParkedWriters(1) in write()
                ParkingLot.wakeOne(writerKey);
            }
        }
    }

    /**
     * Acquires the write lock, waiting for readers and other writers to leave.
     *
     * @return the guard whose {@code close()} releases the write lock
     */
    public WriteGuard write() {
        int s = stateVolatile();
        while (true) {
            if (s <= 1) {
                int witness = caeState(s, WRITE_LOCKED);
                if (witness == s) {
                    writer = Thread.currentThread(); // plain: read only by the owner in unlockWrite()
                    return writeGuard;
                }
                s = witness;
                continue;
            }
            if ((s & 1) == 0) { // readers in, no writer waiting yet: announce ourselves
                int witness = caeState(s, s + 1);
                if (witness != s) {
                    s = witness;
                    continue;
                }
            }
            int wakes = writerWakes; // volatile: pairs with getAndAddWriterWakes() in the unlocks
            s = stateVolatile();
            if (s >= 2) {
                getAndAddParkedWriters(1);
                ParkingLot.parkUninterruptibly(writerKey, () -> writerWakes == wakes, ParkingLot.NO_TIMEOUT);
                getAndAddParkedWriters(-1);
                s = stateVolatile();
            }
        }
    }

    /**
     * Acquires the write lock if the lock is free.
     *
     * @return whether it was acquired
     */
    public boolean tryWrite() {
        int s = stateVolatile();
        while (s <= 1) {
            int witness = caeState(s, WRITE_LOCKED);
            if (witness == s) {
                writer = Thread.currentThread(); // plain: read only by the owner in unlockWrite()
                return true;
            }
            s = witness;
        }
        return false;
    }

    /**
     * Releases the write lock.
     *
     * @throws IllegalStateException if the current thread does not hold it
     */
    public void unlockWrite() {
        if (writer != Thread.currentThread() || stateVolatile() != WRITE_LOCKED) { // plain writer: owner-only
            throw new IllegalStateException("RwLock.unlockWrite() by " + Thread.currentThread()
                    + ", which does not hold the write lock; unlock from the thread that locked it");
        }
        writer = null; // plain: ordered before the volatile store below
        setStateVolatile(0);
        getAndAddWriterWakes();
        if (parkedWriters != 0) { // volatile: Dekker with getAndAddParkedWriters(1) in write()
            ParkingLot.wakeOne(writerKey);
        }
        if (parkedReaders != 0) { // volatile: Dekker with getAndAddParkedReaders(1) in read()
            ParkingLot.wakeAll(this);
        }
    }

    /**
     * Whether the write lock is held (a snapshot).
     *
     * @return whether write-locked
     */
    public boolean isWriteLocked() {
        return stateVolatile() == WRITE_LOCKED;
    }

    /**
     * The number of read locks held (a snapshot).
     *
     * @return the reader count
     */
    public int readers() {
        int s = stateVolatile();
        return s == WRITE_LOCKED ? 0 : s >>> 1;
    }

    /** Releases a read lock on {@link #close()}. */
    public final class ReadGuard implements AutoCloseable {
        private ReadGuard() {
        }

        /** Releases one read lock. */
        @Override
        public void close() {
            unlockRead();
        }
    }

    /** Releases the write lock on {@link #close()}. */
    public final class WriteGuard implements AutoCloseable {
        private WriteGuard() {
        }

        /** Releases the write lock. */
        @Override
        public void close() {
            unlockWrite();
        }
    }

    private int stateVolatile() {
        return state; // volatile: pairs with the CAEs and the unlock store
    }

    private void setStateVolatile(int value) {
        state = value; // volatile store: release pairs with readers'/writers' CAE; ordered before the count reads
    }

    private int caeState(int expected, int value) {
        return (int) STATE.compareAndExchange(this, expected, value); // volatile CAE: pairs with the unlocks
    }

    private void getAndAddWriterWakes() {
        WRITER_WAKES.getAndAdd(this, 1); // volatile RMW: pairs with the writerWakes validation in write()
    }

    private void getAndAddParkedReaders(int delta) {
        PARKED_READERS.getAndAdd(this, delta); // volatile RMW: Dekker pair with the read in unlockWrite()
    }

    private void getAndAddParkedWriters(int delta) {
        PARKED_WRITERS.getAndAdd(this, delta); // volatile RMW: Dekker pair with the reads in the unlocks
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle WRITER_WAKES;
    private static final VarHandle PARKED_READERS;
    private static final VarHandle PARKED_WRITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(RwLock.class, "state", int.class);
            WRITER_WAKES = l.findVarHandle(RwLock.class, "writerWakes", int.class);
            PARKED_READERS = l.findVarHandle(RwLock.class, "parkedReaders", int.class);
            PARKED_WRITERS = l.findVarHandle(RwLock.class, "parkedWriters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

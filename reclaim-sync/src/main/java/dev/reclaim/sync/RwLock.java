package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A writer-preferring reader-writer lock on one {@code int} and the {@link ParkingLot}: many readers or one
 * writer. A waiting writer stops new readers from entering, so a writer gets in even under a continuous stream
 * of readers (no writer starvation), and waiting writers park instead of spinning (no busy-looping writers).
 * Not reentrant: a reader that tries to read again while a writer waits deadlocks, as with any
 * writer-preferring lock.
 *
 * <pre>{@code
 * try (RwLockReadGuard r = lock.read()) { return map.get(k); }
 * try (RwLockWriteGuard w = lock.write()) { map.put(k, v); }
 * }</pre>
 *
 * <p><b>Interrupts and time-outs</b>: {@link #read()} and {@link #write()} ignore interrupts while waiting (the
 * status is restored before they return). {@link #readInterruptibly()}, {@link #writeInterruptibly()},
 * {@link #tryRead(long, TimeUnit)} and {@link #tryWrite(long, TimeUnit)} throw {@link InterruptedException} if
 * the thread is interrupted on entry or while parked, clearing the status as {@code java.util.concurrent} does; an
 * interrupt that races with the wake-up that hands over the lock may instead let the call return normally with
 * the status still set. A writer that times out or is interrupted withdraws its claim: if no other writer is
 * waiting, the readers it held back get in at once.
 *
 * <pre>{@code
 * if (lock.tryWrite(10, TimeUnit.MILLISECONDS)) {
 *     try (RwLockWriteGuard w = lock.writeGuard()) { map.put(k, v); }
 * }
 * }</pre>
 *
 * <p>The write lock records its owner: a {@link #unlockWrite()} by another thread throws. Read locks are not
 * owned (any thread may release one, as with a semaphore); a {@link #unlockRead()} without read holders throws.
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
     * Writers park only on an odd state >= 3 (readers + the bit, or WRITE_LOCKED), having read writerWakes
     * before that state: every way out of such a state bumps writerWakes afterwards (last reader 3 -> 1,
     * unlockWrite, withdrawWriter), so the parker's validation fails or the bump's wake finds it. (An even state
     * means the bit was consumed or withdrawn since: re-announce instead of parking, or nobody would wake us.)
     * Waking writers hands on a baton: each wakeOne wakes one parked writer, which acquires, re-announces or
     * withdraws; a parked writer is always behind an odd state whose exit wakes one of them.
     *
     * Giving up (time-out / interrupt, writers only; a waiting reader changes no state): the writer decrements
     * parkedWriters, then reads it. If another writer is counted, the bit is that writer's claim as well and
     * stays. Otherwise it clears the bit (odd s -> s - 1, never WRITE_LOCKED), bumps writerWakes and wakes every
     * parked writer and reader (Dekker on the counts as above). Without the wake, readers parked on the odd
     * state would sleep until a "3 -> 1" or an unlockWrite() that never comes. Two writers giving up at once
     * cannot both keep the bit: each reads the count after its own decrement, so the later one sees the other
     * uncounted.
     *
     * Linearization: read/write acquire at the successful CAS; unlock at the getAndAdd / store.
     * Memory orders: all state accesses volatile (acquire halves of the CASes pair with the release halves of
     * the unlocks). Garbage: one ParkingLot node and one validation lambda per park (slow path only); none on
     * the fast paths.
     */

    private static final int WRITE_LOCKED = Integer.MAX_VALUE;
    private static final int MAX_READERS_STATE = WRITE_LOCKED - 3;

    private volatile int state;
    private volatile int writerWakes;
    private volatile int parkedReaders;
    private volatile int parkedWriters;
    private Thread writer;
    private final Object writerKey = new Object();
    private final RwLockReadGuard readGuard = new RwLockReadGuard(this);
    private final RwLockWriteGuard writeGuard = new RwLockWriteGuard(this);

    /** Creates an unlocked reader-writer lock. */
    public RwLock() {
    }

    /**
     * Acquires a read lock, waiting while a writer holds or waits for the lock, ignoring interrupts (the interrupt
     * status is restored before returning).
     *
     * @return the guard whose {@code close()} releases one read lock (a shared object: close it once per
     *         {@code read()})
     * @throws IllegalStateException if the reader count would overflow
     */
    public RwLockReadGuard read() {
        if (!tryReadOnce()) {
            acquireRead(ParkingLot.NO_TIMEOUT, false);
        }
        return readGuard;
    }

    /**
     * Acquires a read lock like {@link #read()}, unless the current thread is interrupted.
     *
     * @return the guard whose {@code close()} releases one read lock
     * @throws InterruptedException  if the thread is interrupted on entry or while waiting (the interrupt status
     *                               is cleared, as in {@code java.util.concurrent}); no lock is held then
     * @throws IllegalStateException if the reader count would overflow
     */
    public RwLockReadGuard readInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before RwLock.readInterruptibly()");
        }
        if (!tryReadOnce() && acquireRead(ParkingLot.NO_TIMEOUT, true) == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in RwLock.readInterruptibly()");
        }
        return readGuard;
    }

    /**
     * Acquires a read lock if no writer holds or waits for it.
     *
     * @return whether it was acquired (then release it with {@link #unlockRead()} or {@link #readGuard()})
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
     * Acquires a read lock, waiting at most {@code timeout} while a writer holds or waits for the lock.
     *
     * @param timeout how long to wait; {@code <= 0} does not wait (like {@link #tryRead()})
     * @param unit    the unit of {@code timeout}
     * @return whether it was acquired (then release it with {@link #unlockRead()} or {@link #readGuard()})
     * @throws InterruptedException  if the thread is interrupted on entry or while waiting (the interrupt status
     *                               is cleared); no lock is held then
     * @throws IllegalStateException if the reader count would overflow
     */
    public boolean tryRead(long timeout, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before RwLock.tryRead(timeout)");
        }
        if (tryReadOnce()) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        if (nanos <= 0) {
            return false;
        }
        int r = acquireRead(nanos, true);
        if (r == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in RwLock.tryRead(timeout)");
        }
        return r == ACQUIRED;
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
            if (parkedWriters != 0) { // volatile: Dekker with getAndAddParkedWriters(1) in acquireWrite()
                ParkingLot.wakeOne(writerKey);
            }
        }
    }

    /**
     * Acquires the write lock, waiting for readers and other writers to leave, ignoring interrupts (the interrupt
     * status is restored before returning).
     *
     * @return the guard whose {@code close()} releases the write lock
     */
    public RwLockWriteGuard write() {
        if (!tryWrite()) {
            acquireWrite(ParkingLot.NO_TIMEOUT, false);
        }
        return writeGuard;
    }

    /**
     * Acquires the write lock like {@link #write()}, unless the current thread is interrupted. A writer that gives
     * up withdraws its claim: readers it was holding back are let in at once.
     *
     * @return the guard whose {@code close()} releases the write lock
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (the interrupt status is
     *                              cleared, as in {@code java.util.concurrent}); no lock is held then
     */
    public RwLockWriteGuard writeInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before RwLock.writeInterruptibly()");
        }
        if (!tryWrite() && acquireWrite(ParkingLot.NO_TIMEOUT, true) == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in RwLock.writeInterruptibly()");
        }
        return writeGuard;
    }

    /**
     * Acquires the write lock if the lock is free.
     *
     * @return whether it was acquired (then release it with {@link #unlockWrite()} or {@link #writeGuard()})
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
     * Acquires the write lock, waiting at most {@code timeout}. While it waits it blocks new readers, as
     * {@link #write()} does; when it gives up (time-out or interrupt) it withdraws that claim, so readers it was
     * holding back are let in at once.
     *
     * @param timeout how long to wait; {@code <= 0} does not wait (like {@link #tryWrite()})
     * @param unit    the unit of {@code timeout}
     * @return whether it was acquired (then release it with {@link #unlockWrite()} or {@link #writeGuard()})
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (the interrupt status is
     *                              cleared); no lock is held then
     */
    public boolean tryWrite(long timeout, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before RwLock.tryWrite(timeout)");
        }
        if (tryWrite()) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        if (nanos <= 0) {
            return false;
        }
        int r = acquireWrite(nanos, true);
        if (r == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in RwLock.tryWrite(timeout)");
        }
        return r == ACQUIRED;
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
        if (parkedWriters != 0) { // volatile: Dekker with getAndAddParkedWriters(1) in acquireWrite()
            ParkingLot.wakeOne(writerKey);
        }
        if (parkedReaders != 0) { // volatile: Dekker with getAndAddParkedReaders(1) in acquireRead()
            ParkingLot.wakeAll(this);
        }
    }

    /**
     * The guard of the read locks, for code that acquired one with {@link #tryRead()} or
     * {@link #tryRead(long, TimeUnit)}.
     *
     * @return the guard whose {@code close()} releases one read lock
     */
    public RwLockReadGuard readGuard() {
        return readGuard;
    }

    /**
     * The guard of the write lock, for code that acquired it with {@link #tryWrite()} or
     * {@link #tryWrite(long, TimeUnit)}.
     *
     * @return the guard whose {@code close()} releases the write lock
     */
    public RwLockWriteGuard writeGuard() {
        return writeGuard;
    }

    private static final int ACQUIRED = 0;
    private static final int TIMED_OUT = 1;
    private static final int INTERRUPTED = 2;

    /** One CAS attempt of the read fast path. */
    private boolean tryReadOnce() {
        int s = stateVolatile();
        return (s & 1) == 0 && s < MAX_READERS_STATE && caeState(s, s + 2) == s;
    }

    /**
     * The read slow path: ACQUIRED, TIMED_OUT, or INTERRUPTED (interrupt status cleared; only if
     * {@code interruptible}). A reader that gives up has nothing to undo: waiting readers change no state.
     */
    private int acquireRead(long nanos, boolean interruptible) {
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        long deadline = forever ? 0L : System.nanoTime() + nanos;
        int s = stateVolatile();
        while (true) {
            if ((s & 1) == 0) {
                if (s >= MAX_READERS_STATE) {
                    throw new IllegalStateException("too many readers on one RwLock");
                }
                int witness = caeState(s, s + 2);
                if (witness == s) {
                    return ACQUIRED;
                }
                s = witness;
                continue;
            }
            long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
            if (remaining <= 0) {
                return TIMED_OUT;
            }
            int seen = s;
            ParkingLot.Validation unchanged = () -> stateVolatile() == seen;
            getAndAddParkedReaders(1);
            ParkingLot.ParkResult r = interruptible
                    ? ParkingLot.park(this, unchanged, remaining)
                    : ParkingLot.parkUninterruptibly(this, unchanged, remaining);
            getAndAddParkedReaders(-1);
            if (r == ParkingLot.ParkResult.INTERRUPTED) {
                Thread.interrupted(); // park() left it set; we report it by throwing instead
                return INTERRUPTED;
            }
            s = stateVolatile();
        }
    }

    /**
     * The write slow path: ACQUIRED, TIMED_OUT, or INTERRUPTED (interrupt status cleared; only if
     * {@code interruptible}). On TIMED_OUT and INTERRUPTED the waiting bit is withdrawn (see
     * {@link #withdrawWriter()}).
     */
    private int acquireWrite(long nanos, boolean interruptible) {
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        long deadline = forever ? 0L : System.nanoTime() + nanos;
        int s = stateVolatile();
        while (true) {
            if (s <= 1) { // free (maybe with the waiting bit, ours or another writer's): take it
                int witness = caeState(s, WRITE_LOCKED);
                if (witness == s) {
                    writer = Thread.currentThread(); // plain: read only by the owner in unlockWrite()
                    return ACQUIRED;
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
            int wakes = writerWakesVolatile();
            s = stateVolatile();
            // Park only on an odd state >= 3 (readers + waiting bit, or write-locked): every way out of such a
            // state bumps writerWakes after it (3 -> 1, unlockWrite, withdrawWriter), and this load comes after
            // the wakes load above. An even state (the bit was consumed or withdrawn meanwhile) is re-announced.
            if (s >= 3 && (s & 1) != 0) {
                long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
                if (remaining <= 0) {
                    withdrawWriter();
                    return TIMED_OUT;
                }
                ParkingLot.Validation noWake = () -> writerWakesVolatile() == wakes;
                getAndAddParkedWriters(1);
                ParkingLot.ParkResult r = interruptible
                        ? ParkingLot.park(writerKey, noWake, remaining)
                        : ParkingLot.parkUninterruptibly(writerKey, noWake, remaining);
                getAndAddParkedWriters(-1);
                if (r == ParkingLot.ParkResult.INTERRUPTED) {
                    Thread.interrupted(); // park() left it set; we report it by throwing instead
                    withdrawWriter();
                    return INTERRUPTED;
                }
                s = stateVolatile();
            }
        }
    }

    /**
     * A timed-out or interrupted writer gives up. If no other writer is parked, it clears the waiting bit (which
     * may be its own) and wakes the readers and writers parked behind it: without this they would wait for a
     * "last reader leaves 3 -> 1" or an unlockWrite() that never comes (a lost wake-up). If another writer is
     * parked, the bit stays: it is that writer's claim too, and the usual 3 -> 1 / unlockWrite() wakes serve it.
     */
    private void withdrawWriter() {
        // volatile, after our own decrement: every writer counted here is between its increment and decrement,
        // so it re-reads the state after this and keeps waiting (or acquires, or withdraws itself later and then
        // sees us uncounted): the last writer to withdraw always reaches the clear below
        if (parkedWriters != 0) {
            return;
        }
        int s = stateVolatile();
        while ((s & 1) != 0 && s != WRITE_LOCKED) { // readers + bit (or 1: the bit alone)
            int witness = caeState(s, s - 1);
            if (witness == s) {
                // bump after the clear: a writer that read writerWakes before this bump fails its validation;
                // one that reads it after sees the even state and re-announces (the comment in acquireWrite())
                getAndAddWriterWakes();
                if (parkedWriters != 0) { // volatile: Dekker with getAndAddParkedWriters(1) in acquireWrite()
                    ParkingLot.wakeAll(writerKey);
                }
                if (parkedReaders != 0) { // volatile: Dekker with getAndAddParkedReaders(1) in acquireRead()
                    ParkingLot.wakeAll(this);
                }
                return;
            }
            s = witness;
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

    private int stateVolatile() {
        return state; // volatile: pairs with the CAEs and the unlock store
    }

    private void setStateVolatile(int value) {
        state = value; // volatile store: release pairs with readers'/writers' CAE; ordered before the count reads
    }

    private int caeState(int expected, int value) {
        return (int) STATE.compareAndExchange(this, expected, value); // volatile CAE: pairs with the unlocks
    }

    private int writerWakesVolatile() {
        return writerWakes; // volatile: pairs with getAndAddWriterWakes() after each way out of an odd state
    }

    private void getAndAddWriterWakes() {
        WRITER_WAKES.getAndAdd(this, 1); // volatile RMW: pairs with writerWakesVolatile() in acquireWrite()
    }

    private void getAndAddParkedReaders(int delta) {
        PARKED_READERS.getAndAdd(this, delta); // volatile RMW: Dekker pair with unlockWrite()/withdrawWriter()
    }

    private void getAndAddParkedWriters(int delta) {
        PARKED_WRITERS.getAndAdd(this, delta); // volatile RMW: Dekker pair with the unlocks and withdrawWriter()
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

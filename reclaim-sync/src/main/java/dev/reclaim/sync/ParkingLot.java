package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A futex for the JVM: threads wait on a <em>key</em> (any object, or an off-heap address) after checking,
 * atomically with respect to wakers, that they still should; other threads wake one or all waiters of a key.
 * Every lock in this package is built on it.
 *
 * <p>The design is WebKit's {@code ParkingLot} and Rust's {@code parking_lot} crate: one global, fixed-size
 * table of buckets; a key hashes to a bucket; each bucket has a small lock (a JVM monitor, held only for a few
 * list operations, never while parked) and a FIFO list of the threads parked on keys that hash to it. A parked
 * thread blocks in {@link LockSupport#park}, so virtual threads unmount instead of pinning a carrier.
 *
 * <h2>The no-lost-wake-up rule</h2>
 * {@link #park(Object, Validation, long)} runs the caller's {@link Validation} while holding the key's bucket
 * lock and enqueues the thread before releasing it; every wake takes the same bucket lock. So a waker that
 * first changes the state the validation reads, then calls {@code wakeOne}/{@code wakeAll}, either runs before
 * the validation (which then sees the new state and does not park) or after the enqueue (and finds the thread).
 *
 * <h2>Interrupts and timeouts</h2>
 * <ul>
 *   <li>{@link #park(Object, Validation, long)} is <em>interruptible</em>: if the thread is interrupted before it
 *       parks, or while parked, it returns {@link ParkResult#INTERRUPTED} and leaves the interrupt status
 *       <em>set</em> (the caller decides whether to throw {@code InterruptedException}).</li>
 *   <li>A thread that is woken and interrupted at about the same time returns {@link ParkResult#UNPARKED} (the
 *       wake is never lost: it was dequeued by the waker) with its interrupt status set.</li>
 *   <li>{@link #parkUninterruptibly(Object, Validation, long)} keeps waiting through interrupts and restores
 *       the interrupt status before it returns.</li>
 *   <li>A timeout returns {@link ParkResult#TIMED_OUT} after removing the thread from the queue; if a waker
 *       dequeued it first, the result is {@link ParkResult#UNPARKED} instead.</li>
 * </ul>
 *
 * <h2>Callbacks</h2>
 * Validations and the unpark/requeue callbacks run while a bucket lock is held: they must be short, must not
 * block and must not call back into the parking lot.
 *
 * <h2>Cost</h2>
 * Parking allocates one small waiter node (the slow path only: every lock here parks only after its atomic
 * fast path and a brief spin failed). Keys that collide in the table share a bucket lock but never wake each
 * other: a waiter matches by key identity (or address equality).
 */
public final class ParkingLot {

    /*
     * Implementation notes
     *
     * Invariants: a Waiter is in exactly one bucket list while woken == 0, the bucket of its current key; a
     * waker unlinks it and sets woken = 1 under that bucket's lock, then unparks its thread outside the lock.
     * The key fields of a waiter change only in requeue(), under both buckets' locks; a cancelling waiter reads
     * its key, locks that bucket and re-checks the key (retrying if a requeue moved it).
     *
     * Linearization: park's validation + enqueue happen atomically under the bucket lock; wakeOne/wakeAll
     * dequeue under it. The monitor gives the happens-before edges between validators and wakers.
     *
     * Memory orders: woken is written with release under the lock (pairs with the acquire read in the parked
     * thread's loop, which runs without the lock: a spurious return of LockSupport.park must see either 0 and
     * park again, or 1 and everything the waker did before the wake). The key fields are volatile-read
     * (pairs with the volatile writes in requeue) only to find the bucket to lock; the decision is re-made
     * under the lock.
     *
     * Garbage: one Waiter per park, unreachable once the park returns.
     * References: Pizlo, "Locking in WebKit" (2016); Amanieu d'Antras, parking_lot crate; Drepper, "Futexes
     * are tricky".
     */

    /** What a park ended with. */
    public enum ParkResult {
        /** A waker dequeued this thread ({@code wakeOne}, {@code wakeAll}, or a wake after a requeue). */
        UNPARKED,
        /** The validation returned false under the bucket lock: the thread never parked. */
        INVALID,
        /** The timeout expired before any waker dequeued the thread. */
        TIMED_OUT,
        /** The thread was interrupted before a waker dequeued it (interrupt status left set). */
        INTERRUPTED
    }

    /** Checked under the bucket lock, just before the thread is enqueued. */
    @FunctionalInterface
    public interface Validation {
        /**
         * Whether the thread should still park (typically: the watched word still holds the expected value).
         *
         * @return {@code true} to park, {@code false} to return {@link ParkResult#INVALID} at once
         */
        boolean shouldPark();
    }

    /** Runs under the bucket lock after a {@link #wakeOne(Object, UnparkCallback)} dequeued (or did not). */
    @FunctionalInterface
    public interface UnparkCallback {
        /**
         * Called with the outcome of the wake while the bucket lock is still held, so that the caller can
         * update its state (for example clear a "has waiters" bit) atomically with respect to new parkers. The
         * woken thread is marked woken only after this returns, so whatever the callback wrote happens-before
         * that thread's {@code park} returns.
         *
         * @param woke           whether a thread was dequeued
         * @param moreWaiting    whether other threads are still parked on the same key
         */
        void unparked(boolean woke, boolean moreWaiting);
    }

    /** What {@link #requeue} should do, decided under both bucket locks. */
    public enum RequeueOp {
        /** Do nothing. */
        ABORT,
        /** Move every waiter of the source key to the target key without waking any. */
        REQUEUE_ALL,
        /** Wake the first waiter of the source key and move the others to the target key. */
        WAKE_ONE_REQUEUE_REST,
        /** Wake every waiter of the source key. */
        WAKE_ALL
    }

    /** Decides a {@link #requeue}, under both bucket locks. */
    @FunctionalInterface
    public interface RequeueDecision {
        /**
         * Decides what to do with the waiters of the source key.
         *
         * @return the operation; never null
         */
        RequeueOp decide();
    }

    /** A timeout meaning "wait until woken" (so is any timeout of 2^62 ns, about 146 years, or more). */
    public static final long NO_TIMEOUT = Long.MAX_VALUE;
    /** Timeouts at or above this are treated as {@link #NO_TIMEOUT}, so that deadlines never overflow. */
    static final long FOREVER_THRESHOLD = 1L << 62;

    private static final int BUCKETS = 256;
    private static final Bucket[] TABLE = new Bucket[BUCKETS];
    /** The key object of every address key: address waiters match on {@code (ADDRESS, address)}. */
    private static final Object ADDRESS = new Object();

    static {
        for (int i = 0; i < BUCKETS; i++) {
            TABLE[i] = new Bucket();
        }
    }

    private ParkingLot() {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Park
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Parks the current thread on {@code key} if {@code validation} still says so, until woken, timed out or
     * interrupted (see the class documentation for interrupts).
     *
     * @param key          the key; compared by identity
     * @param validation   checked under the bucket lock; must not block or call the parking lot
     * @param timeoutNanos how long to wait at most, or {@link #NO_TIMEOUT}; {@code <= 0} only validates (and
     *                     returns {@link ParkResult#TIMED_OUT} if it passes)
     * @return why the park ended
     * @throws NullPointerException if {@code key} or {@code validation} is null
     */
    public static ParkResult park(Object key, Validation validation, long timeoutNanos) {
        return parkImpl(Objects.requireNonNull(key, "key"), 0L, validation, timeoutNanos, true);
    }

    /**
     * Like {@link #park(Object, Validation, long)} but keeps waiting through interrupts (it never returns
     * {@link ParkResult#INTERRUPTED}); the interrupt status is restored before returning.
     *
     * @param key          the key; compared by identity
     * @param validation   checked under the bucket lock
     * @param timeoutNanos how long to wait at most, or {@link #NO_TIMEOUT}
     * @return why the park ended
     * @throws NullPointerException if {@code key} or {@code validation} is null
     */
    public static ParkResult parkUninterruptibly(Object key, Validation validation, long timeoutNanos) {
        return parkImpl(Objects.requireNonNull(key, "key"), 0L, validation, timeoutNanos, false);
    }

    /**
     * Parks on an off-heap address (any {@code long}; two waiters match if the numbers are equal), like
     * {@link #park(Object, Validation, long)}.
     *
     * @param address      the key
     * @param validation   checked under the bucket lock
     * @param timeoutNanos how long to wait at most, or {@link #NO_TIMEOUT}
     * @return why the park ended
     * @throws NullPointerException if {@code validation} is null
     */
    public static ParkResult parkAddress(long address, Validation validation, long timeoutNanos) {
        return parkImpl(ADDRESS, address, validation, timeoutNanos, true);
    }

    /**
     * Parks on an off-heap address through interrupts, like {@link #parkUninterruptibly}.
     *
     * @param address      the key
     * @param validation   checked under the bucket lock
     * @param timeoutNanos how long to wait at most, or {@link #NO_TIMEOUT}
     * @return why the park ended
     * @throws NullPointerException if {@code validation} is null
     */
    public static ParkResult parkAddressUninterruptibly(long address, Validation validation, long timeoutNanos) {
        return parkImpl(ADDRESS, address, validation, timeoutNanos, false);
    }

    private static ParkResult parkImpl(Object key, long address, Validation validation, long timeoutNanos,
                                       boolean interruptible) {
        Objects.requireNonNull(validation, "validation");
        Thread self = Thread.currentThread();
        if (interruptible && self.isInterrupted()) {
            return ParkResult.INTERRUPTED;
        }
        boolean timed = timeoutNanos < FOREVER_THRESHOLD;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        Bucket bucket = bucketOf(key, address);
        Waiter w;
        synchronized (bucket) {
            if (!validation.shouldPark()) {
                return ParkResult.INVALID;
            }
            if (timed && timeoutNanos <= 0) {
                return ParkResult.TIMED_OUT;
            }
            w = new Waiter(self, key, address);
            bucket.append(w);
        }
        boolean interruptedMeanwhile = false;
        try {
            while (true) {
                if (w.wokenAcquire()) {
                    return ParkResult.UNPARKED;
                }
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return cancel(w, ParkResult.TIMED_OUT);
                    }
                    LockSupport.parkNanos(bucket, remaining);
                } else {
                    LockSupport.park(bucket);
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        self.interrupt(); // left set for the caller, whatever the result
                        return cancel(w, ParkResult.INTERRUPTED);
                    }
                    interruptedMeanwhile = true;
                }
            }
        } finally {
            if (interruptedMeanwhile) {
                self.interrupt();
            }
        }
    }

    /** Removes {@code w} from its queue unless a waker already did; returns {@code result} or UNPARKED. */
    private static ParkResult cancel(Waiter w, ParkResult result) {
        while (true) {
            Object key = w.key();
            long address = w.address();
            Bucket bucket = bucketOf(key, address);
            synchronized (bucket) {
                if (w.key() != key || w.address() != address) {
                    continue; // a requeue moved it meanwhile: lock the new bucket
                }
                if (w.wokenAcquire()) {
                    return ParkResult.UNPARKED;
                }
                bucket.remove(w);
                return result;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Wake
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Wakes the longest-waiting thread parked on {@code key}, if any.
     *
     * @param key the key
     * @return whether a thread was woken
     */
    public static boolean wakeOne(Object key) {
        return wakeOneImpl(Objects.requireNonNull(key, "key"), 0L, null);
    }

    /**
     * Wakes the longest-waiting thread parked on {@code key}, if any, and runs {@code callback} under the
     * bucket lock with the outcome.
     *
     * @param key      the key
     * @param callback told whether a thread was woken and whether more remain; runs under the bucket lock
     * @return whether a thread was woken
     */
    public static boolean wakeOne(Object key, UnparkCallback callback) {
        return wakeOneImpl(Objects.requireNonNull(key, "key"), 0L, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Wakes the longest-waiting thread parked on {@code address}, if any.
     *
     * @param address the key
     * @return whether a thread was woken
     */
    public static boolean wakeOneAddress(long address) {
        return wakeOneImpl(ADDRESS, address, null);
    }

    /**
     * Wakes every thread parked on {@code key}.
     *
     * @param key the key
     * @return how many threads were woken
     */
    public static int wakeAll(Object key) {
        return wakeAllImpl(Objects.requireNonNull(key, "key"), 0L);
    }

    /**
     * Wakes every thread parked on {@code address}.
     *
     * @param address the key
     * @return how many threads were woken
     */
    public static int wakeAllAddress(long address) {
        return wakeAllImpl(ADDRESS, address);
    }

    /**
     * Moves the threads parked on {@code from} to {@code to} (or wakes them), as {@code decision} says under both
     * bucket locks. A condition variable uses it to move its waiters onto the mutex instead of waking them all
     * at once (no thundering herd): the mutex's unlock then wakes them one at a time.
     *
     * @param from     the source key
     * @param to       the target key
     * @param decision runs under both bucket locks; must not block or call the parking lot
     * @return how many threads were woken plus how many were moved
     */
    public static int requeue(Object from, Object to, RequeueDecision decision) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(decision, "decision");
        Bucket a = bucketOf(from, 0L);
        Bucket b = bucketOf(to, 0L);
        Bucket first = a.index <= b.index ? a : b;
        Bucket second = first == a ? b : a;
        Waiter wokenChain = null;
        int count = 0;
        synchronized (first) {
            synchronized (second) {
                RequeueOp op = decision.decide();
                if (op == RequeueOp.ABORT) {
                    return 0;
                }
                boolean wakeFirst = op == RequeueOp.WAKE_ONE_REQUEUE_REST;
                Waiter prev = null;
                Waiter w = a.head;
                while (w != null) {
                    Waiter next = w.next;
                    if (w.matches(from, 0L)) {
                        a.unlink(prev, w);
                        count++;
                        if (op == RequeueOp.WAKE_ALL || wakeFirst) {
                            wakeFirst = false;
                            w.next = wokenChain;
                            wokenChain = w;
                            w.setWokenRelease(); // release: pairs with wokenAcquire() in parkImpl/cancel
                        } else {
                            w.next = null;
                            w.setKeyVolatile(to, 0L); // volatile: pairs with key() in cancel()
                            b.append(w);
                        }
                    } else {
                        prev = w;
                    }
                    w = next;
                }
            }
        }
        unparkChain(wokenChain);
        return count;
    }

    /**
     * Whether some thread is parked on {@code key} right now (a snapshot, for tests and diagnostics).
     *
     * @param key the key
     * @return whether a waiter was queued at the moment of the check
     */
    public static boolean hasWaiters(Object key) {
        return countWaiters(key) > 0;
    }

    /**
     * How many threads are parked on {@code key} right now (a snapshot, for tests and diagnostics).
     *
     * @param key the key
     * @return the number of waiters queued at the moment of the check
     */
    public static int countWaiters(Object key) {
        Objects.requireNonNull(key, "key");
        Bucket bucket = bucketOf(key, 0L);
        int n = 0;
        synchronized (bucket) {
            for (Waiter w = bucket.head; w != null; w = w.next) {
                if (w.matches(key, 0L)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean wakeOneImpl(Object key, long address, UnparkCallback callback) {
        Bucket bucket = bucketOf(key, address);
        Waiter found = null;
        synchronized (bucket) {
            Waiter prev = null;
            boolean more = false;
            for (Waiter w = bucket.head; w != null; prev = w, w = w.next) {
                if (w.matches(key, address)) {
                    found = w;
                    break;
                }
            }
            if (found != null) {
                bucket.unlink(prev, found);
                if (callback != null) {
                    for (Waiter w = prev == null ? bucket.head : prev.next; w != null; w = w.next) {
                        if (w.matches(key, address)) {
                            more = true;
                            break;
                        }
                    }
                }
            }
            if (callback != null) {
                // before the woken flag: a dequeued thread that has not blocked yet sees the flag at once and
                // returns without the bucket lock, and must then see what the callback did (Mutex's WAKING)
                callback.unparked(found != null, more);
            }
            if (found != null) {
                found.setWokenRelease(); // release: pairs with wokenAcquire() in parkImpl/cancel
            }
        }
        if (found != null) {
            LockSupport.unpark(found.thread);
            return true;
        }
        return false;
    }

    private static int wakeAllImpl(Object key, long address) {
        Bucket bucket = bucketOf(key, address);
        Waiter chain = null;
        int n = 0;
        synchronized (bucket) {
            Waiter prev = null;
            Waiter w = bucket.head;
            while (w != null) {
                Waiter next = w.next;
                if (w.matches(key, address)) {
                    bucket.unlink(prev, w);
                    w.next = chain;
                    chain = w;
                    w.setWokenRelease(); // release: pairs with wokenAcquire() in parkImpl/cancel
                    n++;
                } else {
                    prev = w;
                }
                w = next;
            }
        }
        unparkChain(chain);
        return n;
    }

    /** Unparks a private chain of woken waiters; their {@code next} links are no longer read by anyone else. */
    private static void unparkChain(Waiter chain) {
        for (Waiter w = chain; w != null; ) {
            Waiter next = w.next;
            LockSupport.unpark(w.thread);
            w = next;
        }
    }

    private static Bucket bucketOf(Object key, long address) {
        int h = key == ADDRESS ? Long.hashCode(address * 0x9E3779B97F4A7C15L) : System.identityHashCode(key);
        h = (h ^ (h >>> 16)) * 0x45D9F3B;
        return TABLE[(h ^ (h >>> 16)) & (BUCKETS - 1)];
    }

    // ---------------------------------------------------------------------------------------------------------
    // Buckets and waiters
    // ---------------------------------------------------------------------------------------------------------

    /** A FIFO list of waiters; every field is guarded by the bucket's monitor. */
    private static final class Bucket {
        private static int counter;
        final int index = counter++; // assigned in the static initializer, single-threaded
        Waiter head;
        Waiter tail;

        void append(Waiter w) {
            if (tail == null) {
                head = w;
            } else {
                tail.next = w;
            }
            tail = w;
        }

        void unlink(Waiter prev, Waiter w) {
            Waiter next = w.next;
            if (prev == null) {
                head = next;
            } else {
                prev.next = next;
            }
            if (tail == w) {
                tail = prev;
            }
            w.next = null;
        }

        void remove(Waiter w) {
            Waiter prev = null;
            for (Waiter x = head; x != null; prev = x, x = x.next) {
                if (x == w) {
                    unlink(prev, x);
                    return;
                }
            }
            throw new AssertionError("a waiter that was not woken must be in its bucket");
        }
    }

    /** One parked thread. */
    private static final class Waiter {
        final Thread thread;
        private volatile Object key;
        private volatile long address;
        /** Guarded by the bucket monitor. */
        Waiter next;
        private int woken;

        Waiter(Thread thread, Object key, long address) {
            this.thread = thread;
            this.key = key;
            this.address = address;
        }

        Object key() {
            return key; // volatile: pairs with setKeyVolatile() in requeue()
        }

        long address() {
            return address; // volatile: pairs with setKeyVolatile() in requeue()
        }

        void setKeyVolatile(Object newKey, long newAddress) {
            address = newAddress; // volatile: pairs with address() in cancel()
            key = newKey; // volatile: pairs with key() in cancel()
        }

        boolean matches(Object k, long a) {
            return key == k && address == a; // under the bucket monitor: plain reads of the volatiles suffice
        }

        boolean wokenAcquire() {
            return (int) WOKEN.getAcquire(this) != 0; // acquire: pairs with setWokenRelease() by the waker
        }

        void setWokenRelease() {
            WOKEN.setRelease(this, 1); // release: pairs with wokenAcquire() in the parked thread
        }

        // VarHandle mechanics
        private static final VarHandle WOKEN;

        static {
            try {
                WOKEN = MethodHandles.lookup().findVarHandle(Waiter.class, "woken", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}

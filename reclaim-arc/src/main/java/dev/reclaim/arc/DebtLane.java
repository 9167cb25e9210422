package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.SlotSupport;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * A platform thread's own debt slots for {@link ArcSwap#load()}'s fence-free fast path, used only when
 * {@link AsymmetricFence} is asymmetric. Only the owner thread claims a lane slot (a plain probe for a free slot
 * and an opaque store of the debt: no CAS); any thread may free it (a guard may be closed elsewhere). Writers
 * and {@link PendingReleases} scan every lane of the global registry.
 *
 * <p>Lanes are per platform thread (a ThreadLocal), never per virtual thread: virtual threads use the global
 * {@link DebtPool}, whose size follows the loads open at once rather than the number of threads. The lane of a
 * thread that ended is reused by the next thread that needs one once all its slots are free, so the registry is
 * bounded by the most platform threads ever loading at once (plus lanes left with a guard never closed).
 */
final class DebtLane {

    /** Slots per lane: the nesting depth of open guards a thread gets without falling back to the pool. */
    static final int SLOTS = 4;

    /** Whether lanes are in use (asymmetric fences available); decided once. */
    static final boolean ENABLED = AsymmetricFence.isAsymmetric();

    /** Every lane ever created; copy-on-write under LOCK. Via the volatile field. */
    private static volatile DebtLane[] registry = new DebtLane[0];
    private static final Object LOCK = new Object();

    private static final ThreadLocal<DebtLane> LANE = ThreadLocal.withInitial(DebtLane::register);

    final DebtSlot[] slots = new DebtSlot[SLOTS];
    /** slots[0], the one a thread without nested guards always uses: a field, to spare the array load. */
    private final DebtGuard first;
    /** The thread that owns the lane; cleared (by the GC, or found dead) when it ended. Guarded by LOCK. */
    private WeakReference<Thread> owner;

    private DebtLane(Thread owner) {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = DebtSlot.create(true);
        }
        first = slots[0].guard();
        this.owner = new WeakReference<>(owner);
        this.ownerId = owner.threadId();
    }

    /**
     * Lanes by a hash of their owner's thread id: the hot path's lookup (one array load and an id compare,
     * cheaper than the ThreadLocal). Entries are written under LOCK in place and read racily: a stale or missing
     * entry only sends the reader to the ThreadLocal (thread ids are never reused, so a stale ownerId never
     * matches another thread).
     */
    private static final DebtLane[] BY_HASH = new DebtLane[256];

    /** The owner's thread id; written under LOCK before the lane is reachable from BY_HASH. */
    private long ownerId;

    /**
     * A free slot of the calling thread's lane, or null for a virtual thread or when all its slots are busy
     * (nested guards). The hot path is one hash-table load, an id compare and the first slot's debt.
     */
    static DebtGuard freeSlot(Thread me) {
        long id = me.threadId();
        DebtLane l = BY_HASH[SlotSupport.spread(id) & (BY_HASH.length - 1)]; // plain: a hint, checked by the id
        if (l != null && l.ownerId == id) { // ids are never reused: a hit is our own lane (never a virtual thread's)
            DebtGuard s = l.first;
            if (s.debtAcquire() == null) { // acquire: pairs with the closer's release; its guard writes precede ours
                return s;
            }
            return l.otherFreeSlot(1);
        }
        return me.isVirtual() ? null : LANE.get().otherFreeSlot(0);
    }

    /** The first free slot from index {@code from} (owner thread only), or null. */
    private DebtGuard otherFreeSlot(int from) {
        for (int i = from; i < SLOTS; i++) {
            DebtSlot s = slots[i];
            if (s.debtAcquire() == null) { // acquire: as in freeSlot(Thread)
                return s.guard();
            }
        }
        return null;
    }

    /** The lanes to scan (writers, PendingReleases). */
    static DebtLane[] registry() {
        return registry; // volatile read: pairs with the publication in register()
    }

    /** Whether any lane slot holds a debt on {@code c}; call after {@link AsymmetricFence#heavy()}. */
    static boolean held(Counted<?> c) {
        for (DebtLane lane : registry()) {
            for (DebtSlot s : lane.slots) {
                if (s.debtAcquire() == c) { // acquire: after heavy(); a reader's release of null orders its reads first
                    return true;
                }
            }
        }
        return false;
    }

    /** Lane slots holding a debt now (tests: proves that no guard leaks its lane slot). */
    static int claimed() {
        int n = 0;
        for (DebtLane lane : registry()) {
            for (DebtSlot s : lane.slots) {
                if (s.debtVolatile() != null) {
                    n++;
                }
            }
        }
        return n;
    }

    private static DebtLane register() {
        Thread me = Thread.currentThread();
        synchronized (LOCK) {
            for (DebtLane lane : registry) {
                Thread t = lane.owner.get();
                if ((t == null || !t.isAlive()) && lane.allFree()) {
                    lane.owner = new WeakReference<>(me);
                    lane.ownerId = me.threadId();
                    lane.hash();
                    return lane; // the dead owner cannot claim; its closers have all finished (allFree)
                }
            }
            DebtLane lane = new DebtLane(me);
            DebtLane[] bigger = Arrays.copyOf(registry, registry.length + 1);
            bigger[bigger.length - 1] = lane;
            registry = bigger; // volatile write: publishes the lane before its owner's first claim
            lane.hash();
            return lane;
        }
    }

    /** Takes this lane's hash entry if it is empty or its owner ended (under LOCK). */
    private void hash() {
        int i = SlotSupport.spread(ownerId) & (BY_HASH.length - 1);
        DebtLane cur = BY_HASH[i];
        Thread t = cur == null ? null : cur.owner.get();
        if (cur == null || cur == this || t == null || !t.isAlive()) {
            BY_HASH[i] = this; // plain: racy hint, see BY_HASH
        }
    }

    private boolean allFree() {
        for (DebtSlot s : slots) {
            if (s.debtVolatile() != null) {
                return false;
            }
        }
        return true;
    }
}

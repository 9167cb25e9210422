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
 * <p>Lanes are per platform thread (a ThreadLocal) and per carrier, never per virtual thread: a virtual thread
 * claims a slot of the lane of the carrier it runs on ({@link CarrierId}), so the lanes follow the carriers, not
 * the number of virtual threads. A guard held across an unmount keeps its carrier's slot busy (the next virtual
 * threads on that carrier take its other slots); when a carrier's slots are all busy, or carriers are
 * unavailable, virtual threads use the global {@link DebtPool}, whose size follows the loads open at once. The lane
 * of a platform thread that ended is reused by the next thread that needs one once all its slots are free, so the
 * registry is bounded by the most platform threads ever loading at once (plus lanes left with a guard never
 * closed) plus at most {@link #CARRIER_LANES} carrier lanes.
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

    /** Whether virtual threads use carrier lanes (lanes in use and {@link CarrierId} available); decided once. */
    static final boolean CARRIERS = ENABLED && CarrierId.ENABLED;
    /** The size of the carrier index; at most this many carrier lanes exist (beyond them: the pool). */
    static final int CARRIER_LANES = 256;
    /** Entries of the carrier index a lookup probes from its hash before it gives up (the pool path). */
    private static final int CARRIER_PROBE = 8;
    /**
     * Carrier lanes by a hash of their carrier's {@code pthread_t} (open addressing, linear probe). Entries are
     * written once, under LOCK, and read racily: a lane's key and slots are final, so a lane seen here is seen
     * whole; a missing entry only sends the reader to the registration under LOCK. Never cleared: a carrier that
     * ended leaves its lane to the next OS thread given the same {@code pthread_t} (never two live ones).
     */
    private static final DebtLane[] BY_CARRIER = new DebtLane[CARRIER_LANES];

    final DebtSlot[] slots = new DebtSlot[SLOTS];
    /** slots[0], the one a thread without nested guards always uses: a field, to spare the array load. */
    private final DebtGuard first;
    /** The thread that owns the lane; cleared (by the GC, or found dead) when it ended. Guarded by LOCK. */
    private WeakReference<Thread> owner;

    /** The carrier's {@code pthread_t} for a carrier lane; 0 for a platform thread's lane. */
    private final long carrierKey;

    private DebtLane(Thread owner) {
        this(owner, 0);
    }

    /** A platform thread's lane ({@code carrierKey} 0) or a carrier's lane ({@code owner} null). */
    private DebtLane(Thread owner, long carrierKey) {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = DebtSlot.create(true);
        }
        first = slots[0].guard();
        this.carrierKey = carrierKey;
        this.owner = new WeakReference<>(owner);
        this.ownerId = owner == null ? -1 : owner.threadId(); // -1: no thread id, never a BY_HASH hit
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
        DebtLane l = BY_HASH[SlotSupport.home(id, BY_HASH.length - 1)]; // plain: a hint, checked by the id
        if (l != null && l.ownerId == id) { // ids are never reused: a hit is our own lane (never a virtual thread's)
            DebtGuard s = l.first;
            if (s.debtAcquire() == null) { // acquire: pairs with the closer's release; its guard writes precede ours
                return s;
            }
            return l.otherFreeSlot(1);
        }
        if (me.isVirtual()) {
            return CARRIERS ? carrierSlot(CarrierId.current()) : null;
        }
        return LANE.get().otherFreeSlot(0);
    }

    /**
     * A free slot of the lane of the carrier {@code key} (the caller's {@link CarrierId#current()}), or null when
     * its slots are all busy or the carrier has no lane and none can be made. The caller must not unmount between
     * the call that gave {@code key} and its store of the debt (a load never does).
     *
     * <p>Kept under the JIT's small-method limit (35 bytecodes: the carrier's home entry and its first slot), so
     * that it is inlined into every load whatever share of the loads virtual threads made while the caller was
     * profiled: the probe loop and the registration, in {@link #carrierSlotProbe}, are out of line. Without the
     * split the whole lookup (80 bytecodes) was inlined only when virtual threads made a quarter of the profiled
     * calls, so the compiled load path, virtual and platform, changed from one JVM to the next.
     */
    static DebtGuard carrierSlot(long key) {
        DebtLane l = BY_CARRIER[carrierHome(key)]; // plain: see BY_CARRIER
        if (l != null && l.carrierKey == key) {
            return l.ownerFreeSlot();
        }
        return carrierSlotProbe(key);
    }

    /** The index of the carrier index entry where the probe for {@code key} starts (package-private for tests). */
    static int carrierHome(long key) {
        return SlotSupport.spread(key) & (CARRIER_LANES - 1);
    }

    /** {@link #carrierSlot} when the carrier's lane is not at its home entry: the probe, then the registration. */
    private static DebtGuard carrierSlotProbe(long key) {
        int h = carrierHome(key);
        for (int i = 0; i < CARRIER_PROBE; i++) { // from the home entry (held by another carrier, or empty)
            DebtLane l = BY_CARRIER[(h + i) & (CARRIER_LANES - 1)]; // plain: see BY_CARRIER
            if (l == null) {
                break;
            }
            if (l.carrierKey == key) {
                return l.ownerFreeSlot();
            }
        }
        DebtLane l = carrierLane(key);
        if (l == null || CarrierId.current() != key) { // moved while it waited for LOCK: not our carrier now
            return null;
        }
        return l.ownerFreeSlot();
    }

    /**
     * The lane of the carrier {@code key}, registered if it has none; null when the entries of the index its
     * hash probes are taken by other carriers. Package-private for tests, which make a lane of a key of their own
     * to show what a lane claimed by two threads at once breaks.
     */
    static DebtLane carrierLane(long key) {
        int h = SlotSupport.spread(key);
        synchronized (LOCK) {
            for (int i = 0; i < CARRIER_PROBE; i++) {
                int k = (h + i) & (CARRIER_LANES - 1);
                DebtLane l = BY_CARRIER[k];
                if (l == null) {
                    DebtLane lane = new DebtLane(null, key);
                    DebtLane[] bigger = Arrays.copyOf(registry, registry.length + 1);
                    bigger[bigger.length - 1] = lane;
                    registry = bigger; // volatile write: publishes the lane before its owner's first claim
                    BY_CARRIER[k] = lane; // plain: racy index, see BY_CARRIER
                    return lane;
                }
                if (l.carrierKey == key) {
                    return l;
                }
            }
            return null;
        }
    }

    /**
     * A free slot of this lane, or null: the owner's claim probe (only the lane's owner may call it, and it owns
     * the slot once it has stored a debt in it; two callers at once would both get the same slot).
     */
    DebtGuard ownerFreeSlot() {
        DebtGuard s = first;
        if (s.debtAcquire() == null) { // acquire: pairs with the closer's release; its guard writes precede ours
            return s;
        }
        return otherFreeSlot(1);
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
                if (lane.carrierKey != 0) {
                    continue; // a carrier's lane: claimed by code running on that carrier only
                }
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
        int i = SlotSupport.home(ownerId, BY_HASH.length - 1);
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

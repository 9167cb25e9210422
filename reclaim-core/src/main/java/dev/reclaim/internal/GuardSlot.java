package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/** Left padding: keeps the hot fields of a slot off the cache lines of whatever the heap put before it. */
abstract class GuardSlotPadLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The fields every guard slot has. Written by the slot's current owner (the thread using the open guard, or a
 * stealer holding it LOCKED) and read by scanners.
 */
abstract class GuardSlotFields extends GuardSlotPadLeft {
    /** {@link GuardSlot#FREE}, {@link GuardSlot#LOCKED} or an open value (odd). Accessed via STATE only. */
    volatile long state;
    /**
     * The slot's guard, held strongly whether the slot is free or open, so that enter and close hand it out
     * and take it back with no reference store (no GC barrier). Null only after a recovery pass unhooked it
     * from an open slot that looked abandoned (so that its users alone keep it alive and {@link #guardRef}
     * can tell when none is left), until the next claim hooks it again. Written under the table lock, except
     * the unhook (a racy null store). Plain.
     */
    PooledGuard guard;
    /**
     * Weak handle on the slot's guard: replaced only under the table lock (a claim that found the guard
     * unhooked and collected, a recovery).
     */
    WeakReference<PooledGuard> guardRef;
    /**
     * The thread that last entered through this slot, written only when it changes (a reference store costs a
     * GC write barrier): diagnostics and recovery's hints only, may be stale for a moment after another thread
     * claims the slot.
     */
    Thread holder;
    /**
     * {@link Thread#threadId()} of the thread that opened the current guard, 0 while free (a primitive: no GC
     * barrier). Cleared before the release of FREE, so a thread that finds its own id in an open slot really
     * holds it (the self-checks of synchronize, close and flush). Plain.
     */
    long holderId;
    /** List-based schemes: guards closed or recovered on this slot, plus repins. Via GENERATION. */
    long generation;
    /** Entries retired through this slot since creation; also the sequence number of the last one. Via RETIRED. */
    long retired;
    /** Bytes retired through this slot (Deleter.sizeOf). Via RETIRED_BYTES. */
    long retiredBytes;
    /** 1 while a synchronize() waits for the owner to hand over this slot's garbage when it closes. Via REQUEST. */
    volatile int request;
    /** Enters left until this slot's owner runs the reclaimer's maintenance. Plain: owner only. */
    int maintenanceCountdown;
    /** {@link #retired} as the last sweep saw it (aging: drain only slots idle since then). Plain: sweepers only. */
    long sweptRetired;
    /** The dirty-map chunk holding this slot's bit (see {@link DirtyMap}); set before the table is published. */
    long[] dirtyWords;
    /** The index of this slot's word in {@link #dirtyWords}. */
    int dirtyWord;
    /** This slot's bit in that word. */
    long dirtyBit;
}

/**
 * One guard slot: the state of one open guard, its permanent guard, its holder and its counters.
 * Every scheme subclasses it with its payload (an epoch bag, a retired list, hazard words, an era reservation)
 * and then pads on the right; padding is by class hierarchy (the JVM lays out superclass fields first), never
 * by trusting the field order within a class.
 *
 * <p>State machine, the same for every scheme (see {@link GuardTable}):
 * <pre>
 *   FREE --claim CAS--&gt; open --close: release store--&gt; FREE
 *   FREE --steal CAS--&gt; LOCKED --release store--&gt; FREE
 *   open (guard unreachable) --recovery CAS under the table lock--&gt; LOCKED --release store--&gt; FREE
 * </pre>
 * An open value is odd: epochs store their pin {@code (epoch << 1) | 1} there, the list-based schemes
 * {@link #OPEN} (or, for hazard pointers' {@code enterProtecting}, {@code pointer | OPEN}: a hazard). FREE is always 0, so a claim is a CAS from a constant with no read before it.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxOpaque()}, {@code xxxAcquire()},
 * {@code xxxVolatile()}, {@code setXxxRelease()}, {@code setXxxVolatile()}, {@code casXxx()} name the
 * VarHandle mode they use.
 */
public abstract class GuardSlot extends GuardSlotFields {
    /** Nobody holds the slot: a claim (CAS FREE -&gt; open) or a stealer (CAS FREE -&gt; LOCKED) may take it. */
    public static final long FREE = 0;
    /** The open value of the schemes whose open state carries nothing. */
    public static final long OPEN = 1;
    /** Held by a stealer (flush, synchronize, close, recovery, a sweep), not by a reader. */
    public static final long LOCKED = 2;
    /**
     * Terminal: the slot was cut off by a shrink of the table (its garbage handed over, its counters folded
     * into the table's). Never claimable, never open; only holders of an older table still see it.
     */
    public static final long DEAD = 4;

    /** This slot's index in the table (stable: slots never move, the table only grows). */
    public final int index;
    /**
     * The open state, holder id and generation the previous recovery pass saw in this slot: seeing the same
     * open guard again unhooks it. Plain: racy hints (a wrong one costs one rehook, never safety). Declared
     * here, not with the fields above, so that they are laid out after the fields every enter and close touch.
     */
    long seenState;
    long seenHolderId;
    long seenGeneration;

    /**
     * Creates a free slot; the table gives it its guard.
     *
     * @param index its index in the table
     */
    protected GuardSlot(int index) {
        this.index = index;
    }

    /**
     * Whether a state value is open (a guard holds the slot).
     *
     * @param state a state value
     * @return whether it is odd
     */
    public static boolean isOpen(long state) {
        return (state & 1) != 0;
    }

    // ---------------------------------------------------------------- state

    /**
     * The state for a probe.
     *
     * @return the state (opaque: a hint only; the CAS that follows validates it)
     */
    public final long stateOpaque() {
        return (long) STATE.getOpaque(this); // opaque: a hint for probing only; the CAS validates it
    }

    /**
     * The state for scanners.
     *
     * @return the state (volatile: in the SC order with the claim CAS and every store of the state)
     */
    public final long stateVolatile() {
        return (long) STATE.getVolatile(this); // volatile: pairs (SC order) with the claim CAS and the state stores
    }

    /**
     * Compare-and-set of the state: a claim, a steal or a recovery.
     *
     * @param expect the expected state
     * @param update the new state
     * @return whether it was set
     */
    public final boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update); // volatile CAS: pairs with setStateRelease of the releaser
    }

    /**
     * Hands the slot back (or undoes a claim): release store of the state.
     *
     * @param value the new state
     */
    public final void setStateRelease(long value) {
        STATE.setRelease(this, value); // release: pairs with the next claimer's CAS and scanners' volatile reads
    }

    /**
     * Replaces the open value of a slot the caller holds (an epoch repin): volatile store.
     *
     * @param value the new open value
     */
    public final void setStateVolatile(long value) {
        STATE.setVolatile(this, value); // volatile: republish; pairs with scanners' volatile reads (StoreLoad)
    }

    // ---------------------------------------------------------------- owner, generation

    /**
     * The thread that last entered through this slot (racy, diagnostics only).
     *
     * @return the thread, or null before the first enter
     */
    public final Thread holder() {
        return holder; // plain: racy diagnostics read
    }

    /**
     * Whether the open guard of this slot was entered by the thread with id {@code threadId}. Call it after a
     * volatile read of the state found the slot open: a pin made by the caller carries its own id; a pin made
     * by another thread carries that thread's id (or 0), never the caller's stale id (the closer clears it
     * before its release, which the claimer's CAS acquired and the caller's volatile read acquires in turn).
     *
     * @param threadId a {@link Thread#threadId()}
     * @return whether that thread holds the slot
     */
    public final boolean isHeldBy(long threadId) {
        return holderId == threadId; // plain: see above
    }

    /**
     * One step of abandoned-guard detection on a slot seen open, for slow paths only (a racy hint that
     * recovery confirms under the table lock). While the slot holds its guard strongly the guard cannot be
     * collected, so this first unhooks it (drops the slot's strong reference) when its holder thread has
     * ended, or when the same open guard (state, holder, generation) is seen by a second pass; the guard's
     * users alone keep it alive then. Once unhooked, answers whether the guard was collected.
     *
     * @param state the slot's state as just read (open)
     * @return whether the unhooked guard was garbage-collected (recovery may take the slot over)
     */
    public final boolean mayBeAbandoned(long state) {
        if (guard != null) { // plain: a racy hint
            long h = holderId; // plain: a racy hint
            long gen = generationVolatile();
            Thread t = holder; // plain: a racy hint
            boolean ended = t != null && t.threadId() == h && !t.isAlive();
            if (ended || (state == seenState && h == seenHolderId && gen == seenGeneration)) {
                guard = null; // plain: the next claim hooks it again (GuardTable.rehook)
            } else {
                seenState = state; // plain: racy hints
                seenHolderId = h;
                seenGeneration = gen;
            }
            return false;
        }
        return guardCollected();
    }

    /**
     * Whether the slot's guard, as its weak reference names it, was garbage-collected.
     *
     * @return whether the weak reference to the guard was cleared
     */
    final boolean guardCollected() {
        return guardRef.get() == null;
    }

    /**
     * The number of guards closed or recovered on this slot, plus repins (list-based schemes), for scanners.
     *
     * @return the generation (volatile read)
     */
    public final long generationVolatile() {
        return (long) GENERATION.getVolatile(this); // volatile: pairs with setGenerationRelease/Volatile by the owner
    }

    /** Ends the current generation before the slot is released (close, recovery). Owner only. */
    final void endGenerationRelease() {
        // release: the guard's reads precede it; pairs with generationVolatile in defer's readiness checks
        GENERATION.setRelease(this, generation + 1);
    }

    /**
     * Starts a new generation while the slot stays open (a repin of a list-based scheme): deferred actions
     * waiting for this guard may run from now on. Owner only.
     */
    public final void newGenerationVolatile() {
        // volatile: StoreLoad, the reader's later loads come after it; pairs with generationVolatile in defer
        GENERATION.setVolatile(this, generation + 1);
    }

    // ---------------------------------------------------------------- counters, request

    /**
     * Counts one retired entry of {@code sizeBytes} bytes. Owner only.
     *
     * @param sizeBytes its size as Deleter.sizeOf reported it (0 when unknown)
     * @return the entry's sequence number (the slot's retired count including it)
     */
    public final long countRetired(long sizeBytes) {
        long seq = retired + 1; // plain: the owner reading its own counter
        RETIRED.setOpaque(this, seq); // opaque: read untorn by retiredOpaque (stats sums, synchronize targets)
        if (sizeBytes != 0) {
            RETIRED_BYTES.setOpaque(this, retiredBytes + sizeBytes); // opaque: read untorn by retiredBytesOpaque
        }
        return seq;
    }

    final long retiredOpaque() {
        return (long) RETIRED.getOpaque(this); // opaque: stats sums and synchronize targets; pairs with countRetired
    }

    final long retiredBytesOpaque() {
        return (long) RETIRED_BYTES.getOpaque(this); // opaque: stats sum; pairs with countRetired
    }

    /**
     * Whether a synchronize() asked the owner for this slot's garbage.
     *
     * @return the request (opaque: the closer's cheap check; it sees the request eventually)
     */
    public final int requestOpaque() {
        return (int) REQUEST.getOpaque(this); // opaque: the closer's cheap check; pairs with setRequestVolatile
    }

    /**
     * Whether the request is still pending, for the requester.
     *
     * @return the request (acquire: pairs with the owner's setRequestRelease(0))
     */
    public final int requestAcquire() {
        return (int) REQUEST.getAcquire(this); // acquire: pairs with setRequestRelease(0) by the owner
    }

    /**
     * Asks the slot's owner for its garbage (synchronize).
     *
     * @param value 1
     */
    public final void setRequestVolatile(int value) {
        REQUEST.setVolatile(this, value); // volatile: the request; read by the owner's requestOpaque
    }

    /**
     * Answers the request after the garbage was handed over (the owner, or a stealer holding the slot).
     *
     * @param value 0
     */
    public final void setRequestRelease(int value) {
        REQUEST.setRelease(this, value); // release: what was handed over happens-before the requester's acquire read
    }

    // ---------------------------------------------------------------- dirty bit (local garbage)

    /**
     * Marks this slot as holding local garbage (its owner calls it on the empty to non-empty transition), so
     * that a sweep finds it once it goes idle. Costs an atomic read-modify-write only when the bit is clear.
     */
    public final void markDirty() {
        // opaque: a hint; a sweeper clears the bit only while holding the slot, which our claim CAS acquired
        if ((DirtyMap.wordOpaque(dirtyWords, dirtyWord) & dirtyBit) == 0) {
            DirtyMap.setBits(dirtyWords, dirtyWord, dirtyBit);
        }
    }

    /** Clears the dirty bit; the caller holds the slot (LOCKED) and has taken its local garbage. */
    final void clearDirty() {
        DirtyMap.clearBits(dirtyWords, dirtyWord, dirtyBit);
    }

    // VarHandle mechanics
    private static final MethodHandles.Lookup L = MethodHandles.lookup();
    private static final VarHandle STATE = FieldHandles.of(L, GuardSlotFields.class, "state", long.class);
    private static final VarHandle GENERATION = FieldHandles.of(L, GuardSlotFields.class, "generation", long.class);
    private static final VarHandle RETIRED = FieldHandles.of(L, GuardSlotFields.class, "retired", long.class);
    private static final VarHandle RETIRED_BYTES =
            FieldHandles.of(L, GuardSlotFields.class, "retiredBytes", long.class);
    private static final VarHandle REQUEST = FieldHandles.of(L, GuardSlotFields.class, "request", int.class);
}

package dev.reclaim.arc;

import dev.reclaim.realtime.RealtimeCollector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The shared control block behind every {@link Arc} handle, {@link Weak} handle, {@link ArcSwap} slot and debt:
 * the value, its release action, the strong and weak counts and the released flag.
 *
 * <p>Accessor vocabulary: {@code xxxVolatile()} volatile read, {@code getAndAddXxx()} volatile atomic add,
 * {@code casXxx()} volatile CAS.
 */
final class Counted<T> {

    /*
     * Implementation notes
     * ====================
     * strong counts the owners: Arc handles, the slot of an ArcSwap that stores this block, paid debts and
     * handed-over references. It starts at 1 (the creating handle). Every legitimate increment is made by
     * someone who already owns a count (a handle's retain, a writer paying a debt while it owns the swapped-out
     * reference), so the count cannot be raised from 0 by correct code; Weak.upgrade is the one increment
     * without an owned count and uses a CAS loop that refuses 0.
     *
     * increment (Netty's optimistic scheme): getAndAdd(+1) -- one atomic instruction, no CAS retry loop under
     * contention -- then check the old value: <= 0 (a released block: misuse) or Integer.MAX_VALUE (overflow)
     * is rolled back with getAndAdd(-1) and reported. The rollback window is transient; strongCount() clamps.
     * decrement: getAndAdd(-1); old == 1 is the unique transition to zero, whose thread runs the releaser; an
     * old value <= 0 (released more often than retained: only reachable by an internal bug, handles guard
     * their own double release) is rolled back and reported. The releaser additionally runs behind a CAS on
     * `released`, so it runs at most once even if the count were ever corrupted.
     *
     * Orderings: every count update is a volatile RMW. The decrement of each owner is a release of its reads of
     * the value; the final decrement reads (acquires) all of them, so the releaser happens-after every use by
     * every owner (the same argument as Rust's Arc with AcqRel on the final fetch_sub).
     *
     * Where the releaser runs: on the thread of the final decrement; or as a task given to `executor`; or, when
     * `collectorRelease` is set, on a RealtimeCollector. The collector's queue node (CollectorRelease) is made
     * with the block, off the releasing thread, so that the final decrement does no allocation, no lock and no
     * release work: casReleased, then the collector's wait-free enqueue (one exchange, one store). The
     * collector's acquire of the node pairs with the enqueue's release store, which follows the final
     * decrement, so the releaser still happens-after every owner's use. Weak.upgrade refuses a count of 0, so a
     * value whose release is pending on the collector is never resurrected.
     *
     * Strings: the classes on the release path keep their messages in ArcMessages (see there why).
     */

    /** The value of a closed ArcSwap; never counted. */
    static final Counted<Object> CLOSED = new Counted<>(null, null, null);
    /** A writer's hand-over meaning "the swap was empty" (ArcSwapOption); never counted. */
    static final Counted<Object> NONE = new Counted<>(null, null, null);

    final T value;
    private final Releaser<? super T> releaser;
    private final Executor executor;
    /** The collector's preallocated queue node when the releaser runs on a RealtimeCollector, else null. */
    private final CollectorRelease collectorRelease;
    /** Strong count; via STRONG. */
    private volatile int strong = 1;
    /** Open Weak handles; via WEAK. */
    private volatile int weak;
    /** 1 once the releaser was started; via RELEASED. */
    private volatile int released;
    /**
     * The number that names this block in a pool debt word (0: none yet): given once, when the block first enters
     * an {@link ArcSwap} ({@link #stamp()}), never reused by another block. Written by CAS before the swap's
     * volatile write publishes the block; readers read it plain after their volatile read of the swap. Via STAMP.
     */
    private long stamp;
    /** The last stamp given out; via NEXT_STAMP. */
    private static volatile long nextStamp;

    Counted(T value, Releaser<? super T> releaser, Executor executor) {
        this(value, releaser, executor, null);
    }

    private Counted(T value, Releaser<? super T> releaser, Executor executor, RealtimeCollector collector) {
        this.value = value;
        this.releaser = releaser;
        this.executor = executor;
        // `this` escapes to the node before the constructor ends: the node only calls back in destroy(), after
        // the block was published and its final decrement enqueued the node (release/acquire through the queue)
        this.collectorRelease = collector == null ? null : new CollectorRelease(collector, this);
    }

    /** A block whose releaser runs on {@code collector}; registers its queue node there (off the hot path). */
    static <T> Counted<T> onCollector(T value, Releaser<? super T> releaser, RealtimeCollector collector) {
        return new Counted<>(value, releaser, null, collector);
    }

    /**
     * This block's stamp, given now if it has none (by a writer, before it publishes the block in a swap):
     * positive, unique among all blocks (a 64-bit counter).
     */
    long stamp() {
        long st = stampPlain();
        if (st != 0) {
            return st;
        }
        long fresh = (long) NEXT_STAMP.getAndAdd(1L) + 1; // volatile RMW: unique numbers across writers
        return casStamp(0, fresh) ? fresh : stampPlain();
    }

    long stampPlain() {
        return (long) STAMP.get(this); // plain: set (CAS) before the swap's volatile write that published this block
    }

    private boolean casStamp(long expect, long update) {
        return STAMP.compareAndSet(this, expect, update); // volatile CAS: two writers stamping one block agree
    }

    String valueTypeName() {
        return ArcMessages.typeName(value);
    }

    // ---------------------------------------------------------------- strong count

    int strongCount() {
        return Math.max(0, strongVolatile());
    }

    /** Adds one owner; the caller owns a count already (so the block is live). */
    void increment() {
        int old = getAndAddStrong(1);
        if (old <= 0 || old == Integer.MAX_VALUE) {
            getAndAddStrong(-1);
            if (old <= 0) {
                throw ArcMessages.retainOfReleased(valueTypeName());
            }
            throw ArcMessages.overflow(valueTypeName());
        }
    }

    /** Adds one owner only while the block is live (Weak.upgrade); false once released. */
    boolean tryIncrementIfLive() {
        for (int c = strongVolatile(); c > 0; c = strongVolatile()) {
            if (c == Integer.MAX_VALUE) {
                throw ArcMessages.overflow(valueTypeName());
            }
            if (casStrong(c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops one owner; the last one runs the releaser (on this thread), or hands it to the executor or to the
     * realtime collector (then wait-free and allocation-free).
     *
     * @throws ArcReleaseException when the releaser threw on this thread
     */
    void decrement() {
        int old = getAndAddStrong(-1);
        if (old > 1) {
            return;
        }
        if (old <= 0) {
            getAndAddStrong(1);
            throw ArcMessages.releasedMoreThanRetained(valueTypeName());
        }
        releaseValue();
    }

    /** Drops one owner that is known not to be the last (a writer undoing a debt payment). */
    void decrementNotLast() {
        getAndAddStrong(-1); // volatile RMW: the caller still owns another count on this block
    }

    private void releaseValue() {
        if (!casReleased(0, 1)) {
            return;
        }
        if (collectorRelease != null) {
            collectorRelease.enqueue(); // wait-free, allocation-free; after close() it releases here instead
            return;
        }
        if (executor == null) {
            runReleaser();
            return;
        }
        try {
            executor.execute(this::runReleaser);
        } catch (RejectedExecutionException e) {
            runReleaser(); // the executor is shut down: release here rather than never
        }
    }

    private void runReleaser() {
        if (releaser == null) {
            return;
        }
        try {
            releaser.release(value);
        } catch (Throwable t) {
            throw ArcMessages.releaserThrew(valueTypeName(), t);
        }
    }

    /** The collector's destroy(): runs the releaser there; a failure goes to the collector's failure handler. */
    void runReleaserOnCollector(String collectorName) {
        try {
            releaser.release(value);
        } catch (Throwable t) {
            throw ArcMessages.releaserThrewOnCollector(valueTypeName(), collectorName, t);
        }
    }

    boolean isReleased() {
        return releasedVolatile() != 0;
    }

    /** Whether the releaser runs on a RealtimeCollector (then the handles may be closed on realtime threads). */
    boolean releasesOnCollector() {
        return collectorRelease != null;
    }

    // ---------------------------------------------------------------- weak count

    int weakCount() {
        return Math.max(0, weakVolatile());
    }

    void incrementWeak() {
        getAndAddWeak(1);
    }

    void decrementWeak() {
        getAndAddWeak(-1);
    }

    // ---------------------------------------------------------------- accessors

    private int strongVolatile() {
        return (int) STRONG.getVolatile(this); // volatile: pairs with the RMWs below
    }

    private int getAndAddStrong(int delta) {
        return (int) STRONG.getAndAdd(this, delta); // volatile RMW: releases our uses, acquires the others' (final decrement)
    }

    private boolean casStrong(int expect, int update) {
        return STRONG.compareAndSet(this, expect, update); // volatile CAS: pairs with getAndAddStrong of the last owner
    }

    private int weakVolatile() {
        return (int) WEAK.getVolatile(this); // volatile: pairs with getAndAddWeak
    }

    private void getAndAddWeak(int delta) {
        WEAK.getAndAdd(this, delta); // volatile RMW: statistics only
    }

    private int releasedVolatile() {
        return (int) RELEASED.getVolatile(this); // volatile: pairs with casReleased
    }

    private boolean casReleased(int expect, int update) {
        return RELEASED.compareAndSet(this, expect, update); // volatile CAS: the single winner runs the releaser
    }

    // VarHandle mechanics
    private static final VarHandle STRONG;
    private static final VarHandle WEAK;
    private static final VarHandle RELEASED;
    private static final VarHandle STAMP;
    private static final VarHandle NEXT_STAMP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STRONG = l.findVarHandle(Counted.class, "strong", int.class);
            WEAK = l.findVarHandle(Counted.class, "weak", int.class);
            RELEASED = l.findVarHandle(Counted.class, "released", int.class);
            STAMP = l.findVarHandle(Counted.class, "stamp", long.class);
            NEXT_STAMP = l.findStaticVarHandle(Counted.class, "nextStamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

package dev.reclaim.arc;

import dev.reclaim.realtime.RealtimeCollector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A counted handle on a value with a release action: the action runs exactly once, when the last handle (and
 * the last {@link ArcSwap} slot or guard holding the value) is released. Each handle is released exactly once
 * ({@link #close()}, usable in try-with-resources); {@link #retain()} makes another handle.
 *
 * <pre>{@code
 * Arc<Searcher> a = Arc.of(new Searcher(index));   // Searcher implements AutoCloseable
 * try (Arc<Searcher> mine = a.retain()) {           // a second owner
 *     mine.get().search(query);
 * }
 * a.close();                                        // the last owner: Searcher.close() runs here
 * }</pre>
 *
 * <p>The release action runs on the thread that releases the last reference, or on the executor given to
 * {@link #of(Object, Releaser, Executor)} (keep hot threads from running slow {@code close()} calls), or on the
 * {@link RealtimeCollector} given to {@link #of(Object, Releaser, RealtimeCollector)}. With a collector, the last
 * release is wait-free and allocates nothing, so this is also the counted handle for realtime threads (an audio
 * callback, a trading loop): make and {@link #retain()} handles off the realtime thread, then {@link #get()} and
 * {@link #close()} them on it. If the action throws on the releasing thread, that release throws
 * {@link ArcReleaseException}; the value counts as released either way. Misuse fails with
 * {@link IllegalStateException}: releasing a handle twice, {@code get()} or {@code retain()} on a released
 * handle. Counts never go negative and the action never runs twice.
 *
 * <p>Handles are thread-safe; one handle may be released by a different thread than the one that created it.
 *
 * @param <T> the value type
 */
public final class Arc<T> implements AutoCloseable {

    /*
     * Implementation notes
     * ====================
     * A handle is one owner of its Counted block's strong count. Its own `closed` flag (CAS 0 -> 1) makes each
     * handle release at most once, so a double release is caught at the handle before it can touch the shared
     * count; the count itself is maintained in Counted (optimistic getAndAdd with rollback). A handle sampled by
     * the ArcLeakDetector keeps that flag in its Track instead (the cleaner action must not reach the handle).
     * `view` is what get() returns: the block's value, or a projection of it (map), sharing the block's count.
     * Messages live in ArcMessages: close() may run on a realtime thread (see ArcMessages for why).
     */

    private final Counted<?> inner;
    private final T view;
    /** Sampled leak tracking, or null (then `closed` is the released flag). */
    private final ArcLeakDetector.Track track;
    /** 1 once released; via CLOSED. */
    private volatile int closed;

    Arc(Counted<?> inner, T view) {
        this.inner = inner;
        this.view = view;
        this.track = ArcLeakDetector.maybeTrack(this, inner);
    }

    /**
     * A new value with its release action; the returned handle is its first owner.
     *
     * @param value    the value (not null)
     * @param releaser runs once when the last reference is released
     * @param <T>      the value type
     * @return the first handle
     * @throws NullPointerException when value or releaser is null
     */
    public static <T> Arc<T> of(T value, Releaser<? super T> releaser) {
        return of(value, releaser, (Executor) null);
    }

    /**
     * A new value whose release action is handed to {@code executor} (for example a background thread, so that a
     * latency-sensitive thread never runs {@code close()}). If the executor rejects the task, the action runs on
     * the releasing thread.
     *
     * @param value    the value (not null)
     * @param releaser runs once when the last reference is released
     * @param executor where the releaser runs; null for the releasing thread
     * @param <T>      the value type
     * @return the first handle
     * @throws NullPointerException when value or releaser is null
     */
    public static <T> Arc<T> of(T value, Releaser<? super T> releaser, Executor executor) {
        Objects.requireNonNull(value, "Arc value is null; use ArcSwapOption for an optional slot");
        Objects.requireNonNull(releaser, "Arc releaser is null; pass v -> {} for a value without a release action");
        return new Arc<>(new Counted<>(value, releaser, executor), value);
    }

    /**
     * A new value whose release action runs on {@code collector}'s thread, never on the releasing thread: the
     * last release (of a handle, an {@link ArcSwap} slot or guard) is then wait-free and allocation-free (one
     * atomic decrement, one CAS and the collector's enqueue), so realtime threads may drop the last reference.
     *
     * <p>Call off the realtime thread: this allocates the handle, the control block and the collector's queue
     * node, and registers the value with the collector, whose {@link RealtimeCollector#close()} waits until it
     * has been released and runs the release actions still pending. A release after the collector closed runs
     * the action on the releasing thread (as every late drop of that collector does). A release action that
     * throws is reported to the collector's failure handler as an {@link ArcReleaseException}; the value counts
     * as released. {@link Weak#upgrade()} returns empty as soon as the last reference is released, even while
     * the action is still pending on the collector. The {@link ArcLeakDetector} never samples these handles (its
     * deregistration takes a lock); the collector's close report counts values never released instead.
     *
     * <pre>{@code
     * Arc<Table> t = Arc.of(table, Table::free, collector);   // UI thread
     * ... hand t (or retain()ed handles) to the audio thread ...
     * t.close();                                              // audio thread: Table::free runs on the collector
     * }</pre>
     *
     * @param value     the value (not null)
     * @param releaser  runs once, on the collector, after the last reference is released
     * @param collector the collector that runs it (not null)
     * @param <T>       the value type
     * @return the first handle
     * @throws NullPointerException  when value, releaser or collector is null
     * @throws IllegalStateException when the collector is closing or closed
     */
    public static <T> Arc<T> of(T value, Releaser<? super T> releaser, RealtimeCollector collector) {
        Objects.requireNonNull(value, "Arc value is null; use ArcSwapOption for an optional slot");
        Objects.requireNonNull(releaser, "Arc releaser is null; pass v -> {} for a value without a release action");
        Objects.requireNonNull(collector, "Arc collector is null; use Arc.of(value, releaser) to release on the"
                + " releasing thread");
        return new Arc<>(Counted.onCollector(value, releaser, collector), value);
    }

    /**
     * A new {@link AutoCloseable} value released by its {@code close()}.
     *
     * @param value the value (not null)
     * @param <T>   the value type
     * @return the first handle
     * @throws NullPointerException when value is null
     */
    public static <T extends AutoCloseable> Arc<T> of(T value) {
        return of(value, AutoCloseable::close, (Executor) null);
    }

    /**
     * The value.
     *
     * @return the value (or this handle's projection of it)
     * @throws IllegalStateException when this handle was released
     */
    public T get() {
        if (isReleased()) {
            throw ArcMessages.getAfterRelease(inner.valueTypeName());
        }
        return view;
    }

    /**
     * Another owner of the same value (Rust's {@code Arc::clone}).
     *
     * @return a new handle, to be released separately
     * @throws IllegalStateException when this handle was already released
     */
    public Arc<T> retain() {
        checkOpen(ArcMessages.RETAIN);
        inner.increment();
        return new Arc<>(inner, view);
    }

    /**
     * Same as {@link #retain()} (the name Rust uses): another owner of the same value.
     *
     * @return a new handle, to be released separately
     * @throws IllegalStateException when this handle was already released
     */
    @Override
    @SuppressWarnings("MethodDoesntCallSuperMethod")
    public Arc<T> clone() {
        return retain();
    }

    /**
     * A handle on a part of the value (for example a field) that keeps the whole value alive; it shares the
     * value's count, so it counts as one more owner. This handle stays open.
     *
     * @param projection applied once, now, to this handle's view
     * @param <U>        the part's type
     * @return a new handle on the part
     * @throws IllegalStateException when this handle was already released
     */
    public <U> Arc<U> map(Function<? super T, ? extends U> projection) {
        if (projection == null) {
            throw ArcMessages.nullProjection();
        }
        checkOpen(ArcMessages.MAP);
        U part = projection.apply(view);
        inner.increment();
        return new Arc<>(inner, part);
    }

    /**
     * A weak handle: it does not keep the value from being released, and can be upgraded to a strong handle while
     * the value is live.
     *
     * @return a new weak handle
     * @throws IllegalStateException when this handle was already released
     */
    public Weak<T> downgrade() {
        checkOpen(ArcMessages.DOWNGRADE);
        return new Weak<>(inner, view);
    }

    /**
     * Releases this handle; the last release runs the release action.
     *
     * @throws IllegalStateException when this handle was already released
     * @throws ArcReleaseException   when this was the last reference and the release action threw here
     */
    @Override
    public void close() {
        if (!markReleased()) {
            throw ArcMessages.releasedTwice(inner.valueTypeName());
        }
        inner.decrement();
    }

    /**
     * Same as {@link #close()}.
     *
     * @throws IllegalStateException when this handle was already released
     */
    public void release() {
        close();
    }

    /**
     * How many strong references the value has now (handles, ArcSwap slots, counted guards); 0 once released.
     *
     * @return the strong count, never negative
     */
    public int strongCount() {
        return inner.strongCount();
    }

    /**
     * How many weak handles are open on the value.
     *
     * @return the weak count, never negative
     */
    public int weakCount() {
        return inner.weakCount();
    }

    /**
     * Whether this handle was released.
     *
     * @return true after {@link #close()}
     */
    public boolean isReleased() {
        return track != null ? track.isReleased() : closedVolatile() != 0;
    }

    @Override
    public String toString() {
        return ArcMessages.arcToString(isReleased(), view, strongCount());
    }

    // ---------------------------------------------------------------- package-private: ArcSwap, Weak

    Counted<?> inner() {
        return inner;
    }

    /** Whether get() returns a map() projection rather than the block's own value. */
    boolean isProjection() {
        return view != inner.value;
    }

    /** Gives this handle's count to the caller (ArcSwap.store): the handle is released, the count is not. */
    Counted<?> transfer(String what) {
        if (!markReleased()) {
            throw ArcMessages.transferOfReleased(what, inner.valueTypeName());
        }
        return inner;
    }

    private void checkOpen(int operation) {
        if (isReleased()) {
            throw ArcMessages.useAfterRelease(operation, inner.valueTypeName());
        }
    }

    private boolean markReleased() {
        if (track != null) {
            if (!track.markReleased()) {
                return false;
            }
            track.released();
            return true;
        }
        return casClosed(0, 1);
    }

    private int closedVolatile() {
        return (int) CLOSED.getVolatile(this); // volatile: pairs with casClosed
    }

    private boolean casClosed(int expect, int update) {
        return CLOSED.compareAndSet(this, expect, update); // volatile CAS: one releaser per handle
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Arc.class, "closed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The tracking model ("a garbage collector for Arc pointers"): the collector keeps every tracked value in a
 * list, and on each pass destroys those that only the collector still holds. Nothing is preallocated per drop
 * and nothing is enqueued when a handle closes: a close is one atomic decrement. The price is the scan: every
 * pass looks at every tracked value still alive, so its cost grows with the number of values in flight.
 *
 * <pre>{@code
 * Tracker<float[]> tracker = collector.tracker(t -> {});
 * Tracked<float[]> table = tracker.track(new float[64]);   // UI thread: the collector holds one reference
 * ... hand `table` to the audio thread, which calls table.close() when it switches to a newer one ...
 * }</pre>
 *
 * <p>Threads: {@link #track} allocates and registers, so it belongs off the realtime thread; handles are
 * closed from any thread.
 *
 * @param <T> the value type
 */
public final class Tracker<T> {

    private final RealtimeCollector collector;
    private final Consumer<? super T> destructor;

    Tracker(RealtimeCollector collector, Consumer<? super T> destructor) {
        this.collector = collector;
        this.destructor = Objects.requireNonNull(destructor, "destructor must not be null");
    }

    /**
     * Starts tracking {@code value}: the collector takes one reference, the returned handle is another. The
     * value is destroyed on the collector once every handle is closed.
     *
     * @param value the value; not null
     * @return the first user handle
     * @throws IllegalStateException if the collector is closed
     */
    public Tracked<T> track(T value) {
        Entry<T> e = new Entry<>(this, value);
        collector.enqueue(e); // goes straight to the collector's waiting list: the "list" of the tracking model
        return new Tracked<>(e);
    }

    /** A tracked value: the reference count, the value and its node in the collector's list. */
    static final class Entry<T> extends CollectorNode {

        /* Implementation notes
         *
         * refs: 1 for the collector plus one per open handle; starts at 2. Handles decrement with a seq-cst
         * getAndAdd. The collector claims the entry with CAS(refs, 1, 0) in readyToDestroy(): when refs is 1 no
         * user handle exists, so none can retain, and the CAS cannot race with an increment. After the
         * collector closed, the handle whose decrement leaves 1 claims it with the same CAS and destroys it
         * itself (the seed's "released to the remaining owners"); exactly one CAS wins.
         * droppedAt is stamped (opaque) by each closing handle before its decrement, so the latency measured
         * is from one of the last drops.
         */

        private final Tracker<T> tracker;
        private T value;
        /** See the notes; accessed through getAndAddRefs()/casRefs(). */
        private int refs;

        Entry(Tracker<T> tracker, T value) {
            this.tracker = tracker;
            this.value = Objects.requireNonNull(value, "value must not be null");
            this.refs = 2; // plain: published with the entry by the enqueue in track()
            super(tracker.collector); // registers last: a rejected argument must not leave a live count behind
        }

        T value() {
            return value;
        }

        void retain() {
            getAndAddRefs(1);
        }

        void release() {
            setDroppedAtOpaque(System.nanoTime());
            if (getAndAddRefs(-1) == 2 && collector.closedVolatile() && casRefs(1, 0)) {
                destroy(); // the collector is gone: the last owner destroys (not realtime-safe, documented)
            }
        }

        @Override
        protected boolean readyToDestroy() {
            return casRefs(1, 0);
        }

        @Override
        protected void destroy() {
            T v = value;
            value = null;
            tracker.destructor.accept(v);
        }

        @Override
        protected String describe() {
            return Messages.trackedDescription(value,
                    Math.max(0, (int) REFS.getOpaque(this) - 1)); // opaque: a description
        }

        private int getAndAddRefs(int delta) {
            return (int) REFS.getAndAdd(this, delta); // seq-cst RMW: pairs with casRefs() and other handles
        }

        private boolean casRefs(int expected, int value) {
            return REFS.compareAndSet(this, expected, value); // seq-cst CAS: pairs with getAndAddRefs()
        }

        // VarHandle mechanics
        private static final VarHandle REFS;

        static {
            try {
                REFS = MethodHandles.lookup().findVarHandle(Entry.class, "refs", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}

package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A slot that realtime threads read and another thread replaces, both wait-free; each replaced value goes to
 * the {@link RealtimeCollector}, which destroys it once no reader still holds it. Create it with
 * {@link RealtimeCollector#cell(Object, Consumer)}.
 *
 * <pre>{@code
 * SharedCell<float[]> table = collector.cell(new float[64], t -> {});    // UI thread
 * SharedCell.Reader<float[]> reader = table.reader();                  // UI thread, once per audio thread
 * // audio callback:
 * float[] current = reader.get();        // wait-free; valid until this reader's next get() or release()
 * // UI thread, whenever it likes:
 * table.set(newTable);                   // wait-free; the old table is destroyed on the collector later
 * }</pre>
 *
 * <p>Threads: {@link #set} (the writer) may be called from any thread, concurrently; it allocates the new
 * value's node, so it belongs off the realtime thread. Each {@link Reader} belongs to one thread at a time
 * (typically one per realtime thread); {@link #reader()} registers it and allocates.
 *
 * @param <T> the value type
 */
public final class SharedCell<T> implements AutoCloseable {

    /* Implementation notes: versioned reader slots (a single-hazard-per-reader scheme), no writer waiting.
     *
     * State: `current` holds the live Value (a CollectorNode with the user's value); each Reader has one
     * `holding` word: null (holds nothing), BUSY (inside get()), or the Value it returned last.
     *
     * Reader get()       1. holding = BUSY   (volatile)
     *                    2. v = current      (volatile)  -- linearization point
     *                    3. holding = v      (volatile)
     *                    Wait-free: three accesses, no loop, no allocation.
     * Writer set(x)      1. allocate Value(x) (its queue node included)
     *                    2. old = getAndSet(current, new)  -- linearization point; wait-free
     *                    3. collector.enqueue(old)         -- wait-free
     *                    The writer never looks at readers: it never waits for them (basedrop's SharedCell
     *                    writer spins until readers leave; this one does not).
     * Collector          Value.readyToDestroy(): for each registered reader, holding (volatile) must be
     *                    neither BUSY nor old; otherwise the value stays in the collector's waiting list and is
     *                    re-checked next pass. The collector waits, never the writer or a reader.
     *
     * Why it is safe (all five accesses are seq-cst, so they lie in one total order S): the collector's read R
     * of a reader's `holding` happens after the writer's exchange W (W -> enqueue -> poll). If R returns
     * neither BUSY nor old, R read a value stored before that reader's next step-1 store B, so R <S B, and the
     * reader's step-2 load L comes after B: W <S R <S B <S L, so L returns the new value or a later one, never
     * old. A reader registered after R starts its first get() after W as well. A reader that loaded old before
     * W shows old or BUSY in `holding` until its next get()/release(), so R refuses.
     * Garbage bound: each reader holds at most one value, so at most (readers + 1) replaced values can wait
     * for readers at a time; the rest are destroyed on the next pass. A reader stalled between steps 1 and 3
     * holds back every replaced value until it resumes (it delays destruction, never the writer).
     * Registration: readers live in a copy-on-write array written under the cell's monitor (off the realtime
     * thread) and read with a volatile load.
     */

    private static final Object BUSY = new Object();
    private static final Reader<?>[] NO_READERS = new Reader<?>[0];

    private final RealtimeCollector collector;
    private final Consumer<? super T> destructor;
    /** The live value; accessed through currentVolatile()/getAndSetCurrent(). Null once closed. */
    private Value<T> current;
    /** Registered readers; copy-on-write under `this` (volatile: read by the collector and writers). */
    private volatile Reader<?>[] readers = NO_READERS;

    SharedCell(RealtimeCollector collector, T initial, Consumer<? super T> destructor) {
        this.collector = collector;
        this.destructor = Objects.requireNonNull(destructor, "destructor must not be null");
        CURRENT.setRelease(this, new Value<>(this, initial)); // release: the cell is published after construction anyway
    }

    /**
     * Registers a reader for one (realtime) thread. Allocates; call it off the realtime thread.
     *
     * @return a new reader
     * @throws IllegalStateException if the cell is closed
     */
    public Reader<T> reader() {
        Reader<T> r = new Reader<>(this);
        synchronized (this) {
            if (currentVolatile() == null) {
                throw closedError();
            }
            Reader<?>[] old = readers;
            Reader<?>[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = r;
            readers = next;
        }
        return r;
    }

    /**
     * Replaces the value; the old one is destroyed by the collector once no reader holds it. Wait-free (it never
     * waits for readers); allocates the new value's node, so call it off the realtime thread.
     *
     * @param value the new value; not null
     * @throws IllegalStateException if the cell or the collector is closed
     */
    public void set(T value) {
        Value<T> next = new Value<>(this, value);
        Value<T> old = getAndSetCurrent(next);
        if (old == null) {
            CURRENT.setVolatile(this, (Value<T>) null); // volatile: undo; pairs with currentVolatile()
            collector.enqueue(next);
            throw closedError();
        }
        collector.enqueue(old);
    }

    /**
     * The current value, for threads that do not need the value to stay alive (statistics, tests): it may be
     * destroyed at any moment after a concurrent {@link #set}. Readers use {@link Reader#get()}.
     *
     * @return the current value, or null if the cell is closed, or if a concurrent {@link #set} replaced the value
     *         and the collector destroyed it between this method's load of it and its return
     */
    public T peek() {
        Value<T> v = currentVolatile();
        return v == null ? null : v.value;
    }

    /**
     * Closes the cell: the current value goes to the collector (destroyed once no reader holds it). Readers
     * should be closed first; {@link Reader#get()} throws from now on.
     *
     * @throws IllegalStateException if already closed
     */
    @Override
    public void close() {
        Value<T> old = getAndSetCurrent(null);
        if (old == null) {
            throw closedError();
        }
        collector.enqueue(old);
    }

    private static IllegalStateException closedError() {
        return Messages.cellClosed();
    }

    private boolean heldByAnyReader(Value<?> v) {
        for (Reader<?> r : readers) { // volatile read of the array: pairs with the write in reader()/Reader.close()
            Object h = r.holdingVolatile();
            if (h == BUSY || h == v) {
                return true;
            }
        }
        return false;
    }

    private synchronized void unregister(Reader<?> r) {
        Reader<?>[] old = readers;
        int i = Arrays.asList(old).indexOf(r);
        if (i < 0) {
            return;
        }
        Reader<?>[] next = new Reader<?>[old.length - 1];
        System.arraycopy(old, 0, next, 0, i);
        System.arraycopy(old, i + 1, next, i, old.length - i - 1);
        readers = next;
    }

    private Value<T> currentVolatile() {
        @SuppressWarnings("unchecked")
        Value<T> v = (Value<T>) CURRENT.getVolatile(this); // volatile: step 2 of get(); pairs with getAndSetCurrent()
        return v;
    }

    private Value<T> getAndSetCurrent(Value<T> next) {
        @SuppressWarnings("unchecked")
        Value<T> old = (Value<T>) CURRENT.getAndSet(this, next); // seq-cst exchange: W in the notes; pairs with currentVolatile()
        return old;
    }

    /**
     * A registered reader of a {@link SharedCell}: one per (realtime) thread. {@link #get()} is wait-free and
     * allocation-free; the value it returns stays valid (not destroyed) until this reader's next
     * {@code get()}, {@link #release()} or {@link #close()}.
     *
     * @param <T> the value type
     */
    public static final class Reader<T> implements AutoCloseable {
        private final SharedCell<T> cell;
        /** null, BUSY or the Value returned last; accessed through holdingVolatile()/setHoldingVolatile(). */
        private Object holding;
        /** Set by close(); plain: the reader is used by one thread at a time. */
        private boolean closed;

        private Reader(SharedCell<T> cell) {
            this.cell = cell;
        }

        /**
         * Reads the current value and keeps it alive until this reader's next {@code get()},
         * {@link #release()} or {@link #close()}. Wait-free: three memory accesses; allocates nothing.
         *
         * @return the current value
         * @throws IllegalStateException if this reader or the cell is closed
         */
        public T get() {
            if (closed) {
                throw Messages.readerClosed();
            }
            setHoldingVolatile(BUSY);
            Value<T> v = cell.currentVolatile();
            setHoldingVolatile(v);
            if (v == null) {
                throw cell.closedError();
            }
            return v.value;
        }

        /** Stops holding the value returned by the last {@link #get()}; it may be destroyed from now on. */
        public void release() {
            setHoldingVolatile(null);
        }

        /** Releases the held value and unregisters this reader. Allocates; call off the realtime thread. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                setHoldingVolatile(null);
                cell.unregister(this);
            }
        }

        private Object holdingVolatile() {
            return HOLDING.getVolatile(this); // volatile: R in the notes; pairs with setHoldingVolatile()
        }

        private void setHoldingVolatile(Object h) {
            HOLDING.setVolatile(this, h); // volatile: B / step 3 in the notes; pairs with holdingVolatile()
        }
    }

    /** A value of the cell with its preallocated queue node. */
    private static final class Value<T> extends CollectorNode {
        private final SharedCell<T> cell;
        /** The user's value; cleared on destroy (plain: the collector owns it by then). */
        private T value;

        Value(SharedCell<T> cell, T value) {
            this.cell = cell;
            this.value = Objects.requireNonNull(value, "value must not be null");
            super(cell.collector); // registers last: a rejected argument must not leave a live count behind
        }

        @Override
        protected boolean readyToDestroy() {
            return !cell.heldByAnyReader(this);
        }

        @Override
        protected void destroy() {
            T v = value;
            value = null;
            cell.destructor.accept(v);
        }

        @Override
        protected String describe() {
            return Messages.cellValueDescription(value, cell.heldByAnyReader(this));
        }
    }

    // VarHandle mechanics
    private static final VarHandle CURRENT;
    private static final VarHandle HOLDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURRENT = l.findVarHandle(SharedCell.class, "current", Value.class);
            HOLDING = l.findVarHandle(Reader.class, "holding", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

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
     * Registration: readers live in an array of entries written under the cell's monitor (off the realtime
     * thread): reader() takes a free entry (a stack of the indices unregister() freed, else the next unused one)
     * and stores the reader there (volatile element store E), unregister() stores null; the array is replaced by
     * a copy only to double it when full, or to compact it to the live readers once they fill a quarter of it
     * or less, so registering costs O(1) amortized however many readers are registered (thread-per-task readers
     * register by the thousand), and the array a pass scans holds fewer than 4x the registered readers (or 8
     * entries). The collector reads the array field (volatile) and then each entry (volatile). A reader
     * registered after the collector's read R of its entry (or of the field, when the reader went into a newer
     * array) stored E after R in S, and its first get() comes after E: W <S R <S E <S B, the same argument as
     * above. A copy holds every reader the old
     * array held except those unregistered (their holding is null before unregister), so a collector still
     * scanning an old array sees every reader that can hold a value.
     */

    private static final Object BUSY = new Object();
    /**
     * Test seam, for a negative control only: compaction leaves the live readers out of the copy, so the
     * collector no longer sees what they hold. Plain static: tests set it while single-threaded.
     */
    static boolean compactDropsReadersForTests;
    /** The smallest readers array once one reader registered. */
    private static final int MIN_READERS = 8;
    private static final Reader<?>[] NO_READERS = new Reader<?>[0];

    private final RealtimeCollector collector;
    private final Consumer<? super T> destructor;
    /** The live value; accessed through currentVolatile()/getAndSetCurrent(). Null once closed. */
    private Value<T> current;
    /**
     * Registered readers (null: a free entry); entries written under `this` with volatile element stores, the
     * array replaced under `this` to grow or compact (volatile: read by the collector).
     */
    private volatile Reader<?>[] readers = NO_READERS;
    /** Entries ever used in the current array (a prefix); under `this`. */
    private int used;
    /** Registered readers; under `this`. */
    private int live;
    /** Indices below {@link #used} that unregister() freed, a stack of {@link #freeCount}; under `this`. */
    private int[] free = new int[0];
    private int freeCount;

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
            Reader<?>[] a = readers;
            int i;
            if (freeCount > 0) {
                i = free[--freeCount];
            } else {
                if (used == a.length) {
                    a = Arrays.copyOf(a, Math.max(MIN_READERS, 2 * a.length));
                    readers = a; // volatile write: publishes the bigger copy; pairs with the collector's read
                }
                i = used++;
            }
            r.index = i;
            live++;
            setEntryVolatile(a, i, r); // E in the notes: before the reader's first get(); pairs with entryVolatile
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
        Reader<?>[] a = readers; // volatile read of the array: pairs with its replacement in reader()/unregister()
        for (int i = 0; i < a.length; i++) {
            Reader<?> r = entryVolatile(a, i);
            if (r == null) {
                continue;
            }
            Object h = r.holdingVolatile();
            if (h == BUSY || h == v) {
                return true;
            }
        }
        return false;
    }

    private synchronized void unregister(Reader<?> r) {
        Reader<?>[] a = readers;
        int i = r.index;
        if (i < 0 || i >= a.length || entryVolatile(a, i) != r) {
            return;
        }
        setEntryVolatile(a, i, null); // volatile: the entry is free; pairs with the collector's entryVolatile
        r.index = -1;
        live--;
        if (a.length > MIN_READERS && live <= a.length / 4) {
            compact(a);
            return;
        }
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, Math.max(MIN_READERS, 2 * free.length));
        }
        free[freeCount++] = i;
    }

    /** Copies the live readers of {@code a} into a smaller array, renumbering them (under `this`). */
    private void compact(Reader<?>[] a) {
        Reader<?>[] next = new Reader<?>[Math.max(MIN_READERS, Integer.highestOneBit(Math.max(1, 2 * live) - 1) << 1)];
        int n = 0;
        for (int i = 0; i < used; i++) {
            Reader<?> x = entryVolatile(a, i);
            if (x != null && !compactDropsReadersForTests) {
                x.index = n;
                next[n++] = x; // plain: published by the volatile write of the array below
            }
        }
        used = n;
        freeCount = 0;
        readers = next; // volatile write: publishes the copy; pairs with the collector's read of the field
    }

    /** Readers registered now (tests). */
    synchronized int registeredReaders() {
        return live;
    }

    /** Length of the readers array the collector scans (tests: it follows the readers registered at once). */
    int readerCapacity() {
        return readers.length; // volatile read
    }

    private static Reader<?> entryVolatile(Reader<?>[] a, int i) {
        return (Reader<?>) ENTRY.getVolatile(a, i); // volatile: R in the notes; pairs with setEntryVolatile (E)
    }

    private static void setEntryVolatile(Reader<?>[] a, int i, Reader<?> r) {
        ENTRY.setVolatile(a, i, r); // volatile: E in the notes; pairs with entryVolatile (R)
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
        /** This reader's entry in the cell's readers array, -1 once unregistered; under the cell's monitor. */
        private int index = -1;

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
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(Reader[].class);

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

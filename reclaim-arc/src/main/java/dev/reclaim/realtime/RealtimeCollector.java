package dev.reclaim.realtime;

import dev.reclaim.FailureHandler;
import dev.reclaim.internal.Jfr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Destroys, on its own thread, what realtime threads drop: the realtime side only hands a preallocated node
 * over (one atomic exchange and one store: wait-free, no allocation, no lock, no destructor), and the collector
 * runs the destructors later. See the {@linkplain dev.reclaim.realtime package documentation} for the guide.
 *
 * <pre>{@code
 * try (RealtimeCollector collector = RealtimeCollector.builder().interval(Duration.ofMillis(2)).build()) {
 *     Arc<float[]> table = Arc.of(new float[64], t -> pool.recycle(t), collector);   // UI thread
 *     ... hand `table` to the audio thread, which later calls table.close() ...     // never destroys there
 * }                                                                                 // waits, destroys the rest
 * }</pre>
 *
 * <p>What it destroys: values of counted handles made with
 * {@link dev.reclaim.arc.Arc#of(Object, dev.reclaim.arc.Releaser, RealtimeCollector) Arc.of(value, releaser,
 * collector)}, replaced values of a {@link #cell SharedCell}, values of a {@link #tracker Tracker}, and any
 * {@link CollectorNode} handed to {@link #enqueue}.
 *
 * <p>Threads: {@link #enqueue}, and therefore every handle's {@code close()}, may be called from any thread,
 * including realtime ones. Creating handles ({@code Arc.of(..., collector)}, {@link #cell}, {@link #tracker}
 * and the {@link CollectorNode} constructor) allocates and must happen off the realtime thread.
 * {@link #collect()} may be called from any thread; concurrent calls do not wait for each other (one of them
 * runs the pass, the others return 0). Destructors run on the collector thread, or on the thread calling
 * {@code collect()} or {@code close()}.
 *
 * <p>Modes: with {@link Builder#ownThread(boolean) ownThread(true)} (the default) a daemon platform thread runs
 * {@link #collect()} every {@link Builder#interval(Duration) interval}; realtime threads never wake it (an
 * unpark is a system call). With {@code ownThread(false)} the application calls {@code collect()} itself.
 * With {@link Builder#capacity(int) capacity(n)} drops go to a fixed ring of {@code n} slots first; when it is
 * full the node chains onto an overflow queue through its own link (no waiting, no destruction on the
 * realtime side) and {@link CollectorStats#overflowed()} counts it.
 */
public final class RealtimeCollector implements AutoCloseable {

    /* Implementation notes
     *
     * Producer side (enqueue): a plain misuse flag, an opaque timestamp, then BoundedRing.offer (bounded mode)
     * or MpscLinkedQueue.offer; both are wait-free and allocation-free (see their notes). Then one volatile
     * read of `closed`: only after close() does a drop run destructors on the dropping thread.
     *
     * Consumer side: one consumer at a time, chosen by a CAS on `consuming` (0 -> 1) and released by a
     * release store (1 -> 0); the CAS/release pair hands the consumer-only state (queue head, ring head,
     * waiting list, counters' single writer) from one consumer to the next. A pass first re-checks the waiting
     * list (nodes not ready yet), then drains the ring and the queue, destroying what is ready.
     *
     * Close: sets `closing` (new registrations fail), stops the thread, collects until nothing registered is
     * live or the timeout expires, sets `closed`, and drains once more, spinning past gaps. A producer whose
     * read of `closed` returned false did its tail exchange before the write of `closed` in the
     * synchronization order, so the final drain sees the exchange (tail != stub) and waits for the link; a
     * producer that reads `closed == true` drains itself (spinning for the consumer flag). Hence no node is
     * stranded in the queue after close. Nodes still not ready at close stay with their owners (the close
     * report lists them); a tracked value whose last user handle closes after close() is destroyed by that
     * handle.
     *
     * Counters: `registered` is an AtomicLong (registration is off the realtime thread); the others have a
     * single writer, the current consumer, and are read with opaque loads by stats().
     */

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Jfr PASS_EVENT = new Jfr(RealtimeCollector.class, () -> CollectorPassEvent.class);
    private static final Jfr OVERFLOW_EVENT = new Jfr(RealtimeCollector.class, () -> CollectorOverflowEvent.class);

    private final String name;
    private final long intervalNanos;
    private final Duration closeTimeout;
    private final FailureHandler failureHandler;
    private final MpscLinkedQueue queue = new MpscLinkedQueue();
    private final BoundedRing ring;
    private final int capacity;
    private final Thread thread;

    /** Consumer-only: nodes taken from the queue that were not ready to be destroyed yet. */
    private final ArrayList<CollectorNode> waiting = new ArrayList<>();
    private final AtomicLong registered = new AtomicLong();

    /** 1 while some thread is the consumer; accessed through casConsuming()/setConsumingRelease(). */
    private int consuming;
    /** Written by the consumer only; read by stats(). Accessed through the *Opaque accessors. */
    private long destroyed;
    private long failures;
    private long overflowed;
    private long maxLatency;
    private long passes;
    private int waitingCount;
    /** The longest drop-to-destruction latency of the current pass (JFR). Plain: consumer only. */
    private long passMaxLatency;

    /** Set once by close() when it starts: registrations fail from then on (volatile: read by register()). */
    private volatile boolean closing;
    /** Set by close() before its final drain: late drops drain themselves (volatile: see notes, Dekker pair). */
    private volatile boolean closed;
    /** Tells the collector thread to exit (volatile: pairs with the read in run()). */
    private volatile boolean stopping;
    private volatile CloseReport closeReport;

    private RealtimeCollector(Builder b) {
        this.name = b.name != null ? b.name : Messages.generatedName(IDS.incrementAndGet());
        this.intervalNanos = b.interval.toNanos();
        this.closeTimeout = b.closeTimeout;
        this.failureHandler = b.failureHandler;
        this.ring = b.capacity > 0 ? new BoundedRing(b.capacity) : null;
        this.capacity = b.capacity;
        if (b.ownThread) {
            this.thread = Thread.ofPlatform().daemon().name(Messages.threadName(name)).unstarted(this::run);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    /**
     * A collector with its own thread, a 2 ms interval and an unbounded queue.
     *
     * @return a new, running collector
     */
    public static RealtimeCollector create() {
        return builder().build();
    }

    /**
     * A builder for a collector with a name, interval, capacity or without its own thread.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and builds a {@link RealtimeCollector}. Not thread-safe; reusable. */
    public static final class Builder {
        private String name;
        private Duration interval = Duration.ofMillis(2);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private boolean ownThread = true;
        private int capacity;
        private FailureHandler failureHandler = FailureHandler.LOG;

        private Builder() {
        }

        /**
         * The name used for the collector thread ({@code reclaim-collector-NAME}) and in messages.
         *
         * @param name a non-null name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /**
         * How long the collector thread sleeps between passes; default 2 ms. It bounds the destruction latency
         * (a drop waits at most about one interval plus one pass).
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval must not be null");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive, was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * How long {@link RealtimeCollector#close()} waits for live handles to be dropped; default 5 s.
         *
         * @param timeout a non-negative duration
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout must not be null");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Whether the collector runs its own daemon thread (default) or the application calls
         * {@link RealtimeCollector#collect()} itself.
         *
         * @param ownThread {@code false} to collect from the application's own thread
         * @return this builder
         */
        public Builder ownThread(boolean ownThread) {
            this.ownThread = ownThread;
            return this;
        }

        /**
         * Bounded mode: drops go to a fixed ring of {@code capacity} slots; when it is full, a drop chains its
         * node onto the overflow queue through the node's own preallocated link. The realtime side never
         * blocks, spins, allocates or destroys in either case. Default 0: unbounded (the intrusive queue only).
         *
         * @param capacity slots, in [0, 2^30]; 0 for unbounded
         * @return this builder
         */
        public Builder capacity(int capacity) {
            if (capacity < 0 || capacity > (1 << 30)) {
                throw new IllegalArgumentException("capacity must be in [0, 2^30] (0 = unbounded), was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Receives destructors that throw; default {@link FailureHandler#LOG}.
         *
         * @param handler a non-null handler
         * @return this builder
         */
        public Builder failureHandler(FailureHandler handler) {
            this.failureHandler = Objects.requireNonNull(handler, "failure handler must not be null");
            return this;
        }

        /**
         * Builds the collector and starts its thread (when it has one).
         *
         * @return a new collector
         */
        public RealtimeCollector build() {
            return new RealtimeCollector(this);
        }
    }

    // ---------------------------------------------------------------- handles

    /**
     * A cell that realtime readers read wait-free and a writer replaces wait-free; replaced values are
     * destroyed by this collector once no reader holds them.
     *
     * @param initial    the first value; not null
     * @param destructor runs once per replaced value (and the last value after the cell closes); not null
     * @param <T>        the value type
     * @return a new cell
     * @throws IllegalStateException if the collector is closing or closed
     */
    public <T> SharedCell<T> cell(T initial, Consumer<? super T> destructor) {
        return new SharedCell<>(this, initial, destructor);
    }

    /**
     * A tracker: the tracking model, in which the collector keeps every tracked value and destroys it once only
     * the collector still holds it.
     *
     * @param destructor runs once per tracked value; not null
     * @param <T>        the value type
     * @return a new tracker
     */
    public <T> Tracker<T> tracker(Consumer<? super T> destructor) {
        return new Tracker<>(this, destructor);
    }

    // ---------------------------------------------------------------- the hook

    /**
     * Hands {@code node} to the collector, which destroys it later on its own thread: the hook for any owner
     * that decides on a realtime thread that something must go (an Arc's last reference, a pooled buffer).
     * Wait-free: one atomic exchange and one store (bounded mode: three atomic additions and a store, or the
     * exchange and store of the overflow chain); no allocation, no lock, no destructor. After
     * {@link #close()} it runs destructors on the calling thread instead (see {@link #close(Duration)}).
     *
     * @param node a node of this collector that was not enqueued before
     * @throws IllegalArgumentException if {@code node} belongs to another collector
     * @throws IllegalStateException    if {@code node} was already enqueued
     */
    public void enqueue(CollectorNode node) {
        if (node.collector != this) {
            throw Messages.foreignNode(node.describe(),
                    node.collector == null ? Messages.noCollector() : node.collector.name, name);
        }
        if (node.enqueued) {
            throw Messages.enqueuedTwice(node.describe(), name);
        }
        node.enqueued = true; // plain: misuse check for ordered calls only; published by the offer below
        node.setDroppedAtOpaque(System.nanoTime());
        BoundedRing r = ring;
        if (r == null) {
            queue.offer(node);
        } else if (!r.offer(node)) {
            node.overflowed = true; // plain: published by the offer below
            queue.offer(node);
        }
        if (closed) { // volatile read: Dekker pair with the write in close(); see the implementation notes
            drainAfterClose();
        }
    }

    // ---------------------------------------------------------------- collection

    /**
     * Runs one collection pass on the calling thread: re-checks the waiting values, then destroys everything
     * dropped so far that is ready. If another thread is collecting at the moment, returns 0 at once.
     *
     * @return the number of objects destroyed by this pass
     */
    public int collect() {
        if (!casConsuming(0, 1)) {
            return 0;
        }
        try {
            return pass();
        } finally {
            setConsumingRelease(0);
        }
    }

    /** One pass; the caller is the consumer. */
    private int pass() {
        CollectorPassEvent ev = null;
        if (PASS_EVENT.enabled()) {
            ev = new CollectorPassEvent();
            ev.begin();
        }
        long overflowedBefore = overflowed; // plain: we are the single writer
        passMaxLatency = 0;
        int n = 0;
        if (!waiting.isEmpty()) {
            int kept = 0;
            for (int i = 0, size = waiting.size(); i < size; i++) {
                CollectorNode r = waiting.get(i);
                if (isReady(r)) {
                    destroy(r);
                    n++;
                } else {
                    waiting.set(kept++, r);
                }
            }
            waiting.subList(kept, waiting.size()).clear();
        }
        CollectorNode r;
        while ((r = take()) != null) {
            if (r.overflowed) { // plain: published by the offer that linked it
                setOverflowedOpaque(overflowed + 1);
            }
            if (isReady(r)) {
                destroy(r);
                n++;
            } else {
                waiting.add(r);
            }
        }
        setWaitingCountOpaque(waiting.size());
        setPassesOpaque(passes + 1);
        long overflowedNow = overflowed - overflowedBefore; // plain: we are the single writer
        if (ev != null) {
            ev.end();
            if (ev.shouldCommit()) { // the threshold decides
                ev.collector = name;
                ev.destroyed = n;
                ev.waiting = waiting.size();
                ev.overflowed = overflowedNow;
                ev.maxLatency = passMaxLatency;
                ev.commit();
            }
        }
        if (overflowedNow > 0 && OVERFLOW_EVENT.enabled()) {
            CollectorOverflowEvent o = new CollectorOverflowEvent();
            if (o.shouldCommit()) {
                o.collector = name;
                o.overflowed = overflowedNow;
                o.capacity = capacity;
                o.commit();
            }
        }
        return n;
    }

    private CollectorNode take() {
        if (ring != null) {
            CollectorNode r = ring.poll();
            if (r != null) {
                return r;
            }
        }
        return queue.poll();
    }

    private boolean drained() {
        return (ring == null || ring.isDrained()) && queue.isDrained();
    }

    private boolean isReady(CollectorNode r) {
        try {
            return r.readyToDestroy();
        } catch (Throwable t) {
            setFailuresOpaque(failures + 1);
            failureHandler.failed(name, Messages.readinessFailed(safeDescribe(r)), t);
            return true;
        }
    }

    private void destroy(CollectorNode r) {
        try {
            r.destroy();
        } catch (Throwable t) {
            setFailuresOpaque(failures + 1);
            failureHandler.failed(name, Messages.destructorFailed(safeDescribe(r)), t);
        }
        long latency = System.nanoTime() - r.droppedAtOpaque();
        if (latency > maxLatency) {
            setMaxLatencyOpaque(latency);
        }
        if (latency > passMaxLatency) {
            passMaxLatency = latency; // plain: consumer only
        }
        setDestroyedOpaque(destroyed + 1);
    }

    private static String safeDescribe(CollectorNode r) {
        try {
            return r.describe();
        } catch (RuntimeException e) {
            return r.getClass().getName();
        }
    }

    /** Becomes the consumer, spinning while another thread is; for close(), stats() and late drops only. */
    private void acquireConsumer() {
        int spins = 0;
        while (!casConsuming(0, 1)) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Drains until nothing is linked or mid-link; the caller is the consumer. Spins past producers' gaps. */
    private void drainFully(long deadlineNanos) {
        while (true) {
            pass();
            if (drained() || System.nanoTime() - deadlineNanos > 0) {
                return;
            }
            Thread.onSpinWait(); // a producer is between its exchange and its link: two instructions away
        }
    }

    private void drainAfterClose() {
        acquireConsumer();
        try {
            drainFully(System.nanoTime() + closeTimeout.toNanos());
        } finally {
            setConsumingRelease(0);
        }
    }

    private void run() {
        while (!stopping) { // volatile read: pairs with the write in close()
            collect();
            LockSupport.parkNanos(this, intervalNanos);
        }
    }

    // ---------------------------------------------------------------- registration, close, stats

    /** Counts a new node as live; called by the CollectorNode constructor. */
    void register() {
        if (closing) { // volatile read: pairs with the write in close()
            throw Messages.collectorClosed(name);
        }
        registered.incrementAndGet();
    }

    /**
     * The name given at construction, or a generated one.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The collector's own thread, for checks such as "this destructor ran on the collector thread".
     *
     * @return the thread, or null when built with {@code ownThread(false)}
     */
    public Thread thread() {
        return thread;
    }

    /**
     * Whether {@link #close()} has started.
     *
     * @return {@code true} once closing has started
     */
    public boolean isClosed() {
        return closing;
    }

    /**
     * A snapshot of the counters. Not for realtime threads: it waits (spinning) for a running pass to finish
     * in order to count the pending queue, and allocates the result.
     *
     * @return the statistics
     */
    public CollectorStats stats() {
        long pendingInQueue = 0;
        boolean own = casConsuming(0, 1);
        if (!own && thread != Thread.currentThread()) {
            acquireConsumer();
            own = true;
        }
        if (own) {
            try {
                pendingInQueue = queue.countConsumerSide() + (ring == null ? 0 : ring.countConsumerSide());
            } finally {
                setConsumingRelease(0);
            }
        }
        long d = destroyedOpaque();
        long reg = registered.get();
        long w = waitingCountOpaque();
        return new CollectorStats(reg, d, reg - d, pendingInQueue + w, w, overflowedOpaque(), failuresOpaque(),
                maxLatencyOpaque(), passesOpaque());
    }

    /**
     * Closes with the builder's close timeout (default 5 s); see {@link #close(Duration)}.
     *
     * @throws IllegalStateException if something could not be destroyed within the timeout (the message lists
     *                               it; drops that arrive later are destroyed on the dropping thread), if the
     *                               collector is already closed, or if called from the collector thread
     */
    @Override
    public void close() {
        CloseReport r = close(closeTimeout);
        if (!r.clean()) {
            throw Messages.closedDirty(name, r, closeTimeout);
        }
    }

    /**
     * Stops the collector thread, then collects until no registered object is live (every handle dropped and
     * destroyed) or {@code timeout} expires, and returns what was left. From then on, a drop destroys its value
     * on the dropping thread (which is not realtime-safe: close the collector after the realtime threads
     * stopped), a tracked value is destroyed by its last handle, and new handles cannot be created.
     *
     * @param timeout how long to wait for live handles to be dropped
     * @return what was destroyed and what was not
     * @throws IllegalStateException if already closed, or if called from the collector thread (a destructor)
     */
    public CloseReport close(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException();
        }
        if (thread != null && thread == Thread.currentThread()) {
            throw Messages.closedFromCollectorThread(name);
        }
        synchronized (this) {
            if (closing) {
                throw Messages.alreadyClosed(name);
            }
            closing = true;
        }
        stopping = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            collect();
            if (registered.get() - destroyedOpaque() == 0 || System.nanoTime() - deadline > 0) {
                break;
            }
            LockSupport.parkNanos(this, Math.min(intervalNanos, 1_000_000L));
        }
        closed = true; // volatile write: Dekker pair with the read in enqueue()
        List<String> held = new ArrayList<>();
        acquireConsumer();
        try {
            drainFully(System.nanoTime() + Math.max(timeout.toNanos(), 1_000_000_000L));
            for (CollectorNode r : waiting) {
                held.add(safeDescribe(r));
            }
        } finally {
            setConsumingRelease(0);
        }
        CloseReport report = new CloseReport(destroyedOpaque(), registered.get() - destroyedOpaque(), held);
        closeReport = report;
        return report;
    }

    /**
     * The report of the close, once closed.
     *
     * @return the report, or null while open
     */
    public CloseReport closeReport() {
        return closeReport;
    }

    /** Whether close() has finished its final drain (late drops destroy on their own thread). */
    boolean closedVolatile() {
        return closed; // volatile read: pairs with the write in close()
    }

    @Override
    public String toString() {
        return Messages.collectorToString(name);
    }

    // ---------------------------------------------------------------- accessors

    private boolean casConsuming(int expected, int value) {
        return CONSUMING.compareAndSet(this, expected, value); // seq-cst CAS: pairs with setConsumingRelease()
    }

    private void setConsumingRelease(int value) {
        CONSUMING.setRelease(this, value); // release: pairs with the next consumer's casConsuming()
    }

    private long destroyedOpaque() {
        return (long) DESTROYED.getOpaque(this); // opaque: pairs with setDestroyedOpaque(); a counter
    }

    private void setDestroyedOpaque(long v) {
        DESTROYED.setOpaque(this, v); // opaque: single writer (the consumer); pairs with destroyedOpaque()
    }

    private long failuresOpaque() {
        return (long) FAILURES.getOpaque(this); // opaque: pairs with setFailuresOpaque(); a counter
    }

    private void setFailuresOpaque(long v) {
        FAILURES.setOpaque(this, v); // opaque: single writer (the consumer); pairs with failuresOpaque()
    }

    private long overflowedOpaque() {
        return (long) OVERFLOWED.getOpaque(this); // opaque: pairs with setOverflowedOpaque(); a counter
    }

    private void setOverflowedOpaque(long v) {
        OVERFLOWED.setOpaque(this, v); // opaque: single writer (the consumer); pairs with overflowedOpaque()
    }

    private long maxLatencyOpaque() {
        return (long) MAX_LATENCY.getOpaque(this); // opaque: pairs with setMaxLatencyOpaque(); a statistic
    }

    private void setMaxLatencyOpaque(long v) {
        MAX_LATENCY.setOpaque(this, v); // opaque: single writer (the consumer); pairs with maxLatencyOpaque()
    }

    private long passesOpaque() {
        return (long) PASSES.getOpaque(this); // opaque: pairs with setPassesOpaque(); a counter
    }

    private void setPassesOpaque(long v) {
        PASSES.setOpaque(this, v); // opaque: single writer (the consumer); pairs with passesOpaque()
    }

    private int waitingCountOpaque() {
        return (int) WAITING_COUNT.getOpaque(this); // opaque: pairs with setWaitingCountOpaque(); a statistic
    }

    private void setWaitingCountOpaque(int v) {
        WAITING_COUNT.setOpaque(this, v); // opaque: single writer (the consumer); pairs with waitingCountOpaque()
    }

    // VarHandle mechanics
    private static final VarHandle CONSUMING;
    private static final VarHandle DESTROYED;
    private static final VarHandle FAILURES;
    private static final VarHandle OVERFLOWED;
    private static final VarHandle MAX_LATENCY;
    private static final VarHandle PASSES;
    private static final VarHandle WAITING_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CONSUMING = l.findVarHandle(RealtimeCollector.class, "consuming", int.class);
            DESTROYED = l.findVarHandle(RealtimeCollector.class, "destroyed", long.class);
            FAILURES = l.findVarHandle(RealtimeCollector.class, "failures", long.class);
            OVERFLOWED = l.findVarHandle(RealtimeCollector.class, "overflowed", long.class);
            MAX_LATENCY = l.findVarHandle(RealtimeCollector.class, "maxLatency", long.class);
            PASSES = l.findVarHandle(RealtimeCollector.class, "passes", long.class);
            WAITING_COUNT = l.findVarHandle(RealtimeCollector.class, "waitingCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

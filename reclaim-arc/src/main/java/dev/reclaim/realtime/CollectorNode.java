package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A node a {@link RealtimeCollector} destroys on its collector thread: an object that carries its own
 * preallocated queue link, so that a realtime thread hands it to the collector without allocating. It is the
 * extension point behind every handle of this library ({@link dev.reclaim.arc.Arc}'s collector release,
 * {@link SharedCell} values, {@link Tracker} entries); subclass it for any other release action that must not run
 * on the thread that decides it (a pooled native resource, a buffer returned to a pool).
 *
 * <p>Life cycle: construct it <em>off</em> the realtime thread (the constructor registers it with the collector,
 * so that {@link RealtimeCollector#close()} waits for it); when the last owner lets go, that owner calls
 * {@link RealtimeCollector#enqueue(CollectorNode)} exactly once (wait-free: one atomic exchange and one store,
 * no allocation, no lock); the collector later calls {@link #readyToDestroy()} until it returns {@code true}
 * and then {@link #destroy()} once, on the thread that runs {@link RealtimeCollector#collect()}.
 *
 * <p>A node is enqueued at most once: a second {@code enqueue} of the same node is detected when the two
 * calls are ordered (it throws), and is undefined when they race; reference-counted owners guarantee
 * uniqueness by enqueueing only on the transition of their count to zero.
 *
 * <p>Not to be confused with {@link dev.reclaim.Reclaimer}, which defers frees until readers' guards close:
 * a collector node is destroyed as soon as its owner enqueued it and it says it is ready.
 */
public abstract class CollectorNode {

    /* Implementation notes
     *
     * Fields written by the producer (the thread that enqueues) before the exchange of
     * MpscLinkedQueue.offer / BoundedRing.offer are published to the collector by that operation's release
     * store (prev.next or the ring slot), which the collector reads with acquire: droppedAt, overflowed and
     * enqueued need no stronger mode. `next` is the intrusive MPSC link (see MpscLinkedQueue).
     */

    /** The collector this object belongs to; fixed at construction. */
    final RealtimeCollector collector;
    /** Intrusive queue link; accessed through nextAcquire()/setNextRelease()/setNextPlain(). */
    private CollectorNode next;
    /** System.nanoTime() of the drop that enqueued it (opaque: see setDroppedAtOpaque). */
    private long droppedAt;
    /** Set by the producer before the push when the bounded ring was full (plain: published by the push). */
    boolean overflowed;
    /** Set by the producer before the push (plain: ordered misuse check only, see class doc). */
    boolean enqueued;

    /**
     * Creates the node and registers it with {@code collector}: the collector counts it as live until it has
     * been destroyed, and {@link RealtimeCollector#close()} waits for it. Call off the realtime thread.
     *
     * @param collector the collector that will destroy it
     * @throws NullPointerException  if {@code collector} is null
     * @throws IllegalStateException if the collector is closing or closed
     */
    protected CollectorNode(RealtimeCollector collector) {
        this.collector = Objects.requireNonNull(collector, "collector must not be null");
        collector.register();
    }

    /** The queue's stub node: registers nowhere and is never destroyed. */
    CollectorNode() {
        this.collector = null;
    }

    /**
     * Releases the resource. Called exactly once, on the collector's thread (or the thread calling
     * {@link RealtimeCollector#collect()} / {@link RealtimeCollector#close()}), after
     * {@link #readyToDestroy()} returned {@code true}. An exception is reported to the collector's failure
     * handler and counted; the object still counts as destroyed.
     */
    protected abstract void destroy();

    /**
     * Whether {@link #destroy()} may run now. The collector calls it on every pass until it returns
     * {@code true} (a node that answers {@code false} stays in the collector's waiting list and is re-checked
     * each pass: that is how the tracking model and {@link SharedCell} readers hold values back). Once it
     * returns {@code true}, {@code destroy()} follows. Default: always ready.
     *
     * @return {@code true} if the object may be destroyed now
     */
    protected boolean readyToDestroy() {
        return true;
    }

    /**
     * A short description for the collector's close report and failure messages.
     *
     * @return the class name by default
     */
    protected String describe() {
        return getClass().getName();
    }

    // ---------------------------------------------------------------- accessors (package-private)

    final CollectorNode nextAcquire() {
        return (CollectorNode) NEXT.getAcquire(this); // acquire: pairs with setNextRelease() in MpscLinkedQueue.offer
    }

    final void setNextRelease(CollectorNode n) {
        NEXT.setRelease(this, n); // release: pairs with nextAcquire() in MpscLinkedQueue.poll
    }

    final void setNextPlain(CollectorNode n) {
        NEXT.set(this, n); // plain: the node is not in the queue yet; the exchange in offer() publishes it
    }

    final long droppedAtOpaque() {
        return (long) DROPPED_AT.getOpaque(this); // opaque: pairs with setDroppedAtOpaque(); a latency sample
    }

    final void setDroppedAtOpaque(long nanos) {
        DROPPED_AT.setOpaque(this, nanos); // opaque: pairs with droppedAtOpaque(); published by the push
    }

    // VarHandle mechanics
    private static final VarHandle NEXT;
    private static final VarHandle DROPPED_AT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            NEXT = l.findVarHandle(CollectorNode.class, "next", CollectorNode.class);
            DROPPED_AT = l.findVarHandle(CollectorNode.class, "droppedAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The shared part of {@link Shared} and {@link Owned} handles: the value, its destructor, the reference count
 * and (inherited) the preallocated queue node.
 */
final class Payload<T> extends Reclaimable {

    /* Implementation notes
     *
     * refs counts open handles. retain() is a getAndAdd(+1) made through an open handle (so refs >= 1 at that
     * moment and cannot race with the transition to 0); release() is a getAndAdd(-1) and the thread that
     * moves it from 1 to 0 enqueues the payload, exactly once. Both are seq-cst RMWs: every handle's uses
     * of the value happen-before the final decrement, which happens-before the enqueue's release store, which
     * the collector acquires before it runs the destructor.
     */

    private final Consumer<? super T> destructor;
    /** The value; cleared by destroy() (plain: only the collector touches it after the last release). */
    private T value;
    /** Open handles; accessed through getAndAddRefs(). */
    private int refs;

    Payload(RealtimeCollector collector, T value, Consumer<? super T> destructor, int refs) {
        this.value = Objects.requireNonNull(value, "value must not be null");
        this.destructor = Objects.requireNonNull(destructor, "destructor must not be null");
        this.refs = refs; // plain: published with the payload by the handle's safe publication
        super(collector); // registers last: a rejected argument must not leave a live count behind
    }

    T value() {
        return value;
    }

    void retain() {
        getAndAddRefs(1);
    }

    /** Drops one reference; the last one hands the payload to the collector. Wait-free, allocation-free. */
    void release() {
        if (getAndAddRefs(-1) == 1) {
            collector.enqueue(this);
        }
    }

    @Override
    protected void destroy() {
        T v = value;
        value = null;
        destructor.accept(v);
    }

    @Override
    protected String describe() {
        return Messages.payloadDescription(value);
    }

    private int getAndAddRefs(int delta) {
        return (int) REFS.getAndAdd(this, delta); // seq-cst RMW: pairs with the other handles' retain/release
    }

    // VarHandle mechanics
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Payload.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

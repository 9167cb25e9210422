package dev.reclaim.jcstress;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;

import java.util.concurrent.atomic.AtomicReference;

/**
 * State shared by the heap-reference races: an {@link AtomicReference} holding a value that its deferred
 * retirement marks closed. A reader loads the value through {@link Guard#protect(int, AtomicReference)} inside
 * a guard and reads the mark; a writer swaps in a second value, defers closing the first one and flushes.
 * Heap references publish nothing under any scheme (protect is an acquire load): what keeps a value alive is
 * the grace period of {@link Guard#defer(Runnable)}, which waits for every guard open at the call.
 */
public class HeapCell {

    /** Outcome: the reader saw the first value, still open. */
    static final int SAW_FIRST = 1;
    /** Outcome: the reader saw the value swapped in. */
    static final int SAW_SECOND = 2;
    /** Outcome: the reader saw a value whose deferred retirement had already run. */
    static final int SAW_CLOSED = 3;

    /** A value with a closed mark, set by its deferred retirement. */
    static final class Value {
        final int id;
        volatile boolean closed;

        Value(int id) {
            this.id = id;
        }
    }

    private final AtomicReference<Value> ref = new AtomicReference<>(new Value(SAW_FIRST));

    /** Creates the state. */
    public HeapCell() {
    }

    /** The reader: protect the reference under a guard of {@code reclaimer} and classify what it read. */
    final int protectAndClassify(Reclaimer reclaimer) {
        try (Guard g = reclaimer.enter()) {
            Value v = g.protect(0, ref);
            return v.closed ? SAW_CLOSED : v.id; // volatile read: pairs with the deferred retirement's write
        }
    }

    /** The writer: swap the value out, defer its retirement inside a guard, and flush (a scan that may run it). */
    final void swapDeferFlush(Reclaimer reclaimer) {
        Value old = ref.getAndSet(new Value(SAW_SECOND)); // volatile swap: pairs with the readers' acquire load
        try (Guard g = reclaimer.enter()) {
            g.defer(() -> old.closed = true);
        }
        reclaimer.flush();
    }
}

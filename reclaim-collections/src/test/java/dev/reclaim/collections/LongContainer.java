package dev.reclaim.collections;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * A stack or a queue of longs behind one set of operations ({@code add}, {@code remove}, and {@code peek} where
 * the structure has it), so that {@link ContainerSuite} and {@link ContainerLincheckSuite} serve both. The
 * calls go through primitive functional interfaces bound once, so they allocate nothing.
 */
final class LongContainer implements AutoCloseable {

    private final AutoCloseable structure;
    private final boolean fifo;
    private final boolean addNeedsTheReclaimer;
    private final long rootAddress;
    private final LongConsumer add;
    private final LongUnaryOperator remove;
    private final LongUnaryOperator peek;
    private final BooleanSupplier isEmpty;
    private final LongSupplier size;
    private final BooleanSupplier isClosed;
    private final Reclaimer reclaimer;
    private final GuardedAdd addUnder;
    private final GuardedRemove removeUnder;

    private LongContainer(AutoCloseable structure, boolean fifo, boolean addNeedsTheReclaimer, long rootAddress,
                          LongConsumer add, LongUnaryOperator remove, LongUnaryOperator peek,
                          BooleanSupplier isEmpty, LongSupplier size, BooleanSupplier isClosed,
                          Reclaimer reclaimer, GuardedAdd addUnder, GuardedRemove removeUnder) {
        this.structure = structure;
        this.fifo = fifo;
        this.addNeedsTheReclaimer = addNeedsTheReclaimer;
        this.rootAddress = rootAddress;
        this.add = add;
        this.remove = remove;
        this.peek = peek;
        this.isEmpty = isEmpty;
        this.size = size;
        this.isClosed = isClosed;
        this.reclaimer = reclaimer;
        this.addUnder = addUnder;
        this.removeUnder = removeUnder;
    }

    /** A {@link TreiberStack}: last in, first out; push needs no guard; no peek. */
    static LongContainer of(TreiberStack s) {
        return new LongContainer(s, false, false, s.rootAddress(), s::push, s::pop, null, s::isEmpty, s::size,
                s::isClosed, s.reclaimer(), (g, v) -> s.push(v), s::pop);
    }

    /** A {@link MichaelScottQueue}: first in, first out; offer enters a guard (it may help tail); peek. */
    static LongContainer of(MichaelScottQueue q) {
        return new LongContainer(q, true, true, q.rootAddress(), q::offer, q::poll, q::peek, q::isEmpty, q::size,
                q::isClosed, q.reclaimer(), q::offer, q::poll);
    }

    /** Whether values come out in the order they went in (a queue) rather than reversed (a stack). */
    boolean fifo() {
        return fifo;
    }

    /** Whether {@link #add} enters a guard, and so fails once the reclaimer is closed. */
    boolean addNeedsTheReclaimer() {
        return addNeedsTheReclaimer;
    }

    /** The root block (package-private test seam of the structure). */
    long rootAddress() {
        return rootAddress;
    }

    /** Whether the structure has {@link #peek}. */
    boolean hasPeek() {
        return peek != null;
    }

    void add(long value) {
        add.accept(value);
    }

    long remove(long emptyValue) {
        return remove.applyAsLong(emptyValue);
    }

    /** The structure's reclaimer: what the guards of {@link #addUnder} and {@link #removeUnder} come from. */
    Reclaimer reclaimer() {
        return reclaimer;
    }

    /** Adds under the caller's open guard ({@code offer(g, v)}; a push needs none and ignores it). */
    void addUnder(Guard g, long value) {
        addUnder.add(g, value);
    }

    /** Removes under the caller's open guard ({@code pop(g, e)} or {@code poll(g, e)}). */
    long removeUnder(Guard g, long emptyValue) {
        return removeUnder.remove(g, emptyValue);
    }

    /** An add that runs under a guard the caller holds. */
    @FunctionalInterface
    interface GuardedAdd {
        void add(Guard g, long value);
    }

    /** A remove that runs under a guard the caller holds. */
    @FunctionalInterface
    interface GuardedRemove {
        long remove(Guard g, long emptyValue);
    }

    long peek(long emptyValue) {
        return peek.applyAsLong(emptyValue);
    }

    boolean isEmpty() {
        return isEmpty.getAsBoolean();
    }

    long size() {
        return size.getAsLong();
    }

    boolean isClosed() {
        return isClosed.getAsBoolean();
    }

    /** Adds {@code value} to a model the way this container orders it: head of the deque is removed next. */
    void addTo(ArrayDeque<Long> model, long value) {
        if (fifo) {
            model.addLast(value);
        } else {
            model.addFirst(value);
        }
    }

    @Override
    public void close() throws Exception {
        structure.close();
    }

    @Override
    public String toString() {
        return structure.toString();
    }
}

package dev.reclaim.bench.peer;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.bench.suite.AtomicRefStack;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One structure under the peer protocol: {@code add(v)} then {@code remove()} is one pair. Built once per JVM
 * and reused by every round.
 */
interface PeerTarget extends AutoCloseable {

    /** Adds a value (push or offer). */
    void add(long value);

    /** Removes a value (pop or poll), or returns {@code empty}. */
    long remove(long empty);

    /**
     * The reclaimer whose guards {@link #add(Guard, long)} and {@link #remove(Guard, long)} run under, or null for
     * the on-heap baselines (they have none) and for a target opened without batches.
     */
    default Reclaimer reclaimer() {
        return null;
    }

    /** Adds a value under the caller's open guard (offer(g, v); a push needs no guard). */
    default void add(Guard guard, long value) {
        add(value);
    }

    /** Removes a value under the caller's open guard (pop(g, e) or poll(g, e)), or returns {@code empty}. */
    default long remove(Guard guard, long empty) {
        return remove(empty);
    }

    @Override
    void close();

    /**
     * The target for a workload and an implementation.
     *
     * @param workload {@code treiber} or {@code msqueue}
     * @param impl     {@code heap} (the on-heap baseline) or a scheme id
     * @param backoff  {@code default} (the structure's own constructor) or a back-off spec for
     *                 {@link BackoffSpec#parse(String)}
     * @param batches  whether the rounds run batches of pairs under one guard (the structures' guard-taking
     *                 operations, which an older library build lacks)
     */
    static PeerTarget open(String workload, String impl, String backoff, boolean batches) {
        boolean stack = switch (workload) {
            case "treiber" -> true;
            case "msqueue" -> false;
            default -> throw new IllegalArgumentException("unknown peer workload '" + workload
                    + "'; use treiber or msqueue");
        };
        if (impl.equals("heap")) {
            return stack ? heapStack() : heapQueue();
        }
        SlabAllocator allocator = SlabAllocator.builder().name("peer-" + workload).sanitize(false).build();
        Reclaimer reclaimer = Scheme.fromId(impl).create();
        // The default path calls only the two-argument constructors, so this class also runs against an older
        // build of the library on the class path (paired old-vs-new runs); BackoffSpec needs the new API.
        AutoCloseable structure;
        if (stack) {
            TreiberStack s = backoff.equals("default") ? new TreiberStack(reclaimer, allocator)
                    : BackoffSpec.stack(reclaimer, allocator, backoff);
            structure = s;
            Closing c = new Closing(s::push, s::pop, structure, reclaimer, allocator);
            return batches ? Batched.stack(c, s) : c;
        }
        MichaelScottQueue q = backoff.equals("default") ? new MichaelScottQueue(reclaimer, allocator)
                : BackoffSpec.queue(reclaimer, allocator, backoff);
        Closing c = new Closing(q::offer, q::poll, q, reclaimer, allocator);
        return batches ? Batched.queue(c, q) : c;
    }

    private static PeerTarget heapStack() {
        AtomicRefStack s = new AtomicRefStack();
        return new Closing(s::push, s::pop, () -> { }, null, null);
    }

    private static PeerTarget heapQueue() {
        ConcurrentLinkedQueue<Long> q = new ConcurrentLinkedQueue<>();
        return new Closing(q::offer, empty -> {
            Long v = q.poll();
            return v == null ? empty : v;
        }, () -> { }, null, null);
    }

    /** Adapts a structure's two operations and closes it, its reclaimer and its allocator in that order. */
    record Closing(java.util.function.LongConsumer adder, java.util.function.LongUnaryOperator remover,
                   AutoCloseable structure, Reclaimer reclaimer, SlabAllocator allocator) implements PeerTarget {

        @Override
        public void add(long value) {
            adder.accept(value);
        }

        @Override
        public long remove(long empty) {
            return remover.applyAsLong(empty);
        }

        @Override
        public void close() {
            try {
                structure.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the structure failed", e);
            }
            if (reclaimer != null) {
                reclaimer.close();
                allocator.close();
            }
        }
    }

    /**
     * A target whose guarded operations are the structure's own {@code pop(Guard, long)} / {@code offer(Guard,
     * long)} / {@code poll(Guard, long)}. Kept apart from {@link Closing} so that the default path links against an
     * older library build that lacks them.
     */
    record Batched(Closing plain, Reclaimer reclaimer, GuardedAdd guardedAdd, GuardedRemove guardedRemove)
            implements PeerTarget {

        static Batched stack(Closing plain, TreiberStack s) {
            return new Batched(plain, s.reclaimer(), (g, v) -> s.push(v), s::pop);
        }

        static Batched queue(Closing plain, MichaelScottQueue q) {
            return new Batched(plain, q.reclaimer(), q::offer, q::poll);
        }

        @Override
        public void add(long value) {
            plain.add(value);
        }

        @Override
        public long remove(long empty) {
            return plain.remove(empty);
        }

        @Override
        public void add(Guard guard, long value) {
            guardedAdd.add(guard, value);
        }

        @Override
        public long remove(Guard guard, long empty) {
            return guardedRemove.remove(guard, empty);
        }

        @Override
        public void close() {
            plain.close();
        }
    }

    /** {@code offer(g, v)} or a push that ignores the guard. */
    @FunctionalInterface
    interface GuardedAdd {
        void add(Guard guard, long value);
    }

    /** {@code pop(g, e)} or {@code poll(g, e)}. */
    @FunctionalInterface
    interface GuardedRemove {
        long remove(Guard guard, long empty);
    }
}

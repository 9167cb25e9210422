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
     * the on-heap baselines (they have none).
     */
    Reclaimer reclaimer();

    /** Adds a value under the caller's open guard (offer(g, v); a push needs no guard). Batched targets only. */
    void add(Guard guard, long value);

    /** Removes a value under the caller's open guard (pop(g, e) or poll(g, e)). Batched targets only. */
    long remove(Guard guard, long empty);

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
            return batches ? Guarded.stack(s, reclaimer, allocator)
                    : new Closing(s::push, s::pop, null, null, structure, reclaimer, allocator);
        }
        MichaelScottQueue q = backoff.equals("default") ? new MichaelScottQueue(reclaimer, allocator)
                : BackoffSpec.queue(reclaimer, allocator, backoff);
        return batches ? Guarded.queue(q, reclaimer, allocator)
                : new Closing(q::offer, q::poll, null, null, q, reclaimer, allocator);
    }

    private static PeerTarget heapStack() {
        AtomicRefStack s = new AtomicRefStack();
        return new Closing(s::push, s::pop, null, null, () -> { }, null, null);
    }

    private static PeerTarget heapQueue() {
        ConcurrentLinkedQueue<Long> q = new ConcurrentLinkedQueue<>();
        return new Closing(q::offer, empty -> {
            Long v = q.poll();
            return v == null ? empty : v;
        }, null, null, () -> { }, null, null);
    }

    /**
     * The structures' guard-taking operations ({@code pop(Guard, long)}, {@code offer/poll(Guard, long)}), bound
     * only when a run asks for batches: the default path never links them, so it also runs against an older
     * library build that lacks them.
     */
    final class Guarded {
        private Guarded() {
        }

        static Closing stack(TreiberStack s, Reclaimer reclaimer, SlabAllocator allocator) {
            return new Closing(s::push, s::pop, (g, v) -> s.push(v), s::pop, s, reclaimer, allocator);
        }

        static Closing queue(MichaelScottQueue q, Reclaimer reclaimer, SlabAllocator allocator) {
            return new Closing(q::offer, q::poll, q::offer, q::poll, q, reclaimer, allocator);
        }
    }

    /**
     * Adapts a structure's two operations (and, for batched runs, their guard-taking forms; null otherwise) and
     * closes it, its reclaimer and its allocator in that order.
     */
    record Closing(java.util.function.LongConsumer adder, java.util.function.LongUnaryOperator remover,
                   GuardedAdd guardedAdder, GuardedRemove guardedRemover,
                   AutoCloseable structure, Reclaimer reclaimer, SlabAllocator allocator) implements PeerTarget {

        @Override
        public void add(Guard guard, long value) {
            guardedAdder.add(guard, value);
        }

        @Override
        public long remove(Guard guard, long empty) {
            return guardedRemover.remove(guard, empty);
        }

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

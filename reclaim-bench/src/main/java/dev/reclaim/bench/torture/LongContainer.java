package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The structures the torture cases drive, behind the smallest interface they share: insert a value, remove
 * some value. New collections register here with one line in {@link #KINDS}.
 */
interface LongContainer extends AutoCloseable {

    /** Returned by {@link #remove()} when the structure is empty; never inserted. */
    long EMPTY = Long.MIN_VALUE;

    /**
     * Inserts {@code value}.
     *
     * @param value the value, never {@link #EMPTY}
     */
    void insert(long value);

    /**
     * Removes some value (the structure's order).
     *
     * @return the value, or {@link #EMPTY}
     */
    long remove();

    /** Frees the structure's nodes (the structure must be quiescent). */
    @Override
    void close();

    /**
     * A kind of structure: its id and how to make one over a reclaimer and an allocator.
     *
     * @param id      the workload id, e.g. {@code treiber}
     * @param factory makes an empty structure
     */
    record Kind(String id, BiFunction<Reclaimer, SlabAllocator, LongContainer> factory) {
    }

    /** Every container kind the torture runs. */
    List<Kind> KINDS = List.of(
            new Kind("treiber", (r, a) -> {
                TreiberStack s = new TreiberStack(r, a);
                return new LongContainer() {
                    @Override
                    public void insert(long value) {
                        s.push(value);
                    }

                    @Override
                    public long remove() {
                        return s.pop(EMPTY);
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }),
            new Kind("msqueue", (r, a) -> {
                MichaelScottQueue q = new MichaelScottQueue(r, a);
                return new LongContainer() {
                    @Override
                    public void insert(long value) {
                        q.offer(value);
                    }

                    @Override
                    public long remove() {
                        return q.poll(EMPTY);
                    }

                    @Override
                    public void close() {
                        q.close();
                    }
                };
            }));
}

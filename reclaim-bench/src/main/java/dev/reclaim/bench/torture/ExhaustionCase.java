package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An allocator that runs out of memory mid-operation: workers insert into a structure over a small capacity
 * until the allocator refuses, then every worker removes. Checks: the only failure is
 * {@link OffHeapExhaustedException} (no crash, no other exception), every insert that returned normally is
 * removed exactly once (nothing lost, nothing duplicated: compared by count and sum), the structure still
 * accepts inserts once memory is reclaimed, and nothing leaks after close.
 */
final class ExhaustionCase extends AbstractExhaustionCase {

    private static final long CAPACITY = 4L << 20;

    private final LongContainer.Kind kind;

    ExhaustionCase(Scheme scheme, LongContainer.Kind kind) {
        super(scheme, kind.id());
        this.kind = kind;
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-oom").capacity(CAPACITY).build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-oom-" + scheme.id(), failures);
        LongContainer box = kind.factory().apply(reclaimer, memory);
        AtomicLong inserted = new AtomicLong();
        AtomicLong insertedSum = new AtomicLong();
        AtomicLong removed = new AtomicLong();
        AtomicLong removedSum = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        fillThenDrain("torture-oom-", threads, id -> {
            long base = ((long) id << 40) + seed % 1000;
            for (long i = 0;; i++) {
                long v = base + i;
                try {
                    box.insert(v);
                } catch (OffHeapExhaustedException expected) {
                    refusals.incrementAndGet();
                    return i;
                }
                inserted.incrementAndGet();
                insertedSum.addAndGet(v);
            }
        }, (id, filled) -> {
            for (long v = box.remove(); v != LongContainer.EMPTY; v = box.remove()) {
                removed.incrementAndGet();
                removedSum.addAndGet(v);
            }
        });
        if (inserted.get() != removed.get() || insertedSum.get() != removedSum.get()) {
            throw new AssertionError("values lost or duplicated at exhaustion: " + inserted.get() + " inserted, "
                    + removed.get() + " removed");
        }
        reclaimer.synchronize(); // the removed nodes go back to the allocator
        box.insert(42);           // usable again after exhaustion
        if (box.remove() != 42) {
            throw new AssertionError("the structure does not work after the allocator recovered");
        }
        box.close();
        Cleanup.closeChecked(reclaimer, failures, memory);
        return String.format("%,d inserts filled %d MiB, %d refusals, all removed exactly once", inserted.get(),
                CAPACITY >> 20, refusals.get());
    }
}

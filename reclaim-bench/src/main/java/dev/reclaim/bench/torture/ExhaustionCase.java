package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An allocator that runs out of memory mid-operation: workers insert into a structure over a small capacity
 * until the allocator refuses, then every worker removes. Checks: the only failure is
 * {@link OffHeapExhaustedException} (no crash, no other exception), every insert that returned normally is
 * removed exactly once (nothing lost, nothing duplicated: compared by count and sum), the structure still
 * accepts inserts once memory is reclaimed, and nothing leaks after close.
 */
final class ExhaustionCase implements TortureCase {

    private static final long CAPACITY = 4L << 20;

    private final Scheme scheme;
    private final LongContainer.Kind kind;

    ExhaustionCase(Scheme scheme, LongContainer.Kind kind) {
        this.scheme = scheme;
        this.kind = kind;
    }

    @Override
    public String name() {
        return "exhaustion " + kind.id() + "/" + scheme.id();
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
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch full = new CountDownLatch(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long base = ((long) t << 40) + seed % 1000;
            workers[t] = Thread.ofPlatform().name("torture-oom-" + t).start(() -> {
                try {
                    long i = 0;
                    while (true) {
                        long v = base + i++;
                        try {
                            box.insert(v);
                        } catch (OffHeapExhaustedException expected) {
                            refusals.incrementAndGet();
                            break;
                        }
                        inserted.incrementAndGet();
                        insertedSum.addAndGet(v);
                    }
                    full.countDown();
                    full.await();
                    for (long v = box.remove(); v != LongContainer.EMPTY; v = box.remove()) {
                        removed.incrementAndGet();
                        removedSum.addAndGet(v);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    full.countDown();
                }
            });
        }
        Cleanup.joinWorkers(workers, error);
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

package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.examples.birdcage.BirdCage;
import dev.reclaim.memory.SlabAllocator;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code birdcage}: the {@link BirdCage} example. One operation picks a random slot of {@code key-range} slots
 * and either replaces its canary (probability {@code update-ratio}; the old canary is retired) or reads it
 * inside a guard and checks it is alive. A dead read fails the configuration.
 *
 * <p>Baseline {@code jdk-gc-cage}: the same cage on the Java heap, an {@link AtomicReferenceArray} of
 * immutable canary objects that the garbage collector reclaims.
 */
final class BirdCageWorkload implements Workload {

    static final String GC_CAGE = "jdk-gc-cage";

    @Override
    public String id() {
        return "birdcage";
    }

    @Override
    public String description() {
        return "read a random slot's canary inside a guard, or (update ratio) replace it and retire the old one";
    }

    @Override
    public List<String> baselines() {
        return List.of(GC_CAGE);
    }

    @Override
    public int defaultKeyRange() {
        return 64;
    }

    @Override
    public double defaultUpdateRatio() {
        return 0.5;
    }

    @Override
    public Trial open(String scheme, Params p) {
        int threshold = (int) Math.round(p.updateRatio() * (1 << 24));
        if (scheme.equals(GC_CAGE)) {
            return new HeapCage(p, threshold);
        }
        SlabAllocator allocator = Trials.allocator("bench-birdcage", p);
        Reclaimer reclaimer = Scheme.fromId(scheme).create();
        BirdCage cage = new BirdCage(reclaimer, allocator, p.keyRange());
        return new Trial() {
            @Override
            public Worker worker(int index) {
                SplittableRandom rnd = new SplittableRandom(p.seed() + index);
                int slots = p.keyRange();
                return ops -> {
                    long sink = 0;
                    for (int i = 0; i < ops; i++) {
                        int slot = rnd.nextInt(slots);
                        if (rnd.nextInt(1 << 24) < threshold) {
                            cage.replace(slot);
                        } else {
                            sink += cage.access(slot);
                        }
                    }
                    Blackhole.consume(sink);
                };
            }

            @Override
            public Reclaimer reclaimer() {
                return reclaimer;
            }

            @Override
            public void close() {
                cage.close();
                long dead = cage.deadReads();
                Trials.closeAndCheck(reclaimer, allocator, "birdcage");
                if (dead != 0) {
                    throw new IllegalStateException("birdcage: " + dead + " reads saw a dead canary with scheme "
                            + scheme + ": the reclaimer freed a canary too early");
                }
                if (reclaimer.scheme() != Scheme.LEAK && cage.freed() != cage.allocated()) {
                    throw new IllegalStateException("birdcage: allocated " + cage.allocated() + " canaries but freed "
                            + cage.freed() + " after closing the reclaimer");
                }
            }
        };
    }

    /** The on-heap cage baseline. */
    private static final class HeapCage implements Trial {
        private record Canary(long id, long p0, long p1, long p2, long p3) {
            static Canary of(long id) {
                return new Canary(id, id * 3, id * 5, id * 7, id * 11);
            }

            boolean intact() {
                return p0 == id * 3 && p1 == id * 5 && p2 == id * 7 && p3 == id * 11;
            }
        }

        private final AtomicReferenceArray<Canary> slots;
        private final Params p;
        private final int threshold;

        HeapCage(Params p, int threshold) {
            this.p = p;
            this.threshold = threshold;
            this.slots = new AtomicReferenceArray<>(p.keyRange());
            for (int i = 0; i < p.keyRange(); i++) {
                slots.set(i, Canary.of(i)); // volatile: published before the workers start (Thread.start)
            }
        }

        @Override
        public Worker worker(int index) {
            SplittableRandom rnd = new SplittableRandom(p.seed() + index);
            int n = p.keyRange();
            return ops -> {
                long sink = 0;
                for (int i = 0; i < ops; i++) {
                    int slot = rnd.nextInt(n);
                    if (rnd.nextInt(1 << 24) < threshold) {
                        slots.set(slot, Canary.of(rnd.nextLong())); // volatile: pairs with get() below
                    } else {
                        Canary c = slots.get(slot); // volatile: pairs with set() above
                        if (!c.intact()) {
                            throw new IllegalStateException("torn canary on the heap");
                        }
                        sink += c.id();
                    }
                }
                Blackhole.consume(sink);
            };
        }

        @Override
        public Reclaimer reclaimer() {
            return null;
        }

        @Override
        public void close() {
        }
    }
}

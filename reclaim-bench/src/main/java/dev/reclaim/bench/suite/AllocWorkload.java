package dev.reclaim.bench.suite;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * {@code alloc}: the life cycle of one 64-byte off-heap object. For a scheme: slab {@code allocate(64)}, write
 * one word, {@code retire} it inside a guard; the reclaimer frees it eventually (amortised into the figure).
 * Baselines: an arena per object, {@code Arena.ofShared()} / {@code ofConfined()} + {@code allocate(64)} +
 * write + {@code close()} ({@code jdk-shared-arena}, {@code jdk-confined-arena}), and {@code Arena.ofAuto()} +
 * {@code allocate(64)} + write, freed by the garbage collector ({@code jdk-auto-arena}).
 */
final class AllocWorkload implements Workload {

    static final String SHARED = "jdk-shared-arena";
    static final String CONFINED = "jdk-confined-arena";
    static final String AUTO = "jdk-auto-arena";
    private static final long SIZE = 64;

    @Override
    public String id() {
        return "alloc";
    }

    @Override
    public String description() {
        return "allocate 64 bytes off-heap, write a word, release it (retire through the scheme, or close the arena)";
    }

    @Override
    public List<String> baselines() {
        return List.of(SHARED, CONFINED, AUTO);
    }

    @Override
    public boolean latencyChart() {
        return true;
    }

    @Override
    public Trial open(String scheme, Params p) {
        return switch (scheme) {
            case SHARED -> arena(ops -> {
                for (int i = 0; i < ops; i++) {
                    try (Arena a = Arena.ofShared()) {
                        a.allocate(SIZE).set(ValueLayout.JAVA_LONG, 0, i);
                    }
                }
            });
            case CONFINED -> arena(ops -> {
                for (int i = 0; i < ops; i++) {
                    try (Arena a = Arena.ofConfined()) {
                        a.allocate(SIZE).set(ValueLayout.JAVA_LONG, 0, i);
                    }
                }
            });
            case AUTO -> arena(ops -> {
                for (int i = 0; i < ops; i++) {
                    MemorySegment s = Arena.ofAuto().allocate(SIZE);
                    s.set(ValueLayout.JAVA_LONG, 0, i);
                }
            });
            default -> {
                SlabAllocator allocator = Trials.allocator("bench-alloc", p);
                Reclaimer reclaimer = Scheme.fromId(scheme).create();
                yield new Trial() {
                    @Override
                    public Worker worker(int index) {
                        return ops -> {
                            for (int i = 0; i < ops; i++) {
                                try (Guard g = reclaimer.enter()) {
                                    long block = allocator.allocate(SIZE);
                                    Memory.putLong(block, i); // plain: the block is private until retired
                                    g.retire(block, allocator);
                                }
                            }
                        };
                    }

                    @Override
                    public Reclaimer reclaimer() {
                        return reclaimer;
                    }

                    @Override
                    public void close() {
                        Trials.closeAndCheck(reclaimer, allocator, "alloc");
                    }
                };
            }
        };
    }

    private static Trial arena(Worker w) {
        return new Trial() {
            @Override
            public Worker worker(int index) {
                return w;
            }

            @Override
            public Reclaimer reclaimer() {
                return null;
            }

            @Override
            public void close() {
            }
        };
    }
}

package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * {@code treiber}: the off-heap {@link TreiberStack}. Each thread alternates push and pop (one operation each),
 * on a stack prefilled with {@code key-range} values; every pop retires a node. Baselines: an on-heap
 * {@link java.util.concurrent.atomic.AtomicReference} Treiber stack ({@code jdk-atomicref-stack}) and
 * {@link ConcurrentLinkedDeque} push/pop ({@code jdk-clq-deque}).
 */
final class TreiberWorkload implements Workload {

    static final String ATOMICREF = "jdk-atomicref-stack";
    static final String CLQ = "jdk-clq-deque";
    private static final Long BOXED = 42L;

    @Override
    public String id() {
        return "treiber";
    }

    @Override
    public String description() {
        return "alternately push and pop (each one operation) on a stack prefilled with key-range values";
    }

    @Override
    public List<String> baselines() {
        return List.of(ATOMICREF, CLQ);
    }

    @Override
    public int defaultKeyRange() {
        return 1024;
    }

    @Override
    public Trial open(String scheme, Params p) {
        switch (scheme) {
            case ATOMICREF -> {
                AtomicRefStack s = new AtomicRefStack();
                for (int i = 0; i < p.keyRange(); i++) {
                    s.push(i);
                }
                return baseline(index -> ops -> {
                    long sink = 0;
                    for (int i = 0; i < ops; i += 2) {
                        s.push(i);
                        sink += s.pop(-1);
                    }
                    Blackhole.consume(sink);
                });
            }
            case CLQ -> {
                ConcurrentLinkedDeque<Long> d = new ConcurrentLinkedDeque<>();
                for (int i = 0; i < p.keyRange(); i++) {
                    d.push(BOXED);
                }
                return baseline(index -> ops -> {
                    long sink = 0;
                    for (int i = 0; i < ops; i += 2) {
                        d.push(BOXED);
                        Long v = d.pollFirst();
                        sink += v == null ? -1 : v;
                    }
                    Blackhole.consume(sink);
                });
            }
            default -> {
                SlabAllocator allocator = Trials.allocator("bench-treiber", p);
                Reclaimer reclaimer = Scheme.fromId(scheme).create();
                TreiberStack stack = new TreiberStack(reclaimer, allocator);
                for (int i = 0; i < p.keyRange(); i++) {
                    stack.push(i);
                }
                return new Trial() {
                    @Override
                    public Worker worker(int index) {
                        return ops -> {
                            long sink = 0;
                            for (int i = 0; i < ops; i += 2) {
                                stack.push(i);
                                sink += stack.pop(-1);
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
                        stack.close();
                        Trials.closeAndCheck(reclaimer, allocator, "treiber");
                    }
                };
            }
        }
    }

    private static Trial baseline(java.util.function.IntFunction<Worker> workers) {
        return new Trial() {
            @Override
            public Worker worker(int index) {
                return workers.apply(index);
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

package dev.reclaim.consumer;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.MutexGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each library module from a named module on the module path and checks the descriptors: the exported
 * packages work (every scheme, the allocator and its sanitizer, a structure, ArcSwap, a lock, with real
 * threads), {@code dev.reclaim.internal} stays closed to users, and {@code jdk.jfr} is optional. Exits 1 on the
 * first failed check, printing it; otherwise prints one line per check.
 */
public final class ModulePathCheck {

    private ModulePathCheck() {
    }

    /**
     * Runs the checks.
     *
     * @param args {@code jfr} when the JVM records (jdk.jfr must then be resolved), {@code no-jfr} when it must not be
     */
    public static void main(String[] args) throws Exception {
        boolean jfr = args.length > 0 && args[0].equals("jfr");
        Module self = ModulePathCheck.class.getModule();
        check("runs as a named module", self.isNamed() && self.getName().equals("dev.reclaim.consumer"));
        Module core = Reclaimer.class.getModule();
        check("dev.reclaim is a named module on the module path", core.isNamed() && core.getName().equals("dev.reclaim"));
        check("dev.reclaim.internal is not exported to users", !core.isExported("dev.reclaim.internal", self)
                && core.isExported("dev.reclaim.internal", ArcSwap.class.getModule())
                && core.isExported("dev.reclaim.internal", Mutex.class.getModule())
                && core.isExported("dev.reclaim.internal", TreiberStack.class.getModule()));
        check(jfr ? "jdk.jfr is resolved when recording" : "jdk.jfr is not in the runtime (an optional dependency)",
                ModuleLayer.boot().findModule("jdk.jfr").isPresent() == jfr);

        for (Scheme scheme : Scheme.values()) {
            check("scheme " + scheme.id() + ": a Treiber stack under 2 threads", stack(scheme));
        }
        check("EBR: synchronize() frees every retired block, a slow reader included", ebr());
        check("sanitizer: a read of a freed block throws", sanitizer());
        check("LongOpenHashMap: put and get", map());
        check("ArcSwap: load, store, release exactly once", arcSwap());
        check("Mutex: mutual exclusion under 2 threads", mutex());
        System.out.println("module-path check (" + (jfr ? "with" : "without") + " jdk.jfr): every check passed");
    }

    private static void check(String what, boolean ok) {
        if (!ok) {
            System.out.println("FAILED " + what);
            System.exit(1);
        }
        System.out.println("ok     " + what);
    }

    private static boolean stack(Scheme scheme) throws InterruptedException {
        SlabAllocator.Builder b = SlabAllocator.builder();
        if (scheme == Scheme.LEAK) {
            b.onLeak(SlabAllocator.OnLeak.IGNORE); // the baseline never frees: blocks are live at close by design
        }
        try (SlabAllocator memory = b.build()) {
            long total;
            try (Reclaimer r = scheme.create()) {
                AtomicInteger popped = new AtomicInteger();
                try (TreiberStack stack = new TreiberStack(r, memory)) {
                    List<Thread> threads = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        threads.add(Thread.ofPlatform().start(() -> {
                            for (int i = 1; i <= 20_000; i++) {
                                stack.push(i);
                                if (stack.pop(-1) != -1) {
                                    popped.incrementAndGet();
                                }
                            }
                        }));
                    }
                    for (Thread t : threads) {
                        t.join();
                    }
                    total = popped.get();
                    while (stack.pop(-1) != -1) {
                        total++;
                    }
                }
            }
            return total == 40_000 && (scheme == Scheme.LEAK || memory.stats().liveBlocks() == 0);
        }
    }

    private static boolean ebr() throws InterruptedException {
        try (SlabAllocator memory = SlabAllocator.create(); Reclaimer r = EpochReclaimer.builder().name("mp").build()) {
            Thread slow = Thread.ofPlatform().start(() -> {
                try (Guard _ = r.enter()) {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 1_000; i++) {
                long p = memory.allocate(32);
                r.retire(p, memory);
            }
            slow.join();
            r.synchronize();
            return memory.stats().liveBlocks() == 0 && r.stats().pending() == 0;
        }
    }

    private static boolean sanitizer() {
        try (SlabAllocator memory = SlabAllocator.builder().sanitize(true).build()) {
            long p = memory.allocate(16);
            memory.free(p);
            try {
                Memory.getLong(p);
                return false;
            } catch (UseAfterFreeException expected) {
                return true;
            }
        }
    }

    private static boolean map() {
        try (SlabAllocator memory = SlabAllocator.create(); Reclaimer r = Scheme.fromId("ebr").create();
             LongOpenHashMap m = new LongOpenHashMap(r, memory, 64)) {
            for (long k = 1; k <= 100; k++) {
                m.put(k, k * 3, -1);
            }
            return m.get(42, -1) == 126 && m.get(1_000, -1) == -1;
        }
    }

    private static boolean arcSwap() {
        AtomicInteger released = new AtomicInteger();
        try (ArcSwap<String> swap = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()))) {
            try (ArcGuard<String> g = swap.load()) {
                swap.store(Arc.of("two", v -> released.incrementAndGet()));
                if (!g.get().equals("one") || released.get() != 0) {
                    return false;
                }
            }
            try (ArcGuard<String> g = swap.load()) {
                if (!g.get().equals("two")) {
                    return false;
                }
            }
        }
        return released.get() == 2;
    }

    private static boolean mutex() throws InterruptedException {
        Mutex mutex = new Mutex();
        long[] counter = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    try (MutexGuard _ = mutex.lock()) {
                        counter[0]++;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return counter[0] == 100_000;
    }
}

package dev.reclaim;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import dev.reclaim.arc.Weak;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.MemoryLeakException;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.Shared;
import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.OneShot;
import dev.reclaim.sync.RcuCell;
import dev.reclaim.sync.Semaphore;
import dev.reclaim.sync.SeqLock;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The misuse catalogue of the core API: every misuse the public API of {@code reclaim-core}'s reclaimers,
 * guards and allocator can express, each with the exception type it must raise and a pattern its message must
 * match, which names the fix (what to call, pass or do instead). Reclaimer and guard misuses run for every
 * {@link Scheme}. The catalogue's size is reported in the reliability closing note; a new public operation
 * adds its misuses here.
 */
class MisuseCatalogueTest {

    /** One misuse: what is done wrong, what must be thrown, what the message must say. */
    record Misuse(String what, Class<? extends Throwable> type, String fixPattern, Executable action) {
    }

    private static final List<Misuse> CATALOGUE = new ArrayList<>();

    private static void misuse(String what, Class<? extends Throwable> type, String fixPattern, Executable action) {
        CATALOGUE.add(new Misuse(what, type, fixPattern, action));
    }

    static {
        for (Scheme scheme : Scheme.values()) {
            String s = scheme.id() + ": ";
            misuse(s + "close a guard twice", IllegalStateException.class, "(?i)closed", () -> {
                try (Reclaimer r = scheme.create()) {
                    Guard g = r.enter();
                    g.close();
                    g.close();
                }
            });
            misuse(s + "protect through a closed guard", IllegalStateException.class, "(?i)closed.*(call|enter|open)",
                    withClosedGuard(scheme, g -> g.protect(0, new AtomicReference<>("x"))));
            misuse(s + "retire outside a guard (closed guard)", IllegalStateException.class,
                    "(?i)closed.*(call|enter|open)", withClosedGuard(scheme, g -> g.retire(64, p -> { })));
            misuse(s + "defer through a closed guard", IllegalStateException.class, "(?i)closed.*(call|enter|open)",
                    withClosedGuard(scheme, g -> g.defer(() -> { })));
            misuse(s + "repin a closed guard", IllegalStateException.class, "(?i)closed",
                    withClosedGuard(scheme, Guard::repin));
            misuse(s + "retire the null pointer", IllegalArgumentException.class, "(?i)retire only",
                    withOpenGuard(scheme, g -> g.retire(0, p -> { })));
            misuse(s + "retire with a null deleter", NullPointerException.class, "(?i)pass",
                    withOpenGuard(scheme, g -> g.retire(64, null)));
            misuse(s + "defer a null action", NullPointerException.class, "(?i)pass",
                    withOpenGuard(scheme, g -> g.defer(null)));
            misuse(s + "protect slot -1", IndexOutOfBoundsException.class, "(?i)slot|index|PROTECT_SLOTS",
                    withOpenGuard(scheme, g -> g.protect(-1, new AtomicReference<>("x"))));
            misuse(s + "protect slot PROTECT_SLOTS", IndexOutOfBoundsException.class, "(?i)slot|index|PROTECT_SLOTS",
                    withOpenGuard(scheme, g -> g.protect(Guard.PROTECT_SLOTS, new AtomicReference<>("x"))));
            misuse(s + "protect a null source", NullPointerException.class, "(?i)pass|source|must not be null",
                    withOpenGuard(scheme, g -> g.protect(0, (AtomicReference<Object>) null)));
            misuse(s + "close a reclaimer twice", IllegalStateException.class, "(?i)close it exactly once", () -> {
                Reclaimer r = scheme.create();
                r.close();
                r.close();
            });
            misuse(s + "enter after close", IllegalStateException.class, "(?i)closed.*before", () -> {
                Reclaimer r = scheme.create();
                r.close();
                r.enter();
            });
            misuse(s + "flush after close", IllegalStateException.class, "(?i)closed.*before", () -> {
                Reclaimer r = scheme.create();
                r.close();
                r.flush();
            });
            misuse(s + "synchronize after close", IllegalStateException.class, "(?i)closed.*before", () -> {
                Reclaimer r = scheme.create();
                r.close();
                r.synchronize();
            });
            misuse(s + "synchronize with a null timeout", NullPointerException.class, "(?i)timeout must not be null",
                    () -> {
                        try (Reclaimer r = scheme.create()) {
                            r.synchronize(null);
                        }
                    });
            if (scheme != Scheme.LEAK) {
                misuse(s + "synchronize while holding a guard (would wait for itself)", IllegalStateException.class,
                        "(?i)close the guard first", withOpenGuard(scheme, g -> g.reclaimer().synchronize()));
                misuse(s + "close the reclaimer while holding its guard", IllegalStateException.class,
                        "(?i)close the guard first", () -> {
                            Reclaimer r = scheme.create();
                            Guard g = r.enter();
                            try {
                                r.close();
                            } finally {
                                g.close();
                                r.close();
                            }
                        });
            }
        }
        misuse("unknown scheme id", IllegalArgumentException.class, "(?i)valid ids are", () -> Scheme.fromId("nope"));
        misuse("null scheme id", IllegalArgumentException.class, "valid ids are", () -> Scheme.fromId(null));
        misuse("close the global EBR reclaimer", IllegalStateException.class, "(?i)create your own",
                () -> EpochReclaimer.global().close());
        misuse("EBR builder: bagCapacity 0", IllegalArgumentException.class, "at least 1",
                () -> EpochReclaimer.builder().bagCapacity(0));
        misuse("EBR builder: advanceEvery 0", IllegalArgumentException.class, "at least 1",
                () -> EpochReclaimer.builder().advanceEvery(0));
        misuse("EBR builder: negative close timeout", IllegalArgumentException.class, "must not be negative",
                () -> EpochReclaimer.builder().closeTimeout(Duration.ofSeconds(-1)));
        misuse("EBR builder: null name", NullPointerException.class, "must not be null",
                () -> EpochReclaimer.builder().name(null));
        misuse("EBR builder: null failure handler", NullPointerException.class, "must not be null",
                () -> EpochReclaimer.builder().failureHandler(null));
        misuse("HP builder: scanThreshold 0", IllegalArgumentException.class, "at least 1",
                () -> HazardReclaimer.builder().scanThreshold(0));
        misuse("HP builder: negative close timeout", IllegalArgumentException.class, "must not be negative",
                () -> HazardReclaimer.builder().closeTimeout(Duration.ofSeconds(-1)));

        misuse("allocate 0 bytes", IllegalArgumentException.class, "must be in \\[1", withAllocator(false, a -> a.allocate(0)));
        misuse("allocate a negative size", IllegalArgumentException.class, "must be in \\[1",
                withAllocator(false, a -> a.allocate(-8)));
        misuse("allocate zeroed, negative size", IllegalArgumentException.class, "must be in \\[1",
                withAllocator(false, a -> a.allocateZeroed(-1)));
        misuse("free the null address", IllegalArgumentException.class, "pass an address returned by allocate",
                withAllocator(false, a -> a.free(0)));
        misuse("free a misaligned address", IllegalArgumentException.class, "pass an address returned by allocate",
                withAllocator(false, a -> a.free(a.allocate(32) + 8)));
        misuse("free a negative address", IllegalArgumentException.class, "pass an address returned by allocate",
                withAllocator(false, a -> a.free(-64)));
        misuse("allocate after close", IllegalStateException.class, "Use an allocator only before close", () -> {
            SlabAllocator a = SlabAllocator.create();
            a.close();
            a.allocate(16);
        });
        misuse("close an allocator twice", IllegalStateException.class, "close it once", () -> {
            SlabAllocator a = SlabAllocator.create();
            a.close();
            a.close();
        });
        misuse("allocator capacity 0", IllegalArgumentException.class, "must be positive",
                () -> SlabAllocator.builder().capacity(0));
        misuse("allocate past the capacity", OffHeapExhaustedException.class, "(?i)capacity|free|larger", () -> {
            try (SlabAllocator a = SlabAllocator.builder().capacity(1 << 20).build()) {
                for (int i = 0; i < 1 << 20; i++) {
                    a.allocate(1024);
                }
            }
        });
        misuse("sanitizer: read a freed block", UseAfterFreeException.class, "Fix: .*retire it through a reclaimer", () -> {
            try (SlabAllocator a = SlabAllocator.builder().sanitize(true).build()) {
                long p = a.allocate(16);
                a.free(p);
                Memory.getLong(p);
            }
        });
        misuse("sanitizer: free a block twice", UseAfterFreeException.class, "(?i)freed at|allocated at|double", () -> {
            try (SlabAllocator a = SlabAllocator.builder().sanitize(true).build()) {
                long p = a.allocate(16);
                a.free(p);
                a.free(p);
            }
        });
        misuse("sanitizer: close with a block never freed", MemoryLeakException.class, "(?i)allocated at|leak", () -> {
            SlabAllocator a = SlabAllocator.builder().sanitize(true).build();
            a.allocate(16);
            a.close();
        });
    }

    static {
        // dev.reclaim.arc
        misuse("arc: release an Arc twice", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.close();
        });
        misuse("arc: get() after release", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.get();
        });
        misuse("arc: retain() after release", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.retain();
        });
        misuse("arc: null value", NullPointerException.class, "(?i)null", () -> Arc.of(null, v -> { }));
        misuse("arc: null releaser", NullPointerException.class, "(?i)null", () -> Arc.of("x", null));
        misuse("arc: close a weak handle twice", IllegalStateException.class, "(?i)closed|release", () -> {
            try (Arc<String> a = Arc.of("x", v -> { })) {
                Weak<String> w = a.downgrade();
                w.close();
                w.close();
            }
        });
        misuse("arc: store a released Arc", IllegalStateException.class, "(?i)release", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            Arc<String> b = Arc.of("b", v -> { });
            b.close();
            try {
                swap.store(b);
            } finally {
                swap.close();
            }
        });
        misuse("arc: store null into a non-nullable swap", NullPointerException.class, "(?i)ArcSwapOption|null", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            try {
                swap.store(null);
            } finally {
                swap.close();
            }
        });
        misuse("arc: load after the swap was closed", IllegalStateException.class, "(?i)closed", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            swap.close();
            swap.load();
        });
        misuse("arc: close a load guard twice", IllegalStateException.class, "(?i)close", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            try {
                ArcGuard<String> g = swap.load();
                g.close();
                g.close();
            } finally {
                swap.close();
            }
        });
        // dev.reclaim.sync
        misuse("sync: unlock a mutex this thread does not hold", IllegalStateException.class, "(?i)owner|hold|lock",
                () -> new Mutex().unlock());
        misuse("sync: close a mutex guard twice", IllegalStateException.class, "(?i)close|unlock", () -> {
            Mutex m = new Mutex();
            Mutex.Guard g = m.lock();
            g.close();
            g.close();
        });
        misuse("sync: send twice on a one-shot", IllegalStateException.class, "(?i)once|already", () -> {
            OneShot<String> ch = OneShot.create();
            OneShot.Sender<String> tx = ch.sender();
            tx.send("a");
            tx.send("b");
        });
        misuse("sync: take a one-shot's sender twice", IllegalStateException.class, "take it once", () -> {
            OneShot<String> ch = OneShot.create();
            ch.sender();
            ch.sender();
        });
        misuse("sync: negative semaphore permits", IllegalArgumentException.class, "(?i)permits",
                () -> new Semaphore(-1));
        misuse("sync: end a seqlock write that was never begun", IllegalStateException.class, "(?i)beginWrite",
                () -> new SeqLock(2).endWrite());
        misuse("sync: an RcuCell without a reclaimer", NullPointerException.class, "(?i)reclaimer",
                () -> new RcuCell<>(null, "x"));
        // dev.reclaim.realtime
        misuse("realtime: share after the collector closed", IllegalStateException.class, "(?i)closed", () -> {
            RealtimeCollector c = RealtimeCollector.create();
            c.close();
            c.share("x", v -> { });
        });
        misuse("realtime: close a Shared handle twice", IllegalStateException.class, "(?i)closed|twice|once", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Shared<String> h = c.share("x", v -> { });
                h.close();
                h.close();
            }
        });
        misuse("realtime: get() on a closed Shared handle", IllegalStateException.class, "(?i)closed", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Shared<String> h = c.share("x", v -> { });
                h.close();
                h.get();
            }
        });
        misuse("realtime: a null destructor", NullPointerException.class, "(?i)destructor|null", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                c.share("x", null);
            }
        });
    }

    private interface GuardAction {
        void accept(Guard g) throws Throwable;
    }

    private interface AllocatorAction {
        void accept(SlabAllocator a) throws Throwable;
    }

    private static Executable withClosedGuard(Scheme scheme, GuardAction action) {
        return () -> {
            try (Reclaimer r = scheme.create()) {
                Guard g = r.enter();
                g.close();
                action.accept(g);
            }
        };
    }

    private static Executable withOpenGuard(Scheme scheme, GuardAction action) {
        return () -> {
            try (Reclaimer r = scheme.create(); Guard g = r.enter()) {
                action.accept(g);
            }
        };
    }

    private static Executable withAllocator(boolean sanitize, AllocatorAction action) {
        return () -> {
            SlabAllocator a = SlabAllocator.builder().sanitize(sanitize).build();
            try {
                action.accept(a);
            } finally {
                if (!a.isClosed()) {
                    a.close();
                }
            }
        };
    }

    static int size() {
        return CATALOGUE.size();
    }

    @TestFactory
    Stream<DynamicTest> everyMisuseThrowsItsTypeWithAMessageNamingTheFix() {
        return CATALOGUE.stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            Throwable t = assertThrows(m.type(), m.action(), m.what());
            String message = String.valueOf(t.getMessage());
            assertTrue(Pattern.compile(m.fixPattern(), Pattern.DOTALL).matcher(message).find(),
                    () -> m.what() + ": message does not match /" + m.fixPattern() + "/: " + message);
        }));
    }
}

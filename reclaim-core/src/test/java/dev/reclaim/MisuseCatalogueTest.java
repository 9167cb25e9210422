package dev.reclaim;

import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.MemoryLeakException;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.testing.MisuseCatalogue;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;


/**
 * The misuse catalogue of the core API: every misuse the public API of {@code reclaim-core}'s reclaimers,
 * guards and allocator can express, each with the exception type it must raise and a pattern its message must
 * match, which names the fix (what to call, pass or do instead). Reclaimer and guard misuses run for every
 * {@link Scheme}. The catalogue's size is reported in the reliability closing note; a new public operation
 * adds its misuses here.
 */
class MisuseCatalogueTest {

    private static final MisuseCatalogue CATALOGUE = new MisuseCatalogue();

    private static void misuse(String what, Class<? extends Throwable> type, String fixPattern, Executable action) {
        CATALOGUE.misuse(what, type, fixPattern, action);
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
            misuse(s + "retire through the reclaimer after close", IllegalStateException.class,
                    "is closed; retire\\(\\) must be called before close\\(\\)", () -> {
                        Reclaimer r = scheme.create();
                        r.close();
                        r.retire(64, p -> { });
                    });
            misuse(s + "synchronize inside its own guard", IllegalStateException.class,
                    "holds an open guard of it.*close the guard first", () -> {
                        try (Reclaimer r = scheme.create(); Guard g = r.enter()) {
                            r.synchronize();
                        }
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
        misuse("atomic long access at a misaligned address", IllegalArgumentException.class,
                "^misaligned 8-byte access at address 0x[0-9a-f]+: .*multiple of 8", withAllocator(false, a -> {
                    long p = a.allocate(32);
                    Memory.compareAndSetLong(p + 1, 0, 1);
                }));
        misuse("int access at a misaligned address", IllegalArgumentException.class,
                "^misaligned 4-byte access at address 0x[0-9a-f]+: .*multiple of 4", withAllocator(false, a -> {
                    long p = a.allocate(32);
                    Memory.getInt(p + 2);
                }));
        misuse("fast mode: close with blocks never freed (OnLeak.THROW)", MemoryLeakException.class,
                "closed with 2 block\\(s\\) \\(48 bytes\\) never freed.*sanitize\\(true\\)", () -> {
                    SlabAllocator a = SlabAllocator.builder().sanitize(false).onLeak(SlabAllocator.OnLeak.THROW).build();
                    a.allocate(16);
                    a.allocate(32);
                    a.close();
                });
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
            // blocks a misuse leaves behind are expected: only sanitizer mode reports them at close
            SlabAllocator a = SlabAllocator.builder().sanitize(sanitize).onLeak(sanitize
                    ? SlabAllocator.OnLeak.THROW : SlabAllocator.OnLeak.IGNORE).build();
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
        return CATALOGUE.dynamicTests();
    }
}

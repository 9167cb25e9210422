package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ExhaustionCase} for the maps: workers put keys of their own partition (key mod threads) into a map
 * over a small allocator until it refuses (a node, a bucket segment or a resized table that does not fit), then
 * each reads back and removes its keys. Checks: the only failure is {@link OffHeapExhaustedException}; a put
 * that threw left no entry (the maps promise to be unchanged); every put that returned is read back with its
 * value and removed exactly once; the map is empty afterwards and accepts puts again once memory is
 * reclaimed; nothing leaks after close.
 */
final class MapExhaustionCase extends AbstractExhaustionCase {

    /** Lists walk their keys on every put: a smaller capacity keeps their run short. */
    private static final long LIST_CAPACITY = 256L << 10;
    private static final long MAP_CAPACITY = 4L << 20;

    private final LongMap.Kind kind;

    MapExhaustionCase(Scheme scheme, LongMap.Kind kind) {
        super(scheme, kind.id());
        this.kind = kind;
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        long capacity = kind.id().equals("list") ? LIST_CAPACITY : MAP_CAPACITY;
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-oom-" + kind.id()).capacity(capacity).build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-oom-" + kind.id() + "-" + scheme.id(), failures);
        LongMap map;
        try {
            map = kind.factory().apply(reclaimer, memory);
        } catch (RuntimeException e) {
            reclaimer.close();
            memory.close();
            throw e;
        }
        AtomicLong puts = new AtomicLong();
        AtomicLong removed = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        long salt = Math.floorMod(seed, 1_000);
        fillThenDrain("torture-oom-map-", threads, id -> {
            for (long n = 0;; n++) {
                long key = id + threads * n;
                long value = key * 31 + salt;
                try {
                    if (map.put(key, value) != LongMap.ABSENT) {
                        throw new AssertionError("put(" + key + ") found a value for a key never put");
                    }
                } catch (OffHeapExhaustedException expected) {
                    refusals.incrementAndGet();
                    long left = map.get(key);
                    if (left != LongMap.ABSENT) {
                        throw new AssertionError("put(" + key + ") threw " + expected + " but left the entry "
                                + left + ": the map changed although the put failed");
                    }
                    return n;
                }
                puts.incrementAndGet();
            }
        }, (id, n) -> {
            for (long i = 0; i < n; i++) {
                long key = id + threads * i;
                long value = key * 31 + salt;
                long got = map.get(key);
                if (got != value) {
                    throw new AssertionError("after exhaustion get(" + key + ") = " + got + ", put " + value);
                }
                if (map.remove(key) != value) {
                    throw new AssertionError("remove(" + key + ") did not return its value");
                }
                removed.incrementAndGet();
            }
        });
        if (puts.get() != removed.get()) {
            throw new AssertionError(puts.get() + " puts returned but " + removed.get() + " entries were removed");
        }
        long[] left = new long[1];
        map.forEach((k, v) -> left[0]++);
        if (left[0] != 0) {
            throw new AssertionError(left[0] + " entries left after every put key was removed");
        }
        reclaimer.synchronize(); // the removed nodes go back to the allocator
        if (map.put(42, 4242) != LongMap.ABSENT || map.get(42) != 4242 || map.remove(42) != 4242) {
            throw new AssertionError("the map does not work after the allocator recovered");
        }
        map.close();
        Cleanup.closeChecked(reclaimer, failures, memory);
        return String.format("%,d puts filled %d KiB, %d refusals left no entry, all read back and removed once",
                puts.get(), capacity >> 10, refusals.get());
    }
}

package dev.reclaim.bench.jmh;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.HarrisMichaelList;
import dev.reclaim.collections.LongHashMap;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.memory.SlabAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * setbench-style map operations: a key drawn uniformly from {@code [0, keys)}; {@code updatePercent}% of the
 * operations are updates, half of them puts and half removes (so the map stays about half full, as it starts),
 * the rest gets. Throughput in ops/µs per thread count ({@code -t 1}, {@code -t 2}); run with {@code -prof gc}
 * for heap bytes per operation.
 *
 * <ul>
 *   <li>{@code hashmap-ebr}, {@code hashmap-hp}: {@link LongHashMap} with that scheme, 1,000,000 keys.</li>
 *   <li>{@code openmap-ebr}, {@code openmap-hp}: {@link LongOpenHashMap} with that scheme, 1,000,000 keys.</li>
 *   <li>{@code chm}: {@code ConcurrentHashMap<Long, Long>}, 1,000,000 keys (boxing included: that is what
 *       a Java user of it pays).</li>
 *   <li>{@code list-ebr}, {@code list-hp}: {@link HarrisMichaelList}, 2,000 keys.</li>
 *   <li>{@code cslm}: {@code ConcurrentSkipListMap<Long, Long>}, 2,000 keys.</li>
 * </ul>
 * {@link #batch16} runs 16 such operations per invocation, and for {@code hashmap-*} inside one guard
 * ({@link LongHashMap#get(Guard, long, long)} and friends): the cost of {@code enter()} and its fence amortised.
 * <pre>
 * java -jar reclaim-bench/target/reclaim.jar jmh MapBench -f 1 -wi 3 -i 5 -w 1 -r 1 -t 2 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xmx2g"})
public class MapBench {

    /** Which structure (and scheme). */
    @Param({"openmap-ebr", "openmap-hp", "hashmap-ebr", "hashmap-hp", "chm", "list-ebr", "list-hp", "cslm"})
    public String impl;

    /** Percentage of updates (half puts, half removes). */
    @Param({"10", "50"})
    public int updatePercent;

    /**
     * Key range; 0 = the structure's default (1M keys for the hash maps, 2,000 for the list and skip list). A
     * small range (e.g. 16) makes the threads' updates meet on the same entries: the maps' CAS retry loops.
     */
    @Param({"0"})
    public int keyRange;

    private int keys;
    private SlabAllocator allocator;
    private Reclaimer reclaimer;
    private LongHashMap hashMap;
    private LongOpenHashMap openMap;
    private HarrisMichaelList list;
    private ConcurrentHashMap<Long, Long> chm;
    private ConcurrentSkipListMap<Long, Long> cslm;
    private int kind;

    /** Creates the benchmark state (JMH instantiates it). */
    public MapBench() {
    }

    /** Per-thread xorshift random numbers: no allocation, no shared state. */
    @State(Scope.Thread)
    public static class Rnd {
        long x = System.nanoTime() | 1;

        /** Creates the state (JMH instantiates it). */
        public Rnd() {
        }

        long next() {
            long v = x;
            v ^= v << 13;
            v ^= v >>> 7;
            v ^= v << 17;
            x = v;
            return v;
        }
    }

    /** Builds the structure and fills half of the key range. */
    @Setup(Level.Trial)
    public void setUp() {
        boolean hashed = impl.startsWith("hashmap") || impl.startsWith("openmap") || impl.equals("chm");
        keys = keyRange > 0 ? keyRange : hashed ? 1_000_000 : 2_000;
        switch (impl) {
            case "openmap-ebr", "openmap-hp" -> {
                allocator = SlabAllocator.builder().name("mapbench").sanitize(false).build();
                reclaimer = Scheme.fromId(impl.substring(impl.indexOf('-') + 1)).create();
                openMap = new LongOpenHashMap(reclaimer, allocator, keys);
                kind = 4;
            }
            case "hashmap-ebr", "hashmap-hp", "list-ebr", "list-hp" -> {
                allocator = SlabAllocator.builder().name("mapbench").sanitize(false).build();
                reclaimer = Scheme.fromId(impl.substring(impl.indexOf('-') + 1)).create();
                if (hashed) {
                    hashMap = new LongHashMap(reclaimer, allocator, keys);
                    kind = 0;
                } else {
                    list = new HarrisMichaelList(reclaimer, allocator);
                    kind = 1;
                }
            }
            case "chm" -> {
                chm = new ConcurrentHashMap<>(keys);
                kind = 2;
            }
            case "cslm" -> {
                cslm = new ConcurrentSkipListMap<>();
                kind = 3;
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
        Rnd r = new Rnd();
        r.x = 12345;
        for (int i = 0; i < keys / 2; i++) {
            long k = Math.floorMod(r.next(), keys);
            put(k, k);
        }
    }

    /** Closes the structure, the reclaimer and the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (hashMap != null) {
            hashMap.close();
        }
        if (openMap != null) {
            openMap.close();
        }
        if (list != null) {
            list.close();
        }
        if (reclaimer != null) {
            reclaimer.close();
        }
        if (allocator != null) {
            allocator.close();
        }
    }

    private long put(long k, long v) {
        return switch (kind) {
            case 0 -> hashMap.put(k, v, -1);
            case 1 -> list.put(k, v, -1);
            case 2 -> orMinus1(chm.put(k, v));
            case 4 -> openMap.put(k, v, -1);
            default -> orMinus1(cslm.put(k, v));
        };
    }

    private long remove(long k) {
        return switch (kind) {
            case 0 -> hashMap.remove(k, -1);
            case 1 -> list.remove(k, -1);
            case 2 -> orMinus1(chm.remove(k));
            case 4 -> openMap.remove(k, -1);
            default -> orMinus1(cslm.remove(k));
        };
    }

    private long get(long k) {
        return switch (kind) {
            case 0 -> hashMap.get(k, -1);
            case 1 -> list.get(k, -1);
            case 2 -> orMinus1(chm.get(k));
            case 4 -> openMap.get(k, -1);
            default -> orMinus1(cslm.get(k));
        };
    }

    private static long orMinus1(Long v) {
        return v == null ? -1 : v;
    }

    /**
     * One operation: a get, or (updatePercent% of the time) a put or a remove of a random key.
     *
     * @param rnd this thread's random numbers
     * @return the value seen (consumed by JMH)
     */
    @Benchmark
    public long op(Rnd rnd) {
        long r = rnd.next();
        long k = (r >>> 8) % keys;
        int dice = (int) ((r & 0xFF) * 100 >>> 8); // 0..99
        if (dice >= updatePercent) {
            return get(k);
        }
        return (dice & 1) == 0 ? put(k, r) : remove(k);
    }

    /**
     * Sixteen operations as in {@link #op}; for {@code hashmap-*} all inside one guard.
     *
     * @param rnd this thread's random numbers
     * @return the sum of the values seen (consumed by JMH)
     */
    @Benchmark
    @OperationsPerInvocation(16)
    public long batch16(Rnd rnd) {
        long sum = 0;
        if (kind != 0) {
            for (int i = 0; i < 16; i++) {
                sum += op(rnd);
            }
            return sum;
        }
        try (Guard g = reclaimer.enter()) {
            for (int i = 0; i < 16; i++) {
                long r = rnd.next();
                long k = (r >>> 8) % keys;
                int dice = (int) ((r & 0xFF) * 100 >>> 8);
                if (dice >= updatePercent) {
                    sum += hashMap.get(g, k, -1);
                } else {
                    sum += (dice & 1) == 0 ? hashMap.put(g, k, r, -1) : hashMap.remove(g, k, -1);
                }
            }
        }
        return sum;
    }
}

package dev.reclaim.bench.jmh;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.memory.SlabAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link BytesHashMap} against an on-heap map with the same semantics: 16-byte keys, 16-byte values, a key
 * drawn uniformly from {@code [0, keys)}; {@code updatePercent}% of the operations are updates, half puts and
 * half removes (the map stays about half full, as it starts), the rest gets. Throughput in ops/µs.
 *
 * <ul>
 *   <li>{@code bytes-ebr}, {@code bytes-hp}: {@code BytesHashMap} with that scheme. {@code get} copies the
 *       value into the caller's buffer; {@code put} copies key and value off-heap.</li>
 *   <li>{@code chm}: {@code ConcurrentHashMap<ByteBuffer, byte[]>} used the way a caller with reusable
 *       buffers must use it for the same semantics: a get wraps the key buffer for the lookup and copies the
 *       value out; a put stores copies of the key and value arrays (the caller's buffers are reused).</li>
 * </ul>
 * Keys and values are written into per-thread buffers from the key number (no precomputed table), the same
 * work for every implementation.
 * <pre>
 * java -jar reclaim-bench/target/reclaim.jar jmh BytesMapBench -f 1 -wi 3 -i 5 -w 1 -r 1 -t 2 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xmx2g"})
public class BytesMapBench {

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int SIZE = 16;

    /** Which map (and scheme). */
    @Param({"bytes-ebr", "bytes-hp", "chm"})
    public String impl;

    /** Key range. */
    @Param({"1000000"})
    public int keys;

    /** Percentage of updates (half puts, half removes). */
    @Param({"10"})
    public int updatePercent;

    private SlabAllocator allocator;
    private Reclaimer reclaimer;
    private BytesHashMap bytes;
    private ConcurrentHashMap<ByteBuffer, byte[]> chm;

    /** Creates the benchmark state (JMH instantiates it). */
    public BytesMapBench() {
    }

    /** Per-thread random numbers and key/value/destination buffers: nothing shared, nothing allocated. */
    @State(Scope.Thread)
    public static class Buffers {
        long x = System.nanoTime() | 1;
        final byte[] key = new byte[SIZE];
        final byte[] value = new byte[SIZE];
        final byte[] dst = new byte[SIZE];
        final MemorySegment keySeg = MemorySegment.ofArray(key);
        final MemorySegment valueSeg = MemorySegment.ofArray(value);
        final MemorySegment dstSeg = MemorySegment.ofArray(dst);

        /** Creates the state (JMH instantiates it). */
        public Buffers() {
        }

        long next() {
            long v = x;
            v ^= v << 13;
            v ^= v >>> 7;
            v ^= v << 17;
            x = v;
            return v;
        }

        /** Writes key number {@code k} into the key buffer (two words, the second a mix of the first). */
        void key(long k) {
            keySeg.set(WORD, 0, k);
            keySeg.set(WORD, 8, k * 0x9E3779B97F4A7C15L);
        }

        void value(long r) {
            valueSeg.set(WORD, 0, r);
            valueSeg.set(WORD, 8, ~r);
        }
    }

    /** Builds the map and fills half of the key range. */
    @Setup(Level.Trial)
    public void setUp() {
        switch (impl) {
            case "bytes-ebr", "bytes-hp" -> {
                allocator = SlabAllocator.builder().name("bytesmapbench").sanitize(false).build();
                reclaimer = Scheme.fromId(impl.substring(impl.indexOf('-') + 1)).create();
                bytes = new BytesHashMap(reclaimer, allocator, keys);
            }
            case "chm" -> chm = new ConcurrentHashMap<>(keys);
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
        Buffers b = new Buffers();
        b.x = 12345;
        for (int i = 0; i < keys / 2; i++) {
            long r = b.next();
            b.key(Math.floorMod(r, keys));
            b.value(r);
            put(b);
        }
    }

    /** Closes the map, the reclaimer and the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (bytes != null) {
            bytes.close();
        }
        if (reclaimer != null) {
            reclaimer.close();
        }
        if (allocator != null) {
            allocator.close();
        }
    }

    private long put(Buffers b) {
        if (bytes != null) {
            return bytes.put(b.keySeg, b.valueSeg) ? 1 : 0;
        }
        return chm.put(ByteBuffer.wrap(b.key.clone()), b.value.clone()) == null ? 1 : 0;
    }

    private long remove(Buffers b) {
        if (bytes != null) {
            return bytes.remove(b.keySeg) ? 1 : 0;
        }
        return chm.remove(ByteBuffer.wrap(b.key)) == null ? 0 : 1;
    }

    private long get(Buffers b) {
        if (bytes != null) {
            return bytes.get(b.keySeg, b.dstSeg);
        }
        byte[] v = chm.get(ByteBuffer.wrap(b.key));
        if (v == null) {
            return -1;
        }
        System.arraycopy(v, 0, b.dst, 0, v.length);
        return v.length;
    }

    /**
     * One operation: a get, or (updatePercent% of the time) a put or a remove of a random key.
     *
     * @param b this thread's random numbers and buffers
     * @return what the operation answered, plus a byte of the value read (consumed by JMH)
     */
    @Benchmark
    public long op(Buffers b) {
        long r = b.next();
        b.key((r >>> 8) % keys);
        int dice = (int) ((r & 0xFF) * 100 >>> 8); // 0..99
        if (dice >= updatePercent) {
            return get(b) + b.dst[3];
        }
        if ((dice & 1) == 0) {
            b.value(r);
            return put(b);
        }
        return remove(b);
    }
}

package dev.reclaim.bench.scale;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.memory.SlabAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

/**
 * The peers of the bytes workload of the scale family: 16-byte keys to 100-byte values. Each adapts the long
 * keys and values of the mix ({@link ScaleMap}) to bytes, so {@link ScaleFork} drives both workloads: key index
 * {@code k} becomes the 16 bytes {@code k, ~k}, value {@code v} the 100 bytes {@code v} repeated. Each thread
 * builds them in its own scratch arrays; a peer copies them where its API requires (the heap map keeps a new
 * {@code ByteBuffer} and {@code byte[]} per put, as its users must). {@code get} returns the value's first 8 bytes.
 */
final class ScaleBytesPeers {

    /** Every bytes peer id, in report order. */
    static final List<String> ALL = List.of("bytes-ebr", "bytes-ebr-sized", "bytes-chm", "bytes-chronicle",
            "bytes-ohc");

    /** Key and value sizes of the workload. */
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ScaleBytesPeers() {
    }

    /** Whether {@code id} names a bytes peer. */
    static boolean isBytes(String id) {
        return id.startsWith("bytes-");
    }

    /** A new, empty map of bytes peer {@code id} for about {@code entries} present keys. */
    static ScaleMap create(String id, long entries) {
        return switch (id) {
            case "bytes-ebr" -> new Ours(16);
            case "bytes-ebr-sized" -> new Ours(entries);
            case "bytes-chm" -> new Heap();
            case "bytes-chronicle" -> new Chronicle(entries);
            case "bytes-ohc" -> new Ohc(entries);
            default -> throw new IllegalArgumentException("unknown bytes scale peer '" + id + "'; known: " + ALL);
        };
    }

    /** One thread's key and value bytes, with segment and buffer views of them (no allocation per operation). */
    private static final class Scratch {
        final byte[] key = new byte[KEY_BYTES];
        final byte[] value = new byte[VALUE_BYTES];
        final byte[] out = new byte[VALUE_BYTES];
        final MemorySegment keySeg = MemorySegment.ofArray(key);
        final MemorySegment valueSeg = MemorySegment.ofArray(value);
        final MemorySegment outSeg = MemorySegment.ofArray(out);
        final ByteBuffer keyBuf = ByteBuffer.wrap(key);

        Scratch key(long k) {
            keySeg.set(WORD, 0, k);
            keySeg.set(WORD, 8, ~k);
            return this;
        }

        Scratch value(long v) {
            for (int i = 0; i + 8 <= VALUE_BYTES; i += 8) {
                valueSeg.set(WORD, i, v);
            }
            valueSeg.set(ValueLayout.JAVA_INT_UNALIGNED, VALUE_BYTES - 4, (int) v);
            return this;
        }
    }

    private static long firstWord(byte[] value, long absent) {
        return value == null ? absent : MemorySegment.ofArray(value).get(WORD, 0);
    }

    /**
     * BytesHashMap under EBR: grown from its default size (as the heap map is), or with the size as its
     * {@code expectedSize} hint (sized up front, as Chronicle Map and OHC are), which takes every table growth
     * out of the prefill.
     */
    private static final class Ours implements ScaleMap {
        private final SlabAllocator allocator = SlabAllocator.builder().name("scale-bytes").build();
        private final Reclaimer reclaimer = Scheme.EBR.create();
        private final BytesHashMap map;

        Ours(long expectedSize) {
            map = new BytesHashMap(reclaimer, allocator, expectedSize);
        }

        @Override
        public long get(long key, long absent) {
            Scratch s = SCRATCH.get().key(key);
            return map.get(s.keySeg, s.outSeg) < 0 ? absent : s.outSeg.get(WORD, 0);
        }

        @Override
        public void put(long key, long value) {
            Scratch s = SCRATCH.get().key(key).value(value);
            map.put(s.keySeg, s.valueSeg);
        }

        @Override
        public void remove(long key) {
            map.remove(SCRATCH.get().key(key).keySeg);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public long allocatorBytes() {
            reclaimer.flush();
            return allocator.stats().liveBytes();
        }

        @Override
        public long liveBlocksAfterClose() {
            return allocator.stats().liveBlocks();
        }

        @Override
        public void close() {
            map.close();
            reclaimer.close();
            if (allocator.stats().liveBlocks() == 0) {
                allocator.close();
            }
        }
    }

    /** {@code ConcurrentHashMap<ByteBuffer, byte[]>}: lookups reuse the thread's key buffer, puts copy both. */
    private static final class Heap implements ScaleMap {
        private final ConcurrentHashMap<ByteBuffer, byte[]> map = new ConcurrentHashMap<>();

        @Override
        public long get(long key, long absent) {
            return firstWord(map.get(SCRATCH.get().key(key).keyBuf), absent);
        }

        @Override
        public void put(long key, long value) {
            Scratch s = SCRATCH.get().key(key).value(value);
            map.put(ByteBuffer.wrap(s.key.clone()), s.value.clone());
        }

        @Override
        public void remove(long key) {
            map.remove(SCRATCH.get().key(key).keyBuf);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public long allocatorBytes() {
            return -1;
        }

        @Override
        public long liveBlocksAfterClose() {
            return -1;
        }

        @Override
        public void close() {
            map.clear();
        }
    }

    /** Chronicle Map with constant 16-byte keys and 100-byte values, {@code entries} = 2 x size as for longs. */
    private static final class Chronicle implements ScaleMap {
        private final ChronicleMap<byte[], byte[]> map;

        Chronicle(long entries) {
            map = ChronicleMap.of(byte[].class, byte[].class).name("scale-bytes")
                    .constantKeySizeBySample(new byte[KEY_BYTES]).constantValueSizeBySample(new byte[VALUE_BYTES])
                    .entries(Math.max(1000, entries * 2)).create();
        }

        @Override
        public long get(long key, long absent) {
            Scratch s = SCRATCH.get().key(key);
            return firstWord(map.getUsing(s.key, s.out), absent);
        }

        @Override
        public void put(long key, long value) {
            Scratch s = SCRATCH.get().key(key).value(value);
            map.put(s.key, s.value);
        }

        @Override
        public void remove(long key) {
            map.remove(SCRATCH.get().key(key).key);
        }

        @Override
        public long size() {
            return map.longSize();
        }

        @Override
        public long allocatorBytes() {
            return map.offHeapMemoryUsed();
        }

        @Override
        public long liveBlocksAfterClose() {
            return -1;
        }

        @Override
        public void close() {
            map.close();
        }
    }

    /** OHC serializes a byte array as its bytes (fixed sizes here, so no length prefix). */
    private static final CacheSerializer<byte[]> BYTES = new CacheSerializer<>() {
        @Override
        public void serialize(byte[] value, ByteBuffer buf) {
            buf.put(value);
        }

        @Override
        public byte[] deserialize(ByteBuffer buf) {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            return b;
        }

        @Override
        public int serializedSize(byte[] value) {
            return value.length;
        }
    };

    /** OHC with a capacity large enough that nothing is evicted. */
    private static final class Ohc implements ScaleMap {
        private final OHCache<byte[], byte[]> map;

        Ohc(long entries) {
            map = OHCacheBuilder.<byte[], byte[]>newBuilder().keySerializer(BYTES).valueSerializer(BYTES)
                    .capacity(Math.max(256L << 20, entries * 2 * 256)).build();
        }

        @Override
        public long get(long key, long absent) {
            return firstWord(map.get(SCRATCH.get().key(key).key), absent);
        }

        @Override
        public void put(long key, long value) {
            Scratch s = SCRATCH.get().key(key).value(value);
            map.put(s.key, s.value);
        }

        @Override
        public void remove(long key) {
            map.remove(SCRATCH.get().key(key).key);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public long allocatorBytes() {
            return map.memUsed();
        }

        @Override
        public long liveBlocksAfterClose() {
            return -1;
        }

        @Override
        public void close() {
            try {
                map.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

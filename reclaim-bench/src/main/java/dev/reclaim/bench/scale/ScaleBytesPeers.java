package dev.reclaim.bench.scale;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.memory.SlabAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
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
    private static final VarHandle FIRST_WORD = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
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
            case "bytes-ebr" -> ours(16);
            case "bytes-ebr-sized" -> ours(entries);
            case "bytes-chm" -> heap();
            case "bytes-chronicle" -> chronicle(entries);
            case "bytes-ohc" -> ohc(entries);
            default -> throw new IllegalArgumentException("unknown bytes scale peer '" + id + "'; known: " + ALL);
        };
    }

    /** One thread's key and value bytes, with segment and buffer views of them (no allocation per operation). */
    private static final class Scratch {
        final byte[] key = new byte[KEY_BYTES];
        final MemorySegment keySeg = MemorySegment.ofArray(key);
        final ByteBuffer keyBuf = ByteBuffer.wrap(key);
        final byte[] value = new byte[VALUE_BYTES];
        final MemorySegment valueSeg = MemorySegment.ofArray(value);
        final byte[] out = new byte[VALUE_BYTES];
        final MemorySegment outSeg = MemorySegment.ofArray(out);

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
        return value == null ? absent : (long) FIRST_WORD.get(value, 0); // no segment view: nothing allocated
    }

    /** What a peer can say about itself, besides its operations. */
    private enum Figure { SIZE, ALLOCATOR_BYTES, LIVE_BLOCKS_AFTER_CLOSE }

    /**
     * A bytes peer: its get (the value's bytes, or null), put and remove on the calling thread's scratch, its
     * figures ({@code -1} where it has none) and its close.
     */
    private record Peer(Function<Scratch, byte[]> reader, Consumer<Scratch> writer, Consumer<Scratch> remover,
                        ToLongFunction<Figure> figures, Runnable closer) implements ScaleMap {

        @Override
        public long get(long key, long absent) {
            return firstWord(reader.apply(SCRATCH.get().key(key)), absent);
        }

        @Override
        public void put(long key, long value) {
            writer.accept(SCRATCH.get().key(key).value(value));
        }

        @Override
        public void remove(long key) {
            remover.accept(SCRATCH.get().key(key));
        }

        @Override
        public long size() {
            return figures.applyAsLong(Figure.SIZE);
        }

        @Override
        public long allocatorBytes() {
            return figures.applyAsLong(Figure.ALLOCATOR_BYTES);
        }

        @Override
        public long liveBlocksAfterClose() {
            return figures.applyAsLong(Figure.LIVE_BLOCKS_AFTER_CLOSE);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    /**
     * BytesHashMap under EBR: grown from its default size (as the heap map is), or with the size as its
     * {@code expectedSize} hint (sized up front, as Chronicle Map and OHC are), which takes every table growth
     * out of the prefill. A get copies the value into the thread's reused buffer.
     */
    private static ScaleMap ours(long expectedSize) {
        SlabAllocator allocator = SlabAllocator.builder().name("scale-bytes").build();
        Reclaimer reclaimer = Scheme.EBR.create();
        BytesHashMap map = new BytesHashMap(reclaimer, allocator, expectedSize);
        return new Peer(s -> map.get(s.keySeg, s.outSeg) < 0 ? null : s.out, s -> map.put(s.keySeg, s.valueSeg),
                s -> map.remove(s.keySeg), f -> switch (f) {
                    case SIZE -> map.size();
                    case ALLOCATOR_BYTES -> {
                        reclaimer.flush();
                        yield allocator.stats().liveBytes();
                    }
                    case LIVE_BLOCKS_AFTER_CLOSE -> allocator.stats().liveBlocks();
                }, () -> {
                    map.close();
                    reclaimer.close();
                    if (allocator.stats().liveBlocks() == 0) {
                        allocator.close();
                    }
                });
    }

    /** {@code ConcurrentHashMap<ByteBuffer, byte[]>}: lookups reuse the thread's key buffer, puts copy both. */
    private static ScaleMap heap() {
        ConcurrentHashMap<ByteBuffer, byte[]> map = new ConcurrentHashMap<>();
        return new Peer(s -> map.get(s.keyBuf), s -> map.put(ByteBuffer.wrap(s.key.clone()), s.value.clone()),
                s -> map.remove(s.keyBuf), f -> f == Figure.SIZE ? map.size() : -1, map::clear);
    }

    /** Chronicle Map with constant 16-byte keys and 100-byte values, {@code entries} = 2 x size as for longs. */
    private static ScaleMap chronicle(long entries) {
        ChronicleMap<byte[], byte[]> map = ChronicleMap.of(byte[].class, byte[].class).name("scale-bytes")
                .constantKeySizeBySample(new byte[KEY_BYTES]).constantValueSizeBySample(new byte[VALUE_BYTES])
                .entries(Math.max(1000, entries * 2)).create();
        return new Peer(s -> map.getUsing(s.key, s.out), s -> map.put(s.key, s.value), s -> map.remove(s.key),
                f -> switch (f) {
                    case SIZE -> map.longSize();
                    case ALLOCATOR_BYTES -> map.offHeapMemoryUsed();
                    case LIVE_BLOCKS_AFTER_CLOSE -> -1;
                }, map::close);
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

    /** OHC with a capacity large enough that nothing is evicted; its get returns a new array. */
    private static ScaleMap ohc(long entries) {
        OHCache<byte[], byte[]> map = OHCacheBuilder.<byte[], byte[]>newBuilder().keySerializer(BYTES)
                .valueSerializer(BYTES).capacity(Math.max(256L << 20, entries * 2 * 256)).build();
        return new Peer(s -> map.get(s.key), s -> map.put(s.key, s.value), s -> map.remove(s.key), f -> switch (f) {
            case SIZE -> map.size();
            case ALLOCATOR_BYTES -> map.memUsed();
            case LIVE_BLOCKS_AFTER_CLOSE -> -1;
        }, () -> {
                    try {
                        map.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}

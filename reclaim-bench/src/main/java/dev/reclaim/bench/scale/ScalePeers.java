package dev.reclaim.bench.scale;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.memory.SlabAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import net.openhft.chronicle.map.ChronicleMap;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;
import org.jctools.maps.NonBlockingHashMapLong;

/** The peers of the scale workload, by id. */
final class ScalePeers {

    /** Every peer id, in report order. */
    static final List<String> ALL = List.of("openmap-ebr", "chm", "nbhml", "chronicle", "ohc");

    /**
     * Peers run only when named: {@code openmap-ebr-sized} is {@code LongOpenHashMap} + EBR given the size as
     * its {@code expectedSize} hint (plus 1%: the present keys drift around the size under the mix), as
     * Chronicle Map and OHC are given theirs.
     */
    static final List<String> OPTIONAL = List.of("openmap-ebr-sized");

    private ScalePeers() {
    }

    /** Extra JVM flags a peer's documentation asks for on recent JDKs. */
    static List<String> jvmFlags(String peer) {
        if (peer.equals("chronicle") || peer.equals("bytes-chronicle")) {
            // the flag set Chronicle's documentation lists for Java 17+ (chronicle-bom README)
            return List.of("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "-Dchronicle.analytics.disable=true"); // no usage report over the network
        }
        return List.of();
    }

    /** A new, empty map of peer {@code id} for about {@code entries} present keys out of {@code range}. */
    static ScaleMap create(String id, long entries, long range) {
        return switch (id) {
            case "openmap-ebr" -> new OpenMap(0);
            case "openmap-ebr-sized" -> new OpenMap(entries + entries / 100);
            case "chm" -> BoxedMap.of(new ConcurrentHashMap<>());
            case "nbhml" -> BoxedMap.of(new NonBlockingHashMapLong<>());
            case "chronicle" -> chronicle(entries);
            case "ohc" -> ohc(entries);
            default -> {
                if (ScaleBytesPeers.isBytes(id)) {
                    yield ScaleBytesPeers.create(id, entries);
                }
                throw new IllegalArgumentException("unknown scale peer '" + id + "'; known: " + ALL + ", "
                        + OPTIONAL + " and " + ScaleBytesPeers.ALL);
            }
        };
    }

    /**
     * LongOpenHashMap under EBR: grown from its default size (as the other on-heap peers are) for an
     * {@code expectedSize} of 0, else made for that many keys.
     */
    private static final class OpenMap implements ScaleMap {
        private final SlabAllocator allocator = SlabAllocator.builder().name("scale").build();
        private final Reclaimer reclaimer = Scheme.EBR.create();
        private final LongOpenHashMap map;

        OpenMap(long expectedSize) {
            map = new LongOpenHashMap(reclaimer, allocator, expectedSize);
        }

        @Override
        public long get(long key, long absent) {
            return map.get(key, absent);
        }

        @Override
        public void put(long key, long value) {
            map.put(key, value, -1);
        }

        @Override
        public void remove(long key) {
            map.remove(key, -1);
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
            long live = allocator.stats().liveBlocks();
            if (live == 0) {
                allocator.close();
            }
        }
    }

    /**
     * A peer with boxed keys and values (boxing on every operation, as its users pay): {@code
     * ConcurrentHashMap}, {@code NonBlockingHashMapLong}, Chronicle Map, OHC; each operation is a method
     * reference to the peer's own.
     */
    private static final class BoxedMap implements ScaleMap {
        private final Function<Long, Long> get;
        private final BiConsumer<Long, Long> put;
        private final Consumer<Long> remove;
        private final LongSupplier size;
        private final LongSupplier allocatorBytes;
        private final Runnable closer;

        BoxedMap(Function<Long, Long> get, BiConsumer<Long, Long> put, Consumer<Long> remove, LongSupplier size,
                 LongSupplier allocatorBytes, Runnable closer) {
            this.get = get;
            this.put = put;
            this.remove = remove;
            this.size = size;
            this.allocatorBytes = allocatorBytes;
            this.closer = closer;
        }

        /** A map peer: its own get/put/remove, without an allocator figure, cleared on close. */
        static BoxedMap of(Map<Long, Long> m) {
            return new BoxedMap(m::get, m::put, m::remove, m::size, () -> -1, m::clear);
        }

        @Override
        public long get(long key, long absent) {
            Long v = get.apply(key);
            return v == null ? absent : v;
        }

        @Override
        public void put(long key, long value) {
            put.accept(key, value);
        }

        @Override
        public void remove(long key) {
            remove.accept(key);
        }

        @Override
        public long size() {
            return size.getAsLong();
        }

        @Override
        public long allocatorBytes() {
            return allocatorBytes.getAsLong();
        }

        @Override
        public long liveBlocksAfterClose() {
            return -1;
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    /** Chronicle Map, off-heap, sized up front as it requires (its entries() is a hard-ish limit). */
    private static ScaleMap chronicle(long entries) {
        ChronicleMap<Long, Long> map = ChronicleMap.of(Long.class, Long.class).name("scale")
                .entries(Math.max(1000, entries * 2)).create();
        return new BoxedMap(map::get, map::put, map::remove, map::longSize, map::offHeapMemoryUsed, map::close);
    }

    /** OHC serializes longs as 8 bytes. */
    private static final CacheSerializer<Long> LONGS = new CacheSerializer<>() {
        @Override
        public void serialize(Long value, ByteBuffer buf) {
            buf.putLong(value);
        }

        @Override
        public Long deserialize(ByteBuffer buf) {
            return buf.getLong();
        }

        @Override
        public int serializedSize(Long value) {
            return Long.BYTES;
        }
    };

    /** OHC, off-heap, with a capacity large enough that nothing is evicted. */
    private static ScaleMap ohc(long entries) {
        OHCache<Long, Long> map = OHCacheBuilder.<Long, Long>newBuilder().keySerializer(LONGS).valueSerializer(LONGS)
                .capacity(Math.max(64L << 20, entries * 2 * 128)).build();
        return new BoxedMap(map::get, map::put, map::remove, map::size, map::memUsed, () -> {
            try {
                map.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}

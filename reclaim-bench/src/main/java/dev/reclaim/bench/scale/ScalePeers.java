package dev.reclaim.bench.scale;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.memory.SlabAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;
import org.jctools.maps.NonBlockingHashMapLong;

/** The peers of the scale workload, by id. */
final class ScalePeers {

    /** Every peer id, in report order. */
    static final List<String> ALL = List.of("openmap-ebr", "chm", "nbhml", "chronicle", "ohc");

    private ScalePeers() {
    }

    /** Extra JVM flags a peer's documentation asks for on recent JDKs. */
    static List<String> jvmFlags(String peer) {
        if (peer.equals("chronicle")) {
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
            case "openmap-ebr" -> new OpenMap();
            case "chm" -> new Chm();
            case "nbhml" -> new Nbhml();
            case "chronicle" -> new Chronicle(entries);
            case "ohc" -> new Ohc(entries);
            default -> throw new IllegalArgumentException("unknown scale peer '" + id + "'; known: " + ALL);
        };
    }

    /** LongOpenHashMap under EBR, grown from its default size (as the other on-heap peers are). */
    private static final class OpenMap implements ScaleMap {
        private final SlabAllocator allocator = SlabAllocator.builder().name("scale").build();
        private final Reclaimer reclaimer = Scheme.EBR.create();
        private final LongOpenHashMap map = new LongOpenHashMap(reclaimer, allocator);

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

    private static final class Chm implements ScaleMap {
        private final ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>();

        @Override
        public long get(long key, long absent) {
            Long v = map.get(key);
            return v == null ? absent : v;
        }

        @Override
        public void put(long key, long value) {
            map.put(key, value);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
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

    private static final class Nbhml implements ScaleMap {
        private final NonBlockingHashMapLong<Long> map = new NonBlockingHashMapLong<>();

        @Override
        public long get(long key, long absent) {
            Long v = map.get(key);
            return v == null ? absent : v;
        }

        @Override
        public void put(long key, long value) {
            map.put(key, (Long) value);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
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

    /** Chronicle Map, off-heap, sized up front as it requires (its entries() is a hard-ish limit). */
    private static final class Chronicle implements ScaleMap {
        private final ChronicleMap<Long, Long> map;

        Chronicle(long entries) {
            map = ChronicleMap.of(Long.class, Long.class).name("scale").entries(Math.max(1000, entries * 2))
                    .create();
        }

        @Override
        public long get(long key, long absent) {
            Long v = map.get(key);
            return v == null ? absent : v;
        }

        @Override
        public void put(long key, long value) {
            map.put(key, value);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
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

    /** OHC, off-heap, capacity set so that nothing is evicted. */
    private static final class Ohc implements ScaleMap {
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
        private final OHCache<Long, Long> map;

        Ohc(long entries) {
            map = OHCacheBuilder.<Long, Long>newBuilder().keySerializer(LONGS).valueSerializer(LONGS)
                    .capacity(Math.max(64L << 20, entries * 2 * 128)).build();
        }

        @Override
        public long get(long key, long absent) {
            Long v = map.get(key);
            return v == null ? absent : v;
        }

        @Override
        public void put(long key, long value) {
            map.put(key, value);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
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
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}

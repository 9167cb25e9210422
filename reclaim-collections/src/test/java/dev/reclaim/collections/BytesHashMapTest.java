package dev.reclaim.collections;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.Workers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BytesHashMap}: the structure suite (use after close, freeing on close, no heap allocation, torture),
 * and its own behaviour against {@link HashMap} for every scheme and hash width, sequential and with owners
 * partitioning the keys among threads. A narrowed hash ({@code hashMask}) makes keys share blobs.
 */
class BytesHashMapTest extends StructureSuite<BytesHashMap> {

    private static final int OWNERS = 4;
    private static final int KEYS_PER_OWNER = 64;
    private static final int OWNER_OPS = 6_000;
    private static final int ALLOCATION_KEYS = 1024;

    BytesHashMapTest() {
        super(BytesHashMap::new, BytesHashMap::isClosed);
    }

    @Override
    void churn(BytesHashMap m, SlabAllocator allocator) {
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String k = "key" + rnd.nextInt(200);
            if (rnd.nextInt(4) == 0) {
                m.remove(seg(k));
            } else {
                m.put(seg(k), seg(randomString(rnd, 30)));
            }
        }
    }

    @Override
    List<Executable> operations(BytesHashMap m) {
        return List.of(() -> m.get(seg("a"), MemorySegment.NULL), () -> m.put(seg("a"), seg("c")),
                () -> m.putIfAbsent(seg("a"), seg("c")), () -> m.remove(seg("a")), () -> m.containsKey(seg("a")),
                () -> m.forEach((k, v) -> { }), m::size, m::isEmpty);
    }

    /** Keys and buffers are segments made up front; the table has grown to its final size before measuring. */
    @Override
    LongUnaryOperator steadyState(BytesHashMap m) {
        MemorySegment[] keys = new MemorySegment[ALLOCATION_KEYS];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = seg("key-" + k + "-padding");
        }
        MemorySegment value = MemorySegment.ofArray(new byte[37]);
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        for (MemorySegment k : keys) {
            m.put(k, value);
        }
        return n -> {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                MemorySegment k = keys[(i * 7919) % keys.length];
                value.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
                switch (i & 7) {
                    case 0 -> sum += m.put(k, value) ? 1 : 0;          // update of a present key
                    case 1 -> {
                        sum += m.remove(k) ? 1 : 0;                     // remove ...
                        sum += m.putIfAbsent(k, value) ? 1 : 0;         // ... and insert again
                    }
                    case 2 -> sum += m.containsKey(k) ? 1 : 0;
                    default -> sum += m.get(k, buf) + buf.get(ValueLayout.JAVA_BYTE, 0);
                }
            }
            return sum;
        };
    }

    /**
     * The owner-partitioned workload of {@link #ownerPartitionedKeysEndWithTheUnionOfTheOwnersModels}, on real
     * hashes.
     */
    @Override
    String torture(BytesHashMap m) throws InterruptedException {
        runOwnerPartitioned(m, OWNER_OPS);
        return OWNERS + " owners x " + OWNER_OPS + " ops";
    }

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(UTF_8));
    }

    private static String str(MemorySegment s) {
        return new String(s.toArray(ValueLayout.JAVA_BYTE), UTF_8);
    }

    /** The value of {@code key} as a string, or null if absent. */
    static String get(BytesHashMap m, String key) {
        MemorySegment buf = MemorySegment.ofArray(new byte[256]);
        long n = m.get(seg(key), buf);
        return n < 0 ? null : str(buf.asSlice(0, n));
    }

    static Map<String, String> contents(BytesHashMap m) {
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> assertEquals(null, out.put(str(k), str(v)), "a key was delivered twice"));
        return out;
    }

    static String randomString(Random rnd, int maxLen) {
        int len = rnd.nextInt(maxLen + 1);
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append((char) ('a' + rnd.nextInt(26)));
        }
        return b.toString();
    }

    /**
     * Applies operation {@code op} to the map and to its model and asserts that they answer alike: 0 and 1 put,
     * 2 putIfAbsent, 3 remove, 4 get, 5 containsKey.
     */
    private static void applyAndCompare(BytesHashMap m, Map<String, String> model, int op, String k, String v) {
        switch (op) {
            case 0, 1 -> {
                assertEquals(!model.containsKey(k), m.put(seg(k), seg(v)), "put " + k);
                model.put(k, v);
            }
            case 2 -> assertEquals(model.putIfAbsent(k, v) == null, m.putIfAbsent(seg(k), seg(v)), "putIfAbsent " + k);
            case 3 -> assertEquals(model.remove(k) != null, m.remove(seg(k)), "remove " + k);
            case 4 -> assertEquals(model.get(k), get(m, k), "get " + k);
            default -> assertEquals(model.containsKey(k), m.containsKey(seg(k)), "containsKey " + k);
        }
    }

    static Stream<Arguments> schemesAndMasks() {
        // -1: real hashes; 3 and 0: every key collides with many (0: all in one blob)
        return Schemes.all().flatMap(s -> Stream.of(-1L, 3L, 0L).map(mask -> Arguments.of(s, mask)));
    }

    @ParameterizedTest
    @MethodSource("schemesAndMasks")
    void randomOperationsMatchJavaUtilHashMap(Scheme scheme, long mask) {
        Random rnd = new Random(42 + mask);
        String[] keys = new String[mask == 0 ? 40 : 300];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i + ":" + randomString(rnd, 20); // distinct, lengths 2..24 (tails of every size)
        }
        keys[0] = ""; // the empty key is a key too
        Map<String, String> expected = new HashMap<>();
        // sanitizer mode where the scheme frees (the leak baseline would fail the allocator's leak check)
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(scheme),
                check.allocator(b -> b.sanitize(Schemes.frees(scheme))), 16, mask)) {
            for (int i = 0; i < 6_000; i++) {
                String k = keys[rnd.nextInt(keys.length)];
                String v = randomString(rnd, 40);
                applyAndCompare(m, expected, rnd.nextInt(6), k, v);
                assertEquals(expected.size(), m.size());
            }
            assertEquals(expected, contents(m));
            for (String k : keys) {
                assertEquals(expected.get(k), get(m, k), k);
            }
        }
    }

    @Test
    void getCopiesOnlyIntoABufferThatFitsAndReportsTheLength() {
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(Scheme.EBR), check.allocator(b -> b.sanitize(true)))) {
            assertTrue(m.put(seg("k"), seg("hello")));
            byte[] small = new byte[3];
            assertEquals(5, m.get(seg("k"), MemorySegment.ofArray(small)));
            assertEquals(0, small[0], "a too-small buffer is left untouched");
            assertEquals(5, m.get(seg("k"), MemorySegment.NULL));
            assertEquals(-1, m.get(seg("absent"), MemorySegment.NULL));
            assertTrue(m.put(seg("empty"), MemorySegment.ofArray(new byte[0])));
            assertEquals(0, m.get(seg("empty"), MemorySegment.NULL));
            assertFalse(m.put(seg("k"), seg("bye")));
            assertEquals("bye", get(m, "k"));
            try (Arena arena = Arena.ofConfined()) { // native keys find heap-inserted entries
                MemorySegment nk = arena.allocate(1);
                nk.set(ValueLayout.JAVA_BYTE, 0, (byte) 'k');
                assertTrue(m.containsKey(nk));
            }
        }
    }

    /** Colliding keys share blobs: closing frees every multi-entry blob too. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void closingFreesEveryBlobOfCollidingKeys(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, 7);
        churn(m, allocator);
        assertClosingFreesEveryBlock(m, reclaimer, allocator);
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void exhaustionThrowsAndLosesNoEntry(Scheme scheme) {
        Map<String, String> expected = new HashMap<>();
        // sanitizer mode: capacity bounds live bytes exactly
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(scheme),
                check.allocator(b -> b.sanitize(true).capacity(24 << 10)), 16, 15)) {
            int failures = 0;
            for (int i = 0; i < 2_000 && failures < 20; i++) {
                String k = "key-" + i;
                String v = "value-" + i + "-".repeat(i % 50);
                try {
                    assertTrue(m.put(seg(k), seg(v)));
                    expected.put(k, v);
                } catch (OffHeapExhaustedException e) {
                    failures++;
                    assertFalse(m.containsKey(seg(k)), "a failed put left its key behind");
                }
            }
            assertTrue(failures > 0, "the capacity was never reached");
            assertEquals(expected, contents(m));
            assertEquals(expected.size(), m.size());
        }
    }

    @Test
    void nullArgumentsAreRejectedWithAMessage() {
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(Scheme.EBR), check.allocator())) {
            assertThrows(NullPointerException.class, () -> m.put(null, seg("v")));
            assertThrows(NullPointerException.class, () -> m.put(seg("k"), null));
            assertThrows(NullPointerException.class, () -> m.get(seg("k"), null));
            assertThrows(NullPointerException.class, () -> m.forEach(null));
        }
    }

    // ---------------------------------------------------------------- concurrent

    /**
     * Narrowed hashes (keys share blobs) for every scheme, and real hashes for the leak baseline; real hashes
     * under the schemes that free run as this suite's torture, with the sanitizer.
     */
    static Stream<Arguments> ownerPartitionedCases() {
        return Stream.concat(Schemes.all().map(s -> Arguments.of(s, 7L)),
                Stream.of(Arguments.of(Scheme.LEAK, -1L)));
    }

    /**
     * Four threads each own a quarter of the keys and run random put/putIfAbsent/remove/get on them while the
     * others do the same on theirs (sharing blobs when the hash is narrowed, and the index always); each thread's
     * own reads must match its private model, and the final contents must equal the union of the models.
     * Sanitizer mode for freeing schemes: any use after free fails the test.
     */
    @ParameterizedTest
    @MethodSource("ownerPartitionedCases")
    void ownerPartitionedKeysEndWithTheUnionOfTheOwnersModels(Scheme scheme, long mask) throws Exception {
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(scheme),
                check.allocator(b -> b.sanitize(Schemes.frees(scheme))), 16, mask)) {
            runOwnerPartitioned(m, OWNER_OPS);
        }
    }

    /** The owner-partitioned workload: {@value #OWNERS} threads, each with {@code ops} operations on its keys. */
    private static void runOwnerPartitioned(BytesHashMap m, int ops) throws InterruptedException {
        List<Map<String, String>> models = new ArrayList<>();
        for (int t = 0; t < OWNERS; t++) {
            models.add(new HashMap<>());
        }
        Workers.run(OWNERS, Thread.ofPlatform().factory(),
                owner -> runOwner(m, owner, models.get(owner), new Random(1000 + owner), ops));
        Map<String, String> union = new HashMap<>();
        models.forEach(union::putAll);
        assertEquals(union, contents(m));
        assertEquals(union.size(), m.size());
        for (Map.Entry<String, String> e : union.entrySet()) {
            assertEquals(e.getValue(), get(m, e.getKey()));
        }
    }

    private static void runOwner(BytesHashMap m, int owner, Map<String, String> model, Random rnd, int ops) {
        for (int i = 0; i < ops; i++) {
            String k = owner + "/" + rnd.nextInt(KEYS_PER_OWNER);
            String v = randomString(rnd, 24);
            applyAndCompare(m, model, rnd.nextInt(5), k, v); // no containsKey: the gets read the value
        }
        assertTrue(model.size() <= KEYS_PER_OWNER);
    }
}

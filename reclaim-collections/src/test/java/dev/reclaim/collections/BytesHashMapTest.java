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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sequential behaviour of {@link BytesHashMap} against {@link HashMap}, for every scheme and hash width. */
class BytesHashMapTest {

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(UTF_8));
    }

    private static String str(MemorySegment s) {
        return new String(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), UTF_8);
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
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(Schemes.frees(scheme)).build();
             Reclaimer reclaimer = scheme.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, mask)) {
            for (int i = 0; i < 6_000; i++) {
                String k = keys[rnd.nextInt(keys.length)];
                String v = randomString(rnd, 40);
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> {
                        assertEquals(!expected.containsKey(k), m.put(seg(k), seg(v)));
                        expected.put(k, v);
                    }
                    case 2 -> assertEquals(expected.putIfAbsent(k, v) == null, m.putIfAbsent(seg(k), seg(v)));
                    case 3 -> assertEquals(expected.remove(k) != null, m.remove(seg(k)));
                    case 4 -> assertEquals(expected.containsKey(k), m.containsKey(seg(k)));
                    default -> assertEquals(expected.get(k), get(m, k));
                }
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
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(true).build();
             Reclaimer reclaimer = Scheme.EBR.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator)) {
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
                nk.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 'k');
                assertTrue(m.containsKey(nk));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void closeFreesEveryBlockInSanitizerMode(Scheme scheme) {
        SlabAllocator allocator = SlabAllocator.builder().sanitize(true).build();
        try {
            Reclaimer reclaimer = scheme.create();
            BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, 7); // collisions: multi-entry blobs
            Random rnd = new Random(7);
            for (int i = 0; i < 2_000; i++) {
                String k = "key" + rnd.nextInt(200);
                if (rnd.nextInt(4) == 0) {
                    m.remove(seg(k));
                } else {
                    m.put(seg(k), seg(randomString(rnd, 30)));
                }
            }
            m.close();
            reclaimer.close();
            assertEquals(0, allocator.stats().liveBlocks(), () -> "leaked: " + allocator.liveBlocks());
        } finally {
            allocator.close();
        }
    }

    @Test
    void useAfterCloseThrows() {
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = Scheme.EBR.create()) {
            BytesHashMap m = new BytesHashMap(reclaimer, allocator);
            m.put(seg("a"), seg("b"));
            m.close();
            assertTrue(m.isClosed());
            assertThrows(IllegalStateException.class, () -> m.get(seg("a"), MemorySegment.NULL));
            assertThrows(IllegalStateException.class, () -> m.put(seg("a"), seg("c")));
            assertThrows(IllegalStateException.class, () -> m.putIfAbsent(seg("a"), seg("c")));
            assertThrows(IllegalStateException.class, () -> m.remove(seg("a")));
            assertThrows(IllegalStateException.class, () -> m.containsKey(seg("a")));
            assertThrows(IllegalStateException.class, () -> m.forEach((k, v) -> { }));
            assertThrows(IllegalStateException.class, m::size);
            assertThrows(IllegalStateException.class, m::close);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void exhaustionThrowsAndLosesNoEntry(Scheme scheme) {
        Map<String, String> expected = new HashMap<>();
        // sanitizer mode: capacity bounds live bytes exactly
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(true).capacity(24 << 10).build();
             Reclaimer reclaimer = scheme.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, 15)) {
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
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = Scheme.EBR.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator)) {
            assertThrows(NullPointerException.class, () -> m.put(null, seg("v")));
            assertThrows(NullPointerException.class, () -> m.put(seg("k"), null));
            assertThrows(NullPointerException.class, () -> m.get(seg("k"), null));
            assertThrows(NullPointerException.class, () -> m.forEach(null));
        }
    }
}

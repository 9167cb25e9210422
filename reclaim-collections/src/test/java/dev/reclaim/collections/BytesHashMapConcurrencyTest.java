package dev.reclaim.collections;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Four threads each own a quarter of the keys and run random put/putIfAbsent/remove/get on them while the
 * others do the same on theirs (sharing blobs when the hash is narrowed, and the index always); each thread's
 * own reads must match its private model, and the final contents must equal the union of the models. Sanitizer
 * mode for freeing schemes: any use after free fails the test.
 */
class BytesHashMapConcurrencyTest {

    private static final int THREADS = 4;
    private static final int KEYS_PER_THREAD = 64;
    private static final int OPS = 6_000;

    static Stream<Arguments> cases() {
        return Schemes.all().flatMap(s -> Stream.of(-1L, 7L).map(mask -> Arguments.of(s, mask)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void ownerPartitionedKeysEndWithTheUnionOfTheOwnersModels(Scheme scheme, long mask) throws Exception {
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(Schemes.frees(scheme)).build();
             Reclaimer reclaimer = scheme.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, mask)) {
            List<Map<String, String>> models = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Map<String, String> model = new HashMap<>();
                models.add(model);
                int owner = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        run(m, owner, model, new Random(1000 + owner));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a worker failed", failure.get());
            }
            Map<String, String> union = new HashMap<>();
            models.forEach(union::putAll);
            Map<String, String> seen = new ConcurrentHashMap<>();
            m.forEach((k, v) -> seen.put(str(k), str(v)));
            assertEquals(union, seen);
            assertEquals(union.size(), m.size());
            for (Map.Entry<String, String> e : union.entrySet()) {
                assertEquals(e.getValue(), BytesHashMapTest.get(m, e.getKey()));
            }
        }
    }

    private static void run(BytesHashMap m, int owner, Map<String, String> model, Random rnd) {
        for (int i = 0; i < OPS; i++) {
            String k = owner + "/" + rnd.nextInt(KEYS_PER_THREAD);
            String v = BytesHashMapTest.randomString(rnd, 24);
            switch (rnd.nextInt(5)) {
                case 0, 1 -> {
                    assertEquals(!model.containsKey(k), m.put(seg(k), seg(v)));
                    model.put(k, v);
                }
                case 2 -> assertEquals(model.putIfAbsent(k, v) == null, m.putIfAbsent(seg(k), seg(v)));
                case 3 -> assertEquals(model.remove(k) != null, m.remove(seg(k)));
                default -> assertEquals(model.get(k), BytesHashMapTest.get(m, k));
            }
        }
        assertTrue(model.size() <= KEYS_PER_THREAD);
    }

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(UTF_8));
    }

    private static String str(MemorySegment s) {
        return new String(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), UTF_8);
    }
}

package dev.reclaim.bench.soak;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.collections.HarrisMichaelList;
import dev.reclaim.collections.LongHashMap;
import dev.reclaim.collections.LongLongMap;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.collections.OffHeapCollection;
import dev.reclaim.memory.AllocatorStats;
import dev.reclaim.memory.SlabAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scheme's part of the soak: a reclaimer, an allocator of its own, and every off-heap structure over them
 * (Treiber stack, Michael-Scott queue, Harris-Michael ordered list, split-ordered hash map, open-addressing
 * hash map, bytes hash map), plus raw retirement of blocks of random sizes through a guard. Each step keeps
 * every structure at a steady size: the stack and queue hold their prefill (each push is paired with a pop),
 * the maps hold about half of a fixed key range (puts and removes of random keys at equal rates).
 *
 * <p>The leak control: with {@code leakEvery > 0} the raw retirement's deleter skips the free of one block in
 * {@code leakEvery}, the bug the soak's trend check exists to catch.
 */
final class SchemeLane implements AutoCloseable {

    /** Values held by the stack and by the queue between steps. */
    static final int PREFILL = 512;
    /** Key ranges: the list walks half its keys per operation, so it gets a small range. */
    static final int LIST_KEYS = 256;
    static final int MAP_KEYS = 4_096;
    static final int BYTES_KEYS = 1_024;
    /** Operations per structure per step. */
    static final int OPS = 16;
    private static final long ABSENT = Long.MIN_VALUE;

    final Scheme scheme;
    final SlabAllocator memory;
    final Reclaimer reclaimer;
    private final dev.reclaim.collections.TreiberStack stack;
    private final MichaelScottQueue queue;
    private final HarrisMichaelList list;
    private final LongHashMap hashMap;
    private final LongOpenHashMap openMap;
    private final BytesHashMap bytesMap;
    private final List<OffHeapCollection> structures;
    private final Deleter rawDeleter;
    private final AtomicLong rawRetired = new AtomicLong();

    SchemeLane(Scheme scheme, int leakEvery) {
        this.scheme = scheme;
        this.memory = SlabAllocator.builder().name("soak-" + scheme.id()).sanitize(false).build();
        this.reclaimer = scheme.create();
        this.stack = new dev.reclaim.collections.TreiberStack(reclaimer, memory);
        this.queue = new MichaelScottQueue(reclaimer, memory);
        this.list = new HarrisMichaelList(reclaimer, memory);
        this.hashMap = new LongHashMap(reclaimer, memory);
        this.openMap = new LongOpenHashMap(reclaimer, memory);
        this.bytesMap = new BytesHashMap(reclaimer, memory);
        this.structures = List.of(stack, queue, list, hashMap, openMap, bytesMap);
        AtomicLong deletes = new AtomicLong();
        this.rawDeleter = leakEvery <= 0 ? memory::free : p -> {
            if (deletes.incrementAndGet() % leakEvery != 0) {
                memory.free(p);
            }
        };
        for (int i = 0; i < PREFILL; i++) {
            stack.push(i);
            queue.offer(i);
        }
        SplittableRandom random = new SplittableRandom(scheme.ordinal());
        Buffers prefill = new Buffers();
        for (int i = 0; i < MAP_KEYS / 2; i++) {
            hashMap.put(random.nextInt(MAP_KEYS), i, ABSENT);
            openMap.put(random.nextInt(MAP_KEYS), i, ABSENT);
        }
        for (int i = 0; i < LIST_KEYS / 2; i++) {
            list.put(random.nextInt(LIST_KEYS), i, ABSENT);
        }
        for (int i = 0; i < BYTES_KEYS / 2; i++) {
            bytesMap.put(prefill.key(random.nextInt(BYTES_KEYS)), prefill.value(i));
        }
    }

    /** A worker's reusable key, value and output buffers for the bytes map. */
    static final class Buffers {
        private final MemorySegment key = MemorySegment.ofArray(new byte[8]);
        private final MemorySegment value = MemorySegment.ofArray(new byte[24]);
        private final MemorySegment out = MemorySegment.ofArray(new byte[24]);

        MemorySegment key(int k) {
            key.set(ValueLayout.JAVA_INT_UNALIGNED, 0, k);
            key.set(ValueLayout.JAVA_INT_UNALIGNED, 4, ~k);
            return key;
        }

        MemorySegment value(long v) {
            value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
            return value.asSlice(0, 8 + (v & 15));
        }
    }

    /**
     * One step of the steady workload on every structure of this lane.
     *
     * @param random the worker's random source
     * @param buf    the worker's buffers
     * @return operations run
     */
    long step(SplittableRandom random, Buffers buf) {
        long ops = 0;
        for (int i = 0; i < OPS; i++) {
            long v = random.nextLong() & Long.MAX_VALUE;
            stack.push(v);
            stack.pop(ABSENT);
            queue.offer(v);
            queue.poll(ABSENT);
            mapOp(list, random.nextInt(LIST_KEYS), v, random);
            mapOp(hashMap, random.nextInt(MAP_KEYS), v, random);
            mapOp(openMap, random.nextInt(MAP_KEYS), v, random);
            int k = random.nextInt(BYTES_KEYS);
            switch (random.nextInt(3)) {
                case 0 -> bytesMap.put(buf.key(k), buf.value(v));
                case 1 -> bytesMap.remove(buf.key(k));
                default -> bytesMap.get(buf.key(k), buf.out);
            }
            ops += 9;
        }
        try (Guard g = reclaimer.enter()) {
            for (int i = 0; i < OPS; i++) {
                g.retire(memory.allocate(16 + random.nextInt(496)), rawDeleter);
            }
        }
        rawRetired.addAndGet(OPS);
        return ops + OPS;
    }

    private static void mapOp(LongLongMap map, long key, long value, SplittableRandom random) {
        switch (random.nextInt(3)) {
            case 0 -> map.put(key, value, ABSENT);
            case 1 -> map.remove(key, ABSENT);
            default -> map.get(key, ABSENT);
        }
    }

    /** @return retired and not yet reclaimed, now */
    long pending() {
        return reclaimer.stats().pending();
    }

    /** @return this lane's allocator counters */
    AllocatorStats allocator() {
        return memory.stats();
    }

    /**
     * Closes the structures and the reclaimer (the workers must have stopped), then reports what the allocator
     * still holds: zero unless blocks were lost.
     *
     * @return blocks still allocated after everything was closed
     */
    long closeAndCountLeft() {
        for (OffHeapCollection s : structures) {
            s.close();
        }
        reclaimer.close();
        return memory.stats().liveBlocks();
    }

    /** @return deleters that threw and guards found abandoned, as the reclaimer counted them */
    long failures() {
        return reclaimer.stats().failures();
    }

    @Override
    public void close() {
        if (!reclaimer.isClosed()) {
            closeAndCountLeft();
        }
        if (!memory.isClosed()) {
            try {
                memory.close();
            } catch (RuntimeException leakReport) {
                // the soak reports what was left in its own words (closeAndCountLeft)
            }
        }
    }
}

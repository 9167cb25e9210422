package dev.reclaim.hazard;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-over-hand traversal of an off-heap singly linked list (Michael's list protocol with one remover):
 * readers protect each node with alternating hazard indices 0/1 while a remover unlinks and retires nodes.
 * The allocator runs in sanitizer mode, so any access to a freed node throws {@link UseAfterFreeException}.
 *
 * <p>Node layout: value at offset 0, next at offset 8; bit 0 of next marks the node as being removed. The
 * remover marks a node's next before unlinking it, so a reader whose validated load of {@code cur.next} is
 * unmarked knows {@code cur} (and hence the successor it just protected) was still linked after the publish.
 */
class HandOverHandTest {

    private static final long VALUE = 0;
    private static final long NEXT = 8;
    private static final long MARK = 1;
    private static final int INITIAL = 32;
    private static final int REMOVER_OPS = 20_000;

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"HP", "EBR", "ROBUST"})
    void handOverHandTraversalNeverTouchesAFreedNode(Scheme scheme) throws Exception {
        SlabAllocator alloc = SlabAllocator.builder().name("hoh-" + scheme.id()).sanitize(true).build();
        Reclaimer r = scheme.create();
        long sentinel = alloc.allocateZeroed(16);
        for (int i = 0; i < INITIAL; i++) {
            insertFront(alloc, sentinel, i + 1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong useAfterFree = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong visited = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = Thread.ofPlatform().name("hoh-reader-" + t).start(() -> {
                try {
                    long seen = 0;
                    while (!stop.get()) {
                        seen += traverse(r, sentinel);
                    }
                    visited.addAndGet(seen);
                } catch (UseAfterFreeException e) {
                    useAfterFree.incrementAndGet();
                    failure.compareAndSet(null, e);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        SplittableRandom rnd = new SplittableRandom(42);
        long nextValue = INITIAL + 1;
        int length = INITIAL;
        for (int op = 0; op < REMOVER_OPS; op++) {
            if (length > 1 && (length > 2 * INITIAL || rnd.nextBoolean())) {
                removeAt(r, alloc, sentinel, rnd.nextInt(length));
                length--;
            } else {
                insertFront(alloc, sentinel, nextValue++);
                length++;
            }
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertEquals(0, useAfterFree.get(), "use after free: " + failure.get());
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(visited.get() > 0, "the readers traversed the list");
        r.close();
        long cur = Memory.getLong(sentinel + NEXT);
        while (cur != 0) {
            long next = Memory.getLong(cur + NEXT);
            alloc.free(cur);
            cur = next;
        }
        alloc.free(sentinel);
        assertEquals(0, alloc.stats().liveBlocks(), "every removed node was freed exactly once");
        alloc.close();
    }

    /** Reads every value of the list, protecting node by node; restarts when it finds itself on a removed node. */
    private static long traverse(Reclaimer r, long sentinel) {
        restart:
        while (true) {
            try (Guard g = r.enter()) {
                long sum = 0;
                long cur = sentinel; // never removed: needs no protection
                int idx = 0;
                while (true) {
                    long w = g.protect(idx, cur + NEXT); // cur is protected by index idx ^ 1 (or is the sentinel)
                    if ((w & MARK) != 0) {
                        continue restart; // cur is being removed: its successor may be unlinked already
                    }
                    if (w == 0) {
                        return sum;
                    }
                    sum += Memory.getLong(w + VALUE); // plain: written before the release that published w
                    cur = w;
                    idx ^= 1; // hand over: the next protect reuses the index of the node before cur
                }
            }
        }
    }

    private static void insertFront(SlabAllocator alloc, long sentinel, long value) {
        long node = alloc.allocate(16);
        Memory.putLong(node + VALUE, value);
        Memory.putLong(node + NEXT, Memory.getLong(sentinel + NEXT)); // the only writer: plain read is current
        Memory.putLongRelease(sentinel + NEXT, node); // release: pairs with the acquire loads of protect
    }

    private static void removeAt(Reclaimer r, SlabAllocator alloc, long sentinel, int position) {
        long prev = sentinel;
        for (int i = 0; i < position; i++) {
            prev = Memory.getLong(prev + NEXT);
        }
        long c = Memory.getLong(prev + NEXT);
        long n = Memory.getLong(c + NEXT);
        Memory.putLongVolatile(c + NEXT, n | MARK); // volatile: mark first (readers on c restart)
        Memory.putLongVolatile(prev + NEXT, n);     // volatile: then unlink (the U of the HP argument)
        r.retire(c, alloc);
    }
}

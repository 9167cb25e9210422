package dev.reclaim.testing;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread-per-task burst: {@link #TASKS} virtual threads, each allocating a block, entering a guard, reading
 * the shared node, sleeping inside the guard (it unmounts), swapping its block in and retiring the old one;
 * nobody calls {@code flush()} or {@code synchronize()}. Then a quiet phase: one platform thread keeps a trickle
 * of load ({@link #QUIET_OPS} enter/retire/close). Checks counts, never times: every block the burst retired is
 * reclaimed by then, and the slot table, grown for the burst, is back within 2x of its size before it; then
 * {@code synchronize()} leaves nothing pending.
 */
public final class ThreadPerTaskBurst {
    /** Tasks of the burst. */
    public static final int TASKS = 20_000;
    /** Enter/retire/close operations of the quiet phase. */
    public static final int QUIET_OPS = 8_192;

    private ThreadPerTaskBurst() {
    }

    /**
     * What one run observed.
     *
     * @param slotsBefore   table length before the burst
     * @param slotsPeak     largest table length sampled during the burst
     * @param slotsAfter    table length after the quiet phase
     * @param reclaimed     entries reclaimed after the quiet phase (before close)
     * @param pendingAfter  entries pending after the quiet phase
     */
    public record Observed(int slotsBefore, int slotsPeak, int slotsAfter, long reclaimed, long pendingAfter) {
    }

    /**
     * Runs the burst and the quiet phase on {@code r} with blocks from {@code mem}.
     *
     * @param r     the reclaimer (left open)
     * @param mem   the allocator of the blocks
     * @return what was observed
     * @throws Exception if a task failed
     */
    public static Observed run(Reclaimer r, SlabAllocator mem) throws Exception {
        IntSupplier slots = () -> r.stats().guardSlots();
        long cell = mem.allocateZeroed(8);
        Memory.putLongRelease(cell, mem.allocate(24));
        int before = slots.getAsInt();
        int peak = before;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
                final int id = i;
                ex.submit(() -> {
                    long mine = mem.allocate(24);
                    Memory.putLong(mine, id);
                    try (Guard g = r.enter()) {
                        long cur = g.protect(0, cell);
                        Memory.getLong(cur);
                        Thread.sleep(1);
                        g.retire(Memory.getAndSetLong(cell, mine), mem);
                    }
                    return null;
                });
                if ((i & 255) == 0) {
                    peak = Math.max(peak, slots.getAsInt());
                }
            }
        }
        peak = Math.max(peak, slots.getAsInt());
        for (int i = 0; i < QUIET_OPS; i++) {
            long mine = mem.allocate(24);
            try (Guard g = r.enter()) {
                g.retire(Memory.getAndSetLong(cell, mine), mem);
            }
        }
        ReclaimerStats s = r.stats();
        Observed o = new Observed(before, peak, slots.getAsInt(), s.reclaimed(), s.pending());
        try (Guard g = r.enter()) {
            g.retire(Memory.getAndSetLong(cell, 0), mem);
        }
        mem.free(cell);
        return o;
    }

    /**
     * Runs the burst and asserts: the table grew for it (the precondition), every block the burst retired was
     * reclaimed without a flush, and the table is back within 2x of its size before the burst.
     *
     * @param r     the reclaimer (left open)
     * @param mem   the allocator of the blocks
     * @return what was observed
     * @throws Exception if a task failed
     */
    public static Observed check(Reclaimer r, SlabAllocator mem) throws Exception {
        Observed o = run(r, mem);
        assertTrue(o.slotsPeak() >= 4 * o.slotsBefore(), "the burst should have grown the table: " + o);
        assertTrue(o.reclaimed() >= TASKS, r.scheme() + ": the burst's garbage was not reclaimed without a flush: "
                + o.reclaimed() + " of " + TASKS + " (" + o + ")");
        assertTrue(o.slotsAfter() <= 2 * o.slotsBefore(), r.scheme() + ": the table did not shrink back: " + o);
        assertEquals(0, r.stats().openGuards());
        r.synchronize(); // after a grow and a shrink: waits for the shared batch / domain list too
        assertEquals(0, r.stats().pending(), r.scheme() + ": synchronize() left garbage pending");
        return o;
    }
}

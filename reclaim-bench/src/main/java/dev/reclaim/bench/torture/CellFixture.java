package dev.reclaim.bench.torture;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * What the single-cell fault cases share: a sanitizing allocator, a reclaimer reporting to {@link Failures}, a
 * deleter that counts what it frees, and one 8-byte cell holding a pointer to a published node, which the
 * case's threads protect, replace and retire.
 */
final class CellFixture implements AutoCloseable {

    final Failures failures = new Failures();
    final SlabAllocator memory;
    final Reclaimer reclaimer;
    final AtomicLong deleted = new AtomicLong();
    /** Frees a retired block and counts it. */
    final Deleter counting;
    /** The shared cell's address. */
    final long cell;

    /**
     * @param scheme the scheme under test
     * @param name   names the allocator and the reclaimer ({@code torture-NAME}, {@code torture-NAME-SCHEME})
     * @param first  allocates the node the cell holds first
     */
    CellFixture(Scheme scheme, String name, ToLongFunction<SlabAllocator> first) {
        memory = SlabAllocator.builder().name("torture-" + name).sanitize(true).build();
        reclaimer = Reclaimers.create(scheme, "torture-" + name + "-" + scheme.id(), failures);
        counting = p -> {
            deleted.incrementAndGet();
            memory.free(p);
        };
        cell = memory.allocateZeroed(8);
        Memory.putLongRelease(cell, first.applyAsLong(memory)); // release: publishes the node; pairs with protect
    }

    /**
     * The end of a passing run: closes the reclaimer, frees the cell and its last node, checks that close() ran
     * no deleter again, and closes the allocator (the sanitizer reports anything still live).
     *
     * @param retired the retirements of the run, all freed before this call
     */
    void finish(long retired) {
        reclaimer.close();
        memory.free(Memory.getLongAcquire(cell)); // acquire: pairs with the last publication of a node
        memory.free(cell);
        if (deleted.get() != retired) {
            throw new AssertionError("close() ran deleters again: " + deleted.get() + " for " + retired + " retires");
        }
        memory.close(); // sanitizer: throws MemoryLeakException if anything is still live
    }

    /** After a failed run: closes what the case did not, so that the next case starts clean. */
    @Override
    public void close() {
        if (!reclaimer.isClosed()) {
            try {
                reclaimer.close();
            } catch (RuntimeException ignored) {
                // the case already failed with the real cause
            }
        }
        Cleanup.closeQuietly(memory);
    }
}

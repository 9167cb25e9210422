package dev.reclaim.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Process-wide map from 64 KiB chunk to the fast-mode allocator that owns it: how {@code free} tells its own
 * blocks from garbage without touching memory that may be unmapped.
 *
 * <p>A two-level radix table over the 48-bit address space: the root has 2^16 entries (address bits 47..32),
 * each leaf 2^16 ints (address bits 31..16). An entry is {@code allocatorId << 1 | large}, 0 when no
 * allocator owns the chunk. Leaves are created on demand (256 KiB each; native memory usually sits in a few
 * 4 GiB windows) and never removed.
 */
final class ChunkTable {

    private static final int[][] ROOT = new int[1 << 16][];

    private ChunkTable() {
    }

    /**
     * The owner entry of the chunk holding {@code address}, or 0.
     *
     * @param address any value; addresses above 2^48 map to 0
     * @return {@code allocatorId << 1 | large}, or 0
     */
    static int owner(long address) {
        if ((address >>> 48) != 0) {
            return 0;
        }
        // acquire: pairs with the release store of the leaf in set()
        int[] leaf = (int[]) ROOT_ELEMENT.getAcquire(ROOT, (int) (address >>> 32));
        if (leaf == null) {
            return 0;
        }
        // acquire: pairs with the release store of the entry in set(), so the chunk header written before it
        // is visible to a thread that learns the address through a race rather than a happens-before edge
        return (int) LEAF_ELEMENT.getAcquire(leaf, (int) (address >>> 16) & 0xFFFF);
    }

    /**
     * Sets the owner entry of the chunk at {@code chunk} (a CHUNK_SIZE-aligned address).
     *
     * @param chunk the chunk address
     * @param value the entry, 0 to clear
     */
    static void set(long chunk, int value) {
        SlabDescriptor.checkAddressBits(chunk);
        int rootIndex = (int) (chunk >>> 32);
        int[] leaf = (int[]) ROOT_ELEMENT.getAcquire(ROOT, rootIndex); // acquire: pairs with the release below
        if (leaf == null) {
            synchronized (ROOT) {
                leaf = ROOT[rootIndex]; // plain under the lock: every writer of the root holds it
                if (leaf == null) {
                    leaf = new int[1 << 16];
                    ROOT_ELEMENT.setRelease(ROOT, rootIndex, leaf); // release: pairs with the acquires in owner()
                }
            }
        }
        LEAF_ELEMENT.setRelease(leaf, (int) (chunk >>> 16) & 0xFFFF, value); // release: pairs with owner()
    }

    /**
     * Clears the entry of {@code chunk} if it is {@code expected}.
     *
     * @return whether this call cleared it (false: someone else did, or it never held {@code expected})
     */
    static boolean clear(long chunk, int expected) {
        int[] leaf = (int[]) ROOT_ELEMENT.getAcquire(ROOT, (int) (chunk >>> 32)); // acquire: pairs with set()
        // volatile CAS: exactly one of two racing frees of the same large block wins
        return leaf != null && LEAF_ELEMENT.compareAndSet(leaf, (int) (chunk >>> 16) & 0xFFFF, expected, 0);
    }

    /**
     * Clears every entry of {@code allocatorId} and calls {@code onLarge} with each large-block chunk it owned.
     * Used by {@code close()} after all other use of the allocator has stopped.
     */
    static void clearAll(int allocatorId, java.util.function.LongConsumer onLarge) {
        for (int r = 0; r < ROOT.length; r++) {
            int[] leaf = (int[]) ROOT_ELEMENT.getAcquire(ROOT, r); // acquire: pairs with set()
            if (leaf == null) {
                continue;
            }
            for (int i = 0; i < leaf.length; i++) {
                int v = (int) LEAF_ELEMENT.getAcquire(leaf, i); // acquire: pairs with set()
                if (v != 0 && (v >>> 1) == allocatorId) {
                    LEAF_ELEMENT.setRelease(leaf, i, 0); // release: pairs with owner()
                    if ((v & 1) != 0) {
                        onLarge.accept(((long) r << 32) | ((long) i << 16));
                    }
                }
            }
        }
    }

    // VarHandle mechanics
    private static final VarHandle ROOT_ELEMENT = MethodHandles.arrayElementVarHandle(int[][].class);
    private static final VarHandle LEAF_ELEMENT = MethodHandles.arrayElementVarHandle(int[].class);
}

package dev.reclaim.collections;

import dev.reclaim.Deleter;
import dev.reclaim.internal.AllocatorAccess;
import dev.reclaim.internal.CachingDeleter;
import dev.reclaim.memory.SlabAllocator;

/**
 * The deleter a structure retires its fixed-size nodes with: it frees them to the structure's allocator (one
 * {@link SlabAllocator#deleteAll} per run, as the allocator itself would) and reports their size without a
 * lookup; for a queue's nodes ({@link #handedOff}) EBR's bag runs reach the allocator's trimming batch free
 * through it ({@link CachingDeleter}). Retiring with the allocator as the deleter costs a chunk-table lookup
 * and a chunk-header read per retire for {@link SlabAllocator#sizeOf(long)}, which validates an arbitrary
 * address; a structure's own nodes need no validation and all have the same size.
 *
 * <p>Under a sanitizing allocator {@link #of} returns the allocator itself, so that retiring a node that was
 * already freed is still caught at the retire.
 */
class NodeDeleter implements Deleter {

    final SlabAllocator allocator;
    private final long blockSize;

    private NodeDeleter(SlabAllocator allocator, long blockSize) {
        this.allocator = allocator;
        this.blockSize = blockSize;
    }

    /**
     * The deleter for nodes of {@code nodeSize} bytes of {@code allocator}.
     *
     * @param allocator where the nodes are allocated
     * @param nodeSize  the size every node is allocated with
     * @return a deleter that frees to {@code allocator}; the allocator itself when it sanitizes
     */
    static Deleter of(SlabAllocator allocator, long nodeSize) {
        return allocator.isSanitizing() ? allocator
                : new NodeDeleter(allocator, allocator.blockSizeFor(nodeSize));
    }

    /**
     * As {@link #of}, for a structure whose nodes are mostly unlinked by another thread than the one that linked
     * them (a FIFO queue): EBR's bag runs free them with the allocator's trim, so the running thread hands what
     * its cache holds beyond a batch to the allocator's depot while other threads take batches (see
     * {@link CachingDeleter}). Measured in the design notes ("EBR slots collect the bags they seal"): the
     * Michael-Scott queue at 2 threads gains, the Treiber stack (a thread mostly pops the node it pushed) loses.
     *
     * @param allocator where the nodes are allocated
     * @param nodeSize  the size every node is allocated with
     * @return a deleter that frees to {@code allocator}; the allocator itself when it sanitizes
     */
    static Deleter handedOff(SlabAllocator allocator, long nodeSize) {
        return allocator.isSanitizing() ? allocator
                : new HandedOff(allocator, allocator.blockSizeFor(nodeSize));
    }

    @Override
    public void delete(long pointer) {
        allocator.free(pointer);
    }

    @Override
    public void deleteAll(long[] pointers, int from, int to) {
        allocator.deleteAll(pointers, from, to);
    }

    /** The nodes' block size, the same for every node: what {@link SlabAllocator#sizeOf(long)} would say. */
    @Override
    public long sizeOf(long pointer) {
        return blockSize;
    }

    @Override
    public String toString() {
        return "nodes of " + blockSize + " bytes of allocator '" + allocator.name() + "'";
    }

    /** The {@link #handedOff} deleter: EBR's bag runs free its nodes with the allocator's trim. */
    private static final class HandedOff extends NodeDeleter implements CachingDeleter {
        HandedOff(SlabAllocator allocator, long blockSize) {
            super(allocator, blockSize);
        }

        @Override
        public void deleteAllAndTrim(long[] pointers, int from, int to) {
            AllocatorAccess.deleteAllAndTrim(allocator, pointers, from, to);
        }
    }
}

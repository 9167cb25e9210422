package dev.reclaim.collections;

import dev.reclaim.Deleter;
import dev.reclaim.memory.SlabAllocator;

/**
 * The deleter a structure retires its fixed-size nodes with: it frees them to the structure's allocator (one
 * {@link SlabAllocator#deleteAll} per run, as the allocator itself would) and reports their size without a
 * lookup. Retiring with the allocator as the deleter costs a chunk-table lookup and a chunk-header read per
 * retire for {@link SlabAllocator#sizeOf(long)}, which validates an arbitrary address; a structure's own
 * nodes need no validation and all have the same size.
 *
 * <p>Under a sanitizing allocator {@link #of} returns the allocator itself, so that retiring a node that was
 * already freed is still caught at the retire.
 */
final class NodeDeleter implements Deleter {

    private final SlabAllocator allocator;
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
        return allocator.isSanitizing() ? allocator : new NodeDeleter(allocator, allocator.blockSizeFor(nodeSize));
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
}

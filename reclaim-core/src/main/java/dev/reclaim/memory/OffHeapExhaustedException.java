package dev.reclaim.memory;

/**
 * A {@link SlabAllocator} could not satisfy an allocation: its {@linkplain SlabAllocator.Builder#capacity(long)
 * capacity} would be exceeded, or the operating system refused memory. The message gives the requested size,
 * the capacity, the live bytes and the fix. The allocator remains usable: freeing blocks makes room.
 */
public final class OffHeapExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The size that was requested. */
    private final long requestedBytes;

    OffHeapExhaustedException(String allocator, String message, long requestedBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
        AllocatorJfr.exhausted(allocator, requestedBytes, message);
    }

    /**
     * The size of the allocation that failed.
     *
     * @return bytes requested
     */
    public long requestedBytes() {
        return requestedBytes;
    }
}

package dev.reclaim.memory;

/**
 * An access, or a free, that touched a block after it was freed: thrown in sanitizer mode by every
 * {@link Memory} accessor and by {@link SlabAllocator#free(long)} (double free). The message names the
 * address, the block, the allocator, the site that allocated the block and the site that freed it.
 *
 * <p>Fix: the block was freed while still reachable; retire it through a reclaimer
 * ({@code guard.retire(pointer, allocator)}) instead of freeing it directly, or stop using it after free.
 */
public final class UseAfterFreeException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The accessed address. */
    private final long address;
    /** The start of the freed block that contains it. */
    private final long blockAddress;

    UseAfterFreeException(String message, long address, long blockAddress) {
        super(message);
        this.address = address;
        this.blockAddress = blockAddress;
    }

    /**
     * The address that was accessed.
     *
     * @return the address
     */
    public long address() {
        return address;
    }

    /**
     * The start of the freed block the address falls in.
     *
     * @return the block's address
     */
    public long blockAddress() {
        return blockAddress;
    }
}

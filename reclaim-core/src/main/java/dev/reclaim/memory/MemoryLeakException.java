package dev.reclaim.memory;

import java.util.List;

/**
 * Thrown by {@link SlabAllocator#close()} when blocks were never freed (always in sanitizer mode; in fast mode
 * when the allocator was built with {@link SlabAllocator.Builder#onLeak onLeak(OnLeak.THROW)}). The
 * allocator has already returned their memory and is closed when this is thrown. In sanitizer mode the message
 * lists up to 20 blocks with their allocation sites and {@link #getLeaks()} returns all of them; fast mode keeps
 * no sites, so the message gives the count and bytes only and {@link #getLeaks()} is empty.
 *
 * <p>Fix: free (or retire through a reclaimer, and close or synchronize the reclaimer) every block before
 * closing the allocator.
 */
public final class MemoryLeakException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** How many leaks the message lists. */
    static final int MAX_LISTED = 20;

    /** Every leaked block (not serialized); empty in fast mode. */
    private final transient List<LeakedBlock> leaks;
    /** How many blocks were never freed. */
    private final long leakedBlocks;
    /** Their usable bytes in total. */
    private final long leakedBytes;

    MemoryLeakException(String allocatorName, List<LeakedBlock> leaks) {
        super(message(allocatorName, leaks));
        this.leaks = List.copyOf(leaks);
        this.leakedBlocks = leaks.size();
        this.leakedBytes = leaks.stream().mapToLong(LeakedBlock::size).sum();
    }

    /** Fast mode: the count and bytes, no sites. */
    MemoryLeakException(String allocatorName, long blocks, long bytes) {
        super(fastMessage(allocatorName, blocks, bytes));
        this.leaks = List.of();
        this.leakedBlocks = blocks;
        this.leakedBytes = bytes;
    }

    static String fastMessage(String allocatorName, long blocks, long bytes) {
        return "allocator '" + allocatorName + "' closed with " + blocks + " block(s) (" + bytes + " bytes) never"
                + " freed; their memory has been returned now. Free or retire every block before close(). Fast mode"
                + " keeps no allocation sites: build the allocator with sanitize(true), or run with -D"
                + SlabAllocator.SANITIZE_PROPERTY + "=true, to list them";
    }

    /**
     * How many blocks were never freed.
     *
     * @return the count
     */
    public long leakedBlocks() {
        return leakedBlocks;
    }

    /**
     * The usable bytes of the blocks never freed.
     *
     * @return the bytes
     */
    public long leakedBytes() {
        return leakedBytes;
    }

    private static String message(String allocatorName, List<LeakedBlock> leaks) {
        long bytes = 0;
        for (LeakedBlock b : leaks) {
            bytes += b.size();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("allocator '").append(allocatorName).append("' closed with ").append(leaks.size())
                .append(" block(s) (").append(bytes).append(" bytes) never freed; they have been freed now. ")
                .append("Free or retire every block before close(). Leaks:");
        int n = 0;
        for (LeakedBlock b : leaks) {
            if (n++ == MAX_LISTED) {
                sb.append("\n... and ").append(leaks.size() - MAX_LISTED).append(" more (see getLeaks())");
                break;
            }
            sb.append("\n").append(b);
        }
        return sb.toString();
    }

    /**
     * Every block that was still allocated at close, with its allocation site.
     *
     * @return the leaked blocks (empty after deserialization)
     */
    public List<LeakedBlock> getLeaks() {
        return leaks == null ? List.of() : leaks;
    }
}

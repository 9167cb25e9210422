package dev.reclaim.memory;

import java.util.List;

/**
 * Thrown by {@link SlabAllocator#close()} in sanitizer mode when blocks were never freed. The allocator has
 * already freed them and is closed when this is thrown; the message lists up to 20 blocks with their
 * allocation sites, {@link #getLeaks()} returns all of them.
 *
 * <p>Fix: free (or retire through a reclaimer, and close or synchronize the reclaimer) every block before
 * closing the allocator.
 */
public final class MemoryLeakException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** How many leaks the message lists. */
    static final int MAX_LISTED = 20;

    /** Every leaked block (not serialized). */
    private final transient List<LeakedBlock> leaks;

    MemoryLeakException(String allocatorName, List<LeakedBlock> leaks) {
        super(message(allocatorName, leaks));
        this.leaks = List.copyOf(leaks);
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

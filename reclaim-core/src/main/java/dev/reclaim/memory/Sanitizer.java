package dev.reclaim.memory;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Checks every {@link Memory} access while at least one sanitizing {@link SlabAllocator} is open.
 *
 * <p>Every block of a sanitizing allocator lives in its own region {@code [redzone | block | redzone]}; the
 * regions of all sanitizing allocators sit in one skip list keyed by region start. An access is checked by a
 * floor lookup: inside a freed (quarantined) block: {@link UseAfterFreeException}; inside a region but not
 * inside its block (redzone: under- or overflow): {@link IndexOutOfBoundsException}; outside every region:
 * allowed (fast-mode blocks, or memory this library does not own).
 */
final class Sanitizer {

    /**
     * Whether any sanitizing allocator is open. Read plainly by {@link Memory} on every access: it turns true
     * before a sanitizing allocator hands out its first block (the hand-off of that block to another thread
     * carries the happens-before edge), and a stale {@code true} only costs a lookup.
     */
    static boolean enabled;

    /** Open sanitizing allocators; guarded by the class monitor. */
    private static int openAllocators;

    /** Region start → region, for every live or quarantined block of every sanitizing allocator. */
    static final ConcurrentSkipListMap<Long, SanitizingSlab.Region> REGIONS = new ConcurrentSkipListMap<>();

    private Sanitizer() {
    }

    static synchronized void register() {
        openAllocators++;
        enabled = true; // plain: see the field's comment
    }

    static synchronized void unregister() {
        if (--openAllocators == 0) {
            enabled = false; // plain: see the field's comment
        }
    }

    /**
     * Throws if {@code [address, address + bytes)} touches a freed block or a redzone of a sanitizing
     * allocator.
     *
     * @param address the first byte accessed
     * @param bytes   how many bytes are accessed
     */
    static void check(long address, long bytes) {
        Map.Entry<Long, SanitizingSlab.Region> e = REGIONS.floorEntry(address);
        if (e == null) {
            return;
        }
        SanitizingSlab.Region r = e.getValue();
        if (address >= r.regionEnd()) {
            return;
        }
        r.checkAccess(address, Math.max(bytes, 1));
    }
}

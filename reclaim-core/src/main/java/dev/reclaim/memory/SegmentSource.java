package dev.reclaim.memory;

import static dev.reclaim.memory.SlabDescriptor.CHUNK_SIZE;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Locale;

/**
 * Where a fast-mode allocator's segments come from. On Linux: anonymous regions of {@link #REGION_SIZE} bytes
 * mapped with {@code mmap} and advised for transparent huge pages ({@code madvise(MADV_HUGEPAGE)}), cut into
 * segments in order; elsewhere, or when the system property {@value #PROPERTY} is {@code false}: the
 * allocator's shared {@link Arena}. A region costs address space only until its pages are touched.
 *
 * <p>Why: the blocks of a big off-heap structure are read at random, and with 4 KiB pages nearly every such read
 * at 10^6 entries and more also misses the TLB (its reach is a few MiB); 2 MiB pages cover gigabytes. A dependent
 * random read over 1.5 GiB costs about 340 CPU ns with 4 KiB pages and 215 ns with huge pages on the reference
 * machine. Where the system's policy is {@code never} the advice has no effect; with {@code madvise} (a common
 * default) or {@code always} the regions get huge pages as they are first touched.
 *
 * <p>Not thread-safe: the allocator calls {@link #segment} under its chunk lock and {@link #close} once, after all
 * other use.
 */
final class SegmentSource {

    /** The system property that turns huge-page regions off ({@code -Dreclaim.memory.hugePages=false}). */
    static final String PROPERTY = "reclaim.memory.hugePages";
    /** Address space mapped at a time (touched only as segments are used). */
    static final long REGION_SIZE = 64L << 20;
    /** The huge page size regions are aligned to (x86-64 and arm64 with 4 KiB base pages). */
    static final long HUGE_PAGE = 2L << 20;

    private static final boolean HUGE = enabled();

    private final Arena arena;
    private final ArrayList<long[]> regions = new ArrayList<>();
    private long cursor;
    private long limit;

    SegmentSource(Arena arena) {
        this.arena = arena;
    }

    private static boolean enabled() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
                && Libc.hasMmap();
    }

    /** Whether segments come from huge-page regions in this JVM. */
    static boolean hugePages() {
        return HUGE;
    }

    /**
     * A zeroed segment of {@code bytes} (a multiple of the chunk size), aligned to the chunk size.
     *
     * @throws OutOfMemoryError if the memory cannot be had
     */
    long segment(long bytes) {
        if (!HUGE) {
            return arena.allocate(bytes, CHUNK_SIZE).address();
        }
        if (limit - cursor < bytes) {
            long length = Math.max(REGION_SIZE, bytes) + HUGE_PAGE;
            long base = Libc.mapAnonymous(length);
            if (base == 0) {
                throw new OutOfMemoryError("mmap of " + length + " bytes failed");
            }
            regions.add(new long[] {base, length});
            Libc.adviseHugePages(base, length); // advice only: ignored where the policy is "never"
            cursor = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
            limit = base + length;
        }
        long s = cursor;
        cursor += bytes;
        return s;
    }

    /**
     * Advises huge pages for the whole 2 MiB pages inside a large block of {@code length} bytes at
     * {@code address} (a C-library allocation: its own mapping at these sizes), when huge pages are on and the
     * block spans at least two of them. Call before the block's pages are first written.
     */
    static void adviseLarge(long address, long length) {
        if (!HUGE || length < 2 * HUGE_PAGE) {
            return;
        }
        long start = (address + HUGE_PAGE - 1) & -HUGE_PAGE;
        long end = (address + length) & -HUGE_PAGE;
        if (end > start) {
            Libc.adviseHugePages(start, end - start); // advice only
        }
    }

    /** Returns every region (and the arena's segments) to the OS. */
    void close() {
        for (long[] r : regions) {
            Libc.unmap(r[0], r[1]);
        }
        regions.clear();
        cursor = 0;
        limit = 0;
        arena.close();
    }
}

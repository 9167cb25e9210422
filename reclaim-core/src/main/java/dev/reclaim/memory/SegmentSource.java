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
 * <p>Large blocks of {@link #MAP_THRESHOLD} bytes and more get a mapping of their own on Linux ({@link #mapBlock}),
 * unmapped when they are freed: every such block is fresh memory, which the kernel zeroes page by page as it is
 * first touched, so a zeroed allocation of one needs no {@code memset} (which would touch, and fault in, every
 * page at once: about a second for 4 GiB), and freeing it returns it to the OS at once.
 *
 * <p>Not thread-safe: the allocator calls {@link #segment} under its chunk lock and {@link #close} once, after all
 * other use. The static block methods are thread-safe.
 */
final class SegmentSource {

    /** The system property that turns huge-page regions off ({@code -Dreclaim.memory.hugePages=false}). */
    static final String PROPERTY = "reclaim.memory.hugePages";
    /** Address space mapped at a time (touched only as segments are used). */
    static final long REGION_SIZE = 64L << 20;
    /** The huge page size regions are aligned to (x86-64 and arm64 with 4 KiB base pages). */
    static final long HUGE_PAGE = 2L << 20;
    /** Large blocks of this many bytes (header included) and more get a mapping of their own: 1 MiB. */
    static final long MAP_THRESHOLD = 1L << 20;

    private static final boolean MAPPABLE = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("linux") && Libc.hasMmap();
    private static final boolean HUGE = MAPPABLE && Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));

    private final Arena arena;
    private final ArrayList<long[]> regions = new ArrayList<>();
    private long cursor;
    private long limit;

    SegmentSource(Arena arena) {
        this.arena = arena;
    }

    /** Whether segments come from huge-page regions in this JVM. */
    static boolean hugePages() {
        return HUGE;
    }

    /**
     * A zeroed segment of {@code bytes} (a multiple of the chunk size), aligned to the chunk size: fresh pages of
     * a region, or the arena's allocation (which {@link Arena#allocate(long, long)} fills with zeros).
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
     * Whether large blocks can have mappings of their own in this JVM (Linux with mmap, munmap and madvise;
     * independent of {@value #PROPERTY}, which only decides the huge-page advice).
     */
    static boolean canMapBlocks() {
        return MAPPABLE;
    }

    /**
     * A fresh anonymous mapping of {@code bytes} (a multiple of the chunk size) for one large block: aligned to
     * the huge page size when the block spans at least two huge pages and huge pages are on (advised
     * {@code MADV_HUGEPAGE} then), else to the chunk size. Its memory is zero, as the kernel hands out every new
     * page, and costs nothing until touched: no page is written here. The head and tail that the alignment left
     * over are unmapped at once, so {@link #unmapBlock} with the same {@code bytes} returns all of it.
     *
     * @return the block's chunk address, or 0 when the kernel refused
     */
    static long mapBlock(long bytes) {
        boolean huge = HUGE && bytes >= 2 * HUGE_PAGE;
        long align = huge ? HUGE_PAGE : CHUNK_SIZE;
        long length = bytes + align;
        long base = Libc.mapAnonymous(length);
        if (base == 0) {
            return 0;
        }
        long start = (base + align - 1) & -align;
        if (start > base) {
            Libc.unmap(base, start - base);
        }
        long tail = base + length - (start + bytes);
        if (tail > 0) {
            Libc.unmap(start + bytes, tail);
        }
        if (huge) {
            Libc.adviseHugePages(start, bytes); // advice only: ignored where the policy is "never"
        }
        return start;
    }

    /** Returns a mapping {@link #mapBlock} made for {@code bytes} to the OS. */
    static void unmapBlock(long address, long bytes) {
        Libc.unmap(address, bytes);
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

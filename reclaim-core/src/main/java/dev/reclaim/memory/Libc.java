package dev.reclaim.memory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls to the C library's {@code aligned_alloc} and {@code free}, for large blocks and sanitizer blocks.
 * Pointers travel as {@code long} (LP64: same register class as a pointer), so a call allocates nothing on
 * the Java heap.
 */
final class Libc {

    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000; // Linux values
    private static final int MADV_HUGEPAGE = 14; // Linux value

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(
                libc.find("aligned_alloc").orElseThrow(() -> new UnsupportedOperationException(
                        "the C library has no aligned_alloc; the slab allocator's large-block and sanitizer paths "
                                + "need a C11 libc (Linux, macOS)")),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
        MMAP = libc.find("mmap").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))).orElse(null);
        MUNMAP = libc.find("munmap").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).orElse(null);
        MADVISE = libc.find("madvise").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                .orElse(null);
    }

    /** Whether mmap, munmap and madvise were found (Linux: always). */
    static boolean hasMmap() {
        return MMAP != null && MUNMAP != null && MADVISE != null;
    }

    /** Maps {@code length} bytes of zeroed, private, anonymous memory (Linux flags); 0 if the kernel refused. */
    static long mapAnonymous(long length) {
        try {
            long a = (long) MMAP.invokeExact(0L, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0L);
            return a == -1L ? 0L : a;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap(" + length + ") failed", t);
        }
    }

    /** Unmaps a region {@link #mapAnonymous} returned. */
    static void unmap(long address, long length) {
        try {
            int r = (int) MUNMAP.invokeExact(address, length);
            if (r != 0) {
                throw new IllegalStateException("munmap(0x" + Long.toHexString(address) + ", " + length
                        + ") returned " + r);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap(0x" + Long.toHexString(address) + ") failed", t);
        }
    }

    /** Advises transparent huge pages for a mapped region; the result is ignored (advice). */
    static void adviseHugePages(long address, long length) {
        try {
            int ignored = (int) MADVISE.invokeExact(address, length, MADV_HUGEPAGE);
        } catch (Throwable t) {
            throw new IllegalStateException("madvise(0x" + Long.toHexString(address) + ") failed", t);
        }
    }

    private Libc() {
    }

    /**
     * {@code aligned_alloc(alignment, size)}.
     *
     * @return the address, 0 when the C library is out of memory
     */
    static long alignedAlloc(long alignment, long size) {
        try {
            return (long) ALIGNED_ALLOC.invokeExact(alignment, size);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc(" + alignment + ", " + size + ") failed", t);
        }
    }

    /** {@code free(address)}. */
    static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free(0x" + Long.toHexString(address) + ") failed", t);
        }
    }
}

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

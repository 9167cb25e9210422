package dev.reclaim.internal;

import dev.reclaim.memory.SlabAllocator;

/**
 * The slab allocator's trimming batch free, for a {@link CachingDeleter} of the library's collections, without
 * being {@link SlabAllocator} API: {@code SlabAllocator} installs it when its class is initialized.
 */
public final class AllocatorAccess {

    /** The allocator's side. */
    @FunctionalInterface
    public interface Trimming {
        /**
         * {@code allocator.deleteAll(pointers, from, to)}, then the trim of {@link CachingDeleter}.
         *
         * @param allocator the allocator the blocks belong to
         * @param pointers  the blocks
         * @param from      first index, inclusive
         * @param to        last index, exclusive
         */
        void deleteAllAndTrim(SlabAllocator allocator, long[] pointers, int from, int to);
    }

    /**
     * Set once by SlabAllocator's static initializer. Plain: whoever holds a SlabAllocator has seen its class
     * initialized, and class initialization happens-before every use of the class (JLS 12.4.2).
     */
    private static Trimming trimming;

    private AllocatorAccess() {
    }

    /**
     * Installs the allocator's side; called by {@link SlabAllocator} only.
     *
     * @param t the allocator's trimming free
     */
    public static void install(Trimming t) {
        if (trimming != null) {
            throw new IllegalStateException("the allocator's trimming free is installed once, by SlabAllocator");
        }
        trimming = t;
    }

    /**
     * Frees {@code pointers[from..to)} to {@code allocator}, then trims the calling thread's cache (see
     * {@link CachingDeleter}).
     *
     * @param allocator the allocator the blocks belong to
     * @param pointers  the blocks
     * @param from      first index, inclusive
     * @param to        last index, exclusive
     */
    public static void deleteAllAndTrim(SlabAllocator allocator, long[] pointers, int from, int to) {
        trimming.deleteAllAndTrim(allocator, pointers, from, to);
    }
}

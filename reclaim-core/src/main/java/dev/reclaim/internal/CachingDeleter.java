package dev.reclaim.internal;

import dev.reclaim.Deleter;

/**
 * A deleter that frees to a {@link dev.reclaim.memory.SlabAllocator} (the collections' node deleter) and can be
 * told that a run of frees is an EBR bag run, after which the calling thread may hand what its allocator cache
 * holds beyond one batch per size class to the allocator's shared lists. {@link Reclamation#runAll} calls it
 * for such a deleter when the scheme asks (EBR); any other deleter (the allocator itself, a user's wrapper
 * around one) gets {@link Deleter#deleteAll}.
 *
 * <p>Why: under EBR a thread runs the bags it sealed itself, so its cache fills with the blocks it retired. In a
 * structure whose nodes pass between threads (a queue: one thread links what another unlinks) handing the
 * surplus to the shared lists after each run, while another thread takes batches from them, measured up to
 * 1.6-1.9x faster than keeping it (design notes, "EBR slots collect the bags they seal"; why is not known).
 * Hazard-pointer scans do not use it: a trim after each scan measured slower there.
 */
public interface CachingDeleter extends Deleter {
    /**
     * As {@link Deleter#deleteAll(long[], int, int)}, then the allocator's trim of the calling thread's cache
     * ({@link AllocatorAccess#deleteAllAndTrim}).
     *
     * @param pointers the pointers
     * @param from     first index, inclusive
     * @param to       last index, exclusive
     */
    void deleteAllAndTrim(long[] pointers, int from, int to);
}

/**
 * Off-heap memory for lock-free structures: the {@link dev.reclaim.memory.SlabAllocator}, its sanitizer mode,
 * and the {@link dev.reclaim.memory.Memory} accessors.
 *
 * <h2>Why</h2>
 * A lock-free structure that keeps its nodes off the Java heap needs many small blocks, allocated and freed at
 * the rate of its operations, by any thread. One {@link java.lang.foreign.Arena} per node is far too slow (a
 * shared arena's {@code close()} costs about 20 µs, a handshake with every thread) and {@code malloc} through
 * a downcall costs tens of nanoseconds. The slab allocator hands out {@code long} addresses (0 is null) in a
 * few nanoseconds with nothing allocated on the Java heap, and it is a {@link dev.reclaim.Deleter}, so a
 * retired node is freed with {@code guard.retire(node, allocator)}.
 *
 * <pre>{@code
 * try (SlabAllocator slab = SlabAllocator.builder().name("stack-nodes").build()) {
 *     long node = slab.allocate(16);
 *     Memory.putLong(node, value);                 // plain: not yet published
 *     Memory.putLong(node + 8, oldHead);
 *     ...                                          // publish with a CAS, unlink, then:
 *     guard.retire(node, slab);                    // freed once no reader can reach it
 * }                                                // close(): all memory back to the OS
 * }</pre>
 *
 * <h2>Fast mode (the default)</h2>
 * <ul>
 *   <li><b>Size classes.</b> Requests are rounded up to one of 36 classes: 16 to 256 bytes in steps of 16,
 *       then four classes per power of two (320, 384, 448, 512, 640, ...) up to 8 KiB. Internal waste is at
 *       most 15 bytes up to 256 bytes and at most 25% above (about 12% on average). Every block is 16-byte
 *       aligned; {@link dev.reclaim.memory.SlabAllocator#blockSize(long)} gives its usable size.</li>
 *   <li><b>Segments and chunks.</b> Memory comes 1 MiB at a time, cut into 64 KiB chunks aligned to 64 KiB. On
 *       Linux the segments are cut from anonymous 64 MiB regions advised for transparent huge pages
 *       ({@code madvise(MADV_HUGEPAGE)}; address space until touched), so random reads over gigabytes of
 *       blocks rarely miss the TLB; large blocks of 4 MiB and more are advised the same way (and aligned to
 *       2 MiB).
 *       {@code -Dreclaim.memory.hugePages=false}, or another OS, takes them from one shared arena per
 *       allocator instead. A chunk serves one class; its 64-byte header (magic, class,
 *       allocator) is found from any block address by masking the low 16 bits, so blocks carry no header.
 *       A process-wide radix table of chunks lets {@code free} reject addresses it never handed out
 *       ({@link java.lang.IllegalArgumentException}) without touching memory that may not be mapped.</li>
 *   <li><b>Large blocks</b> (above 8 KiB) are individual 64 KiB-aligned {@code aligned_alloc} calls of the
 *       C library with the same header, freed individually with {@code free}: a large block costs two downcalls
 *       (allocate, free) and up to 64 KiB of address space, but no memory stays behind after it is freed. On
 *       Linux a large block of 1 MiB or more is instead an anonymous mapping of its own ({@code mmap}, unmapped
 *       by {@code free}): fresh memory, so {@code allocateZeroed} does not fill it (the kernel zeroes each page
 *       as it is first touched) and a table of gigabytes is allocated in microseconds, its page faults spread
 *       over its first writes.</li>
 *   <li><b>Thread caching.</b> Each platform thread has a small cache (a magazine per class, 8 to 256
 *       blocks, at most 64 KiB), found by thread id in a small per-allocator table; allocate and free pop and push it, and only every
 *       few dozen operations move a batch of blocks to or from a lock-free per-class depot with one CAS.
 *       A block may be freed by any thread: it goes to the freeing thread's cache (when EBR runs a bag of a
 *       {@code MichaelScottQueue}'s nodes, the running thread then keeps one batch of that class and hands the
 *       rest to the depot, while other threads take batches of it too). Virtual threads do not use
 *       caches (a virtual thread may die at any point, and millions may exist); they push and pop single
 *       blocks on a lock-free per-class list, at the cost of one CAS per operation. The caches of platform
 *       threads that have died are swept back to the depots when a thread registers, before a new chunk is
 *       carved and before exhaustion is reported.</li>
 *   <li><b>Cost.</b> An allocate or free on a platform thread is a thread-local lookup plus a few loads and
 *       stores and allocates nothing on the Java heap. Measured on the 2-core development machine with a
 *       plain timing loop (not JMH): an allocate+free pair of a 32-byte block costs about 13-15 ns (with a
 *       {@code ThreadLocal} for the cache it was 19 ns: two such lookups alone cost 8 ns there), of which
 *       2.4 ns are the chunk-table lookup that validates the address in {@code free}. Figures from JMH belong in
 *       {@code docs/performance.md}.</li>
 *   <li><b>No safety net.</b> A double free, a use after free or a write past the end of a block is
 *       undefined behaviour in fast mode: it corrupts the free lists or other blocks, and may crash the JVM.
 *       Run tests in sanitizer mode.</li>
 * </ul>
 *
 * <h2>Sanitizer mode</h2>
 * Turned on per allocator with {@link dev.reclaim.memory.SlabAllocator.Builder#sanitize(boolean)}, or for
 * every allocator that does not choose with {@code -Dreclaim.sanitize=true}. Each block is then its own C
 * allocation between two 16-byte redzones, registered in a process-wide map, and while any sanitizing
 * allocator is open every {@link dev.reclaim.memory.Memory} access is checked against that map:
 * <ul>
 *   <li>an access to a freed block throws {@link dev.reclaim.memory.UseAfterFreeException} naming the
 *       address, the block, and the threads (and, when recorded, the stacks) that allocated and freed it.
 *       Freed blocks are filled with {@code 0xDF} and kept in a quarantine (by default the last 4096 blocks,
 *       at most 16 MiB, per allocator; {@link dev.reclaim.memory.SlabAllocator.Builder#quarantine(int, long)})
 *       so that their addresses are not handed out again meanwhile; fresh blocks are filled with {@code 0xA5} so that code
 *       relying on zeroed memory without {@code allocateZeroed} fails fast;</li>
 *   <li>an access that leaves its block (into a redzone) throws {@link java.lang.IndexOutOfBoundsException};</li>
 *   <li>a double free throws {@link java.lang.IllegalStateException} naming the allocation and first free
 *       sites;</li>
 *   <li>{@link dev.reclaim.memory.SlabAllocator#close()} frees every block still live and throws
 *       {@link dev.reclaim.memory.MemoryLeakException} listing them with their allocation sites, and
 *       {@link dev.reclaim.memory.SlabAllocator#liveBlocks()} lists them at any time.</li>
 * </ul>
 * Stacks are sampled: by default one allocate or free in 64 records its stack
 * ({@link dev.reclaim.memory.SlabAllocator.Builder#siteSampling(int)}, or {@code -Dreclaim.sanitize.siteSampling=1}
 * for every one). Detection does not depend on it; a recorded stack costs about 1 KB of heap for as long as its
 * block is live or quarantined, which with every stack recorded made the heap, not the blocks, the sanitizer's
 * main footprint. A report whose stacks were not recorded says how to record them.
 * Accesses to memory that belongs to no sanitizing allocator (fast-mode blocks, other native memory) pass
 * unchecked. Sanitizer mode costs a map insert per allocate, a map lookup per access and a stack capture per
 * sampled allocate or free (microseconds per block, about 1M allocate/free pairs in a few seconds): it is for
 * tests and torture runs.
 * It only sees accesses made through {@link dev.reclaim.memory.Memory} (not through
 * {@link dev.reclaim.memory.Memory#segment(long, long) segment views}), and a block that has left the
 * quarantine is no longer checked.
 *
 * <h2>Capacity, garbage and fragmentation</h2>
 * {@link dev.reclaim.memory.SlabAllocator.Builder#capacity(long)} bounds the memory an allocator takes from
 * the operating system in fast mode (segments plus large blocks) and its live bytes in sanitizer mode; an
 * allocation beyond it throws {@link dev.reclaim.memory.OffHeapExhaustedException} and the allocator stays
 * usable. In fast mode a chunk keeps its class until {@code close()}: memory reserved by a burst of one size
 * is reused by that size only, and free blocks sitting in other live threads' caches (at most 2 × the batch
 * size per class and thread) do not count as room. Only {@code close()} returns segments to the operating
 * system; it returns all of them.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.memory.SlabAllocator#stats() stats()} reports live, reserved and peak bytes. With JDK Flight
 * Recorder running, a fast-mode allocator emits {@code dev.reclaim.memory.Grow} when it reserves a segment of
 * chunks or a large block of 1 MiB or more, and either mode emits {@code dev.reclaim.memory.Exhausted} (with the failing
 * caller's stack) for each {@link dev.reclaim.memory.OffHeapExhaustedException}. Both are on slow paths only.
 *
 * <h2>When not to use it</h2>
 * <ul>
 *   <li>For a few long-lived buffers: use an {@link java.lang.foreign.Arena} directly.</li>
 *   <li>For mostly-large blocks (above 8 KiB): they go to the C library (from 1 MiB on Linux: to {@code mmap})
 *       anyway.</li>
 *   <li>When blocks must outlive the allocator, or be closed from under running threads:
 *       {@code close()} must come after every other use.</li>
 *   <li>When Java objects would do: on-heap nodes with the garbage collector need no reclamation scheme.</li>
 * </ul>
 */
package dev.reclaim.memory;

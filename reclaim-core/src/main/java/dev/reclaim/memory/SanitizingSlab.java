package dev.reclaim.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sanitizer-mode engine of a {@link SlabAllocator}: one libc allocation per block, with redzones, poison,
 * a quarantine of freed blocks, and allocation/free sites (every one, or a sample).
 */
final class SanitizingSlab {

    /* Implementation notes
     *
     * Each block is its own aligned_alloc region [REDZONE | block (class size) | REDZONE], registered in
     * Sanitizer.REGIONS (a ConcurrentSkipListMap: its put/remove/get are linearizable and give the
     * happens-before edges between the allocating, freeing and checking threads). A block's state is its
     * freeSite: null while live, set once by the winning free() under the region's monitor (so a double free
     * sees the first free's site). Freed blocks are poisoned (FREED_POISON) and kept in a FIFO quarantine
     * (at most quarantineBlocks blocks and quarantineBytes bytes) before their memory returns to libc, so
     * their addresses cannot be handed out again while they are quarantined: an access to a quarantined
     * block is reported with both sites. After eviction, a stale access is no longer detected.
     *
     * Sites. Every allocate and free makes a Site (the thread's name); one in siteSampling of them (chosen by
     * ThreadLocalRandom, so no shared counter) also captures the stack. Detection never depends on the stack:
     * a block's state is whether its freeSite is set, captured or not. An uncaptured Site is a small object
     * with no backtrace; a captured one holds the VM's backtrace arrays (about 1 KB at torture's depths),
     * which for every live and quarantined block is what dominated the sanitizer's heap.
     *
     * Cost: a Site per allocate and per free (a stack capture for the sampled ones), a skip-list insert and
     * lookup; about 1-5 µs per allocate/free pair with every stack captured. Memory: block + 2 * REDZONE + the
     * Region and Site objects.
     */

    static final long REDZONE = 16;
    static final byte FRESH_POISON = (byte) 0xA5;
    static final byte FREED_POISON = (byte) 0xDF;
    /** Default quarantine length in blocks. */
    static final int QUARANTINE_BLOCKS = 4096;
    /** Default quarantine size in bytes. */
    static final long QUARANTINE_BYTES = 16L << 20;
    /** Default site sampling: one allocate or free in this many records its stack. */
    static final int SITE_SAMPLING = 64;

    private final String name;
    private final long capacity;
    private final int quarantineBlocks;
    private final long quarantineBytesMax;
    /** 0: no stacks; 1: every stack; n: one stack in n. */
    private final int siteSampling;

    private final AtomicLong liveBlocks = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicLong peakLiveBytes = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();

    /** Freed blocks not yet returned to libc, oldest first; guarded by itself. */
    private final ArrayDeque<Region> quarantine = new ArrayDeque<>();
    private long quarantineBytes;

    SanitizingSlab(String name, long capacity, int quarantineBlocks, long quarantineBytes, int siteSampling) {
        this.name = name;
        this.capacity = capacity;
        this.quarantineBlocks = quarantineBlocks;
        this.quarantineBytesMax = quarantineBytes;
        this.siteSampling = siteSampling;
        Sanitizer.register();
    }

    /** A site for an allocate or free by the calling thread, with its stack if this one is sampled. */
    private Site site(String what) {
        boolean stack = siteSampling == 1
                || (siteSampling > 1 && ThreadLocalRandom.current().nextInt(siteSampling) == 0);
        return new Site(what, stack ? 0 : siteSampling == 0 ? -1 : siteSampling);
    }

    long allocate(long size, boolean zeroed) {
        int cls = SlabDescriptor.classIndex(size);
        long blockSize = cls < 0 ? SlabDescriptor.alignUp(size) : SlabDescriptor.CLASS_SIZES[cls];
        while (true) {
            long live = liveBytes.get();
            if (blockSize > capacity - live) {
                throw new OffHeapExhaustedException(name, "allocator '" + name + "' cannot allocate " + size
                        + " bytes: its capacity of " + capacity + " bytes is reached (live " + live + " bytes in "
                        + liveBlocks.get() + " blocks). Raise SlabAllocator.Builder.capacity(...) or free blocks",
                        size);
            }
            if (liveBytes.compareAndSet(live, live + blockSize)) {
                break;
            }
        }
        long regionSize = blockSize + 2 * REDZONE;
        long region = Libc.alignedAlloc(SlabDescriptor.BLOCK_ALIGNMENT, regionSize);
        if (region == 0) {
            liveBytes.addAndGet(-blockSize);
            throw new OffHeapExhaustedException(name, "allocator '" + name + "' cannot allocate " + size
                    + " bytes: the C library refused " + regionSize + " bytes (live " + liveBytes.get()
                    + " bytes); free blocks or give the process more memory", size);
        }
        long block = region + REDZONE;
        Memory.ALL.asSlice(region, REDZONE).fill(FREED_POISON);
        Memory.ALL.asSlice(block, blockSize).fill(zeroed ? 0 : FRESH_POISON);
        Memory.ALL.asSlice(block + blockSize, REDZONE).fill(FREED_POISON);
        Region r = new Region(this, region, block, blockSize, site("allocated"));
        Sanitizer.REGIONS.put(region, r);
        reservedBytes.addAndGet(regionSize);
        liveBlocks.incrementAndGet();
        allocations.incrementAndGet();
        peakLiveBytes.accumulateAndGet(liveBytes.get(), Math::max);
        return block;
    }

    private Region lookup(long address) {
        Map.Entry<Long, Region> e = Sanitizer.REGIONS.floorEntry(address);
        Region r = e == null ? null : e.getValue();
        if (r == null || address >= r.regionEnd()) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address)
                    + " was not allocated by sanitizing allocator '" + name + "' (or was freed long enough ago "
                    + "to leave the quarantine); free a block with the allocator that allocated it, exactly once");
        }
        if (r.owner != this) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " belongs to allocator '"
                    + r.owner.name + "', not '" + name + "'; free a block with the allocator that allocated it");
        }
        if (address != r.block) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " points inside block 0x"
                    + Long.toHexString(r.block) + " (" + r.size + " bytes) of allocator '" + name
                    + "', not at its start: pass the address allocate() returned");
        }
        return r;
    }

    void free(long address) {
        Region r = lookup(address);
        Site site = site("freed");
        synchronized (r) {
            Site first = r.freeSite();
            if (first != null) {
                throw new UseAfterFreeException("double free of block 0x" + Long.toHexString(r.block) + " ("
                        + r.size + " bytes) of allocator '" + name + "'; it was " + r.allocationSite.describe()
                        + "\nand first " + first.describe()
                        + "\nFree each block once (retire it through one reclaimer, or free it directly, not both)",
                        address, r.block);
            }
            r.setFreeSite(site);
        }
        Memory.ALL.asSlice(r.block, r.size).fill(FREED_POISON);
        liveBlocks.decrementAndGet();
        liveBytes.addAndGet(-r.size);
        frees.incrementAndGet();
        List<Region> evicted = new ArrayList<>(0);
        synchronized (quarantine) {
            quarantine.addLast(r);
            quarantineBytes += r.size;
            while (quarantine.size() > quarantineBlocks || quarantineBytes > quarantineBytesMax) {
                Region old = quarantine.removeFirst();
                quarantineBytes -= old.size;
                evicted.add(old);
            }
        }
        for (Region old : evicted) {
            release(old);
        }
    }

    private void release(Region r) {
        Sanitizer.REGIONS.remove(r.region, r);
        Libc.free(r.region);
        reservedBytes.addAndGet(-(r.size + 2 * REDZONE));
    }

    long blockSize(long address) {
        Region r = lookup(address);
        Site freed = r.freeSite();
        if (freed != null) {
            throw new UseAfterFreeException("blockSize(0x" + Long.toHexString(address) + ") of a freed block: "
                    + r.describe() + "\nStop using a block after freeing it", address, r.block);
        }
        return r.size;
    }

    List<LeakedBlock> liveBlocks() {
        List<LeakedBlock> out = new ArrayList<>();
        for (Region r : Sanitizer.REGIONS.values()) {
            if (r.owner == this && r.freeSite() == null) {
                out.add(new LeakedBlock(r.block, r.size, r.allocationSite.describe()));
            }
        }
        return out;
    }

    AllocatorStats stats() {
        long live = liveBytes.get();
        return new AllocatorStats(name, true, liveBlocks.get(), live, reservedBytes.get(),
                Math.max(live, peakLiveBytes.get()), allocations.get(), frees.get());
    }

    /** Frees everything; returns the blocks that were still live. Called once, after all other use stopped. */
    List<LeakedBlock> close() {
        List<LeakedBlock> leaks = new ArrayList<>();
        List<Region> mine = new ArrayList<>();
        for (Region r : Sanitizer.REGIONS.values()) {
            if (r.owner == this) {
                mine.add(r);
            }
        }
        for (Region r : mine) {
            if (r.freeSite() == null) {
                leaks.add(new LeakedBlock(r.block, r.size, r.allocationSite.describe()));
                liveBlocks.decrementAndGet();
                liveBytes.addAndGet(-r.size);
                frees.incrementAndGet();
            }
            release(r);
        }
        synchronized (quarantine) {
            quarantine.clear();
            quarantineBytes = 0;
        }
        Sanitizer.unregister();
        return leaks;
    }

    // ================================================================ regions and sites

    /** One block with its redzones. */
    static final class Region {
        final SanitizingSlab owner;
        final long region;
        final long block;
        final long size;
        final Site allocationSite;
        /** Null while live; set once, under this monitor, by the free that wins. */
        private volatile Site freeSite;

        Region(SanitizingSlab owner, long region, long block, long size, Site allocationSite) {
            this.owner = owner;
            this.region = region;
            this.block = block;
            this.size = size;
            this.allocationSite = allocationSite;
        }

        long regionEnd() {
            return block + size + REDZONE;
        }

        Site freeSite() {
            return (Site) FREE_SITE.getAcquire(this); // acquire: pairs with the release in setFreeSite()
        }

        void setFreeSite(Site site) {
            FREE_SITE.setRelease(this, site); // release: pairs with the acquire in freeSite()
        }

        String describe() {
            Site freed = freeSite();
            return "block 0x" + Long.toHexString(block) + " (" + size + " bytes) of allocator '" + owner.name
                    + "' was " + allocationSite.describe()
                    + (freed == null ? "" : "\nand " + freed.describe());
        }

        void checkAccess(long address, long bytes) {
            if (freeSite() != null) {
                throw new UseAfterFreeException("use after free: access of " + bytes + " byte(s) at 0x"
                        + Long.toHexString(address) + " (offset " + (address - block) + ") in freed "
                        + describe()
                        + "\nFix: the block was freed while still reachable; retire it through a reclaimer "
                        + "(guard.retire(pointer, allocator)) instead of freeing it directly", address, block);
            }
            if (address < block || address + bytes > block + size) {
                throw new IndexOutOfBoundsException("out-of-bounds access of " + bytes + " byte(s) at 0x"
                        + Long.toHexString(address) + " (offset " + (address - block) + ") outside live "
                        + describe() + "\nStay within [0, " + size + ") of the block");
            }
        }

        // VarHandle mechanics
        private static final VarHandle FREE_SITE;

        static {
            try {
                FREE_SITE = MethodHandles.lookup().findVarHandle(Region.class, "freeSite", Site.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * Where and by which thread a block was allocated or freed: the stack when this site was sampled (captured
     * now, frames decoded lazily), else only the thread's name.
     */
    static final class Site extends Throwable {
        private static final long serialVersionUID = 1L;
        private static final int MAX_FRAMES = 16;

        /** The thread's name at capture time. */
        private final String threadName;
        /** 0 when the stack was captured; else the sampling rate that skipped it, or -1 with capture off. */
        private final int skippedOneIn;

        Site(String what, int skippedOneIn) {
            super(what, null, false, skippedOneIn == 0);
            this.threadName = Thread.currentThread().getName();
            this.skippedOneIn = skippedOneIn;
        }

        /** "allocated by thread 'main' at\n\tat ..." with the allocator's own frames removed. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(getMessage()).append(" by thread '").append(threadName).append("'");
            if (skippedOneIn != 0) {
                return sb.append(skippedOneIn < 0 ? " (stack not recorded: site capture is off;"
                                : " (stack not recorded: the sanitizer records 1 stack in " + skippedOneIn + ";")
                        .append(" SlabAllocator.Builder.siteSampling(1) or -D").append(SlabAllocator.SITE_SAMPLING_PROPERTY)
                        .append("=1 records every one)").toString();
            }
            sb.append(" at");
            StackTraceElement[] frames = getStackTrace();
            int i = 0;
            while (i < frames.length && (frames[i].getClassName().equals(SlabAllocator.class.getName())
                    || frames[i].getClassName().startsWith(SanitizingSlab.class.getName()))) {
                i++;
            }
            int shown = 0;
            for (; i < frames.length && shown < MAX_FRAMES; i++, shown++) {
                sb.append("\n\tat ").append(frames[i]);
            }
            if (i < frames.length) {
                sb.append("\n\t... ").append(frames.length - i).append(" more");
            }
            return sb.toString();
        }
    }
}

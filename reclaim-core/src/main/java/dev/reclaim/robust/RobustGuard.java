package dev.reclaim.robust;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.internal.SlotGuard;
import dev.reclaim.memory.Memory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The guard of one {@link RobustSlot}: one permanent object per slot, handed out by every enter() that claims
 * the slot, so entering allocates nothing. Holds an era reservation {@code [lower, upper]}; see
 * {@link RobustReclaimer}'s implementation notes for the protocol. Closing and defer are {@link SlotGuard}'s;
 * the misuse checks, {@code unprotect} (the reservation covers the whole guard: nothing per index) and the
 * reference {@code protect} (an acquire load: references are given up only through defer's grace period,
 * which no era bounds) are {@link dev.reclaim.internal.PooledGuard}'s.
 */
final class RobustGuard extends SlotGuard {
    final RobustSlot slot;
    private final EraClock clock;
    private final RobustReclaimer.Table rt;

    RobustGuard(Reclaimer reclaimer, RobustReclaimer.Table table, RobustSlot slot) {
        super(reclaimer, table, slot);
        this.slot = slot;
        this.clock = table.clock;
        this.rt = table;
    }

    /** Reserves [e, e] right after the claim CAS (which is the StoreLoad fence of the unchanged case). */
    void reserve() {
        RobustSlot s = slot;
        long e = clock.eraVolatile(); // volatile: after the claim CAS in the SC order (see notes)
        if (s.lowerPlain() != e) {
            s.setLowerRelease(e); // release: pairs with lowerVolatile in scans; a stale smaller lower is safe
        }
        if (s.upperPlain() != e) {
            s.setUpperVolatile(e); // volatile: StoreLoad before this guard's first load; pairs with scans
        }
    }

    /**
     * Load the pointer, then the era: if our reserved upper era is already the current era, the load is covered
     * (fast path: two loads and a compare). Otherwise publish the new upper era (volatile: the StoreLoad) and
     * load again, until the era read after a load equals the published one.
     */
    @Override
    public long protect(int index, long address) {
        checkProtect(index, "protect()");
        long p = Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
        long e = clock.eraAcquire(); // acquire: read after the pointer (load-load), so e >= the node's birth era
        if (e == slot.upperPlain()) {
            return p;
        }
        return protectSlow(address, e);
    }

    private long protectSlow(long address, long e) {
        RobustSlot s = slot;
        while (true) {
            s.setUpperVolatile(e); // volatile: publish the upper era, then StoreLoad before the re-load
            long p = Memory.getLongAcquire(address); // acquire: the re-load, ordered after the publish
            long e2 = clock.eraAcquire(); // acquire: after the re-load, as in protect
            if (e2 == e) {
                return p;
            }
            e = e2;
        }
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        RobustSlot s = slot;
        long e = clock.eraVolatile(); // volatile: as in reserve()
        s.setLowerRelease(e); // release: our reads of older nodes precede it; pairs with lowerVolatile in scans
        if (s.upperPlain() != e) {
            s.setUpperVolatile(e); // volatile: as in reserve()
        }
        s.newGenerationVolatile(); // ends deferred grace periods that wait for this guard
    }

    @Override
    public long birthEra() {
        checkOpen("birthEra()");
        EraClock c = clock;
        long e = c.eraAcquire(); // acquire: any era value read before the node is published is a valid birth
        if (c.quantumOpaque() != 0) { // opaque: the scans' hint; 0 = eras finer than one retirement (see notes)
            return e;
        }
        c.advanceFrom(e); // guards that reserved e before this node existed do not hold it back
        return c.eraAcquire(); // acquire: as above; at least e + 1
    }

    @Override
    public void retire(long pointer, Deleter deleter) {
        retire(pointer, 0, deleter);
    }

    @Override
    public void retire(long pointer, long birthEra, Deleter deleter) {
        checkRetire(pointer, deleter);
        long r = clock.eraVolatile(); // volatile: after the unlink (SC), so r >= every lower that could see it
        if (birthEra > r || birthEra < 0) {
            throw new IllegalArgumentException("birth era " + birthEra + " of pointer 0x" + Long.toHexString(pointer)
                    + " is not an era of reclaimer '" + rt.name() + "' (current era " + r + "); pass the value"
                    + " guard.birthEra() returned before the node was published, or 0 if unknown");
        }
        rt.retire(slot, pointer, deleter, birthEra, r);
        RobustSlot s = slot;
        int q = Math.max(1, clock.quantumOpaque()); // opaque: the scans' hint (retirements per era; 0 counts as 1)
        int c = s.advanceCountdown - 1;
        if (c <= 0 || c >= q) {
            if (c > 0) {
                c = ThreadLocalRandom.current().nextInt(q); // the quantum shrank since this phase was drawn: redraw
            }
            if (c <= 0) {
                clock.advanceFrom(r);
                c = q;
            }
        }
        s.advanceCountdown = c;
    }
}

package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ArcSwap, ArcSwapOption, ArcSwapView and ArcCache: every operation and misuse, single-threaded. */
class ArcSwapTest {

    /** A value that records its release. */
    static final class Val {
        final int id;
        final AtomicInteger released = new AtomicInteger();

        Val(int id) {
            this.id = id;
        }

        Arc<Val> arc() {
            return Arc.of(this, v -> v.released.incrementAndGet());
        }
    }

    @AfterEach
    void noSlotIsLeft() {
        ArcSwap.helpingOnly = false;
        assertEquals(0, DebtPool.claimed(), "every load must free its debt slot");
        assertEquals(0, DebtLane.claimed(), "every load must free its lane slot");
        assertEquals(0, PendingReleases.size(), "no count may stay held back once the guards are closed");
    }

    @Test
    void loadSeesTheStoredValueAndStoreReleasesTheOldOne() {
        Val a = new Val(1);
        Val b = new Val(2);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        try (ArcGuard<Val> g = s.load()) {
            assertSame(a, g.get());
        }
        s.store(b.arc());
        assertEquals(1, a.released.get());
        try (ArcGuard<Val> g = s.load()) {
            assertSame(b, g.get());
        }
        s.close();
        assertEquals(1, b.released.get());
    }

    @Test
    void openGuardHoldsBackReleaseUntilClosed() {
        Val a = new Val(1);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcGuard<Val> g = s.load();
        s.store(new Val(2).arc()); // pays our debt: a stays live
        assertEquals(0, a.released.get());
        assertSame(a, g.get());
        g.close();
        assertEquals(1, a.released.get());
        s.close();
    }

    @Test
    void helpingPathLoadsAreCorrectToo() {
        ArcSwap.helpingOnly = true;
        Val a = new Val(1);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcGuard<Val> g = s.load();
        assertSame(a, g.get());
        s.store(new Val(2).arc());
        assertEquals(0, a.released.get());
        g.close();
        assertEquals(1, a.released.get());
        try (ArcGuard<Val> g2 = s.load()) {
            assertEquals(2, g2.get().id);
        }
        s.close();
    }

    @Test
    void guardMisuseThrows() {
        ArcSwap<Val> s = ArcSwap.of(new Val(1).arc());
        ArcGuard<Val> g = s.load();
        g.close();
        assertTrue(assertThrows(IllegalStateException.class, g::close).getMessage().contains("exactly once"));
        assertThrows(IllegalStateException.class, g::get);
        s.close();
    }

    @Test
    void moreOpenGuardsThanSlotsGrowThePool() {
        ArcSwap<Val> s = ArcSwap.of(new Val(1).arc());
        int n = DebtPool.size() * 2 + 3 + DebtLane.SLOTS; // the first loads may take this thread's lane slots
        List<ArcGuard<Val>> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(s.load());
        }
        assertTrue(DebtPool.size() >= n - DebtLane.SLOTS);
        for (ArcGuard<Val> g : open) {
            assertEquals(1, g.get().id);
            g.close();
        }
        s.close();
    }

    @Test
    void loadFullReturnsAnIndependentHandle() {
        Val a = new Val(1);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        Arc<Val> full = s.loadFull();
        assertEquals(2, full.strongCount());
        s.store(new Val(2).arc());
        assertEquals(0, a.released.get());
        full.close();
        assertEquals(1, a.released.get());
        s.close();
    }

    @Test
    void swapReturnsTheOldValueToTheCaller() {
        Val a = new Val(1);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        Arc<Val> old = s.swap(new Val(2).arc());
        assertSame(a, old.get());
        assertEquals(0, a.released.get());
        old.close();
        assertEquals(1, a.released.get());
        s.close();
    }

    @Test
    void compareAndSetInstallsOnlyOverTheExpectedValue() {
        Val a = new Val(1);
        Val b = new Val(2);
        Val c = new Val(3);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        Arc<Val> cArc = c.arc();
        assertFalse(s.compareAndSet(b, cArc));
        assertFalse(cArc.isReleased(), "a lost CAS leaves the handle with the caller");
        assertEquals(1, cArc.strongCount());
        Arc<Val> bArc = b.arc();
        assertTrue(s.compareAndSet(a, bArc));
        assertTrue(bArc.isReleased(), "a won CAS takes ownership of the handle");
        assertEquals(1, a.released.get());
        try (ArcGuard<Val> g = s.load()) {
            assertSame(b, g.get());
        }
        cArc.close();
        s.close();
        assertEquals(1, b.released.get());
    }

    @Test
    void rcuAppliesTheUpdateToTheCurrentValue() {
        ArcSwap<Val> s = ArcSwap.of(new Val(0).arc());
        for (int i = 0; i < 10; i++) {
            s.rcu(v -> new Val(v.id + 1).arc());
        }
        try (ArcGuard<Val> g = s.load()) {
            assertEquals(10, g.get().id);
        }
        s.close();
    }

    @Test
    void mapProjectsLoadsAndProtectsTheWholeValue() {
        Val a = new Val(7);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcSwapView<Integer> ids = s.map(v -> v.id);
        try (ArcGuard<Integer> g = ids.load()) {
            assertEquals(7, g.get());
        }
        Arc<Integer> full = ids.loadFull();
        s.store(new Val(8).arc());
        assertEquals(7, full.get());
        assertEquals(0, a.released.get());
        full.close();
        assertEquals(1, a.released.get());
        ArcSwapView<Integer> broken = s.map(v -> {
            throw new IllegalArgumentException("projection failed");
        });
        assertThrows(IllegalArgumentException.class, broken::load);
        assertThrows(IllegalArgumentException.class, broken::loadFull);
        s.close();
    }

    @Test
    void aProjectedGuardChecksMisuseAndLeavesNothingBehindInItsSlot() {
        Val a = new Val(5);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcSwapView<Integer> ids = s.map(v -> v.id);
        ArcGuard<Integer> g = ids.load();
        assertEquals(5, g.get());
        g.close();
        assertTrue(assertThrows(IllegalStateException.class, g::close).getMessage().contains("exactly once"));
        assertThrows(IllegalStateException.class, g::get);
        // the next plain load on this thread reuses the slot: it must read the value, not the old projection
        try (ArcGuard<Val> whole = s.load()) {
            assertSame(a, whole.get());
        }
        // nested: a projected guard inside a plain one, closed in either order
        ArcGuard<Val> outer = s.load();
        ArcGuard<Integer> inner = ids.load();
        assertSame(a, outer.get());
        assertEquals(5, inner.get());
        outer.close();
        assertEquals(5, inner.get());
        inner.close();
        assertEquals(0, DebtPool.claimed());
        assertEquals(0, DebtLane.claimed());
        s.close();
        assertEquals(1, a.released.get());
    }

    @Test
    void theEmptyGuardOfAnEmptySwapIsSharedAndClosingItIsHarmless() {
        ArcSwapOption<Val> s = ArcSwapOption.empty();
        ArcGuard<Val> g = s.load();
        g.close();
        g.close(); // the empty guard has no slot: closing it again is not misuse
        assertNull(g.get());
        assertSame(g, s.load());
        s.close();
    }

    @Test
    void cacheRevalidatesWhenTheValueChangesAndReleasesOnClose() {
        Val a = new Val(1);
        Val b = new Val(2);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcCache<Val> cache = s.cache();
        assertSame(a, cache.get());
        assertSame(a, cache.get());
        s.store(b.arc());
        assertEquals(0, a.released.get(), "the cache still holds a");
        assertSame(b, cache.get());
        assertEquals(1, a.released.get());
        cache.close();
        cache.close();
        assertThrows(IllegalStateException.class, cache::get);
        s.close();
        assertEquals(1, b.released.get());
    }

    @Test
    void closedSwapRefusesEveryOperation() {
        Val a = new Val(1);
        ArcSwap<Val> s = ArcSwap.of(a.arc());
        ArcCache<Val> cache = s.cache();
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertEquals(1, a.released.get());
        assertTrue(assertThrows(IllegalStateException.class, s::load).getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, s::loadFull);
        assertThrows(IllegalStateException.class, cache::get);
        Val b = new Val(2);
        assertThrows(IllegalStateException.class, () -> s.store(b.arc()));
        assertEquals(1, b.released.get(), "a handle consumed by a refused store is released, not leaked");
        Arc<Val> c = new Val(3).arc();
        assertThrows(IllegalStateException.class, () -> s.compareAndSet(a, c));
        assertEquals(1, c.strongCount());
        c.close();
        assertThrows(IllegalStateException.class, () -> s.rcu(v -> new Val(4).arc()));
    }

    @Test
    void nullsAndReleasedHandlesAreRejected() {
        ArcSwap<Val> s = ArcSwap.of(new Val(1).arc());
        assertThrows(NullPointerException.class, () -> ArcSwap.of((Arc<Val>) null));
        assertTrue(assertThrows(NullPointerException.class, () -> s.store(null)).getMessage().contains("ArcSwapOption"));
        assertThrows(NullPointerException.class, () -> s.swap(null));
        assertThrows(NullPointerException.class, () -> s.rcu(null));
        assertThrows(NullPointerException.class, () -> s.rcu(v -> null));
        Arc<Val> released = new Val(2).arc();
        released.close();
        assertThrows(IllegalStateException.class, () -> s.store(released));
        Arc<Val> whole = new Val(3).arc();
        Arc<Val> part = whole.map(v -> v);
        assertThrows(IllegalArgumentException.class, () -> s.store(Arc.of(new Val(5), v -> { }).map(v -> new Val(6))));
        part.close();
        whole.close();
        s.close();
    }

    @Test
    void optionSwapHoldsNullAndValues() {
        ArcSwapOption<Val> s = ArcSwapOption.empty();
        try (ArcGuard<Val> g = s.load()) {
            assertNull(g.get());
        }
        assertNull(s.loadFull());
        Val a = new Val(1);
        assertTrue(s.compareAndSet(null, a.arc()));
        try (ArcGuard<Val> g = s.load()) {
            assertSame(a, g.get());
        }
        Arc<Val> old = s.swap(null);
        assertSame(a, old.get());
        old.close();
        assertEquals(1, a.released.get());
        s.rcu(v -> v == null ? new Val(9).arc() : null);
        ArcCache<Val> cache = s.cache();
        assertEquals(9, cache.get().id);
        s.store(null);
        assertNull(cache.get());
        cache.close();
        s.close();
        ArcSwapOption<Val> t = ArcSwapOption.of(new Val(3).arc());
        try (ArcGuard<Integer> g = t.map(v -> v.id).load()) {
            assertEquals(3, g.get());
        }
        t.close();
    }
}

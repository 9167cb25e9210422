package dev.reclaim;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak baseline: never frees, but reports misuse like every scheme. */
class LeakReclaimerTest {

    @Test
    void retiredPointersAreNeverFreedAndStayPending() {
        int[] deleted = new int[1];
        Deleter d = new Deleter() {
            @Override
            public void delete(long pointer) {
                deleted[0]++;
            }

            @Override
            public long sizeOf(long pointer) {
                return 32;
            }
        };
        LeakReclaimer r = new LeakReclaimer("leaky");
        try (Guard g = r.enter()) {
            g.retire(8, d);
            g.defer(() -> deleted[0]++);
        }
        r.retire(16, d);
        r.flush();
        r.synchronize();
        assertTrue(r.synchronize(Duration.ofMillis(1)));
        r.close();
        assertEquals(0, deleted[0]);
        ReclaimerStats s = r.stats();
        assertEquals("leaky", s.name());
        assertEquals(Scheme.LEAK, s.scheme());
        assertEquals(3, s.retired());
        assertEquals(0, s.reclaimed());
        assertEquals(3, s.pending());
        assertEquals(64, s.pendingBytes());
        assertEquals(3, s.peakPending());
        assertEquals(-1, s.epoch());
        assertEquals(0, s.openGuards());
        assertNull(s.oldestGuard());
        assertEquals(0, s.failures());
        assertEquals(0, s.guardSlots());
    }

    @Test
    void guardMethodsWorkWhileOpen() {
        LeakReclaimer r = new LeakReclaimer();
        assertEquals("leak", r.name());
        assertEquals(Scheme.LEAK, r.scheme());
        try (Arena arena = Arena.ofConfined(); Guard g = r.enter()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, 0x40L);
            assertEquals(0x40L, g.protect(0, word.address()));
            assertEquals("v", g.protect(1, new AtomicReference<>("v")));
            g.unprotect(1);
            g.repin();
            assertSame(r, g.reclaimer());
            assertTrue(g.isOpen());
            assertThrows(IndexOutOfBoundsException.class, () -> g.protect(4, word.address()));
            assertThrows(IndexOutOfBoundsException.class, () -> g.unprotect(-1));
        }
    }

    @Test
    void nestedGuardsAreDistinctAndPooled() {
        LeakReclaimer r = new LeakReclaimer();
        Guard a = r.enter();
        Guard b = r.enter();
        assertNotSame(a, b);
        b.close();
        a.close();
        Guard c = r.enter();
        assertSame(a, c);
        c.close();
    }

    @Test
    void misuseThrowsWithAMessage() {
        LeakReclaimer r = new LeakReclaimer();
        Guard g = r.enter();
        assertThrows(IllegalArgumentException.class, () -> g.retire(0, p -> { }));
        assertThrows(NullPointerException.class, () -> g.retire(8, null));
        assertThrows(NullPointerException.class, () -> g.defer(null));
        g.close();
        assertFalse(g.isOpen());
        for (Runnable op : new Runnable[] {() -> g.protect(0, 8L), () -> g.protect(0, new AtomicReference<>()),
                () -> g.unprotect(0), g::repin, () -> g.retire(8, p -> { }), () -> g.defer(() -> { }), g::close}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> r.synchronize(null));
        r.close();
        assertTrue(r.isClosed());
        assertThrows(IllegalStateException.class, r::enter);
        assertThrows(IllegalStateException.class, r::flush);
        assertThrows(IllegalStateException.class, r::synchronize);
        assertThrows(IllegalStateException.class, () -> r.synchronize(Duration.ZERO));
        assertThrows(IllegalStateException.class, r::close);
        assertThrows(NullPointerException.class, () -> new LeakReclaimer(null));
    }

    @Test
    void guardClosedOnAnotherThreadIsNotReturnedToThePool() throws Exception {
        LeakReclaimer r = new LeakReclaimer();
        Guard g = r.enter();
        Thread t = Thread.ofPlatform().start(g::close);
        t.join();
        assertFalse(g.isOpen());
        Guard h = r.enter();
        assertNotSame(g, h);
        h.close();
    }

    @Test
    void schemeLeakCreatesALeakReclaimer() {
        assertSame(Scheme.LEAK, Scheme.fromId(" Leak "));
        assertTrue(Scheme.LEAK.create() instanceof LeakReclaimer);
        assertEquals("leak", Scheme.LEAK.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scheme.fromId("nope"));
        assertTrue(e.getMessage().contains("ebr") && e.getMessage().contains("leak"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scheme.fromId(null));
    }
}

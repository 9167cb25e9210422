package dev.reclaim.robust;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Scheme;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interval rule of the robust scheme, step by step: what an open guard holds back depends on the birth
 * and retire eras of each node and on the era interval the guard reserved. Scheme-independent behaviour is in
 * {@code ReclaimerContractTest}; the stalled-reader bound in {@code StallBoundTest}.
 */
class RobustReclaimerTest {

    /** Counts deletions of the fake pointers 16 x i (they are never dereferenced). */
    static final class Counting implements Deleter {
        final AtomicLongArray deleted = new AtomicLongArray(16);

        @Override
        public void delete(long pointer) {
            deleted.incrementAndGet((int) (pointer / 16));
        }

        long count(int i) {
            return deleted.get(i);
        }
    }

    static long ptr(int i) {
        return 16L * i;
    }

    /** Retires {@code pointer} with {@code birth} in a guard of its own, closed at once. */
    private static void retire(RobustReclaimer r, long pointer, long birth, Deleter d) {
        try (Guard g = r.enter()) {
            g.retire(pointer, birth, d);
        }
    }

    @Test
    void anOpenGuardHoldsBackOnlyNodesBornBeforeItsReservationEnded() {
        Counting d = new Counting();
        try (RobustReclaimer r = RobustReclaimer.create()) {
            Guard reader = r.enter(); // reserves [e0, e0] and stays open (a "stalled" reader)
            long e0 = reader.birthEra();
            retire(r, ptr(1), e0, d);   // born while the reader could see it
            retire(r, ptr(3), 0, d);    // birth unknown: counts as born at era 0
            r.flush();                  // advances the era, scans the free slots
            assertEquals(0, d.count(1), "a node born at the reader's era is kept while the reader is open");
            assertEquals(0, d.count(3), "a node without a birth era is kept like EBR keeps it");
            long e1 = r.era();
            assertTrue(e1 > e0, "flush advances the era");
            retire(r, ptr(2), e1, d);   // born after the reader's last read: it cannot have seen it
            r.flush();
            assertEquals(1, d.count(2), "a node born after the reader's reservation is freed despite the open guard");
            reader.close();
            r.flush();
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(3));
        }
    }

    @Test
    void protectRaisesTheReservedUpperEraSoANodeLoadedLaterIsKept() {
        Counting d = new Counting();
        try (Arena arena = Arena.ofConfined(); RobustReclaimer r = RobustReclaimer.create()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            Guard reader = r.enter(); // [e0, e0]
            r.flush();                // the era moves on
            long e1 = r.era();
            word.set(ValueLayout.JAVA_LONG, 0, ptr(5)); // a node born at e1, published
            assertEquals(ptr(5), reader.protect(0, word.address())); // the load raises the upper era to e1
            word.set(ValueLayout.JAVA_LONG, 0, 0L); // unlink, then retire with its birth era
            retire(r, ptr(5), e1, d);
            r.flush();
            assertEquals(0, d.count(5), "the reader loaded the node after its birth: it must be kept");
            reader.close();
            r.flush();
            assertEquals(1, d.count(5));
        }
    }

    @Test
    void retireRejectsABirthEraFromTheFutureNamingTheFix() {
        try (RobustReclaimer r = RobustReclaimer.create(); Guard g = r.enter()) {
            long future = r.era() + 5;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.retire(ptr(1), future, p -> { }));
            assertTrue(e.getMessage().contains("birthEra()"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.retire(ptr(1), -1, p -> { }));
        }
    }

    @Test
    void statsReportTheEraAndTheOldestReservation() {
        try (RobustReclaimer r = RobustReclaimer.builder().name("eras").build()) {
            assertTrue(r.era() >= 1, "eras start at 1 so that birth era 0 means unknown");
            Guard old = r.enter();
            long lower = old.birthEra();
            r.flush();
            Guard young = r.enter();
            assertTrue(young.birthEra() > lower);
            GuardInfo oldest = r.oldestGuard(true);
            assertNotNull(oldest);
            assertEquals(lower, oldest.epoch(), "the oldest guard is the one with the smallest lower era");
            assertEquals(Thread.currentThread().getName(), oldest.threadName());
            assertEquals(r.era(), r.stats().epoch());
            assertEquals(2, r.stats().openGuards());
            young.close();
            old.close();
            assertEquals(null, r.oldestGuard(false));
        }
    }

    @Test
    void builderRejectsBadSettingsAndBothIdsCreateARobustReclaimer() {
        assertThrows(IllegalArgumentException.class, () -> RobustReclaimer.builder().scanThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> RobustReclaimer.builder().eraEvery(0));
        assertThrows(IllegalArgumentException.class,
                () -> RobustReclaimer.builder().closeTimeout(java.time.Duration.ofSeconds(-1)));
        assertSame(Scheme.ROBUST, Scheme.fromId("robust"));
        assertSame(Scheme.ROBUST, Scheme.fromId(" IBR "));
        try (var r = Scheme.fromId("ibr").create()) {
            assertTrue(r instanceof RobustReclaimer);
            assertSame(Scheme.ROBUST, r.scheme());
        }
        try (RobustReclaimer r = RobustReclaimer.builder().scanThreshold(64).eraEvery(64).build()) {
            long slots = r.garbageBound(0) / (64 + 2 * 64); // S x T + 2 x S x R with T = R = 64 (S <= 64)
            assertEquals(0, r.garbageBound(0) % (64 + 2 * 64));
            assertTrue(slots >= 16 && Long.bitCount(slots) == 1, "slots " + slots);
            assertEquals(r.garbageBound(0) + 10, r.garbageBound(10), "the live nodes at the stall add up");
            assertEquals(r.garbageBound(10), r.garbageBound(1, 10), "garbageBound(L) is the single-guard case");
            assertEquals(slots * 64 + 5 * (2 * slots * 64 + 10), r.garbageBound(5, 10),
                    "every guard that may stall keeps its own L and two eras of allocations");
            assertThrows(IllegalArgumentException.class, () -> r.garbageBound(0, 10));
            assertThrows(IllegalArgumentException.class, () -> r.garbageBound(1, -1));
        }
    }
}

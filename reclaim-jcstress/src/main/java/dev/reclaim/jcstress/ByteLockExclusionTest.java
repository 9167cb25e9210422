package dev.reclaim.jcstress;

import dev.reclaim.sync.ByteLock;
import dev.reclaim.sync.ByteLockGuard;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * ByteLock: two threads increment a plain counter under a lock byte that shares its 4-byte word with a
 * neighbour byte; the second thread first writes the neighbour byte, racing with the first thread's lock CAS on
 * the same word. Forbidden: a lost update, a lock left held, or the neighbour's write lost, which happens if
 * both lockers enter, the release does not order the critical sections, or the word-wide CAS that changes the
 * lock byte overwrites a concurrent write to another byte of the word. {@link UnlockedCounterTest} is the
 * control for the counter. (Two actors: jcstress skips tests with more actors than CPUs.)
 */
@JCStressTest
@Description("ByteLock: mutual exclusion, and the neighbour byte of the CASed word survives")
@Outcome(id = "2, 0, 7", expect = ACCEPTABLE, desc = "both increments counted, lock free, neighbour intact")
@Outcome(expect = FORBIDDEN, desc = "a lost update, a lock left held, or the neighbour byte overwritten")
@State
public class ByteLockExclusionTest {

    /** The lock's record: byte 0 is the lock, byte 1 a neighbour in the same 4-byte word. */
    private final MemorySegment record = Arena.ofAuto().allocate(8, 8);
    private final ByteLock lock = ByteLock.at(record, 0);
    private int counter; // guarded by lock

    /** Creates the state. */
    public ByteLockExclusionTest() {
    }

    /** First incrementer. */
    @Actor
    public void first() {
        try (ByteLockGuard g = lock.lock()) {
            counter++;
        }
    }

    /** Writes the neighbour byte (racing with the first incrementer's lock CAS), then increments. */
    @Actor
    public void second() {
        record.set(ValueLayout.JAVA_BYTE, 1, (byte) 7); // plain byte store: the lock's word CAS must not lose it
        try (ByteLockGuard g = lock.lock()) {
            counter++;
        }
    }

    /**
     * Reads the counter, the lock and the neighbour after both.
     *
     * @param r r1: the counter; r2: 1 if the lock is still held; r3: the neighbour byte
     */
    @Arbiter
    public void check(III_Result r) {
        r.r1 = counter;
        r.r2 = ByteLock.isLocked(record, 0) ? 1 : 0;
        r.r3 = record.get(ValueLayout.JAVA_BYTE, 1); // plain: the arbiter runs after both actors
    }
}

package dev.reclaim.jcstress;

import dev.reclaim.collections.LongOpenHashMap;
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
 * LongOpenHashMap (hazard pointers, a scan per retire): a put that makes the map resize racing with a reader of
 * every key. The map starts at its smallest table (16 entries) holding {@link #KEYS} keys, the most it takes
 * without resizing (3/4 of its entries); the writer's put of {@link #TRIGGER} claims the entry that crosses the load limit, so it
 * copies the whole table into a new one and retires the old table while the reader probes it. Forbidden: a
 * present key read as absent or with a wrong value (an entry missed by the copy, or read from the old table
 * after it was freed and reused), or no resize at all (the race was not set up).
 */
@JCStressTest
@Description("LongOpenHashMap resize vs get: every present key stays readable while the table is replaced")
@Outcome(id = "12, 0, 1", expect = ACCEPTABLE, desc = "all keys read; the new key not yet visible")
@Outcome(id = "12, 1, 1", expect = ACCEPTABLE, desc = "all keys read; the new key already visible")
@Outcome(expect = FORBIDDEN, desc = "a present key missed or wrong during the resize, or no resize happened")
@State
public class OpenHashMapResizeVsGetTest {

    /** Keys 1..KEYS are present from the start, each mapped to itself times 10. */
    static final int KEYS = 12;
    /** A key whose insertion into a map holding 1..KEYS starts a resize (found once, through the public API). */
    static final long TRIGGER = findTrigger();

    private final LongOpenHashMap map = new LongOpenHashMap(CollectionState.HP, CollectionState.MEMORY);

    /** Creates the state: keys 1..KEYS in the smallest table. */
    public OpenHashMapResizeVsGetTest() {
        fill(map);
    }

    private static void fill(LongOpenHashMap m) {
        for (long k = 1; k <= KEYS; k++) {
            m.put(k, k * 10, -1);
        }
    }

    /**
     * The first key above {@link #KEYS} whose put resizes a map holding 1..KEYS (a resize is checked on a hash-
     * selected fraction of claims, so not every key starts one).
     */
    private static long findTrigger() {
        for (long k = KEYS + 1; k < 1_000_000; k++) {
            try (LongOpenHashMap m = new LongOpenHashMap(CollectionState.HP, CollectionState.MEMORY)) {
                fill(m);
                if (m.resizeCount() != 0) {
                    throw new IllegalStateException("the map resized while holding " + KEYS
                            + " keys; lower KEYS to the most its smallest table takes");
                }
                m.put(k, k * 10, -1);
                if (m.resizeCount() != 0) {
                    return k;
                }
            }
        }
        throw new IllegalStateException("no key up to 10^6 resizes a map holding " + KEYS + " keys");
    }

    /** The writer: the put that resizes. */
    @Actor
    public void writer() {
        map.put(TRIGGER, TRIGGER * 10, -1);
    }

    /**
     * The reader: every present key, then the new one.
     *
     * @param r r1: how many of keys 1..KEYS read with their value; r2: the new key's state (1 present with its
     *          value, 0 absent, -1 wrong value)
     */
    @Actor
    public void reader(III_Result r) {
        int found = 0;
        for (long k = 1; k <= KEYS; k++) {
            if (map.get(k, -1) == k * 10) {
                found++;
            }
        }
        r.r1 = found;
        long v = map.get(TRIGGER, -1);
        r.r2 = v == TRIGGER * 10 ? 1 : v == -1 ? 0 : -1;
    }

    /**
     * After both: whether the map resized, then closes it.
     *
     * @param r r3: the number of resizes
     */
    @Arbiter
    public void resized(III_Result r) {
        r.r3 = (int) map.resizeCount();
        map.close();
    }
}

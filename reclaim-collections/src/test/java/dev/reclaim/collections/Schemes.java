package dev.reclaim.collections;

import dev.reclaim.Scheme;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The one place that says which reclamation schemes the collection tests run with. New schemes (hazard
 * pointers, the robust scheme) are picked up automatically from {@link Scheme#values()}.
 */
final class Schemes {

    private Schemes() {
    }

    /** Every scheme, including the {@link Scheme#LEAK} baseline: for purely functional tests. */
    static Stream<Scheme> all() {
        return Arrays.stream(Scheme.values());
    }

    /** Every scheme that actually frees retired memory: for tests about reclamation and use after free. */
    static Stream<Scheme> freeing() {
        return all().filter(Schemes::frees);
    }

    /** Whether {@code scheme} ever runs deleters. */
    static boolean frees(Scheme scheme) {
        return scheme != Scheme.LEAK;
    }
}

package dev.reclaim.arc;

import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.Shared;

import dev.reclaim.testing.MisuseCatalogue;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The misuse catalogue of the counted handles ({@code dev.reclaim.arc}, {@code dev.reclaim.realtime}): each
 * misuse with the exception type it must raise and a pattern its message must match, which names the fix.
 */
class ArcMisuseCatalogueTest {

    private static final MisuseCatalogue CATALOGUE = new MisuseCatalogue();

    static {
        // dev.reclaim.arc
        CATALOGUE.misuse("arc: release an Arc twice", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.close();
        });
        CATALOGUE.misuse("arc: get() after release", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.get();
        });
        CATALOGUE.misuse("arc: retain() after release", IllegalStateException.class, "(?i)release", () -> {
            Arc<String> a = Arc.of("x", v -> { });
            a.close();
            a.retain();
        });
        CATALOGUE.misuse("arc: null value", NullPointerException.class, "(?i)null", () -> Arc.of(null, v -> { }));
        CATALOGUE.misuse("arc: null releaser", NullPointerException.class, "(?i)null", () -> Arc.of("x", null));
        CATALOGUE.misuse("arc: close a weak handle twice", IllegalStateException.class, "(?i)closed|release", () -> {
            try (Arc<String> a = Arc.of("x", v -> { })) {
                Weak<String> w = a.downgrade();
                w.close();
                w.close();
            }
        });
        CATALOGUE.misuse("arc: store a released Arc", IllegalStateException.class, "(?i)release", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            Arc<String> b = Arc.of("b", v -> { });
            b.close();
            try {
                swap.store(b);
            } finally {
                swap.close();
            }
        });
        CATALOGUE.misuse("arc: store null into a non-nullable swap", NullPointerException.class, "(?i)ArcSwapOption|null", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            try {
                swap.store(null);
            } finally {
                swap.close();
            }
        });
        CATALOGUE.misuse("arc: load after the swap was closed", IllegalStateException.class, "(?i)closed", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            swap.close();
            swap.load();
        });
        CATALOGUE.misuse("arc: close a load guard twice", IllegalStateException.class, "(?i)close", () -> {
            ArcSwap<String> swap = ArcSwap.of(Arc.of("a", v -> { }));
            try {
                ArcGuard<String> g = swap.load();
                g.close();
                g.close();
            } finally {
                swap.close();
            }
        });
        // dev.reclaim.realtime
        CATALOGUE.misuse("realtime: share after the collector closed", IllegalStateException.class, "(?i)closed", () -> {
            RealtimeCollector c = RealtimeCollector.create();
            c.close();
            c.share("x", v -> { });
        });
        CATALOGUE.misuse("realtime: close a Shared handle twice", IllegalStateException.class, "(?i)closed|twice|once", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Shared<String> h = c.share("x", v -> { });
                h.close();
                h.close();
            }
        });
        CATALOGUE.misuse("realtime: get() on a closed Shared handle", IllegalStateException.class, "(?i)closed", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Shared<String> h = c.share("x", v -> { });
                h.close();
                h.get();
            }
        });
        CATALOGUE.misuse("realtime: a null destructor", NullPointerException.class, "(?i)destructor|null", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                c.share("x", null);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyMisuseThrowsItsTypeWithAMessageNamingTheFix() {
        return CATALOGUE.dynamicTests();
    }
}

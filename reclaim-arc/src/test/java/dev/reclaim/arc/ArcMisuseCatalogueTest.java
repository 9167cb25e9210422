package dev.reclaim.arc;

import dev.reclaim.realtime.CollectorNode;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;
import dev.reclaim.realtime.Tracked;

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
        // dev.reclaim.realtime (and Arc bound to a collector)
        CATALOGUE.misuse("realtime: make an Arc on a closed collector", IllegalStateException.class, "(?i)closed", () -> {
            RealtimeCollector c = RealtimeCollector.create();
            c.close();
            Arc.of("x", v -> { }, c);
        });
        CATALOGUE.misuse("realtime: release a collector-bound Arc twice", IllegalStateException.class, "(?i)closed|twice|once", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Arc<String> h = Arc.of("x", v -> { }, c);
                h.close();
                h.close();
            }
        });
        CATALOGUE.misuse("realtime: get() on a released collector-bound Arc", IllegalStateException.class, "(?i)release", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Arc<String> h = Arc.of("x", v -> { }, c);
                h.close();
                h.get();
            }
        });
        CATALOGUE.misuse("realtime: a null releaser", NullPointerException.class, "(?i)destructor|null", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Arc.of("x", null, c);
            }
        });
        CATALOGUE.misuse("realtime: a null collector", NullPointerException.class, "Arc\\.of\\(value, releaser\\)",
                () -> Arc.of("x", v -> { }, (RealtimeCollector) null));
        CATALOGUE.misuse("realtime: a null tracker destructor", NullPointerException.class, "(?i)destructor", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                c.tracker(null);
            }
        });
        CATALOGUE.misuse("realtime: retain() a closed Tracked handle", IllegalStateException.class, "(?i)closed.*retain", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Tracked<String> t = c.<String>tracker(v -> { }).track("x");
                t.close();
                t.retain();
            }
        });
        CATALOGUE.misuse("realtime: close a Tracked handle twice", IllegalStateException.class, "(?i)closed", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                Tracked<String> t = c.<String>tracker(v -> { }).track("x");
                t.close();
                t.close();
            }
        });
        CATALOGUE.misuse("realtime: set() on a closed SharedCell", IllegalStateException.class, "(?i)closed.*new cell", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                SharedCell<String> cell = c.cell("a", v -> { });
                cell.close();
                cell.set("b");
            }
        });
        CATALOGUE.misuse("realtime: get() on a closed SharedCell.Reader", IllegalStateException.class, "(?i)closed.*reader\\(\\)", () -> {
            try (RealtimeCollector c = RealtimeCollector.create(); SharedCell<String> cell = c.cell("a", v -> { })) {
                SharedCell.Reader<String> r = cell.reader();
                r.close();
                r.get();
            }
        });
        CATALOGUE.misuse("realtime: enqueue a CollectorNode twice", IllegalStateException.class, "(?i)enqueued once", () -> {
            try (RealtimeCollector c = RealtimeCollector.create()) {
                CollectorNode n = node(c);
                c.enqueue(n);
                c.enqueue(n);
            }
        });
        CATALOGUE.misuse("realtime: enqueue a CollectorNode on another collector", IllegalArgumentException.class,
                "(?i)collector it was created with", () -> {
                    try (RealtimeCollector a = RealtimeCollector.create(); RealtimeCollector b = RealtimeCollector.create()) {
                        CollectorNode n = node(a);
                        try {
                            b.enqueue(n);
                        } finally {
                            a.enqueue(n);
                        }
                    }
                });
    }

    private static CollectorNode node(RealtimeCollector c) {
        return new CollectorNode(c) {
            @Override
            protected void destroy() {
            }
        };
    }

    @TestFactory
    Stream<DynamicTest> everyMisuseThrowsItsTypeWithAMessageNamingTheFix() {
        return CATALOGUE.dynamicTests();
    }
}

package dev.reclaim.realtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classes whose code runs on realtime threads hold no string constant that only an error path would
 * resolve: HotSpot resolves a class's unresolved string constants on the thread that requests the first C2
 * compilation of one of its methods, which would allocate on a warm realtime thread (see {@link Messages}).
 * Allowed: strings every normal run resolves anyway (VarHandle field names in static initialisers,
 * {@code requireNonNull} messages in constructors). The collector-bound {@code Arc}'s classes are checked the same
 * way in {@code ArcCollectorTest}.
 */
class RealtimeClassConstantsTest {

    private static final Map<Class<?>, Set<String>> ALLOWED = Map.of(
            Tracked.class, Set.of(),
            SharedCell.Reader.class, Set.of(),
            RealtimeCollector.class, Set.of("consuming", "destroyed", "failures", "overflowed", "maxLatency",
                    "passes", "waitingCount"),
            MpscLinkedQueue.class, Set.of("tail"),
            BoundedRing.class, Set.of("reserved", "tail"),
            CollectorNode.class, Set.of("collector must not be null", "next", "droppedAt"),
            Tracker.Entry.class, Set.of("value must not be null", "refs"));

    @Test
    void realtimePathClassesHoldNoStringThatOnlyAnErrorPathWouldResolve() throws IOException {
        List<String> offending = new ArrayList<>();
        for (Map.Entry<Class<?>, Set<String>> e : ALLOWED.entrySet()) {
            Class<?> c = e.getKey();
            String resource = c.getName().substring(c.getPackageName().length() + 1) + ".class";
            try (InputStream in = c.getResourceAsStream(resource)) {
                for (PoolEntry p : ClassFile.of().parse(in.readAllBytes()).constantPool()) {
                    if (p instanceof StringEntry s && !e.getValue().contains(s.stringValue())) {
                        offending.add(c.getSimpleName() + ": \"" + s.stringValue() + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "move these strings to Messages");
    }
}

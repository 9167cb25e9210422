package dev.reclaim.memory;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What close() says about blocks never freed, in each mode and with each {@link SlabAllocator.OnLeak}. */
class AllocatorLeakReportTest {

    /** Runs {@code action} and returns the messages logged meanwhile on {@code dev.reclaim.memory}. */
    private static List<String> logged(Runnable action) {
        List<String> messages = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.reclaim.memory");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                messages.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            action.run();
        } finally {
            logger.removeHandler(h);
        }
        return messages;
    }

    @Test
    void fastModeCloseWithLiveBlocksWarnsWithTheCountAndBytes() {
        List<String> messages = logged(() -> {
            SlabAllocator a = SlabAllocator.builder().name("fast-leak").sanitize(false).build();
            a.allocate(16);
            a.allocate(16);
            a.free(a.allocate(16));
            a.close();
        });
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.getFirst().startsWith("WARNING allocator 'fast-leak' closed with 2 block(s) (32 bytes)"
                + " never freed"), messages.toString());
    }

    @Test
    void fastModeCloseWithEveryBlockFreedSaysNothing() {
        List<String> messages = logged(() -> {
            SlabAllocator a = SlabAllocator.builder().sanitize(false).build();
            a.free(a.allocate(16));
            a.close();
        });
        assertEquals(List.of(), messages);
    }

    @Test
    void fastModeThrowsOrIgnoresWhenTheBuilderSaysSo() {
        SlabAllocator throwing = SlabAllocator.builder().sanitize(false).onLeak(SlabAllocator.OnLeak.THROW).build();
        throwing.allocate(16);
        MemoryLeakException e = assertThrows(MemoryLeakException.class, throwing::close);
        assertTrue(throwing.isClosed());
        assertEquals(1, e.leakedBlocks());
        assertEquals(16, e.leakedBytes());
        assertEquals(List.of(), e.getLeaks(), "fast mode keeps no sites");
        assertTrue(e.getMessage().contains("sanitize(true)"), e.getMessage());

        List<String> messages = logged(() -> {
            SlabAllocator quiet = SlabAllocator.builder().sanitize(false).onLeak(SlabAllocator.OnLeak.IGNORE).build();
            quiet.allocate(16);
            quiet.close();
        });
        assertEquals(List.of(), messages);
    }

    @Test
    void sanitizerLeakReportNamesTheSiteOnceAndCanWarnInstead() {
        SlabAllocator a = SlabAllocator.builder().name("san-leak").sanitize(true).siteSampling(1).build();
        a.allocate(24);
        MemoryLeakException e = assertThrows(MemoryLeakException.class, a::close);
        assertEquals(1, e.leakedBlocks());
        assertFalse(e.getMessage().contains("allocated allocated"), e.getMessage());
        assertTrue(e.getMessage().contains(") allocated by thread '" + Thread.currentThread().getName() + "' at"),
                e.getMessage());
        assertTrue(e.getMessage().contains("sanitizerLeakReportNamesTheSiteOnceAndCanWarnInstead"), e.getMessage());
        assertFalse(e.getLeaks().getFirst().toString().contains("allocated allocated"));

        List<String> messages = logged(() -> {
            SlabAllocator w = SlabAllocator.builder().sanitize(true).onLeak(SlabAllocator.OnLeak.WARN).build();
            w.allocate(24);
            w.close();
        });
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.getFirst().contains("allocated by thread"), messages.toString());
    }
}

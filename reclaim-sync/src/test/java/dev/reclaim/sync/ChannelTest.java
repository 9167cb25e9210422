package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChannelTest {

    @Test
    void boundedFifoWithTryVariants() {
        Channel<Integer> ch = new Channel<>(2);
        assertTrue(ch.trySend(1));
        assertTrue(ch.trySend(2));
        assertFalse(ch.trySend(3), "full");
        assertEquals(2, ch.size());
        assertEquals(1, ch.tryReceive());
        assertEquals(2, ch.tryReceive());
        assertNull(ch.tryReceive());
        assertThrows(IllegalArgumentException.class, () -> new Channel<>(0));
    }

    @Test
    void closeDrainsThenReturnsNullAndRejectsSends() throws Exception {
        Channel<String> ch = new Channel<>(4);
        ch.send("a");
        ch.close();
        assertTrue(ch.isClosed());
        assertThrows(IllegalStateException.class, () -> ch.send("b"));
        assertEquals("a", ch.receive());
        assertNull(ch.receive());
    }

    @Test
    void closeWakesBlockedReceivers() throws Exception {
        Channel<String> ch = new Channel<>(1);
        AtomicReference<String> got = new AtomicReference<>("unset");
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                got.set(ch.receive());
            } catch (InterruptedException e) {
                got.set("interrupted");
            }
        });
        SyncTesting.awaitParked(t);
        ch.close();
        t.join();
        assertNull(got.get());
    }

    @Test
    void receiveTimesOutAndInterruptedSendThrows() throws Exception {
        Channel<String> ch = new Channel<>(1);
        assertNull(ch.receive(5, TimeUnit.MILLISECONDS));
        ch.send("fill");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                ch.send("blocked");
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        SyncTesting.awaitParked(t);
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException);
        assertEquals(1, ch.size());
    }

    @Test
    void everyItemIsReceivedExactlyOnceByManyConsumers() throws Exception {
        Channel<Long> ch = new Channel<>(8);
        int perProducer = 20_000;
        AtomicLong sum = new AtomicLong();
        AtomicLong count = new AtomicLong();
        SyncTesting.runThreads(4, i -> {
            if (i < 2) {
                for (long k = 1; k <= perProducer; k++) {
                    ch.send(k);
                }
            } else {
                for (int k = 0; k < perProducer; k++) {
                    sum.addAndGet(ch.receive());
                    count.incrementAndGet();
                }
            }
        });
        assertEquals(2L * perProducer, count.get());
        assertEquals(2L * perProducer * (perProducer + 1) / 2, sum.get());
        assertEquals(0, ch.size());
    }
}

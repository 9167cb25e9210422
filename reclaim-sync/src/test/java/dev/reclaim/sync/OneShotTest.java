package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class OneShotTest {

    @Test
    void valueCrossesThreadsToABlockedReceiver() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            OneShot<Integer> shot = OneShot.create();
            OneShot.Sender<Integer> tx = shot.sender();
            int v = i;
            Thread t = (i % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> tx.send(v));
            assertEquals(v, shot.receiver().receive(10, TimeUnit.SECONDS));
            t.join();
        }
    }

    @Test
    void doubleSendThrowsAndKeepsTheFirstValue() throws Exception {
        OneShot<String> shot = OneShot.create();
        OneShot.Sender<String> tx = shot.sender();
        tx.send("first");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tx.send("second"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertEquals("first", shot.receiver().receive());
    }

    @Test
    void doubleReceiveThrows() {
        OneShot<String> shot = OneShot.create();
        OneShot.Receiver<String> rx = shot.receiver();
        shot.sender().send("x");
        assertEquals("x", rx.tryReceive());
        assertThrows(IllegalStateException.class, rx::tryReceive);
        assertThrows(IllegalStateException.class, rx::receive);
    }

    @Test
    void endsCanBeTakenOnlyOnce() {
        OneShot<String> shot = OneShot.create();
        shot.sender();
        shot.receiver();
        assertThrows(IllegalStateException.class, shot::sender);
        assertThrows(IllegalStateException.class, shot::receiver);
    }

    @Test
    void receiveTimesOutThenStillGetsALaterValue() throws Exception {
        OneShot<String> shot = OneShot.create();
        OneShot.Receiver<String> rx = shot.receiver();
        assertThrows(TimeoutException.class, () -> rx.receive(5, TimeUnit.MILLISECONDS));
        assertNull(rx.tryReceive());
        assertFalse(rx.isReady());
        shot.sender().send("late");
        assertTrue(rx.isReady());
        assertEquals("late", rx.receive(1, TimeUnit.SECONDS));
    }

    @Test
    void closingTheSenderWithoutSendingFailsTheWaitingReceiver() throws Exception {
        OneShot<String> shot = OneShot.create();
        OneShot.Sender<String> tx = shot.sender();
        OneShot.Receiver<String> rx = shot.receiver();
        Thread t = Thread.ofPlatform().start(() -> {
            SyncTesting.awaitTrue("receiver parked", () -> ParkingLot.hasWaiters(shot));
            tx.close();
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, rx::receive);
        assertTrue(e.getMessage().contains("closed without sending"), e.getMessage());
        t.join();
        assertThrows(IllegalStateException.class, () -> tx.send("too late"));
    }

    @Test
    void closeAfterSendIsHarmless() throws Exception {
        OneShot<String> shot = OneShot.create();
        try (OneShot.Sender<String> tx = shot.sender()) {
            tx.send("v");
        }
        assertEquals("v", shot.receiver().receive());
        assertThrows(NullPointerException.class, () -> OneShot.<String>create().sender().send(null));
    }
}

package dev.reclaim.sync;

import dev.reclaim.testing.MisuseCatalogue;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.util.stream.Stream;

/**
 * The misuse catalogue of {@code dev.reclaim.sync}: each misuse with the exception type it must raise and a
 * pattern its message must match, which names the fix.
 */
class SyncMisuseCatalogueTest {

    private static final MisuseCatalogue CATALOGUE = new MisuseCatalogue();

    static {
        // dev.reclaim.sync
        CATALOGUE.misuse("sync: unlock a mutex that is not locked", IllegalStateException.class,
                "not locked.*unlock exactly once per lock", () -> new Mutex().unlock());
        CATALOGUE.misuse("sync: unlock a mutex another thread holds", IllegalStateException.class,
                "does not hold the mutex; unlock it from the thread that locked it", () -> {
                    Mutex m = new Mutex();
                    Thread t = Thread.ofPlatform().start(m::lock);
                    t.join();
                    m.unlock();
                });
        CATALOGUE.misuse("sync: close a mutex guard twice", IllegalStateException.class,
                "guard was closed twice.*unlock exactly once per lock", () -> {
            Mutex m = new Mutex();
            MutexGuard g = m.lock();
            g.close();
            g.close();
        });
        CATALOGUE.misuse("sync: close a spin lock guard twice", IllegalStateException.class, "(?i)unlock once", () -> {
            SpinLock l = new SpinLock();
            SpinLockGuard g = l.lock();
            g.close();
            g.close();
        });
        CATALOGUE.misuse("sync: close a read guard more often than read locks were taken", IllegalStateException.class,
                "(?i)release once per read", () -> {
                    RwLock l = new RwLock();
                    RwLockReadGuard g = l.read();
                    g.close();
                    g.close();
                });
        CATALOGUE.misuse("sync: close a write guard twice", IllegalStateException.class, "(?i)thread that locked", () -> {
            RwLock l = new RwLock();
            RwLockWriteGuard g = l.write();
            g.close();
            g.close();
        });
        CATALOGUE.misuse("sync: close a queue lock guard twice", IllegalStateException.class, "(?i)close it once", () -> {
            QueueLock l = new QueueLock();
            QueueLockGuard g = l.lock();
            g.close();
            g.close();
        });
        CATALOGUE.misuse("sync: close a byte lock guard twice", IllegalStateException.class, "(?i)unlock once", () -> {
            try (Arena arena = Arena.ofConfined()) {
                ByteLock l = ByteLock.at(arena.allocate(8, 8), 0);
                ByteLockGuard g = l.lock();
                g.close();
                g.close();
            }
        });
        CATALOGUE.misuse("sync: send twice on a one-shot", IllegalStateException.class, "(?i)once|already", () -> {
            OneShot<String> ch = OneShot.create();
            OneShot.Sender<String> tx = ch.sender();
            tx.send("a");
            tx.send("b");
        });
        CATALOGUE.misuse("sync: take a one-shot's sender twice", IllegalStateException.class, "take it once", () -> {
            OneShot<String> ch = OneShot.create();
            ch.sender();
            ch.sender();
        });
        CATALOGUE.misuse("sync: negative semaphore permits", IllegalArgumentException.class, "(?i)permits",
                () -> new Semaphore(-1));
        CATALOGUE.misuse("sync: end a seqlock write that was never begun", IllegalStateException.class, "(?i)beginWrite",
                () -> new SeqLock(2).endWrite());
        CATALOGUE.misuse("sync: an RcuCell without a reclaimer", NullPointerException.class, "(?i)reclaimer",
                () -> new RcuCell<>(null, "x"));
    }

    @TestFactory
    Stream<DynamicTest> everyMisuseThrowsItsTypeWithAMessageNamingTheFix() {
        return CATALOGUE.dynamicTests();
    }
}

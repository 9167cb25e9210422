package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process writes a file-mapped {@link SegmentSeqLock} continuously; a second JVM ({@link SeqLockReaderProcess},
 * started with this test's class path) maps the same file and validates 2 million snapshots: none may be torn.
 */
class SeqLockTwoProcessTest {

    @Test
    void aSecondProcessReadsOnlyWholeSnapshotsOfAFileMappedSeqLock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("seqlock.bin");
        int fields = SeqLockTest.FIELDS;
        try (Arena arena = Arena.ofShared();
             FileChannel fc = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE)) {
            MemorySegment seg = fc.map(FileChannel.MapMode.READ_WRITE, 0, SegmentSeqLock.bytesFor(fields), arena);
            SegmentSeqLock lock = SegmentSeqLock.format(seg, fields);
            long[] rec = new long[fields];
            SeqLockTest.record(0, rec);
            lock.write(rec);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process reader = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "--enable-native-access=ALL-UNNAMED", SeqLockReaderProcess.class.getName(), file.toString(),
                    "2000000"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("reader.log").toFile())
                    .start();
            long v = 1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reader.isAlive() && System.nanoTime() < deadline) {
                SeqLockTest.record(v++, rec);
                lock.write(rec);
                if ((v & 1023) == 0) {
                    Thread.yield();
                }
            }
            boolean exited = reader.waitFor(5, TimeUnit.SECONDS);
            if (!exited) {
                reader.destroyForcibly();
            }
            String log = Files.readString(dir.resolve("reader.log"), StandardCharsets.UTF_8);
            System.out.println("two-process seqlock: writer wrote " + v + " records; " + log.strip());
            assertTrue(exited, "the reader process did not finish in 60 s: " + log);
            assertEquals(0, reader.exitValue(), "reader process failed: " + log);
            assertTrue(log.contains("torn=0"), log);
            assertTrue(!log.contains("distinct=0") && !log.contains("distinct=1 "),
                    "the reader never saw the writer's progress: test is vacuous: " + log);
        }
        assertTrue(new File(file.toString()).exists());
    }
}

package dev.reclaim.sync;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The reader half of {@link SeqLockTwoProcessTest}, run in a second JVM: maps the file, attaches (validating the
 * header), reads snapshots with bounded retries and validates each. Prints one summary line; exits 0 if no
 * snapshot was torn, 1 if one was, 2 on a setup failure.
 */
public final class SeqLockReaderProcess {

    private SeqLockReaderProcess() {
    }

    /**
     * Entry point.
     *
     * @param args the file, the number of reads
     * @throws Exception on setup failure
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long reads = Long.parseLong(args[1]);
        try (Arena arena = Arena.ofShared();
             FileChannel fc = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = fc.map(FileChannel.MapMode.READ_WRITE, 0, fc.size(), arena);
            SegmentSeqLock lock = SegmentSeqLock.attach(seg);
            long[] snap = new long[lock.fields()];
            long ok = 0;
            long gaveUp = 0;
            long torn = 0;
            long distinct = 0;
            long last = -1;
            for (long k = 0; k < reads; k++) {
                if (!lock.tryRead(snap, 10_000)) {
                    gaveUp++;
                    continue;
                }
                long v = SeqLockTest.validRecord(snap);
                if (v < 0) {
                    torn++;
                } else {
                    ok++;
                    if (v != last) {
                        distinct++;
                    }
                    last = v;
                }
            }
            System.out.println("reader: ok=" + ok + " torn=" + torn + " gaveUp=" + gaveUp + " distinct=" + distinct);
            System.exit(torn == 0 ? 0 : 1);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(2);
        }
    }
}

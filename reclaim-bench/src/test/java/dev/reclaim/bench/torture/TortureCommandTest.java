package dev.reclaim.bench.torture;

import dev.reclaim.Scheme;
import dev.reclaim.bench.Main;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The torture command's contract, and proof that its checks catch what they claim to catch. */
class TortureCommandTest {

    private static String[] run(int[] exit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        exit[0] = cl.execute(args);
        return new String[]{out.toString(), err.toString()};
    }

    @Test
    void oneRoundPrintsALinePerCaseAndEndsWithTheSummary() {
        int[] exit = new int[1];
        String[] io = run(exit, "torture", "--rounds", "1", "--threads", "2", "--seed", "7", "--only", "thread-death");
        String[] lines = io[0].strip().split("\n");
        assertEquals(0, exit[0], io[0] + io[1]);
        long cases = TortureCases.all().stream().filter(c -> c.name().contains("thread-death")).count();
        assertEquals(cases + " passed, 0 failed", lines[lines.length - 1]);
        assertEquals(cases, java.util.Arrays.stream(lines).filter(l -> l.startsWith("PASS ")).count(), io[0]);
    }

    @Test
    void minutesBoundsTheWallTimeAndReportsTheRoundItCut() {
        int[] exit = new int[1];
        // 0.01 minutes = 600 ms: far less than one round of the churn cases (each runs 100k operations per worker)
        String[] io = run(exit, "torture", "--minutes", "0.01", "--threads", "2", "--seed", "3", "--only", "churn");
        String[] lines = io[0].strip().split("\n");
        assertEquals(0, exit[0], io[0] + io[1]);
        long cases = TortureCases.all().stream().filter(c -> c.name().contains("churn")).count();
        assertTrue(io[0].contains("torture: round 1 cut short by the --minutes limit after "), io[0]);
        assertFalse(io[0].contains("round 2"), io[0]);
        long ran = java.util.Arrays.stream(lines).filter(l -> l.matches("(PASS|FAIL|CUT ) .*")).count();
        assertTrue(ran < cases, ran + " of " + cases + " cases ran in 600 ms: " + io[0]);
        assertTrue(lines[lines.length - 1].matches("\\d+ passed, 0 failed"), lines[lines.length - 1]);
    }

    @Test
    void roundsWithoutMinutesRunThatManyRoundsWithProgressLines() {
        int[] exit = new int[1];
        String[] io = run(exit, "torture", "--rounds", "2", "--threads", "2", "--seed", "5", "--only", "interrupts ebr");
        assertEquals(0, exit[0], io[0] + io[1]);
        assertTrue(io[0].contains("torture: round 1 complete; "), io[0]);
        assertTrue(io[0].contains("torture: round 2 complete; "), io[0]);
        assertTrue(io[0].contains(" elapsed, ETA "), io[0]);
    }

    @Test
    void helpDescribesTheCommandInWholeSentences() {
        int[] exit = new int[1];
        String[] io = run(exit, "torture", "--help");
        assertEquals(0, exit[0]);
        String text = io[0].replaceAll("\\s+", " ");
        assertTrue(text.contains("ends with 'N passed, M failed'."), text);
        assertTrue(text.contains("--minutes=M"), text);
        assertTrue(text.contains("Exit code: 0 nothing failed, 1 a case failed or hung, 2 bad options."), text);
    }

    @Test
    void badOptionsExitWithUsage() {
        int[] exit = new int[1];
        String[] io = run(exit, "torture", "--threads", "0");
        assertEquals(2, exit[0]);
        assertTrue(io[1].contains("--threads"), io[1]);
        run(exit, "torture", "--only", "no-such-case");
        assertEquals(2, exit[0]);
    }

    @Test
    void bytesMapChurnPassesForEveryFreeingSchemeAndItsValueCheckRejectsForeignAndTornValues() throws Exception {
        for (Scheme scheme : Reclaimers.freeing()) {
            String summary = new BytesMapChurnCase(scheme, 3_000, 256).run(11, 3);
            assertTrue(summary.contains("match the models"), summary);
        }
        java.lang.foreign.MemorySegment v = BytesMapChurnCase.value(5, 40);
        assertEquals(40, BytesMapChurnCase.version(5, v, v.byteSize()));
        assertThrows(AssertionError.class, () -> BytesMapChurnCase.version(6, v, v.byteSize()));
        v.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 9, (byte) 0x55);
        assertThrows(AssertionError.class, () -> BytesMapChurnCase.version(5, v, v.byteSize()));
    }

    @Test
    void theRealtimeCasePassesAndCatchesValuesDestroyedUnderTheirReaders() {
        String summary = assertDoesNotThrow(() -> new RealtimeCase(5_000, false).run(3, 2));
        assertTrue(summary.contains("each destroyed once, none while read"), summary);
        // negative control: the writer destroys what it replaced at once, ignoring the readers
        AssertionError e = assertThrows(AssertionError.class, () -> new RealtimeCase(5_000, true).run(3, 2));
        // whichever violation the race shows first: destroyed while read, destroyed twice, or read after it
        assertTrue(e.getMessage().contains("destroyed twice") || e.getMessage().contains("while")
                || e.getMessage().contains("after its destruction"), e.getMessage());
    }

    @Test
    void theMapStallAndExhaustionCasesPassOnTheBytesMapAdapter() {
        String stall = assertDoesNotThrow(() -> new MapChurnCase(Scheme.HP, LongMap.BYTES, 2_000, 256, true).run(5, 2));
        assertTrue(stall.contains("a stalled reader") && stall.contains("(bound "), stall);
        String oom = assertDoesNotThrow(() -> new MapExhaustionCase(Scheme.ROBUST, LongMap.BYTES).run(5, 2));
        assertTrue(oom.contains("refusals left no entry"), oom);
    }

    /** A stack that frees popped nodes at once, with no reclaimer: concurrent pops read freed nodes. */
    private static LongContainer unsafeStack(SlabAllocator memory) {
        long top = memory.allocateZeroed(8);
        return new LongContainer() {
            @Override
            public void insert(long value) {
                long node = memory.allocate(16);
                Memory.putLong(node, value);
                long head;
                do {
                    head = Memory.getLongVolatile(top);
                    Memory.putLong(node + 8, head);
                } while (!Memory.compareAndSetLong(top, head, node));
            }

            @Override
            public long remove() {
                while (true) {
                    long head = Memory.getLongVolatile(top);
                    if (head == 0) {
                        return EMPTY;
                    }
                    long next = Memory.getLong(head + 8); // may read a node another thread just freed
                    if (Memory.compareAndSetLong(top, head, next)) {
                        long v = Memory.getLong(head);
                        memory.free(head);
                        return v;
                    }
                }
            }

            @Override
            public void close() {
                for (long n = Memory.getLong(top); n != 0; ) {
                    long next = Memory.getLong(n + 8);
                    memory.free(n);
                    n = next;
                }
                memory.free(top);
            }
        };
    }

    @Test
    void churnCatchesAUseAfterFreeInAStructureWithoutReclamation() {
        LongContainer.Kind broken = new LongContainer.Kind("unsafe-stack", (r, a) -> unsafeStack(a));
        AssertionError caught = null;
        for (int attempt = 0; attempt < 10 && caught == null; attempt++) {
            try {
                new ChurnCase(Scheme.EBR, broken, 50_000, false).run(attempt, 4);
            } catch (AssertionError e) {
                caught = e;
            } catch (Exception e) {
                throw new AssertionError("the case should report a failure as an AssertionError", e);
            }
        }
        assertNotNull(caught, "10 runs of an unprotected stack under the sanitizer found no use after free");
        assertTrue(caught.getMessage().contains("a worker failed") || caught.getMessage().contains("lost")
                || caught.getMessage().contains("twice"), caught.getMessage());
    }

    @Test
    void vthreadBurstPassesForEveryFreeingScheme() throws Exception {
        for (Scheme scheme : Reclaimers.freeing()) {
            String summary = new VThreadBurstCase(scheme, 500, false).run(11, 2);
            assertTrue(summary.contains("all freed once"), summary);
        }
    }

    @Test
    void vthreadBurstCatchesANodeFreedWhileASleepingTaskStillReadsIt() {
        // protection removed: a task frees the node it swapped out at once, while readers sleep on it
        AssertionError e = assertThrows(AssertionError.class,
                () -> new VThreadBurstCase(Scheme.EBR, 500, true).run(11, 2));
        assertTrue(e.getMessage().contains("UseAfterFree") || e.getMessage().contains("changed under its guard"),
                e.getMessage());
    }
}

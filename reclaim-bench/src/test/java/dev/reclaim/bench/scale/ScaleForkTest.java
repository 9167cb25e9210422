package dev.reclaim.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale workload's key draws and one in-process fork of a small configuration. */
class ScaleForkTest {

    @Test
    void theMixIsNinetyGetsFivePutsFiveRemovesOverTheWholeRange() {
        ScaleKeys k = ScaleKeys.draw(100_000, 1000, 0, 1);
        int[] ops = new int[3];
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < k.ops.length; i++) {
            ops[k.ops[i]]++;
            keys.add(k.keys[i]);
        }
        assertTrue(Math.abs(ops[ScaleKeys.GET] - 90_000) < 1000, "gets " + ops[0]);
        assertTrue(Math.abs(ops[ScaleKeys.PUT] - 5_000) < 500, "puts " + ops[1]);
        assertEquals(1000, keys.size(), "every index of the range is drawn, and the mix maps them apart");
    }

    @Test
    void zipfRanksFollowThePowerLaw() {
        ScaleKeys.ZipfSampler z = new ScaleKeys.ZipfSampler(1_000_000, 0.99);
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 1_000_000;
        long[] counts = new long[4];
        for (int i = 0; i < n; i++) {
            long r = z.sample(rnd);
            assertTrue(r >= 1 && r <= 1_000_000, "rank " + r);
            if (r <= 3) {
                counts[(int) r]++;
            }
        }
        // P(1) = 1 / H(10^6, 0.99) ~ 0.065; P(1) / P(2) = 2^0.99
        assertTrue(Math.abs(counts[1] / (double) n - 0.065) < 0.005, "P(1) " + counts[1] / (double) n);
        double ratio = counts[1] / (double) counts[2];
        assertTrue(Math.abs(ratio - Math.pow(2, 0.99)) < 0.1, "P(1)/P(2) " + ratio);
    }

    @Test
    void theBaseLibraryKeepsAnOlderJarsLibraryButNotItsHarness(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("old.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[] {"dev/reclaim/collections/X.class", "dev/reclaim/bench/scale/Y.class"}) {
                out.putNextEntry(new ZipEntry(name));
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        Path lib = ScaleCommand.baseLibrary(jar, dir);
        try (ZipFile z = new ZipFile(lib.toFile())) {
            assertEquals(List.of("dev/reclaim/collections/X.class"), z.stream().map(ZipEntry::getName).toList());
        }
        assertEquals(lib, ScaleCommand.baseLibrary(jar, dir), "made once, then reused");
    }

    @Test
    void aForkMeasuresASmallMapAndFreesIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.properties");
        ScaleFork.main(new String[] {out.toString(), "openmap-ebr", "20000", "0.99", "2", "100", "3"});
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(out)) {
            p.load(r);
        }
        assertEquals("true", p.getProperty("ok"));
        assertEquals("20000", p.getProperty("sizeAfterFill"));
        assertEquals("0", p.getProperty("liveBlocksAfterClose"), "the map's tables all freed");
        assertTrue(Double.parseDouble(p.getProperty("opsPerSecond")) > 0);
        assertTrue(Double.parseDouble(p.getProperty("heapBytesPerOp")) < 1, "LongOpenHashMap ops allocate: "
                + p.getProperty("heapBytesPerOp"));
        double last = 0;
        for (String q : new String[] {"fillP50us", "fillP99us", "fillP999us", "fillP9999us", "fillMaxUs"}) {
            double v = Double.parseDouble(p.getProperty(q));
            assertTrue(v > 0 && v >= last, "the fill's put latency percentiles are recorded in order: " + q + " = "
                    + v + " after " + last);
            last = v;
        }
    }
}

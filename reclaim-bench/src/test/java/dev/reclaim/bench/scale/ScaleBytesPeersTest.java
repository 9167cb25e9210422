package dev.reclaim.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bytes workload's peers agree with each other, and a fork of it measures and frees a small map. */
class ScaleBytesPeersTest {

    /** Chronicle Map needs its add-opens flags (ScalePeers.jvmFlags), which the test JVM does not have. */
    @ParameterizedTest
    @ValueSource(strings = {"bytes-ebr", "bytes-ebr-sized", "bytes-chm", "bytes-ohc"})
    void everyPeerStoresReplacesAndRemovesTheWorkloadsBytes(String peer) {
        try (ScaleMap m = ScalePeers.create(peer, 1000, 2000)) {
            for (long i = 0; i < 1000; i++) {
                m.put(ScaleKeys.key(i), i);
            }
            assertEquals(1000, m.size());
            assertEquals(7, m.get(ScaleKeys.key(7), -1), "the value's first 8 bytes");
            assertEquals(-1, m.get(ScaleKeys.key(1000), -1), "absent");
            m.put(ScaleKeys.key(7), 70);
            assertEquals(70, m.get(ScaleKeys.key(7), -1), "replaced");
            m.remove(ScaleKeys.key(7));
            assertEquals(-1, m.get(ScaleKeys.key(7), -1), "removed");
            assertEquals(999, m.size());
            if (peer.startsWith("bytes-ebr")) {
                // 999 blobs of 16 + 8 + 16 + 104 bytes at least, plus index nodes
                assertTrue(m.allocatorBytes() >= 999 * 144, "allocator figure " + m.allocatorBytes());
            }
        }
    }

    @Test
    void keysAndValuesHaveTheWorkloadsSizes() {
        assertEquals(16, ScaleBytesPeers.KEY_BYTES);
        assertEquals(100, ScaleBytesPeers.VALUE_BYTES);
        assertTrue(ScaleBytesPeers.isBytes("bytes-ohc"));
        assertFalse(ScaleBytesPeers.isBytes("ohc"));
    }

    @Test
    void aBytesForkMeasuresASmallMapAndFreesIt(@TempDir Path dir) throws Exception {
        Properties p = forkResult(dir.resolve("r.properties"), "bytes-ebr");
        assertEquals("0", p.getProperty("liveBlocksAfterClose"), "every blob, node and bucket segment freed");
        assertEquals("true", p.getProperty("ok"));
        assertTrue(Double.parseDouble(p.getProperty("fillMaxUs")) > 0, "fill latency recorded");
        assertEquals("20000", p.getProperty("sizeAfterFill"));
        // a 100 ms window before the JIT has compiled much: allow the interpreter's odd allocation, not a copy
        // of a 100-byte value per get (>= 116 B/op); the measured runs show 0.2-0.7 B/op
        assertTrue(Double.parseDouble(p.getProperty("heapBytesPerOp")) < 16, "BytesHashMap ops allocate: "
                + p.getProperty("heapBytesPerOp"));
    }

    /** Runs one small uniform configuration of {@code peer} in this JVM and returns its figures. */
    private static Properties forkResult(Path out, String peer) throws Exception {
        ScaleFork.main(new String[] {out.toString(), peer, "20000", "0", "2", "100", "3"});
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(out)) {
            p.load(r);
        }
        return p;
    }
}

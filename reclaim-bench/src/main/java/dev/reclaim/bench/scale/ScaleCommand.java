package dev.reclaim.bench.scale;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@code ./reclaim bench --scale}: the scale workload family. For each size, peer, key distribution, thread
 * count and collector it starts one JVM ({@link ScaleFork}), then writes {@code index.md}, {@code results.csv}
 * and charts against size into the output directory. A configuration whose figures are already in
 * {@code raw/} is not run again, so sizes can be added to a report run by run.
 *
 * <p>The matrix comes from environment variables (defaults in brackets): {@code RECLAIM_SCALE_SIZES}
 * [1000000,10000000], {@code RECLAIM_SCALE_PEERS} [openmap-ebr,chm,nbhml,chronicle,ohc],
 * {@code RECLAIM_SCALE_DISTS} [uniform,zipf], {@code RECLAIM_SCALE_GCS} [g1,zgc], {@code RECLAIM_SCALE_XMX}
 * [4g], {@code RECLAIM_SCALE_WORKLOAD} [long] ({@code bytes}: the default peers become the bytes workload's,
 * 16-byte keys to 100-byte values, {@link ScaleBytesPeers}); threads and the measured duration come from
 * {@code --threads} [1,2] and {@code --duration} [3s].
 * A peer id ending in {@code @base} (e.g. {@code openmap-ebr@base}) runs that peer with the classes of the jar
 * named by {@code RECLAIM_SCALE_BASE_JAR} ahead of this one on the class path: the library as it was in an
 * older build, for before/after figures. The older jar's harness classes are left out ({@link #baseLibrary}),
 * so both rows are measured by this build's fork.
 */
public final class ScaleCommand {

    /** The Zipf exponent of the skewed distribution. */
    static final double ZIPF = 0.99;

    private ScaleCommand() {
    }

    /**
     * Runs the matrix and writes the report.
     *
     * @param out        the report directory
     * @param threads    worker thread counts, or null for 1,2
     * @param durationMs the measured window per configuration
     * @param seed       the key seed
     * @param o          where progress goes
     * @return 0 when every configuration ran, 1 when some failed (their errors are in the report)
     * @throws IOException if the report cannot be written
     */
    public static int run(Path out, List<Integer> threads, long durationMs, long seed, PrintWriter o)
            throws IOException {
        List<Long> sizes = env("RECLAIM_SCALE_SIZES", "1000000,10000000").stream().map(Long::parseLong).toList();
        String workload = System.getenv().getOrDefault("RECLAIM_SCALE_WORKLOAD", "long");
        if (!workload.equals("long") && !workload.equals("bytes")) {
            throw new IllegalArgumentException("RECLAIM_SCALE_WORKLOAD=" + workload + ": use long (long -> long"
                    + " maps) or bytes (16-byte keys -> 100-byte values)");
        }
        List<String> peers = env("RECLAIM_SCALE_PEERS",
                String.join(",", workload.equals("bytes") ? ScaleBytesPeers.ALL : ScalePeers.ALL));
        List<String> dists = env("RECLAIM_SCALE_DISTS", "uniform,zipf");
        List<String> gcs = env("RECLAIM_SCALE_GCS", "g1,zgc");
        String xmx = System.getenv().getOrDefault("RECLAIM_SCALE_XMX", "4g");
        List<Integer> ts = threads != null ? threads : List.of(1, 2);
        Path dir = out.toAbsolutePath();
        Path raw = Files.createDirectories(dir.resolve("raw"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        int total = sizes.size() * peers.size() * dists.size() * ts.size() * gcs.size();
        int i = 0;
        int failed = 0;
        for (long size : sizes) {
            for (String gc : gcs) {
                for (String dist : dists) {
                    for (int t : ts) {
                        for (String peer : peers) {
                            i++;
                            String name = String.format(Locale.ROOT, "%s-%d-%s-%dt-%s", peer, size, dist, t, gc);
                            Path result = raw.resolve(name + ".properties");
                            if (Files.exists(result)) {
                                o.printf(Locale.ROOT, "  [%d/%d] %s: already measured%n", i, total, name);
                                continue;
                            }
                            long t0 = System.nanoTime();
                            Properties p = fork(name, peer, size, dist, t, gc, xmx, durationMs, seed, result,
                                    logs.resolve(name + ".log"));
                            if (!"true".equals(p.getProperty("ok"))) {
                                failed++;
                            }
                            o.printf(Locale.ROOT, "  [%d/%d] %-40s %s (%.0f s)%n", i, total, name,
                                    "true".equals(p.getProperty("ok")) ? p.getProperty("opsPerSecond") + " ops/s"
                                            : "FAILED: " + p.getProperty("error"), (System.nanoTime() - t0) / 1e9);
                            o.flush();
                        }
                    }
                }
            }
        }
        ScaleReport.write(dir, raw);
        o.printf(Locale.ROOT, "scale report: %s%n", dir.resolve("index.md"));
        return failed == 0 ? 0 : 1;
    }

    /** Minutes one fork may run before it is killed: {@code RECLAIM_SCALE_TIMEOUT_MIN}, default 30. */
    private static long timeoutMinutes() {
        String v = System.getenv("RECLAIM_SCALE_TIMEOUT_MIN");
        if (v == null || v.isBlank()) {
            return 30;
        }
        try {
            long m = Long.parseLong(v.trim());
            if (m > 0) {
                return m;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("RECLAIM_SCALE_TIMEOUT_MIN must be a positive number of minutes, got '"
                + v + "'");
    }

    private static Properties fork(String name, String peer, long size, String dist, int threads, String gc,
                                   String xmx, long durationMs, long seed, Path result, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xms" + xmx, "-Xmx" + xmx, gc.equals("zgc") ? "-XX:+UseZGC" : "-XX:+UseG1GC"));
        cmd.addAll(ScalePeers.jvmFlags(peer));
        String cp = System.getProperty("java.class.path");
        String forkPeer = peer;
        if (peer.endsWith("@base")) {
            String base = System.getenv("RECLAIM_SCALE_BASE_JAR");
            if (base == null) {
                throw new IllegalArgumentException("peer " + peer + " needs RECLAIM_SCALE_BASE_JAR=<an older"
                        + " reclaim.jar>");
            }
            cp = baseLibrary(Path.of(base), result.getParent().getParent()) + java.io.File.pathSeparator + cp;
            forkPeer = peer.substring(0, peer.length() - "@base".length());
        }
        cmd.addAll(List.of("-cp", cp, ScaleFork.class.getName(), result.toString(), forkPeer, Long.toString(size), dist.equals("zipf") ? Double.toString(ZIPF) : "0",
                Integer.toString(threads), Long.toString(durationMs), Long.toString(seed)));
        Properties p = new Properties();
        int exit;
        try {
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long limit = timeoutMinutes();
            if (!proc.waitFor(limit, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                p.setProperty("ok", "false");
                p.setProperty("error", "timed out after " + limit + " min (killed while still running; set"
                        + " RECLAIM_SCALE_TIMEOUT_MIN to allow longer fills)");
                exit = -1;
            } else {
                exit = proc.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + name + " ran", e);
        }
        if (exit == 0 && Files.exists(result)) {
            try (Reader r = Files.newBufferedReader(result)) {
                p.load(r);
            }
        } else {
            p.setProperty("ok", "false");
            if (p.getProperty("error") == null) {
                p.setProperty("error", firstError(log, exit));
            }
        }
        p.setProperty("peer", peer);
        p.setProperty("size", Long.toString(size));
        p.setProperty("dist", dist);
        p.setProperty("threads", Integer.toString(threads));
        p.setProperty("gc", gc);
        p.setProperty("xmx", xmx);
        try (Writer w = Files.newBufferedWriter(result)) {
            p.store(w, String.join(" ", cmd.subList(1, cmd.size())));
        }
        return p;
    }

    /**
     * The library of an older runnable jar without its harness ({@code dev/reclaim/bench/}): a copy in the report
     * directory, made once. The {@code @base} fork then runs this build's harness (same metrics, same timing
     * code) over the older library classes.
     */
    static Path baseLibrary(Path jar, Path dir) throws IOException {
        Path lib = dir.resolve("base-library-" + jar.getFileName());
        if (Files.exists(lib) && Files.getLastModifiedTime(lib).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
            return lib;
        }
        Path tmp = dir.resolve(lib.getFileName() + ".tmp");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith("dev/reclaim/bench/")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        return Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The first exception line of a failed fork's log (and its first cause), for the report. */
    private static String firstError(Path log, int exit) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        StringBuilder b = new StringBuilder("exit " + exit);
        int found = 0;
        for (String l : lines) {
            if ((l.contains("Exception") || l.contains("Error")) && !l.startsWith("\tat") && found < 2) {
                b.append(found == 0 ? ": " : " / ").append(l.strip());
                found++;
            }
        }
        return b.toString();
    }

    private static List<String> env(String name, String dflt) {
        return Arrays.stream(System.getenv().getOrDefault(name, dflt).split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }
}

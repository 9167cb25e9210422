package dev.reclaim.bench;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code reclaim -V} (and {@code -V} on every subcommand) prints: the project version the jar was built
 * from, and the Java runtime and platform it runs on.
 */
public final class Version implements CommandLine.IVersionProvider {

    /** Creates the provider (picocli instantiates it). */
    public Version() {
    }

    /**
     * The project version, from the {@code version.properties} resource that the build fills in.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}
     * @throws IllegalStateException if the resource is missing (a jar not built by Maven)
     */
    public static String project() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/reclaim/bench/version.properties is missing from the class"
                        + " path: build reclaim-bench with Maven (./reclaim build), which fills it in");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The version lines.
     *
     * @return {@code reclaim <version>} and the runtime line
     */
    @Override
    public String[] getVersion() {
        return new String[]{
                "reclaim " + project(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
}

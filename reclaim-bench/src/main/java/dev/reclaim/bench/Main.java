package dev.reclaim.bench;

import dev.reclaim.bench.peer.PeerCommand;
import dev.reclaim.bench.soak.SoakCommand;
import dev.reclaim.bench.suite.BenchCommand;
import dev.reclaim.bench.torture.TortureCommand;
import dev.reclaim.examples.birdcage.BirdCageDemo;
import dev.reclaim.examples.synth.SynthDemo;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code reclaim} command line: the main class of {@code reclaim-bench/target/reclaim.jar}, run by the
 * {@code ./reclaim} launcher as {@code java --enable-native-access=ALL-UNNAMED -jar reclaim.jar <command> ...}.
 *
 * <p>Commands: {@code demo birdcage} (the {@link BirdCageDemo}), {@code bench} (the {@link BenchCommand} suite), {@code torture} (the {@link TortureCommand}) and {@code jmh} (the JMH microbenchmarks of
 * {@code dev.reclaim.bench.jmh}). The process exits with the command's exit code: 0 success, 1 a check or a
 * run failed, 2 bad options or a missing subcommand (after printing the usage).
 *
 * <p>{@code demo synth} runs the realtime synth ({@link SynthDemo}). {@code soak} (the {@link SoakCommand}) runs a
 * throttled workload for hours and fails if the footprint trends upward; {@code peer} runs one peer-protocol
 * measurement ({@link PeerCommand}).
 */
@Command(name = "reclaim", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Safe memory reclamation for the JVM: demos and benchmarks.",
        subcommands = {Main.Demo.class, BenchCommand.class, TortureCommand.class, SoakCommand.class, Main.Jmh.class,
            PeerCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for bad options or a missing subcommand. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the top-level command (picocli instantiates it). */
    public Main() {
    }

    /**
     * Runs a command and exits the JVM with its exit code.
     *
     * @param args the command and its options, e.g. {@code demo birdcage --threads 2}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a command without exiting the JVM (for tests and embedding).
     *
     * @param args the command and its options
     * @return the exit code: 0 success, 1 failure, 2 bad options
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The configured picocli command tree.
     *
     * @return a new command line for {@code reclaim}
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        setVersion(cl, new Version());
        CommandLine jmh = cl.getSubcommands().get("jmh");
        // Everything after "jmh" belongs to JMH, in order: unknown options are kept as positional arguments.
        jmh.setUnmatchedOptionsArePositionalParams(true);
        jmh.setStopAtPositional(true);
        jmh.setExpandAtFiles(false);
        return cl;
    }

    /** Every command of the tree answers {@code -V} with the same version lines. */
    private static void setVersion(CommandLine cl, Version version) {
        cl.getCommandSpec().versionProvider(version);
        for (CommandLine sub : cl.getSubcommands().values()) {
            setVersion(sub, version);
        }
    }

    /**
     * Without a command: prints the usage and fails.
     *
     * @return {@link #USAGE}
     */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("reclaim: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** {@code reclaim demo <name>}: the example programs. */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Runs an example program and checks its invariants.",
            subcommands = {BirdCageDemo.class, SynthDemo.class})
    public static final class Demo implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public Demo() {
        }

        /**
         * Without a demo name: prints the usage and fails.
         *
         * @return {@link #USAGE}
         */
        @Override
        public Integer call() {
            spec.commandLine().getErr().println("reclaim demo: missing demo name (one of "
                    + spec.commandLine().getSubcommands().keySet() + ")");
            spec.commandLine().usage(spec.commandLine().getErr());
            return USAGE;
        }
    }

    /** {@code reclaim jmh [regex...] [JMH options]}: delegates to JMH's own command line. */
    @Command(name = "jmh",
            description = {"Runs the JMH microbenchmarks (package dev.reclaim.bench.jmh) through JMH's command line."
                    + " Arguments are JMH's: benchmark regexes and options (-h or --help lists them, -l lists the"
                    + " benchmarks). When no option is given (only regexes, or nothing), the modest defaults '"
                    + Jmh.DEFAULTS_TEXT + "' are used instead of JMH's 5 forks x 10 s iterations."})
    public static final class Jmh implements Callable<Integer> {

        /** The options added when the user gives none. */
        static final List<String> DEFAULTS = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s");
        static final String DEFAULTS_TEXT = "-f 1 -wi 2 -i 3 -w 1s -r 1s";

        @Parameters(arity = "0..*", paramLabel = "JMH_ARG", description = "benchmark regexes and JMH options")
        List<String> args = new ArrayList<>();

        @Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public Jmh() {
        }

        /**
         * The arguments passed to JMH: the user's, with {@link #DEFAULTS} prepended when they contain no option.
         *
         * @param user the arguments after {@code jmh}
         * @return the JMH arguments
         */
        static String[] jmhArgs(List<String> user) {
            boolean anyOption = user.stream().anyMatch(a -> a.startsWith("-"));
            List<String> all = new ArrayList<>();
            if (!anyOption) {
                all.addAll(DEFAULTS);
            }
            all.addAll(user);
            return all.toArray(String[]::new);
        }

        /**
         * Validates the JMH options (bad ones give the usage exit code 2), then runs {@code org.openjdk.jmh.Main}.
         *
         * @return 0 when JMH returns; JMH itself exits with 1 when a run fails
         * @throws IOException if JMH cannot write its output
         */
        @Override
        public Integer call() throws IOException {
            if (args.contains("--help") || args.contains("-help")) {
                // JMH knows only -h: show this command's usage, then JMH's options.
                PrintWriter out = spec.commandLine().getOut();
                spec.commandLine().usage(out);
                out.println();
                out.flush();
                try {
                    new CommandLineOptions("-h").showHelp();
                } catch (CommandLineOptionException e) {
                    throw new IllegalStateException("JMH rejected its own -h option", e);
                }
                return 0;
            }
            String[] jmhArgs = jmhArgs(args);
            try {
                new CommandLineOptions(jmhArgs);
            } catch (CommandLineOptionException e) {
                spec.commandLine().getErr().println("reclaim jmh: bad JMH option: " + e.getMessage()
                        + "\n  run './reclaim jmh -h' for JMH's options, './reclaim jmh -l' for the benchmarks");
                return USAGE;
            }
            org.openjdk.jmh.Main.main(jmhArgs);
            return 0;
        }
    }
}

package io.tlskit.cli;

import io.tlskit.ConfigException;
import io.tlskit.TlsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code tlskit} command. {@link #run(String[], PrintStream, PrintStream)} runs it in-process and
 * returns the exit code (tests call it); {@link #main} is the only place that calls System.exit.
 */
@Command(name = "tlskit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "TLS and HTTPS on the JVM (BouncyCastle): a local HTTPS server, a TLS client, an HTTPS client and certificate tools.",
        subcommands = {ServerCommand.class, ConnectCommand.class, HttpCommands.Get.class, HttpCommands.Post.class,
            CertCommand.class, MqttCommand.class, ProbeCommand.class, ErrorCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer>, Cli.Aware {
    /** Exit code for a failure that is not a usage error. */
    static final int EXIT_FAILURE = 1;
    /** Exit code for a command line picocli cannot parse. */
    static final int EXIT_USAGE = 2;
    /** Netty's leak detection level, read once when Netty's first buffer class loads. */
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show handshake steps (DEBUG log of io.tlskit.handshake) and more details; tlskit server logs every request.")
    boolean verbose;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(cli.out);
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        // Netty samples one buffer in 128 for leak tracking, with a stack trace each time: about 1% of
        // a keep-alive request's CPU. The tests keep it on (they do not come through here); a user who
        // wants it sets -Dio.netty.leakDetection.level.
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line with System.in as standard input. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new Cli(System.in, out, err).execute(args);
    }

    /** Runs one command line with the given standard input (for tests of {@code connect}). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new Cli(in, out, err).execute(args);
    }

    /**
     * Runs one command line; {@code onServerStarted} receives the server of {@code tlskit server} once
     * it listens, so a test can read its port and counters, reload its certificate and stop it.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Consumer<RunningServer> onServerStarted) {
        Cli cli = new Cli(System.in, out, err);
        cli.onServerStarted = onServerStarted;
        return cli.execute(args);
    }

    static CommandLine commandLine(Cli cli) {
        CommandLine commandLine = new CommandLine(Main.class, cli.factory());
        commandLine.setOut(new PrintWriter(cli.out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(cli.err, true, StandardCharsets.UTF_8));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExpandAtFiles(false); // --data @FILE is ours, not picocli's argument file
        TlsOptions.removeOtherRoleOptions(commandLine);
        commandLine.setParameterExceptionHandler((ex, args) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            cli.error(ex.getMessage() + " (see '" + command + " --help')");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cli.error(describe(ex));
            if (cli.verbose) {
                ex.printStackTrace(cli.err);
            }
            return EXIT_FAILURE;
        });
        return commandLine;
    }

    /** The one-line message for an exception: tlskit's own messages already say what to do. */
    static String describe(Throwable ex) {
        if (ex instanceof TlsException) {
            return withCode(ex.getMessage(), ((TlsException) ex).error());
        }
        if (ex instanceof ConfigException) {
            return withCode(ex.getMessage(), ((ConfigException) ex).error());
        }
        if (ex instanceof CliException) {
            return ex.getMessage();
        }
        if (ex instanceof io.tlskit.crypto.EntropyException) {
            return withCode(ex.getMessage(), io.tlskit.TlsError.ENTROPY_FAILED);
        }
        if (ex instanceof UnsupportedOperationException) {
            return String.valueOf(ex.getMessage());
        }
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            return describe(ex.getCause());
        }
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + ex.getMessage();
        }
        if (ex instanceof java.net.UnknownHostException) {
            return "unknown host " + ex.getMessage() + ": check the name or use an IP address";
        }
        if (ex instanceof java.net.ConnectException) {
            return "cannot connect: " + ex.getMessage();
        }
        if (ex instanceof java.net.BindException) {
            return "cannot listen: " + ex.getMessage() + ": is another server using the port? pick one with --port";
        }
        if (ex instanceof IOException) {
            return ex.getMessage() == null ? ex.toString() : ex.getMessage();
        }
        return "internal error: " + ex + " (run with -v for the stack trace)";
    }

    /** The sentence with its stable code after it: "... [E202 CERT_EXPIRED]" ('tlskit error 202' explains it). */
    static String withCode(String message, io.tlskit.TlsError error) {
        return error == null ? message : message + " [" + error.label() + "]";
    }

    /** Reads the version Maven wrote into version.properties. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tlskit " + version(), "BouncyCastle " + RuntimeVersions.bouncyCastle() + ", Netty " + RuntimeVersions.netty(),
                "crypto backend: " + io.tlskit.crypto.CryptoBackend.HYBRID.description(), RuntimeVersions.java()};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "unknown");
                return v.startsWith("${") ? "unknown" : v;
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}

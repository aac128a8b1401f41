package io.tlskit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * What one run of the command works with: its standard streams and flags. Passed to every command
 * object by the picocli factory, so nothing reads System.in/out/err directly and tests can run
 * commands in-process.
 */
final class Cli {
    /** Implemented by commands that need the run's streams. */
    interface Aware {
        void cli(Cli cli);
    }

    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    boolean verbose;
    Consumer<RunningServer> onServerStarted = server -> { };

    Cli(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    int execute(String[] args) {
        boolean debug = false;
        for (String arg : args) {
            if ("--".equals(arg)) {
                break;
            }
            if ("-v".equals(arg) || "--verbose".equals(arg)) {
                verbose = true;
            }
            if ("--debug".equals(arg) || arg.startsWith("--debug=")) {
                debug = true;
            }
        }
        configureLogging(verbose, debug);
        try {
            return Main.commandLine(this).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * slf4j-simple reads its settings when the first logger is created, so they are set before any
     * tlskit class is touched. Settings given with -D on the java command line win.
     */
    static void configureLogging(boolean verbose) {
        configureLogging(verbose, false);
    }

    /** With --debug the threshold is the config's, so SLF4J lets every level through to stderr. */
    static void configureLogging(boolean verbose, boolean debug) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        // tlskit server: one INFO line per failed handshake ("tls failed [CODE] ... remote=...")
        setIfAbsent("org.slf4j.simpleLogger.log.io.tlskit.netty", "info");
        // and with -v the access log, one INFO line per request
        setOurs("org.slf4j.simpleLogger.log.io.tlskit.http.access", verbose ? "info" : null);
        setOurs("org.slf4j.simpleLogger.log.io.tlskit.handshake", verbose || debug ? "debug" : null);
        setOurs("org.slf4j.simpleLogger.log.io.tlskit.wire", debug ? "trace" : null);
        setOurs("org.slf4j.simpleLogger.log.io.tlskit.time", verbose || debug ? "debug" : null);
    }

    /** Properties this class set (not the user with -D), so a later in-process run may change them back. */
    private static final java.util.Set<String> OURS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Sets (or with null clears) a property unless the user set it on the java command line. */
    private static void setOurs(String key, String value) {
        if (System.getProperty(key) != null && !OURS.contains(key)) {
            return;
        }
        if (value == null) {
            System.clearProperty(key);
            OURS.remove(key);
        } else {
            System.setProperty(key, value);
            OURS.add(key);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Prints the one-line failure message. */
    void error(String message) {
        err.println("tlskit: error: " + oneLine(message));
        err.flush();
    }

    /** Prints a one-line warning that does not end the command. */
    void warn(String message) {
        err.println("tlskit: warning: " + oneLine(message));
        err.flush();
    }

    static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", "; ");
        return line.length() <= 1000 ? line : line.substring(0, 1000) + "...";
    }

    CommandLine.IFactory factory() {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K object = defaults.create(cls);
                if (object instanceof Aware) {
                    ((Aware) object).cli(Cli.this);
                }
                return object;
            }
        };
    }
}

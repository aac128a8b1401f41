package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs tlskit command lines in-process and keeps what they printed. */
final class CliRun {
    final int exitCode;
    final String out;
    final String err;

    private CliRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static CliRun run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    static CliRun run(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, in, o, e);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Asserts the failure contract: non-zero exit and exactly one "tlskit: error:" line on stderr. */
    CliRun assertOneLineError() {
        assertThat(exitCode).as("exit code; stderr: %s", err).isNotZero();
        assertThat(err.strip().lines()).as("stderr").hasSize(1);
        assertThat(err).startsWith("tlskit: error: ");
        return this;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }

    /**
     * {@code tlskit server ...} on a background thread, stopped by close(). {@link #err()} holds what
     * the command printed to its error stream and, while the server runs, what the log (slf4j-simple,
     * which writes to System.err) printed: failed handshakes and, with -v, the access log.
     */
    static final class Server implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<RunningServer> started = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final RunningServer server;
        private final PrintStream systemErr = System.err;

        Server(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("server"));
            all.addAll(Arrays.asList(args));
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            // the log goes to System.err: copy it into err too (tests run one at a time in this JVM;
            // ByteArrayOutputStream's methods are synchronized, so both writers may share it)
            System.setErr(new PrintStream(new Tee(err, systemErr), true, StandardCharsets.UTF_8));
            Thread t = new Thread(() -> {
                try {
                    exit.complete(Main.run(all.toArray(String[]::new), o, e, started::complete));
                } catch (Throwable x) {
                    exit.completeExceptionally(x);
                }
                started.completeExceptionally(new IllegalStateException("server exited before listening:\n" + err()));
            }, "test-tlskit-server");
            t.setDaemon(true);
            t.start();
            try {
                server = started.get(30, TimeUnit.SECONDS);
            } catch (Exception x) {
                System.setErr(systemErr);
                throw x;
            }
        }

        int port() {
            return server.port();
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        /** Stops the server and returns the command's exit code. */
        int stop() throws Exception {
            try {
                server.close();
                return exit.get(10, TimeUnit.SECONDS);
            } finally {
                System.setErr(systemErr);
            }
        }

        void awaitErr(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!err().contains(text) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(err()).contains(text);
        }

        @Override
        public void close() throws Exception {
            if (!exit.isDone()) {
                stop();
            } else {
                System.setErr(systemErr);
            }
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] x, int off, int len) throws IOException {
            a.write(x, off, len);
            b.write(x, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}

package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
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

    /** {@code tlskit server ...} on a background thread, stopped by close(). */
    static final class Server implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<HttpsServer> started = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final HttpsServer server;

        Server(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("server"));
            all.addAll(Arrays.asList(args));
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
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
            server = started.get(30, TimeUnit.SECONDS);
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
            server.close();
            return exit.get(10, TimeUnit.SECONDS);
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
            }
        }
    }
}

package io.tlskit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real peer program started for one test: output is collected (stdout and stderr merged), the
 * process is killed on close. Bounded in time: every wait has a deadline.
 */
public final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Thread pump;
    private final List<String> command;

    private PeerProcess(List<String> command, Path workDir) throws IOException {
        this.command = command;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        this.process = builder.start();
        this.pump = new Thread(this::pumpOutput, "peer-output");
        pump.setDaemon(true);
        pump.start();
    }

    public static PeerProcess start(String... command) throws IOException {
        return new PeerProcess(Arrays.asList(command), null);
    }

    public static PeerProcess start(List<String> command) throws IOException {
        return new PeerProcess(new ArrayList<>(command), null);
    }

    public static PeerProcess startIn(Path workDir, List<String> command) throws IOException {
        return new PeerProcess(new ArrayList<>(command), workDir);
    }

    private void pumpOutput() {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (output) {
                    output.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    /** Waits until something accepts TCP connections on 127.0.0.1:port. */
    public PeerProcess awaitPort(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(command.get(0) + " exited early with " + process.exitValue() + ":\n" + output());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException(command.get(0) + " did not listen on port " + port + " within " + timeout + ":\n" + output());
    }

    /** Waits until the collected output contains the text. */
    public PeerProcess awaitOutput(String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return this;
            }
            if (!process.isAlive() && !output().contains(text)) {
                sleep(50);
                if (output().contains(text)) {
                    return this;
                }
                throw new IOException(command.get(0) + " exited before printing '" + text + "':\n" + output());
            }
            sleep(20);
        }
        throw new IOException(command.get(0) + " did not print '" + text + "' within " + timeout + ":\n" + output());
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public void write(String text) throws IOException {
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the process to exit and returns its exit code; kills it at the deadline. */
    public int waitFor(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not exit within " + timeout + ":\n" + output());
            }
            pump.join(2000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    public long pid() {
        return process.pid();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a short command to completion and returns its merged output; fails on timeout. */
    public static Result run(Duration timeout, String... command) throws IOException {
        try (PeerProcess p = start(command)) {
            p.closeStdin();
            int code = p.waitFor(timeout);
            return new Result(code, p.output());
        }
    }

    public static final class Result {
        public final int exitCode;
        public final String output;

        public Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public Result orThrow() throws IOException {
            if (exitCode != 0) {
                throw new IOException("exit " + exitCode + ":\n" + output);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }
}

package io.tlskit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIM800-like modem on a pseudo-terminal: socat makes the pty (its path is {@link #tty()}) and
 * bridges its other end to this class over a loopback socket. In command mode it answers AT
 * commands with OK; {@code AT+CIPSTART="TCP","host",port} dials a local TCP port and, on CONNECT,
 * switches to transparent mode, where bytes flow both ways at the configured line speed. "+++"
 * after a second of silence returns to command mode, ATH hangs up; when the far end closes (or
 * {@link #dropAfter} bytes have passed) it prints CLOSED, as a SIM800 does.
 */
public final class FakeModem implements AutoCloseable {
    /** What AT+CIPSTART does. */
    public enum Dial { CONNECT, SILENT, CONNECT_FAIL }

    private static final Pattern CIPSTART = Pattern.compile("AT\\+CIPSTART=\"TCP\",\"([^\"]+)\",(\\d+)");

    private final ServerSocket bridge;
    private final PeerProcess socat;
    private final Path tty;
    private final int bytesPerSecond;
    private final Dial dial;
    private final long dropAfter;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicLong toDevice = new AtomicLong();
    private volatile Socket line;
    private volatile Socket remote;
    private volatile boolean dataMode;
    private volatile long lastFromDevice = System.nanoTime();

    private FakeModem(Path dir, int bytesPerSecond, Dial dial, long dropAfter) throws IOException {
        this.bytesPerSecond = bytesPerSecond;
        this.dial = dial;
        this.dropAfter = dropAfter;
        this.bridge = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.tty = dir.resolve("ttyFAKE");
        Thread t = new Thread(this::serve, "fake-modem");
        t.setDaemon(true);
        t.start();
        this.socat = PeerProcess.start(Peers.require("socat").toString(), "PTY,link=" + tty + ",raw,echo=0",
            "TCP:127.0.0.1:" + bridge.getLocalPort());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(tty)) {
            if (System.nanoTime() > deadline || !socat.isAlive()) {
                close();
                throw new IOException("socat did not create " + tty + ":\n" + socat.output());
            }
            sleep(20);
        }
    }

    /**
     * A modem in {@code dir}; {@code bytesPerSecond} 0 for an unpaced line (960 is 9,600 baud 8N1),
     * {@code dropAfter} &lt; 0 never drops, else the link drops after that many bytes to the device.
     */
    public static FakeModem start(Path dir, int bytesPerSecond, Dial dial, long dropAfter) throws IOException {
        return new FakeModem(dir, bytesPerSecond, dial, dropAfter);
    }

    public Path tty() {
        return tty;
    }

    /** The AT commands received, in order. */
    public List<String> commands() {
        return commands;
    }

    /** Bytes passed from the far end to the device. */
    public long bytesToDevice() {
        return toDevice.get();
    }

    private void serve() {
        try (Socket s = bridge.accept()) {
            line = s;
            InputStream in = s.getInputStream();
            StringBuilder command = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long silence = System.nanoTime() - lastFromDevice;
                lastFromDevice = System.nanoTime();
                if (dataMode) {
                    if (n == 3 && new String(buffer, 0, 3, StandardCharsets.US_ASCII).equals("+++") && silence > 800_000_000L) {
                        dataMode = false;
                        reply("OK");
                        continue;
                    }
                    pace(remote.getOutputStream(), buffer, n, null);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    char c = (char) buffer[i];
                    if (c == '\r' || c == '\n') {
                        if (command.length() > 0) {
                            handle(command.toString().trim());
                            command.setLength(0);
                        }
                    } else {
                        command.append(c);
                    }
                }
            }
        } catch (IOException e) {
            // the device side closed
        } finally {
            closeRemote();
        }
    }

    private void handle(String command) throws IOException {
        commands.add(command);
        Matcher dialing = CIPSTART.matcher(command);
        if (dialing.matches()) {
            reply("OK");
            if (dial == Dial.SILENT) {
                return;
            }
            if (dial == Dial.CONNECT_FAIL) {
                reply("CONNECT FAIL");
                return;
            }
            remote = new Socket(dialing.group(1), Integer.parseInt(dialing.group(2)));
            reply("CONNECT");
            dataMode = true;
            Socket far = remote;
            Thread down = new Thread(() -> downstream(far), "fake-modem-down");
            down.setDaemon(true);
            down.start();
            return;
        }
        if (command.equals("ATH") || command.equals("AT+CIPCLOSE")) {
            closeRemote();
        }
        reply(command.startsWith("AT") ? "OK" : "ERROR");
    }

    /** Far end to device, paced; CLOSED when the far end closes or the drop point is reached. */
    private void downstream(Socket far) {
        byte[] buffer = new byte[256];
        try {
            InputStream in = far.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (dropAfter >= 0 && toDevice.get() + n >= dropAfter) {
                    int keep = (int) (dropAfter - toDevice.get());
                    pace(line.getOutputStream(), buffer, keep, toDevice);
                    break;
                }
                pace(line.getOutputStream(), buffer, n, toDevice);
            }
        } catch (IOException e) {
            // closed by ATH or the test
        }
        if (dataMode) {
            dataMode = false;
            closeRemote();
            try {
                reply("CLOSED");
            } catch (IOException ignored) {
                // the device side is gone too
            }
        }
    }

    /** Writes at the line speed (chunks of 16 bytes with sleeps in between). */
    private void pace(OutputStream out, byte[] b, int n, AtomicLong counter) throws IOException {
        if (bytesPerSecond <= 0) {
            out.write(b, 0, n);
            out.flush();
            if (counter != null) {
                counter.addAndGet(n);
            }
            return;
        }
        for (int off = 0; off < n; off += 16) {
            int len = Math.min(16, n - off);
            out.write(b, off, len);
            out.flush();
            if (counter != null) {
                counter.addAndGet(len);
            }
            sleep(len * 1000L / bytesPerSecond);
        }
    }

    private synchronized void reply(String text) throws IOException {
        OutputStream out = line.getOutputStream();
        out.write(("\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void closeRemote() {
        Socket far = remote;
        if (far != null) {
            try {
                far.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
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
        closeRemote();
        socat.close();
        try {
            bridge.close();
        } catch (IOException ignored) {
            // closed already
        }
        Socket s = line;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}

package io.tlskit;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Transport} over a serial line: a UART (/dev/ttyUSB0, /dev/ttyS1, /dev/ttyAMA0) or a
 * pseudo-terminal, optionally behind a modem brought into transparent data mode by a
 * {@link ChatScript} and hung up on close (+++ between guard times, then ATH).
 *
 * <p>The device is opened as a file and configured with {@code stty} (raw, no echo, the baud rate,
 * and a 100 ms read timeout so that the reading thread notices close). That needs nothing but the
 * JDK on Linux and macOS, opens pseudo-terminals as well as UARTs, and keeps tlskit-core free of
 * native code; jSerialComm (which unpacks a native library at run time) would add Windows ports,
 * which a {@link CallbackTransport} over any serial library also gives.
 *
 * <p>With a chat script, data mode ends when the modem prints one of the script's hang-up lines
 * (SIM800: CLOSED): the bytes before it are data, the line itself ends the stream, so TLS reports
 * {@link TlsError#TRUNCATED} when the link drops before close_notify.
 */
public final class SerialTransport implements Transport {
    private static final int RING = 16 * 1024 + 512;
    private static final Duration ANSWER_AFTER_HANGUP = Duration.ofSeconds(2);

    private final Path device;
    private final InputStream in;
    private final OutputStream out;
    private final ChatScript chat;
    private final List<byte[]> hangupPatterns = new ArrayList<>();
    private final Object switchLock = new Object();
    private volatile ByteRing data = new ByteRing(RING);
    private volatile ByteRing target;                 // where the pump delivers: the data ring, or a command ring
    private volatile boolean dataMode;
    private volatile boolean carrierLost;
    private volatile boolean closed;
    private final List<String> modemLines = new ArrayList<>();
    private byte[] held = new byte[0];                // bytes that may begin a hang-up line (pump thread only)

    private SerialTransport(Path device, InputStream in, OutputStream out, ChatScript chat) {
        this.device = device;
        this.in = in;
        this.out = out;
        this.chat = chat;
        this.target = chat == null ? data : new ByteRing(RING);
        if (chat != null) {
            for (String line : chat.hangupOn()) {
                hangupPatterns.add(("\r\n" + line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        this.dataMode = chat == null;
        Thread pump = new Thread(this::pump, "tlskit-serial-" + device.getFileName());
        pump.setDaemon(true);
        pump.start();
    }

    /** Opens a serial line without a modem dialogue; {@code baud} may be null to keep the line's speed. */
    public static SerialTransport open(Path device, Integer baud) throws TlsException {
        return open(device, baud, null, null, 0);
    }

    /**
     * Opens a serial line and, when {@code chat} is given, runs it (with $HOST/$PORT from
     * {@code host}/{@code port}) until the modem is in data mode. Failures are
     * {@link TlsError#SERIAL_LINE_UNAVAILABLE} or {@link TlsError#MODEM_CHAT_FAILED} with a sentence.
     */
    public static SerialTransport open(Path device, Integer baud, ChatScript chat, String host, int port) throws TlsException {
        if (!Files.exists(device)) {
            throw new TlsException(TlsError.SERIAL_LINE_UNAVAILABLE, "serial device " + device + " does not exist: check the path"
                + " (ls /dev/tty*) and that the adapter or modem is plugged in");
        }
        configure(device, baud);
        InputStream in;
        OutputStream out;
        try {
            in = new FileInputStream(device.toFile());
            out = new FileOutputStream(device.toFile());
        } catch (IOException e) {
            throw new TlsException(TlsError.SERIAL_LINE_UNAVAILABLE, "cannot open serial device " + device + " (" + e.getMessage()
                + "): check its permissions (group dialout) and that no other program holds it", e);
        }
        SerialTransport t = new SerialTransport(device, in, out, chat == null ? null : chat.forTarget(host, port));
        if (chat != null) {
            try {
                t.runChat();
            } catch (TlsException e) {
                t.closeQuietly();
                throw e;
            }
        }
        return t;
    }

    /** stty: raw bytes, no echo, reads that return after 100 ms without data, and the baud rate. */
    private static void configure(Path device, Integer baud) throws TlsException {
        List<String> command = new ArrayList<>(List.of("stty", System.getProperty("os.name", "").startsWith("Mac") ? "-f" : "-F",
            device.toString(), "raw", "-echo", "min", "0", "time", "1"));
        if (baud != null) {
            command.add(String.valueOf(baud));
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!done || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new TlsException(TlsError.SERIAL_LINE_UNAVAILABLE, "cannot configure serial device " + device + " ("
                    + (said.isEmpty() ? "stty did not finish" : said) + "): is it a terminal device"
                    + (baud == null ? "" : ", and does it support " + baud + " baud") + "?");
            }
        } catch (TlsException e) {
            throw e;
        } catch (IOException e) {
            throw new TlsException(TlsError.SERIAL_LINE_UNAVAILABLE, "cannot configure serial device " + device
                + ": stty could not run (" + e.getMessage() + "); install coreutils", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TlsException(TlsError.SERIAL_LINE_UNAVAILABLE, "interrupted while configuring " + device, e);
        }
    }

    // ---- the modem dialogue --------------------------------------------------------------------

    private void runChat() throws TlsException {
        for (ChatScript.Step step : chat.steps()) {
            send(step.send() + "\r");
            long deadline = System.nanoTime() + step.within().toNanos();
            while (true) {
                String line = readLine(deadline);
                if (line == null) {
                    throw new TlsException(TlsError.MODEM_CHAT_FAILED, "the modem on " + device + " did not answer '" + step.expect()
                        + "' to " + step.send() + " within " + Durations.format(step.within()) + " (" + heard()
                        + "): check its power, SIM and signal, and the answers expected in " + chat.source());
                }
                if (line.isEmpty() || line.equals(step.send())) {
                    continue;     // blank lines and the modem's echo
                }
                if (line.equals(step.expect())) {
                    break;
                }
                if (chat.aborts().contains(line)) {
                    throw new TlsException(TlsError.MODEM_CHAT_FAILED, "the modem on " + device + " answered '" + line + "' to "
                        + step.send() + " (an abort answer in " + chat.source() + "): check the command and the network");
                }
            }
        }
        synchronized (switchLock) {
            target = data;     // bytes after the last answer are the peer's
            dataMode = true;
        }
    }

    private String heard() {
        synchronized (modemLines) {
            if (modemLines.isEmpty()) {
                return "it said nothing";
            }
            List<String> last = modemLines.subList(Math.max(0, modemLines.size() - 3), modemLines.size());
            return "it said " + String.join(" / ", last);
        }
    }

    /** The next line from the command ring (without CR/LF); null at the deadline or when the line is gone. */
    private String readLine(long deadline) throws TlsException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            int n;
            try {
                n = target.read(one, 0, 1, (int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                throw new TlsException(TlsError.IO_ERROR, "reading from the modem on " + device + " failed: " + e.getMessage(), e);
            }
            if (n < 0) {
                return null;
            }
            if (one[0] == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII).strip();
                if (!text.isEmpty()) {
                    synchronized (modemLines) {
                        modemLines.add(text);
                    }
                }
                return text;
            }
            line.write(one[0]);
        }
    }

    private void send(String text) throws TlsException {
        try {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new TlsException(TlsError.IO_ERROR, "cannot write to the modem on " + device + ": " + e.getMessage(), e);
        }
    }

    // ---- bytes from the line -------------------------------------------------------------------

    private void pump() {
        byte[] buffer = new byte[2048];
        try {
            while (!closed) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    break;     // EIO: the line (or the pseudo-terminal's other end) is gone
                }
                if (n <= 0) {
                    release();       // 100 ms without data: what was held back is data after all
                    continue;
                }
                if (dataMode && !hangupPatterns.isEmpty()) {
                    scan(buffer, n);
                } else {
                    deliver(buffer, 0, n);
                }
            }
        } finally {
            data.close();
            target.close();
        }
    }

    /** Data mode behind a modem: deliver data, stop at a hang-up line, hold back what may begin one. */
    private void scan(byte[] chunk, int n) {
        byte[] all = new byte[held.length + n];
        System.arraycopy(held, 0, all, 0, held.length);
        System.arraycopy(chunk, 0, all, held.length, n);
        held = new byte[0];
        for (byte[] pattern : hangupPatterns) {
            int at = indexOf(all, pattern);
            if (at >= 0) {
                deliver(all, 0, at);
                carrierLost = true;
                synchronized (switchLock) {
                    dataMode = false;
                    target = new ByteRing(RING);
                }
                data.close();       // TLS sees the end of the stream: TRUNCATED unless close_notify came first
                deliver(all, at + pattern.length, all.length - at - pattern.length);
                return;
            }
        }
        int keep = longestPrefixSuffix(all);
        deliver(all, 0, all.length - keep);
        held = java.util.Arrays.copyOfRange(all, all.length - keep, all.length);
    }

    private void release() {
        if (held.length > 0) {
            byte[] h = held;
            held = new byte[0];
            deliver(h, 0, h.length);
        }
    }

    private void deliver(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        try {
            target.write(b, off, len);
        } catch (IOException e) {
            // nobody reads any more (closed)
        }
    }

    private int longestPrefixSuffix(byte[] all) {
        int best = 0;
        for (byte[] p : hangupPatterns) {
            for (int k = Math.min(p.length - 1, all.length); k > best; k--) {
                if (regionMatches(all, all.length - k, p, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private static boolean regionMatches(byte[] a, int from, byte[] p, int k) {
        for (int i = 0; i < k; i++) {
            if (a[from + i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte[] p) {
        for (int i = 0; i + p.length <= a.length; i++) {
            if (regionMatches(a, i, p, p.length)) {
                return i;
            }
        }
        return -1;
    }

    // ---- Transport -----------------------------------------------------------------------------

    @Override
    public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        return data.read(buffer, offset, length, timeoutMillis);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (carrierLost) {
            throw new IOException("the modem on " + device + " hung up (it printed a hang-up line)");
        }
        out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** True once the modem reported that the data connection dropped. */
    public boolean carrierLost() {
        return carrierLost;
    }

    @Override
    public String describe() {
        return "serial " + device;
    }

    /** Hangs the modem up (+++ between guard times, then the hang-up command) and closes the line. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (chat != null) {
            try {
                if (!carrierLost) {
                    synchronized (switchLock) {
                        dataMode = false;
                        target = new ByteRing(RING);     // the modem's answers are not data
                    }
                    listen(chat.guard());                // silence before +++; the link may drop meanwhile
                    if (!carrierLost) {
                        send("+++");
                        listen(chat.guard());
                    }
                }
                // a CR first ends whatever partial line the modem holds (a +++ that met command mode)
                send("\r" + chat.hangup() + "\r");
                readLineQuietly();
            } catch (TlsException e) {
                // the line is gone already: nothing to hang up
            }
        }
        closeQuietly();
    }

    /** Reads the modem's lines for a while, noting a hang-up line. */
    private void listen(Duration duration) throws TlsException {
        long deadline = System.nanoTime() + duration.toNanos();
        String line;
        while ((line = readLine(deadline)) != null) {
            if (chat.hangupOn().contains(line)) {
                carrierLost = true;
            }
        }
    }

    private void readLineQuietly() throws TlsException {
        long deadline = System.nanoTime() + ANSWER_AFTER_HANGUP.toNanos();
        String line;
        do {
            line = readLine(deadline);
        } while (line != null && !line.equals("OK") && !line.equals("ERROR"));
    }

    private void closeQuietly() {
        closed = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a line that is gone
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a line that is gone
        }
        data.close();
        target.close();
    }

}

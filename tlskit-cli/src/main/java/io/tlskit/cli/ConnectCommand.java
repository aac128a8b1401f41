package io.tlskit.cli;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsException;
import io.tlskit.VerifyMode;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open a TLS connection (like openssl s_client or mbedTLS ssl_client2).",
            "Prints what the handshake agreed on and the server verification to stderr, then copies standard input "
                + "to the server and the server's data to standard output. End of input sends close_notify once the server goes quiet; "
                + "the command ends when the server closes."})
final class ConnectCommand implements Callable<Integer>, Cli.Aware {
    /** How long to wait for the server's close after our close_notify. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** After stdin ends, how long the peer may stay silent before we send close_notify. */
    static final Duration QUIET_AFTER_EOF = Duration.ofMillis(700);

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Server, e.g. example.com:443, 127.0.0.1:8443 or [::1]:8443 (port default 443).")
    String target;

    @Option(names = "--quiet", description = "Do not print the handshake summary.")
    boolean quiet;

    @Option(names = "--via", paramLabel = "serial:DEVICE[,BAUD][,chat=FILE]",
            description = "Reach the server over a serial line (a UART or a modem dialled by the chat script) instead of TCP.")
    String via;

    @Mixin
    TlsOptions tls;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() throws Exception {
        HostPort hp = HostPort.parse(target, 443);
        TlsConfig config = tls.client().build();
        Via line = Via.parse(via);
        TlsConnection connection = line == null ? TlsConnection.connect(config, hp.host, hp.port) : overLine(config, line, hp);
        try {
            HandshakeInfo info = connection.handshakeInfo();
            if (!quiet) {
                cli.err.print("connected to " + hp + "\n" + info);
                if (info.verifyResult().isEmpty()) {
                    cli.err.println("verification:  " + (info.pskIdentity().isPresent() ? "none (PSK)"
                            : config.verifyMode() == VerifyMode.NONE ? "skipped (--verify none)" : "none"));
                }
                cli.err.println("---");
                cli.err.flush();
            }
            return pump(connection);
        } finally {
            connection.close();
        }
    }

    /** A TLS connection over the serial line (through the modem the chat script dials). */
    private static TlsConnection overLine(TlsConfig config, Via line, HostPort hp) throws java.io.IOException {
        io.tlskit.Transport transport = line.open(hp.host, hp.port);
        TlsConnection connection = TlsConnection.client(config, transport, config.serverName() != null ? config.serverName() : hp.host);
        try {
            connection.handshake();
            return connection;
        } catch (TlsException e) {
            transport.close();
            throw e;
        }
    }

    /** Copies stdin to the peer (daemon thread) and the peer to stdout (this thread). */
    private int pump(TlsConnection connection) throws Exception {
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Object eofLock = new Object();
        boolean[] inputDone = {false};
        Thread writer = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            InputStream in = cli.in;
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    connection.write(buffer, 0, n);
                }
            } catch (Exception e) {
                writeFailure.set(e);
            } finally {
                synchronized (eofLock) {
                    inputDone[0] = true;
                    eofLock.notifyAll();
                }
            }
        }, "tlskit-connect-stdin");
        writer.setDaemon(true);

        AtomicReference<Exception> readFailure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong lastPeerData = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                while ((n = connection.read(buffer, 0, buffer.length)) >= 0) {
                    lastPeerData.set(System.nanoTime());
                    cli.out.write(buffer, 0, n);
                    cli.out.flush();
                }
            } catch (Exception e) {
                readFailure.set(e);
            }
        }, "tlskit-connect-peer");
        reader.setDaemon(true);
        reader.start();
        writer.start();

        // ends when the peer closes, or CLOSE_WAIT after our close_notify if the peer never answers it
        synchronized (eofLock) {
            while (reader.isAlive() && !inputDone[0]) {
                eofLock.wait(100);
            }
        }
        if (inputDone[0] && reader.isAlive()) {
            // BouncyCastle cannot half-close: our close_notify ends reading too. So after stdin ends,
            // let the peer's answer arrive until it goes quiet (or closes), then say goodbye.
            lastPeerData.set(Math.max(lastPeerData.get(), System.nanoTime()));
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            while (reader.isAlive() && System.nanoTime() < deadline
                    && System.nanoTime() - lastPeerData.get() < QUIET_AFTER_EOF.toNanos()) {
                reader.join(50);
            }
            if (reader.isAlive()) {
                connection.closeNotify();
            }
        }
        reader.join(CLOSE_WAIT.toMillis());
        cli.out.flush();
        Exception failure = readFailure.get();
        if (failure == null && writeFailure.get() != null && reader.isAlive()) {
            failure = writeFailure.get();
        }
        if (failure != null && !(failure instanceof TlsException && inputDone[0] && !reader.isAlive()
                && isAfterOurClose((TlsException) failure))) {
            throw failure;
        }
        return 0;
    }

    /** After we sent close_notify, a peer that just drops TCP is not an error worth reporting. */
    private static boolean isAfterOurClose(TlsException e) {
        switch (e.error()) {
            case TRUNCATED:
            case CLOSED:
            case IO_ERROR:
                return true;
            default:
                return false;
        }
    }

    /** host:port with IPv6 literals in brackets. */
    static final class HostPort {
        final String host;
        final int port;

        HostPort(String host, int port) {
            this.host = host;
            this.port = port;
        }

        static HostPort parse(String text, int defaultPort) {
            String t = text.trim();
            String host;
            String portText = null;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    throw new CliException("'" + text + "' has '[' without ']': write IPv6 addresses as [::1]:8443");
                }
                host = t.substring(1, close);
                String rest = t.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new CliException("'" + text + "' has text after ']': write it as [ADDRESS]:PORT");
                    }
                    portText = rest.substring(1);
                }
            } else {
                int colon = t.lastIndexOf(':');
                if (colon >= 0 && t.indexOf(':') != colon) {
                    throw new CliException("'" + text + "' looks like an IPv6 address: put it in brackets, e.g. [::1]:8443");
                }
                host = colon < 0 ? t : t.substring(0, colon);
                portText = colon < 0 ? null : t.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw new CliException("'" + text + "' has no host: write HOST:PORT, e.g. localhost:8443");
            }
            int port = defaultPort;
            if (portText != null) {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new CliException("'" + portText + "' in '" + text + "' is not a port number (1 to 65535)");
                }
            }
            return new HostPort(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}

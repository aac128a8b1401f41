package io.tlskit.cli.probe;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsNoCloseNotifyException;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs {@link Attempt}s against one server, one TCP connection each, and classifies how each ended.
 * Nothing a server sends (or fails to send) escapes as an exception: it becomes an {@link Outcome}.
 */
public final class Prober {
    private final InetSocketAddress address;
    private final String serverName;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final TlsCrypto crypto = new BcTlsCrypto(random); // every suite and group, pure Java
    private int connections;

    /**
     * @param serverName sent in SNI (null for an IP address)
     * @param timeout per connection: connect, and each read
     */
    public Prober(String host, int port, String serverName, Duration timeout) {
        this.address = new InetSocketAddress(host, port);
        this.serverName = serverName;
        this.timeout = timeout;
    }

    /** How many connections the probe has made. */
    public int connections() {
        return connections;
    }

    public InetSocketAddress address() {
        return address;
    }

    TlsCrypto crypto() {
        return crypto;
    }

    /** Opens a TCP connection or throws (the server is not there: nothing to probe). */
    public void checkReachable() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
        }
    }

    public Outcome run(Attempt attempt) {
        Outcome outcome = new Outcome();
        connections++;
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            FirstBytes in = new FirstBytes(socket.getInputStream());
            // buffered above the recorder: a read of a record header takes in (and records) all that has arrived
            TlsClientProtocol protocol = new TlsClientProtocol(new java.io.BufferedInputStream(in, 4096), socket.getOutputStream());
            try {
                protocol.connect(new ProbeClient(new GroupRecordingCrypto(random, outcome), attempt, outcome, serverName));
                protocol.close();
            } catch (IOException | RuntimeException e) {
                classify(outcome, e);
            } finally {
                outcome.firstBytes = in.first();
                if (!outcome.ok() && outcome.firstBytes.length > 0 && !looksLikeTls(outcome.firstBytes)) {
                    outcome.end = Outcome.End.NOT_TLS;
                } else if (!outcome.ok() && outcome.firstBytes.length == 0 && outcome.end == Outcome.End.REFUSED_LOCALLY) {
                    outcome.end = Outcome.End.CLOSED; // BC reports a connection closed mid-handshake as its own handshake_failure
                }
            }
        } catch (IOException e) {
            outcome.end = Outcome.End.IO_ERROR;
            outcome.detail = e.getMessage();
        }
        return outcome;
    }

    private static void classify(Outcome outcome, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProbeClient.Stop) {
                outcome.end = Outcome.End.OK;
                return;
            }
        }
        if (e instanceof TlsFatalAlertReceived) {
            outcome.end = Outcome.End.ALERT_RECEIVED;
            outcome.alert = ((TlsFatalAlertReceived) e).getAlertDescription();
        } else if (e instanceof TlsFatalAlert) {
            outcome.end = Outcome.End.REFUSED_LOCALLY;
            outcome.alert = ((TlsFatalAlert) e).getAlertDescription();
            String message = e.getMessage();
            outcome.detail = message == null || message.startsWith(org.bouncycastle.tls.AlertDescription.getName(outcome.alert)) ? null : message;
        } else if (e instanceof EOFException || e instanceof TlsNoCloseNotifyException
                || (e instanceof SocketException && !(e instanceof java.net.ConnectException))) {
            outcome.end = Outcome.End.CLOSED;
        } else if (e instanceof SocketTimeoutException) {
            outcome.end = Outcome.End.TIMEOUT;
        } else {
            outcome.end = Outcome.End.IO_ERROR;
            outcome.detail = String.valueOf(e.getMessage());
        }
    }

    /** A TLS record header: content type 20-24, then major version 3 (or an SSLv2-style header). */
    static boolean looksLikeTls(byte[] first) {
        int type = first[0] & 0xFF;
        if (type >= 20 && type <= 24) {
            return first.length < 2 || first[1] == 3;
        }
        return false;
    }

    /**
     * BouncyCastle records the negotiated group in TLS 1.3 only; in TLS 1.2 the group of the
     * ServerKeyExchange is seen here, when the client builds its key share for it.
     */
    private static final class GroupRecordingCrypto extends BcTlsCrypto {
        private final Outcome outcome;

        GroupRecordingCrypto(SecureRandom random, Outcome outcome) {
            super(random);
            this.outcome = outcome;
        }

        @Override
        public org.bouncycastle.tls.crypto.TlsECDomain createECDomain(org.bouncycastle.tls.crypto.TlsECConfig ecConfig) {
            outcome.group = ecConfig.getNamedGroup();
            return super.createECDomain(ecConfig);
        }
    }

    /** Keeps the first bytes the server sent. */
    private static final class FirstBytes extends FilterInputStream {
        private final byte[] first = new byte[64];
        private int kept;

        FirstBytes(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && kept < first.length) {
                first[kept++] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && kept < first.length) {
                int copy = Math.min(n, first.length - kept);
                System.arraycopy(b, off, first, kept, copy);
                kept += copy;
            }
            return n;
        }

        byte[] first() {
            return Arrays.copyOf(first, kept);
        }

    }
}

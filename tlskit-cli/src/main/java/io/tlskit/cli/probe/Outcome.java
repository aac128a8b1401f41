package io.tlskit.cli.probe;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;

/** What one probing handshake learnt, and how it ended. */
public final class Outcome {
    /** How the attempt ended. */
    public enum End {
        /** The handshake completed, or stopped on purpose once it had what it needed. */
        OK,
        /** The server sent a fatal alert. */
        ALERT_RECEIVED,
        /** BouncyCastle refused what the server sent (a local alert). */
        REFUSED_LOCALLY,
        /** The server closed the connection without an alert. */
        CLOSED,
        /** The server said nothing within the timeout. */
        TIMEOUT,
        /** What came back is not TLS. */
        NOT_TLS,
        /** Any other I/O failure. */
        IO_ERROR
    }

    End end = End.OK;
    short alert = -1;
    String detail;
    ProtocolVersion version;
    int suite = -1;
    int group = -1;
    Hashtable<?, ?> serverExtensions;
    List<X509Certificate> chain = new ArrayList<>();
    boolean ocspStapled;
    boolean certificateRequested;
    byte[] newTicket;
    TlsSession session;
    SessionParameters sessionParameters;
    boolean resumed;
    String alpn;
    /** The first bytes the server sent (to recognise a server that does not speak TLS). */
    byte[] firstBytes = new byte[0];

    public boolean ok() {
        return end == End.OK;
    }

    public End end() {
        return end;
    }

    /** One phrase for the failure: "handshake_failure alert", "closed the connection", ... */
    public String failure() {
        switch (end) {
            case OK:
                return "ok";
            case ALERT_RECEIVED:
                return "the server sent the alert " + AlertDescription.getName(alert);
            case REFUSED_LOCALLY:
                return "the client refused the server's answer (" + AlertDescription.getName(alert)
                        + (detail == null ? "" : ": " + detail) + ")";
            case CLOSED:
                return "the server closed the connection without an alert";
            case TIMEOUT:
                return "the server did not answer in time";
            case NOT_TLS:
                return "the server does not speak TLS";
            default:
                return "I/O error: " + detail;
        }
    }
}

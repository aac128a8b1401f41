package io.tlskit;

import io.tlskit.pki.VerifyResult;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one connection's BouncyCastle peer saw during the handshake: the facts that end up in
 * {@link HandshakeInfo}, and the evidence {@link FailureExplainer} needs to say why it failed.
 * Written by the BC callbacks, read by the engine on the same thread.
 */
final class HandshakeObserver {
    static final Logger LOG = LoggerFactory.getLogger("io.tlskit.handshake");

    final boolean client;
    final String connectionName;
    boolean serverHelloSeen;
    String sniReceived;
    String serverNameExpected;
    VerifyResult verifyResult;
    List<X509Certificate> peerChain;
    Instant serverHelloTime;
    String pskIdentity;
    String pskHint;
    String unknownPskIdentity;
    boolean pskNegotiated;
    int[] offeredSuites;
    int[] peerOfferedSuites;
    boolean clientCertMissing;
    boolean closeNotifyReceived;
    int tls12Group = -1;
    Short alertSent;
    String alertSentMessage;
    Short alertReceived;
    byte[] firstBytesReceived;
    /** The secure-time check of this handshake, when the client config has a SecureTime. */
    ServerTimeCheck timeCheck;

    final DebugOutput debug;

    HandshakeObserver(boolean client, String connectionName, TlsConfig config) {
        this.client = client;
        this.connectionName = connectionName;
        this.debug = new DebugOutput(config, connectionName);
    }

    /** A state change (debug level 2). */
    void step(String format, Object... args) {
        log(DebugSink.STATE, format, args);
    }

    /** Detail (debug level 3). */
    void info(String format, Object... args) {
        log(DebugSink.INFO, format, args);
    }

    /** A failure (debug level 1). */
    void error(String format, Object... args) {
        log(DebugSink.ERRORS, format, args);
    }

    void log(int level, String format, Object... args) {
        debug.log(level, format, args);
    }

    void alertRaised(short level, short description, String message) {
        if (description == AlertDescription.close_notify) {
            step("sending close_notify");
            return;
        }
        if (level == AlertLevel.fatal && alertSent == null) {
            alertSent = description;
            alertSentMessage = message;
        }
        log(level == AlertLevel.fatal ? DebugSink.ERRORS : DebugSink.STATE, "sending {} alert {}{}", AlertLevel.getText(level), AlertDescription.getText(description),
            message == null ? "" : " (" + message + ")");
    }

    void alertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            closeNotifyReceived = true;
            step("received close_notify");
            return;
        }
        if (level == AlertLevel.fatal && alertReceived == null) {
            alertReceived = description;
        }
        log(level == AlertLevel.fatal ? DebugSink.ERRORS : DebugSink.STATE, "received {} alert {}", AlertLevel.getText(level), AlertDescription.getText(description));
    }

    void recordFirstBytes(byte[] buf, int off, int len) {
        if (firstBytesReceived == null && len > 0) {
            firstBytesReceived = java.util.Arrays.copyOfRange(buf, off, off + Math.min(len, 8));
        }
    }
}

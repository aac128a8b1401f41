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

    HandshakeObserver(boolean client, String connectionName) {
        this.client = client;
        this.connectionName = connectionName;
    }

    void step(String format, Object... args) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("[" + connectionName + "] " + format, args);
        }
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
        step("sending {} alert {}{}", AlertLevel.getText(level), AlertDescription.getText(description),
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
        step("received {} alert {}", AlertLevel.getText(level), AlertDescription.getText(description));
    }

    void recordFirstBytes(byte[] buf, int off, int len) {
        if (firstBytesReceived == null && len > 0) {
            firstBytesReceived = java.util.Arrays.copyOfRange(buf, off, off + Math.min(len, 8));
        }
    }
}

package io.tlskit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsNoCloseNotifyException;

/**
 * The one table from BouncyCastle failures and TLS alerts to {@link TlsError} codes and sentences
 * a person can act on. It uses what {@link HandshakeObserver} saw to tell, for example, an unknown
 * PSK identity from a wrong PSK key.
 */
final class FailureExplainer {
    private final TlsConfig config;
    private final HandshakeObserver seen;

    FailureExplainer(TlsConfig config, HandshakeObserver seen) {
        this.config = config;
        this.seen = seen;
    }

    TlsException explain(Throwable e, boolean handshaking) {
        if (e instanceof TlsException) {
            return (TlsException) e;
        }
        if (e instanceof TlsNoCloseNotifyException) {
            return truncated(e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof io.tlskit.crypto.EntropyException) {
                return new TlsException(TlsError.ENTROPY_FAILED, c.getMessage(), e);
            }
        }
        if (e instanceof TlsFatalAlertReceived) {
            short alert = ((TlsFatalAlertReceived) e).getAlertDescription();
            return new TlsException(codeForReceived(alert, handshaking), messageForReceived(alert, handshaking),
                alert, TlsException.AlertDirection.RECEIVED, e);
        }
        if (e instanceof TlsFatalAlert) {
            TlsFatalAlert fatal = (TlsFatalAlert) e;
            short alert = fatal.getAlertDescription();
            return sent(alert, detail(fatal), handshaking, e);
        }
        if (e instanceof InterruptedIOException) {
            return new TlsException(TlsError.READ_TIMEOUT, "timed out waiting for the peer", e);
        }
        if (e instanceof EOFException) {
            return handshaking ? closedDuringHandshake(e) : truncated(e);
        }
        if (e instanceof IOException) {
            return new TlsException(TlsError.IO_ERROR, "transport failed: " + e.getMessage(), e);
        }
        return new TlsException(TlsError.INTERNAL, "internal error in the TLS engine: " + e, e);
    }

    TlsException closedDuringHandshake(Throwable cause) {
        String who = seen.client ? "the server" : "the client";
        String hint = seen.client && !seen.serverHelloSeen
            ? ": it may not speak TLS on this port, may refuse our versions/suites silently, or may have hit a connection limit"
            : seen.client ? ": it may have rejected our certificate or settings without an alert; check its log"
            : ": it may have rejected our certificate (check the client's CA file) or given up";
        return new TlsException(TlsError.PEER_CLOSED_DURING_HANDSHAKE, who + " closed the connection during the handshake" + hint,
            null, null, cause);
    }

    TlsException truncated(Throwable cause) {
        return new TlsException(TlsError.TRUNCATED, "the peer closed the connection without close_notify: data may be truncated"
            + " (a crashed peer, a middlebox or an attacker can cause this)", null, null, cause);
    }

    private TlsError codeForReceived(short alert, boolean handshaking) {
        switch (alert) {
            case AlertDescription.unknown_psk_identity:
                return TlsError.PSK_IDENTITY_UNKNOWN;
            case AlertDescription.protocol_version:
                return TlsError.NO_COMMON_PROTOCOL;
            case AlertDescription.certificate_required:
                return TlsError.CLIENT_CERT_REQUIRED;
            case AlertDescription.handshake_failure:
            case AlertDescription.insufficient_security:
                if (seen.client && !seen.serverHelloSeen) {
                    return TlsError.NO_COMMON_CIPHER_SUITE;
                }
                if (seen.client && seen.clientCertMissing) {
                    return TlsError.CLIENT_CERT_REQUIRED;
                }
                if (seen.client && config.psk() != null && config.trustAnchors() == null && !seen.pskNegotiated) {
                    // a PSK-only client whose PSK the server did not select (TLS 1.3 ServerHello without pre_shared_key)
                    return TlsError.PSK_IDENTITY_UNKNOWN;
                }
                return TlsError.HANDSHAKE_FAILED;
            case AlertDescription.decrypt_error:
            case AlertDescription.bad_record_mac:
                return seen.pskNegotiated && handshaking ? TlsError.PSK_KEY_MISMATCH : TlsError.PEER_ALERT;
            case AlertDescription.decode_error:
                // GnuTLS answers a TLS 1.2 client that was asked for a certificate and sent none with decode_error
                return seen.client && seen.clientCertMissing && handshaking ? TlsError.CLIENT_CERT_REQUIRED : TlsError.PEER_ALERT;
            default:
                return TlsError.PEER_ALERT;
        }
    }

    private String messageForReceived(short alert, boolean handshaking) {
        String name = AlertDescription.getText(alert);
        String peer = seen.client ? "the server" : "the client";
        switch (codeForReceived(alert, handshaking)) {
            case PSK_IDENTITY_UNKNOWN:
                return "PSK identity '" + pskIdentity() + "' unknown to the server (" + name + "): use an identity the server has a key for";
            case NO_COMMON_PROTOCOL:
                return peer + " does not accept the TLS versions we offered " + config.versions() + " (" + name + ")";
            case CLIENT_CERT_REQUIRED:
                return "the server requires a client certificate (" + name + "): pass --cert and --key with one its CA issued";
            case NO_COMMON_CIPHER_SUITE:
                return "no cipher suite in common: we offered " + CipherSuites.names(config.cipherSuites())
                    + " over " + config.versions() + ", the server chose none (" + name + "); enable a suite it supports with --ciphers";
            case PSK_KEY_MISMATCH:
                return "the PSK key for identity '" + pskIdentity() + "' differs between client and server: " + peer
                    + " could not verify our Finished message (" + name + ")";
            default:
                break;
        }
        switch (alert) {
            case AlertDescription.unknown_ca:
                return peer + " does not trust the CA that issued our certificate (" + name + "): give it our CA file";
            case AlertDescription.bad_certificate:
            case AlertDescription.unsupported_certificate:
            case AlertDescription.certificate_unknown:
                return peer + " rejected our certificate (" + name + "): check its name, validity and key usage with 'tlskit cert check'";
            case AlertDescription.certificate_expired:
                return peer + " says our certificate expired (" + name + "), or its clock is wrong: renew the certificate";
            case AlertDescription.no_application_protocol:
                return peer + " accepts none of our ALPN protocols " + config.alpn() + " (" + name + ")";
            case AlertDescription.handshake_failure:
                return peer + " aborted the handshake (" + name + "): its log says why; common causes are a missing client certificate or no shared signature algorithm";
            default:
                return peer + " sent a fatal " + name + " alert" + (handshaking ? " during the handshake" : "");
        }
    }

    private TlsException sent(short alert, String bcMessage, boolean handshaking, Throwable cause) {
        TlsError code;
        String message;
        if (seen.verifyResult != null && !seen.verifyResult.isValid() && isCertificateAlert(alert)) {
            code = seen.verifyResult.error();
            message = (seen.client ? "the server's certificate" : "the client's certificate") + " failed verification: "
                + seen.verifyResult.explanation();
        } else if (seen.clientCertMissing && !seen.client) {
            code = TlsError.CLIENT_CERT_REQUIRED;
            message = "the client sent no certificate, but this server requires one (client-auth required)";
        } else if (seen.unknownPskIdentity != null) {
            code = TlsError.PSK_IDENTITY_UNKNOWN;
            message = "the client used PSK identity '" + seen.unknownPskIdentity + "', which this server has no key for:"
                + " add its key to the server (--psk ID:HEX) or correct the client's identity";
        } else if (bcMessage != null && bcMessage.startsWith("no cipher suite in common")) {
            code = TlsError.NO_COMMON_CIPHER_SUITE;
            message = bcMessage;
        } else if (alert == AlertDescription.protocol_version && handshaking) {
            code = TlsError.NO_COMMON_PROTOCOL;
            message = "the peer offered no TLS version we accept " + config.versions() + ": tlskit requires TLS 1.2 or newer";
        } else if ((alert == AlertDescription.decrypt_error || alert == AlertDescription.bad_record_mac) && seen.pskNegotiated && handshaking) {
            code = TlsError.PSK_KEY_MISMATCH;
            message = "the PSK key for identity '" + pskIdentity() + "' differs between client and server: the peer's Finished did not verify";
        } else if (notTls()) {
            code = TlsError.PROTOCOL_ERROR;
            message = "the peer sent bytes that are not TLS: " + describeFirstBytes()
                + "; is it speaking plain text to a TLS port?";
        } else if (isProtocolAlert(alert)) {
            code = TlsError.PROTOCOL_ERROR;
            message = "the peer broke the TLS protocol (" + AlertDescription.getText(alert) + (bcMessage == null ? "" : ": " + bcMessage) + ")";
        } else {
            code = handshaking ? TlsError.HANDSHAKE_FAILED : TlsError.PROTOCOL_ERROR;
            message = "handshake failed: " + AlertDescription.getText(alert) + (bcMessage == null ? "" : " (" + bcMessage + ")");
        }
        return new TlsException(code, message, alert, TlsException.AlertDirection.SENT, cause);
    }

    /** BouncyCastle prefixes the detail with the alert's name ("handshake_failure(40); ..."): the detail alone, or null. */
    private static String detail(TlsFatalAlert fatal) {
        String message = fatal.getMessage();
        String prefix = AlertDescription.getText(fatal.getAlertDescription());
        if (message == null || message.equals(prefix)) {
            return null;
        }
        return message.startsWith(prefix + "; ") ? message.substring(prefix.length() + 2) : message;
    }

    private String pskIdentity() {
        if (seen.pskIdentity != null) {
            return seen.pskIdentity;
        }
        return config.psk() != null ? config.psk().identity() : "?";
    }

    private static boolean isCertificateAlert(short alert) {
        return alert == AlertDescription.unknown_ca || alert == AlertDescription.certificate_expired
            || alert == AlertDescription.bad_certificate || alert == AlertDescription.certificate_unknown;
    }

    private static boolean isProtocolAlert(short alert) {
        return alert == AlertDescription.decode_error || alert == AlertDescription.unexpected_message
            || alert == AlertDescription.record_overflow || alert == AlertDescription.illegal_parameter
            || alert == AlertDescription.bad_record_mac;
    }

    /** TLS records start with a content type of 20..24 and major version 3. */
    private boolean notTls() {
        byte[] first = seen.firstBytesReceived;
        if (first == null || first.length == 0) {
            return false;
        }
        boolean typeOk = first[0] >= 20 && first[0] <= 24;
        boolean versionOk = first.length < 2 || first[1] == 3;
        return !typeOk || !versionOk;
    }

    private String describeFirstBytes() {
        byte[] first = seen.firstBytesReceived;
        StringBuilder printable = new StringBuilder();
        for (byte b : first) {
            printable.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return HexFormat.ofDelimiter(" ").formatHex(first) + " ('" + new String(printable.toString().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII) + "')";
    }
}

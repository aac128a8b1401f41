package io.tlskit;

import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;

/**
 * The fatal alert a server owes a client whose very first flight it refused. BouncyCastle's record
 * layer writes nothing until a ClientHello has set the record version, so an alert raised while
 * reading the first flight (a bad legacy_version, a truncated or oversized ClientHello, data before
 * the hello) is dropped and the client sees a bare TCP close. RFC 8446 §6 and RFC 5246 §7.2 ask
 * for the alert: this is that one plaintext record, TLS 1.2-versioned as RFC 8446 §5.1 allows for
 * records sent before the version is known.
 */
final class EarlyAlert {
    private final byte[] record;
    private int sent;

    private EarlyAlert(short description) {
        this.record = new byte[] {ContentType.alert, 3, 3, 0, 2, AlertLevel.fatal, (byte) description};
    }

    /** The alert to send when BouncyCastle queued nothing for a fatal alert of ours, or null when it needs none. */
    static EarlyAlert forFailure(TlsException failure, boolean anythingSent) {
        if (anythingSent || failure.alertDirection().orElse(null) != TlsException.AlertDirection.SENT) {
            return null;
        }
        return failure.alert().map(EarlyAlert::new).orElse(null);
    }

    int pending() {
        return record.length - sent;
    }

    int take(byte[] buffer, int offset, int length) {
        int n = Math.min(length, pending());
        System.arraycopy(record, sent, buffer, offset, n);
        sent += n;
        return n;
    }

    int take(java.nio.ByteBuffer buffer) {
        int n = Math.min(buffer.remaining(), pending());
        buffer.put(record, sent, n);
        sent += n;
        return n;
    }
}

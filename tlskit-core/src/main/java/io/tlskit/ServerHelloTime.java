package io.tlskit;

import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsUtils;

/**
 * Puts the server's clock into the TLS 1.2 ServerHello random (gmt_unix_time) from the config's
 * {@link TimeSource}. BouncyCastle writes System.currentTimeMillis() there itself
 * ({@code TlsUtils.writeGMTUnixTime}), which a server with its own clock source (or a test with a
 * pinned one) cannot choose; the random is built before {@code processClientExtensions} and
 * serialized after it, and {@link SecurityParameters#getServerRandom()} returns the array itself,
 * so the first four bytes are rewritten there. TLS 1.3 randoms stay fully random (RFC 8446).
 */
final class ServerHelloTime {
    private ServerHelloTime() {
    }

    static void stamp(TlsContext context, TlsConfig config) {
        if (!config.sendServerTime()) {
            return;
        }
        SecurityParameters sp = context.getSecurityParametersHandshake();
        ProtocolVersion version = sp == null ? null : sp.getNegotiatedVersion();
        byte[] random = sp == null ? null : sp.getServerRandom();
        if (version == null || random == null || TlsUtils.isTLSv13(version)) {
            return;
        }
        TlsUtils.writeUint32(config.time().now().getEpochSecond() & 0xFFFFFFFFL, random, 0);
    }
}

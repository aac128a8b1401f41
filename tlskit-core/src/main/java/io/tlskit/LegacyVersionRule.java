package io.tlskit;

import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.util.Integers;

/**
 * How a server reads a ClientHello's legacy_version. BouncyCastle refuses any value whose major
 * version is not 3 with illegal_parameter before looking further, which breaks two rules:
 * RFC 8446 §4.2.1 (with supported_versions present, legacy_version must not be used for version
 * negotiation) and RFC 5246 §E.1 (a version higher than ours is answered with our highest).
 */
final class LegacyVersionRule {
    private static final Integer SUPPORTED_VERSIONS = Integers.valueOf(ExtensionType.supported_versions);

    private LegacyVersionRule() {
    }

    /** The ClientHello BouncyCastle should negotiate from: the same one unless its legacy_version needs reading as above. */
    static ClientHello apply(ClientHello hello) throws TlsFatalAlert {
        ProtocolVersion legacy = hello.getVersion();
        if (legacy.isTLS()) {
            return hello;
        }
        Hashtable<?, ?> extensions = hello.getExtensions();
        boolean supportedVersionsSent = extensions != null && extensions.containsKey(SUPPORTED_VERSIONS);
        if (!supportedVersionsSent && legacy.getMajorVersion() < 3) {
            throw new TlsFatalAlert(AlertDescription.protocol_version,
                "the client offers only " + legacy + ", older than SSL 3.0; this server accepts TLS 1.2 and newer");
        }
        // a future major version, or one to ignore: negotiate as if the client had sent TLS 1.2
        return new ClientHello(ProtocolVersion.TLSv12, hello.getRandom(), hello.getSessionID(), hello.getCookie(),
            hello.getCipherSuites(), extensions, hello.getBindersSize());
    }
}

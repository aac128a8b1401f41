package io.tlskit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Vector;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;

/** Translations of our version and ALPN settings into BouncyCastle's types. */
final class Versions {
    private Versions() {
    }

    /** Newest first, as BouncyCastle expects. */
    static ProtocolVersion[] bc(Set<TlsVersion> versions) {
        List<ProtocolVersion> list = new ArrayList<>();
        if (versions.contains(TlsVersion.TLS_1_3)) {
            list.add(ProtocolVersion.TLSv13);
        }
        if (versions.contains(TlsVersion.TLS_1_2)) {
            list.add(ProtocolVersion.TLSv12);
        }
        if (versions.contains(TlsVersion.DTLS_1_2)) {
            list.add(ProtocolVersion.DTLSv12);
        }
        return list.toArray(new ProtocolVersion[0]);
    }

    static Vector<ProtocolName> alpn(List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        Vector<ProtocolName> protocols = new Vector<>();
        for (String name : names) {
            protocols.add(ProtocolName.asUtf8Encoding(name));
        }
        return protocols;
    }
}

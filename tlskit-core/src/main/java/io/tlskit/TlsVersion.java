package io.tlskit;

import java.util.Locale;
import org.bouncycastle.tls.ProtocolVersion;

/** The protocol versions tlskit speaks. TLS 1.0/1.1 are deliberately absent. */
public enum TlsVersion {
    TLS_1_2("TLSv1.2", ProtocolVersion.TLSv12),
    TLS_1_3("TLSv1.3", ProtocolVersion.TLSv13),
    DTLS_1_2("DTLSv1.2", ProtocolVersion.DTLSv12);

    private final String displayName;
    private final ProtocolVersion bc;

    TlsVersion(String displayName, ProtocolVersion bc) {
        this.displayName = displayName;
        this.bc = bc;
    }

    public String displayName() {
        return displayName;
    }

    ProtocolVersion bc() {
        return bc;
    }

    public boolean isDatagram() {
        return this == DTLS_1_2;
    }

    /** Accepts "1.2", "1.3", "TLSv1.2", "tls1.3", "dtls1.2". */
    public static TlsVersion parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("v", "").replace("_", ".");
        switch (t) {
            case "1.2":
            case "tls1.2":
                return TLS_1_2;
            case "1.3":
            case "tls1.3":
                return TLS_1_3;
            case "dtls1.2":
                return DTLS_1_2;
            default:
                throw new ConfigException("unknown TLS version '" + text + "': use 1.2 or 1.3 (TLS 1.0 and 1.1 are not offered)");
        }
    }

    public static TlsVersion of(ProtocolVersion version) {
        for (TlsVersion v : values()) {
            if (v.bc.equals(version)) {
                return v;
            }
        }
        return null;
    }
}

package io.tlskit;

import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.util.Integers;

/** Checks on the client's extensions that BouncyCastle's server makes differently from the RFCs. */
final class ClientHelloRules {
    /**
     * Extensions defined for TLS 1.2 and earlier only. BouncyCastle parses them in a TLS 1.3
     * ClientHello too and refuses odd payloads; RFC 8446 §4.2 has a TLS 1.3 server ignore them.
     */
    private static final Integer[] TLS12_ONLY = {
        Integers.valueOf(ExtensionType.trusted_ca_keys),
        Integers.valueOf(ExtensionType.truncated_hmac),
        Integers.valueOf(ExtensionType.user_mapping),
        Integers.valueOf(ExtensionType.status_request_v2),
    };
    private static final Integer EXTENDED_MASTER_SECRET = Integers.valueOf(ExtensionType.extended_master_secret);

    private ClientHelloRules() {
    }

    /** The extensions a TLS 1.3 server acts on: the same table without {@link #TLS12_ONLY}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Hashtable forTls13(Hashtable extensions) {
        Hashtable kept = null;
        for (Integer type : TLS12_ONLY) {
            if (extensions.containsKey(type)) {
                if (kept == null) {
                    kept = new Hashtable(extensions);
                }
                kept.remove(type);
            }
        }
        return kept == null ? extensions : kept;
    }

    /** RFC 7627 §5.1: extended_master_secret carries no data; anything else is a decode_error (BouncyCastle says illegal_parameter). */
    static void checkExtendedMasterSecret(Hashtable<?, ?> extensions) throws TlsFatalAlert {
        byte[] data = (byte[]) extensions.get(EXTENDED_MASTER_SECRET);
        if (data != null && data.length != 0) {
            throw new TlsFatalAlert(AlertDescription.decode_error,
                "the client's extended_master_secret extension carries " + data.length + " bytes; RFC 7627 defines it empty");
        }
    }
}

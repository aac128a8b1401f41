package io.tlskit;

import java.io.IOException;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Set;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.KeyShareEntry;
import org.bouncycastle.tls.TlsExtensionsUtils;
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
    private static final Integer SUPPORTED_GROUPS = Integers.valueOf(ExtensionType.supported_groups);
    private static final Integer KEY_SHARE = Integers.valueOf(ExtensionType.key_share);
    private static final Integer PRE_SHARED_KEY = Integers.valueOf(ExtensionType.pre_shared_key);

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

    /**
     * RFC 8446 rules for a TLS 1.3 ClientHello that BouncyCastle does not check: supported_groups and
     * key_share come together (§9.2, missing_extension), at most one key share per group and only for
     * offered groups (§4.2.8, illegal_parameter), and psk_key_exchange_modes is well formed even when
     * no PSK is offered (decode_error).
     */
    static void checkTls13(Hashtable<?, ?> extensions) throws IOException {
        boolean groups = extensions.containsKey(SUPPORTED_GROUPS);
        boolean shares = extensions.containsKey(KEY_SHARE);
        if (groups != shares) {
            throw new TlsFatalAlert(AlertDescription.missing_extension, "a TLS 1.3 ClientHello with "
                + (groups ? "supported_groups" : "key_share") + " must also carry " + (groups ? "key_share" : "supported_groups"));
        }
        if (!groups && !extensions.containsKey(PRE_SHARED_KEY)) {
            throw new TlsFatalAlert(AlertDescription.missing_extension, "a TLS 1.3 ClientHello without a PSK must carry supported_groups");
        }
        TlsExtensionsUtils.getPSKKeyExchangeModesExtension(extensions);
        if (shares) {
            int[] offered = TlsExtensionsUtils.getSupportedGroupsExtension(extensions);
            Vector<?> entries = TlsExtensionsUtils.getKeyShareClientHello(extensions);
            Set<Integer> seen = new HashSet<>();
            for (Object o : entries) {
                int group = ((KeyShareEntry) o).getNamedGroup();
                if (!seen.add(group)) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "two key shares for group " + group);
                }
                if (!org.bouncycastle.util.Arrays.contains(offered, group)) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "a key share for group " + group
                        + ", which supported_groups does not list");
                }
            }
        }
    }

    /** The compression_methods of a ClientHello body, or null when the body is too short to have them. */
    static byte[] compressionMethods(byte[] body) {
        int off = 2 + 32;
        if (off >= body.length) {
            return null;
        }
        off += 1 + (body[off] & 0xff);
        if (off + 2 > body.length) {
            return null;
        }
        off += 2 + (((body[off] & 0xff) << 8) | (body[off + 1] & 0xff));
        if (off >= body.length || off + 1 + (body[off] & 0xff) > body.length) {
            return null;
        }
        return java.util.Arrays.copyOfRange(body, off + 1, off + 1 + (body[off] & 0xff));
    }

    /** RFC 8446 §4.1.2: a TLS 1.3 ClientHello's compression_methods is exactly one zero byte, else illegal_parameter. */
    static void checkCompressionForTls13(byte[] methods) throws TlsFatalAlert {
        if (methods != null && (methods.length != 1 || methods[0] != 0)) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                "a TLS 1.3 ClientHello must offer exactly the null compression method");
        }
    }
}

package io.tlskit.conformance;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * Builds ClientHello flights byte by byte, so that a test can send exactly the field it means to
 * break. Starts from a well-formed hello that a tlskit server answers with a ServerHello.
 */
final class ClientHelloBuilder {
    static final int SERVER_NAME = 0;
    static final int STATUS_REQUEST = 5;
    static final int SUPPORTED_GROUPS = 10;
    static final int EC_POINT_FORMATS = 11;
    static final int SIGNATURE_ALGORITHMS = 13;
    static final int ALPN = 16;
    static final int PADDING = 21;
    static final int ENCRYPT_THEN_MAC = 22;
    static final int EXTENDED_MASTER_SECRET = 23;
    static final int SESSION_TICKET = 35;
    static final int SUPPORTED_VERSIONS = 43;
    static final int PSK_KEY_EXCHANGE_MODES = 45;
    static final int KEY_SHARE = 51;
    static final int RENEGOTIATION_INFO = 0xff01;

    static final int X25519 = 29;
    static final int SECP256R1 = 23;
    static final int[] SIGNATURE_SCHEMES = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0603, 0x0806, 0x0601};
    static final int[] TLS13_SUITES = {0x1301, 0x1302, 0x1303};
    /** ECDHE_ECDSA AES-GCM, the default TLS 1.2 suites for an EC server. */
    static final int[] TLS12_AEAD_SUITES = {0xc02b, 0xc02c};
    /** ECDHE_ECDSA AES-CBC with SHA-256/384 and SHA-1. */
    static final int[] TLS12_CBC_SUITES = {0xc023, 0xc024, 0xc009, 0xc00a};

    private static final SecureRandom RANDOM = new SecureRandom();
    static final byte[] X25519_SHARE = new X25519PrivateKeyParameters(RANDOM).generatePublicKey().getEncoded();

    private record Extension(int type, byte[] data) {
    }

    private int version = Wire.TLS12;
    private byte[] random = new byte[32];
    private byte[] sessionId = new byte[32];
    private int[] suites;
    private byte[] compression = {0};
    private final List<Extension> extensions = new ArrayList<>();
    private boolean withExtensionsBlock = true;
    private int extensionsLengthDelta;

    private ClientHelloBuilder() {
        RANDOM.nextBytes(random);
        RANDOM.nextBytes(sessionId);
    }

    /** A TLS 1.3 hello (with TLS 1.2 as fallback) as a modern browser sends it. */
    static ClientHelloBuilder tls13() {
        ClientHelloBuilder b = new ClientHelloBuilder();
        b.suites = concat(TLS13_SUITES, TLS12_AEAD_SUITES);
        b.ext(SERVER_NAME, serverName("localhost"))
            .ext(SUPPORTED_GROUPS, Bytes.of().u16List(X25519, SECP256R1).bytes())
            .ext(EC_POINT_FORMATS, Bytes.of().vec8(new byte[] {0}).bytes())
            .ext(SIGNATURE_ALGORITHMS, Bytes.of().u16List(SIGNATURE_SCHEMES).bytes())
            .ext(EXTENDED_MASTER_SECRET, new byte[0])
            .ext(SUPPORTED_VERSIONS, Bytes.of().vec8(Bytes.of().u16(Wire.TLS13).u16(Wire.TLS12).bytes()).bytes())
            .ext(PSK_KEY_EXCHANGE_MODES, Bytes.of().vec8(new byte[] {1}).bytes())
            .ext(KEY_SHARE, keyShare(X25519, X25519_SHARE));
        return b;
    }

    /** A TLS 1.2 hello without supported_versions. */
    static ClientHelloBuilder tls12(int... suites) {
        ClientHelloBuilder b = new ClientHelloBuilder();
        b.suites = suites.length == 0 ? TLS12_AEAD_SUITES : suites;
        b.ext(SERVER_NAME, serverName("localhost"))
            .ext(SUPPORTED_GROUPS, Bytes.of().u16List(X25519, SECP256R1).bytes())
            .ext(EC_POINT_FORMATS, Bytes.of().vec8(new byte[] {0}).bytes())
            .ext(SIGNATURE_ALGORITHMS, Bytes.of().u16List(SIGNATURE_SCHEMES).bytes())
            .ext(EXTENDED_MASTER_SECRET, new byte[0])
            .ext(RENEGOTIATION_INFO, new byte[] {0});
        return b;
    }

    static byte[] serverName(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        return Bytes.of().vec16(Bytes.of().u8(0).vec16(name).bytes()).bytes();
    }

    static byte[] keyShare(int group, byte[] share) {
        return Bytes.of().vec16(Bytes.of().u16(group).vec16(share).bytes()).bytes();
    }

    ClientHelloBuilder version(int legacyVersion) {
        this.version = legacyVersion;
        return this;
    }

    ClientHelloBuilder sessionId(byte[] id) {
        this.sessionId = id;
        return this;
    }

    ClientHelloBuilder suites(int... cipherSuites) {
        this.suites = cipherSuites;
        return this;
    }

    ClientHelloBuilder compression(int... methods) {
        this.compression = new byte[methods.length];
        for (int i = 0; i < methods.length; i++) {
            compression[i] = (byte) methods[i];
        }
        return this;
    }

    /** Appends an extension (a second one of the same type too). */
    ClientHelloBuilder ext(int type, byte[] data) {
        extensions.add(new Extension(type, data));
        return this;
    }

    /** Replaces the data of an extension in place, or appends it. */
    ClientHelloBuilder set(int type, byte[] data) {
        for (int i = 0; i < extensions.size(); i++) {
            if (extensions.get(i).type == type) {
                extensions.set(i, new Extension(type, data));
                return this;
            }
        }
        return ext(type, data);
    }

    ClientHelloBuilder remove(int type) {
        extensions.removeIf(e -> e.type == type);
        return this;
    }

    ClientHelloBuilder noExtensionsBlock() {
        this.withExtensionsBlock = false;
        return this;
    }

    /** Makes the extensions block's length field lie by {@code delta} bytes. */
    ClientHelloBuilder extensionsLengthOff(int delta) {
        this.extensionsLengthDelta = delta;
        return this;
    }

    byte[] body() {
        Bytes b = Bytes.of().u16(version).raw(random).vec8(sessionId);
        b.u16List(suites);
        b.vec8(compression);
        if (withExtensionsBlock) {
            Bytes ext = Bytes.of();
            for (Extension e : extensions) {
                ext.u16(e.type).vec16(e.data);
            }
            byte[] block = ext.bytes();
            b.u16(block.length + extensionsLengthDelta).raw(block);
        }
        return b.bytes();
    }

    /** Offset in {@link #body()} right after the compression methods, where the extensions block starts. */
    int extensionsOffset() {
        return 2 + 32 + 1 + sessionId.length + 2 + suites.length * 2 + 1 + compression.length;
    }

    byte[] message() {
        return Wire.handshake(1, body());
    }

    /** The ClientHello in as many records as it needs. */
    byte[] flight() {
        return Wire.records(Wire.HANDSHAKE, message(), 16384);
    }

    static int[] concat(int[] a, int[] b) {
        int[] all = new int[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

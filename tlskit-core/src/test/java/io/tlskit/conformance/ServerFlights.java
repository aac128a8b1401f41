package io.tlskit.conformance;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Server messages for {@link MaliciousServer}, well-formed unless a test breaks them. */
final class ServerFlights {
    /** RFC 8446 §4.1.3: the random that marks a ServerHello as a HelloRetryRequest. */
    static final byte[] HRR_RANDOM = java.util.HexFormat.of()
        .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    static final int ECDHE_ECDSA_AES_128_GCM = 0xc02b;

    private ServerFlights() {
    }

    /** A TLS 1.2 ServerHello body choosing ECDHE-ECDSA-AES128-GCM, with secure renegotiation and EMS. */
    static byte[] serverHello12Body() {
        return serverHello12Body(Wire.TLS12, ECDHE_ECDSA_AES_128_GCM, 0, Bytes.of()
            .u16(0xff01).vec16(new byte[1]).u16(23).vec16(new byte[0]).bytes());
    }

    static byte[] serverHello12Body(int version, int suite, int compression, byte[] extensions) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        Bytes b = Bytes.of().u16(version).raw(random).vec8(new byte[32]).u16(suite).u8(compression);
        if (extensions != null) {
            b.vec16(extensions);
        }
        return b.bytes();
    }

    /** A HelloRetryRequest echoing {@code sessionId}, with the given suite and extensions. */
    static byte[] helloRetryRequest(byte[] sessionId, int suite, byte[] extensions) {
        return Wire.handshake(2, Bytes.of().u16(Wire.TLS12).raw(HRR_RANDOM).vec8(sessionId).u16(suite).u8(0)
            .vec16(extensions).bytes());
    }

    static byte[] hrrExtensions(int group) {
        return Bytes.of().u16(43).vec16(Bytes.of().u16(Wire.TLS13).bytes()).u16(51).vec16(Bytes.of().u16(group).bytes()).bytes();
    }

    /** The certificate message (RFC 5246 §7.4.2) carrying the chain. */
    static byte[] certificateBody(List<X509Certificate> chain) {
        Bytes list = Bytes.of();
        for (X509Certificate c : chain) {
            try {
                list.vec24(c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return Bytes.of().vec24(list.bytes()).bytes();
    }

    static byte[] flight(byte[]... messages) {
        return Wire.records(Wire.HANDSHAKE, Bytes.concat(messages), 16384);
    }
}

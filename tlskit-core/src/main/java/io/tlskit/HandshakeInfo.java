package io.tlskit;

import io.tlskit.pki.VerifyResult;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a completed handshake agreed on, and what we learned about the peer. Immutable. */
public final class HandshakeInfo {
    private final TlsVersion version;
    private final String cipherSuite;
    private final List<X509Certificate> peerChain;
    private final VerifyResult verifyResult;
    private final String serverName;
    private final String alpn;
    private final boolean resumed;
    private final Integer maxFragmentLength;
    private final Instant serverHelloTime;
    private final String pskIdentity;
    private final String pskHint;
    private final String keyExchangeGroup;
    private final io.tlskit.time.SecureTimeReport secureTime;

    HandshakeInfo(TlsVersion version, String cipherSuite, String keyExchangeGroup, List<X509Certificate> peerChain, VerifyResult verifyResult,
                  String serverName, String alpn, boolean resumed, Integer maxFragmentLength, Instant serverHelloTime,
                  String pskIdentity, String pskHint, io.tlskit.time.SecureTimeReport secureTime) {
        this.version = version;
        this.cipherSuite = cipherSuite;
        this.peerChain = peerChain == null ? List.of() : List.copyOf(peerChain);
        this.verifyResult = verifyResult;
        this.serverName = serverName;
        this.alpn = alpn;
        this.resumed = resumed;
        this.maxFragmentLength = maxFragmentLength;
        this.serverHelloTime = serverHelloTime;
        this.pskIdentity = pskIdentity;
        this.pskHint = pskHint;
        this.keyExchangeGroup = keyExchangeGroup;
        this.secureTime = secureTime;
    }

    /**
     * What the client's secure time did in this handshake (server time, rescue, clock update); empty
     * when the config has no SecureTime or no certificate was verified (PSK, resumption).
     */
    public Optional<io.tlskit.time.SecureTimeReport> secureTime() {
        return Optional.ofNullable(secureTime);
    }

    /**
     * The (EC)DHE group of the key exchange, e.g. "x25519" or "secp256r1". Empty for plain PSK, for
     * resumption, and on a TLS 1.2 client (BouncyCastle does not expose the group it received).
     */
    public Optional<String> keyExchangeGroup() {
        return Optional.ofNullable(keyExchangeGroup);
    }

    public TlsVersion version() {
        return version;
    }

    /** IANA name, e.g. TLS_AES_128_GCM_SHA256. */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** The peer's certificate chain as sent, leaf first; empty for PSK or when the client sent none. */
    public List<X509Certificate> peerChain() {
        return peerChain;
    }

    public Optional<X509Certificate> peerCertificate() {
        return peerChain.isEmpty() ? Optional.empty() : Optional.of(peerChain.get(0));
    }

    /** The verification of the peer's chain; empty when nothing was verified (PSK, verify none). */
    public Optional<VerifyResult> verifyResult() {
        return Optional.ofNullable(verifyResult);
    }

    /** SNI: the name the client asked for (server side) or sent (client side). */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    public Optional<String> alpn() {
        return Optional.ofNullable(alpn);
    }

    public boolean resumed() {
        return resumed;
    }

    /** The negotiated max_fragment_length in bytes, if one was negotiated. */
    public Optional<Integer> maxFragmentLength() {
        return Optional.ofNullable(maxFragmentLength);
    }

    /**
     * The first four bytes of the TLS 1.2 ServerHello random read as gmt_unix_time. Meaningful only
     * when the server sends its clock there (mbedTLS with MBEDTLS_HAVE_TIME, tlskit with
     * sendServerTime); OpenSSL and TLS 1.3 servers send random bytes, so this is empty for TLS 1.3.
     */
    public Optional<Instant> serverHelloTime() {
        return Optional.ofNullable(serverHelloTime);
    }

    public Optional<String> pskIdentity() {
        return Optional.ofNullable(pskIdentity);
    }

    public Optional<String> pskHint() {
        return Optional.ofNullable(pskHint);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("protocol:      ").append(version.displayName()).append('\n');
        s.append("cipher suite:  ").append(cipherSuite).append('\n');
        keyExchangeGroup().ifPresent(g -> s.append("key exchange:  ").append(g).append('\n'));
        s.append("resumed:       ").append(resumed ? "yes" : "no").append('\n');
        serverName().ifPresent(n -> s.append("server name:   ").append(n).append('\n'));
        alpn().ifPresent(a -> s.append("ALPN:          ").append(a).append('\n'));
        maxFragmentLength().ifPresent(m -> s.append("max fragment:  ").append(m).append('\n'));
        pskIdentity().ifPresent(p -> s.append("PSK identity:  ").append(p).append('\n'));
        pskHint().ifPresent(p -> s.append("PSK hint:      ").append(p).append('\n'));
        for (int i = 0; i < peerChain.size(); i++) {
            X509Certificate c = peerChain.get(i);
            s.append(i == 0 ? "peer chain:    " : "               ").append(i).append(": ")
                .append(c.getSubjectX500Principal().getName()).append(" (until ").append(c.getNotAfter().toInstant()).append(")\n");
        }
        if (verifyResult != null) {
            s.append("verification:  ").append(verifyResult.isValid() ? "OK" : verifyResult.flags() + ": " + verifyResult.explanation()).append('\n');
        }
        if (secureTime != null) {
            s.append(secureTime);
        } else {
            serverHelloTime().ifPresent(t -> s.append("ServerHello time: ").append(t).append('\n'));
        }
        return s.toString();
    }
}

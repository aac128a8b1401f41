package io.tlskit.bench;

import io.tlskit.Psk;
import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.TrustAnchors;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates every benchmark uses, made in-process once per JVM with tlskit's own
 * {@link CertificateIssuer}: an EC P-256 CA and an EC P-256 server certificate for localhost
 * (chain sent on the wire: leaf + CA). Also the JDK {@link SSLContext}s built from the same
 * certificate and key, and the PSK for the PSK cases.
 */
public final class BenchPki {
    public static final String HOST = "localhost";
    public static final String PSK_IDENTITY = "device1";
    public static final byte[] PSK_KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    private static final char[] STORE_PASSWORD = "bench".toCharArray();
    private static volatile BenchPki instance;

    public final IssuedCertificate ca;
    public final IssuedCertificate server;
    public final TrustAnchors trust;
    /** Total DER length of the chain the server sends: a full handshake carries at least this. */
    public final int chainDerLength;

    private BenchPki() {
        CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), new SecureRandom());
        ca = issuer.selfSignedCa(CertificateSpec.builder().subject("tlskit bench CA")
            .keyType(CertificateIssuer.KeyType.EC_P256).ca(true).build());
        server = issuer.issue(ca, CertificateSpec.builder().subject(HOST).sans("DNS:localhost", "IP:127.0.0.1")
            .keyType(CertificateIssuer.KeyType.EC_P256).usage(CertificateSpec.Usage.SERVER).build());
        trust = TrustAnchors.of(List.of(ca.certificate()));
        int length = 0;
        try {
            for (X509Certificate c : server.chain()) {
                length += c.getEncoded().length;
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        chainDerLength = length;
    }

    public static BenchPki get() {
        BenchPki p = instance;
        if (p == null) {
            synchronized (BenchPki.class) {
                p = instance;
                if (p == null) {
                    p = new BenchPki();
                    instance = p;
                }
            }
        }
        return p;
    }

    public static Psk psk() {
        return Psk.of(PSK_IDENTITY, PSK_KEY);
    }

    /** A JDK server context: the server key and chain in an in-memory PKCS12 KeyStore, default KeyManagerFactory. */
    public SSLContext jdkServerContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", server.privateKey(), STORE_PASSWORD, server.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        return ctx;
    }

    /** A JDK client context trusting the bench CA (default TrustManagerFactory, PKIX). */
    public SSLContext jdkClientContext() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }
}

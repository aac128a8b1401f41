package io.tlskit.testing;

import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateIssuer.KeyType;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.PemWriter;
import io.tlskit.pki.TrustAnchors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * Test certificates, made once per JVM: a CA, ECDSA P-256 and RSA-2048 server certificates for
 * localhost/127.0.0.1/::1, a client certificate, and a second CA nobody trusts. {@link #files()}
 * writes them as PEM for real peers (openssl, gnutls, mbedTLS).
 */
public final class TestPki {
    public static final TestPki INSTANCE = new TestPki();

    public final CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), new SecureRandom());
    public final IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.ca("tlskit test CA"));
    public final IssuedCertificate serverEc = issuer.issue(ca, serverSpec("localhost", KeyType.EC_P256));
    public final IssuedCertificate serverRsa = issuer.issue(ca, serverSpec("localhost", KeyType.RSA_2048));
    public final IssuedCertificate client = issuer.issue(ca, CertificateSpec.builder().subject("device-1")
        .usage(CertificateSpec.Usage.CLIENT).keyType(KeyType.EC_P256).build());
    public final IssuedCertificate otherCa = issuer.selfSignedCa(CertificateSpec.ca("untrusted CA"));
    public final IssuedCertificate otherServer = issuer.issue(otherCa, serverSpec("localhost", KeyType.EC_P256));
    private Path files;

    private TestPki() {
    }

    public static CertificateSpec serverSpec(String cn, KeyType type) {
        return CertificateSpec.builder().subject(cn).sans("DNS:localhost", "IP:127.0.0.1", "IP:::1")
            .usage(CertificateSpec.Usage.SERVER).keyType(type).build();
    }

    public TrustAnchors trust() {
        return TrustAnchors.of(java.util.List.of(ca.certificate()));
    }

    public Credentials serverEcCredentials() {
        return serverEc.credentials();
    }

    /** A certificate from our CA valid only in the given window. */
    public IssuedCertificate serverValid(Instant notBefore, Instant notAfter) {
        return issuer.issue(ca, serverSpec("localhost", KeyType.EC_P256).toBuilder().notBefore(notBefore).notAfter(notAfter).build());
    }

    public IssuedCertificate issue(CertificateSpec spec) {
        return issuer.issue(ca, spec);
    }

    /** A directory with ca.pem, server-ec.pem/.key, server-rsa.pem/.key, client.pem/.key, other-ca.pem. */
    public synchronized Path files() {
        if (files != null) {
            return files;
        }
        try {
            Path dir = Files.createTempDirectory("tlskit-pki");
            dir.toFile().deleteOnExit();
            write(dir.resolve("ca.pem"), PemWriter.certificate(ca.certificate()));
            write(dir.resolve("other-ca.pem"), PemWriter.certificate(otherCa.certificate()));
            writePair(dir, "server-ec", serverEc);
            writePair(dir, "server-rsa", serverRsa);
            writePair(dir, "client", client);
            writePair(dir, "other-server", otherServer);
            files = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writePair(Path dir, String name, IssuedCertificate cert) throws IOException {
        write(dir.resolve(name + ".pem"), PemWriter.certificate(cert.certificate()));
        write(dir.resolve(name + ".key"), PemWriter.privateKey(cert.privateKey()));
        write(dir.resolve(name + "-chain.pem"), PemWriter.certificates(cert.chain()));
    }

    private static void write(Path path, String text) throws IOException {
        Files.write(path, text.getBytes(StandardCharsets.US_ASCII));
        path.toFile().deleteOnExit();
    }

    public static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}

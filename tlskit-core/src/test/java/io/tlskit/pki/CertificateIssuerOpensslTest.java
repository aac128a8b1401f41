package io.tlskit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ConfigException;
import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import io.tlskit.pki.CertificateIssuer.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates and keys made by CertificateIssuer and PemWriter, checked by the openssl command line. */
class CertificateIssuerOpensslTest {
    @TempDir
    Path dir;
    Openssl openssl;
    final CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), new SecureRandom());

    @BeforeEach
    void setUp() {
        openssl = new Openssl(dir);
    }

    @Test
    void opensslVerifiesLeavesWeIssueAndShowsTheirNames() throws IOException {
        IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.ca("tlskit Test CA"));
        IssuedCertificate ec = issuer.issue(ca, CertificateSpec.builder().subject("device-1")
                .sans("DNS:device.example", "IP:10.0.0.1", "IP:::1").build());
        IssuedCertificate rsa = issuer.issue(ca, CertificateSpec.builder().subject("CN=rsa-device,O=Example")
                .keyType(KeyType.RSA_2048).usage(CertificateSpec.Usage.BOTH).sans("DNS:rsa.example").build());
        PemWriter.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
        PemWriter.writeCertificate(dir.resolve("ec.pem"), ec.certificate());
        PemWriter.writeCertificate(dir.resolve("rsa.pem"), rsa.certificate());

        assertThat(openssl.run("verify", "-CAfile", "@ca.pem", "@ec.pem")).contains("ec.pem: OK");
        assertThat(openssl.run("verify", "-CAfile", "@ca.pem", "@rsa.pem")).contains("rsa.pem: OK");
        assertThat(openssl.run("verify", "-purpose", "sslserver", "-CAfile", "@ca.pem", "@ec.pem")).contains("OK");
        assertThat(openssl.attempt("verify", "-purpose", "sslclient", "-CAfile", "@ca.pem", "@ec.pem").exitCode).isNotZero();

        String text = openssl.run("x509", "-noout", "-text", "-in", "@ec.pem");
        assertThat(text).contains("Subject: CN = device-1", "Issuer: CN = tlskit Test CA",
                "DNS:device.example", "IP Address:10.0.0.1", "IP Address:0:0:0:0:0:0:0:1",
                "TLS Web Server Authentication", "CA:FALSE", "ecdsa-with-SHA256",
                "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier");
        String rsaText = openssl.run("x509", "-noout", "-text", "-in", "@rsa.pem");
        // RFC 2253 lists the most specific RDN first; openssl prints them in encoding order
        assertThat(CertText.subject(rsa.certificate())).isEqualTo("CN=rsa-device,O=Example");
        assertThat(rsaText).contains("Subject: O = Example, CN = rsa-device", "Public-Key: (2048 bit)",
                "Digital Signature, Key Encipherment", "TLS Web Server Authentication, TLS Web Client Authentication");
        String caText = openssl.run("x509", "-noout", "-text", "-in", "@ca.pem");
        assertThat(caText).contains("CA:TRUE", "Certificate Sign, CRL Sign");
        assertThat(ca.certificate().getNotAfter().toInstant())
                .isBetween(Instant.now().plus(Duration.ofDays(3649)), Instant.now().plus(Duration.ofDays(3651)));
        assertThat(ec.certificate().getNotAfter().toInstant())
                .isBetween(Instant.now().plus(Duration.ofDays(824)), Instant.now().plus(Duration.ofDays(826)));
        assertThat(ec.certificate().getSerialNumber().signum()).isPositive();
        assertThat(ec.chain()).containsExactly(ec.certificate(), ca.certificate());
    }

    @Test
    void threeLevelChainAndP384Defaults() throws IOException {
        IssuedCertificate root = issuer.selfSignedCa(CertificateSpec.builder().subject("Root").keyType(KeyType.EC_P384).build());
        IssuedCertificate intermediate = issuer.issue(root, CertificateSpec.builder().subject("Intermediate").ca(true).build());
        IssuedCertificate leaf = issuer.issue(intermediate, CertificateSpec.leaf("leaf", "DNS:leaf.example"));
        assertThat(intermediate.certificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(leaf.chain()).hasSize(3);

        PemWriter.writeCertificate(dir.resolve("root.pem"), root.certificate());
        PemWriter.writeCertificate(dir.resolve("int.pem"), intermediate.certificate());
        PemWriter.writeCertificates(dir.resolve("leaf-chain.pem"), leaf.chain());
        PemWriter.writeCertificate(dir.resolve("leaf.pem"), leaf.certificate());
        assertThat(openssl.run("verify", "-CAfile", "@root.pem", "-untrusted", "@int.pem", "@leaf.pem")).contains("OK");
        assertThat(PemReader.certificates(dir.resolve("leaf-chain.pem"))).containsExactlyElementsOf(leaf.chain());
    }

    @Test
    void opensslReadsOurPkcs8KeysPlainAndEncrypted() throws IOException {
        for (KeyType type : new KeyType[] {KeyType.EC_P256, KeyType.RSA_2048}) {
            IssuedCertificate cert = issuer.selfSigned(CertificateSpec.builder().subject("k-" + type).keyType(type).build());
            PemWriter.writeCertificate(dir.resolve("cert.pem"), cert.certificate());
            PemWriter.writePrivateKey(dir.resolve("key.pem"), cert.privateKey(), null);
            PemWriter.writePrivateKey(dir.resolve("enc.pem"), cert.privateKey(), "pw-123".toCharArray());

            assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(Files.readString(dir.resolve("enc.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
            String certPub = openssl.run("x509", "-in", "@cert.pem", "-noout", "-pubkey");
            assertThat(openssl.run("pkey", "-in", "@key.pem", "-pubout")).isEqualTo(certPub);
            assertThat(openssl.run("pkey", "-in", "@enc.pem", "-passin", "pass:pw-123", "-pubout")).isEqualTo(certPub);
            assertThat(openssl.attempt("pkey", "-in", "@enc.pem", "-passin", "pass:wrong", "-noout").exitCode).isNotZero();
            assertThat(openssl.run("asn1parse", "-in", "@enc.pem")).contains("PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc");

            // and tlskit reads back what it wrote
            PrivateKey back = PemReader.privateKey(dir.resolve("enc.pem"), "pw-123".toCharArray());
            assertThat(KeyMatch.matches(cert.certificate().getPublicKey(), back)).isTrue();
            Credentials loaded = Credentials.load(dir.resolve("cert.pem"), dir.resolve("key.pem"), null);
            assertThat(loaded.leaf()).isEqualTo(cert.certificate());
        }
    }

    @Test
    void keyFilesAre0600EvenWhenReplacingAWiderFile() throws IOException {
        IssuedCertificate cert = issuer.selfSigned(CertificateSpec.leaf("mode-test"));
        Path key = dir.resolve("server.key");
        Files.writeString(key, "old");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        PemWriter.writePrivateKey(key, cert.privateKey(), null);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(((java.security.interfaces.ECPrivateKey) PemReader.privateKey(key, null)).getS())
            .isEqualTo(((java.security.interfaces.ECPrivateKey) cert.privateKey()).getS());
        Path fresh = dir.resolve("fresh.key");
        PemWriter.writePrivateKey(fresh, cert.privateKey(), "pw".toCharArray());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void sha1FixturesAndPinnedDates() throws IOException {
        Instant t0 = Instant.parse("2024-05-01T00:00:00Z");
        CertificateIssuer pinned = new CertificateIssuer(TimeSource.fixed(t0), new SecureRandom());
        IssuedCertificate ca = pinned.selfSignedCa(CertificateSpec.builder().subject("Old CA").keyType(KeyType.RSA_2048).build());
        IssuedCertificate leaf = pinned.issue(ca, CertificateSpec.builder().subject("old-device").keyType(KeyType.RSA_2048)
                .signatureAlgorithm("SHA1withRSA").build());
        assertThat(leaf.certificate().getNotBefore().toInstant()).isEqualTo(t0.minus(Duration.ofHours(1)));
        assertThat(leaf.certificate().getNotAfter().toInstant()).isEqualTo(t0.plus(Duration.ofDays(825)));
        PemWriter.writeCertificate(dir.resolve("sha1.pem"), leaf.certificate());
        assertThat(openssl.run("x509", "-noout", "-text", "-in", "@sha1.pem")).contains("sha1WithRSAEncryption");
    }

    @Test
    void specRejectsBadInputWithSentences() {
        assertThatThrownBy(() -> CertificateSpec.builder().subject("x").san("email:a@example.com"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID))
                .hasMessage("subjectAltName 'email:a@example.com' has no DNS: or IP: prefix: "
                        + "write DNS:<name> (e.g. DNS:device.example) or IP:<address> (e.g. IP:10.0.0.1, IP:::1)");
        assertThatThrownBy(() -> CertificateSpec.builder().san("IP:10.0.0.300"))
                .hasMessageContaining("'IP:10.0.0.300' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> CertificateSpec.builder().san("device.example")).hasMessageContaining("has no DNS: or IP: prefix");
        assertThatThrownBy(() -> CertificateSpec.builder().build()).hasMessageContaining("has no subject");
        assertThatThrownBy(() -> CertificateSpec.builder().subject("CN=a,,=b")).hasMessageContaining("is not a valid distinguished name");
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertThatThrownBy(() -> CertificateSpec.builder().subject("x").notBefore(t).notAfter(t).build())
                .hasMessageContaining("is not after notBefore");
        IssuedCertificate leaf = issuer.selfSigned(CertificateSpec.leaf("not-a-ca"));
        assertThatThrownBy(() -> issuer.issue(leaf, CertificateSpec.leaf("child")))
                .hasMessageContaining("CN=not-a-ca is not a CA certificate");
        assertThat(CertificateSpec.builder().subject("w").sans("DNS:*.Example.COM.", "IP:[::1]").build().sans())
                .containsExactly("DNS:*.example.com", "IP:::1");
    }

    @Test
    void issuesFromLoadedCaCredentials() {
        IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.ca("File CA"));
        Credentials loaded = Credentials.of(List.of(ca.certificate()), ca.privateKey());
        IssuedCertificate leaf = issuer.issue(loaded, CertificateSpec.leaf("from-file", "DNS:a.example"));
        X509Certificate cert = leaf.certificate();
        assertThat(ChainOrder.signedBy(cert, ca.certificate())).isTrue();
        assertThat(leaf.credentials().chain()).containsExactly(cert, ca.certificate());
        assertThat(leaf.credentials().toString()).contains("CN=from-file", "EC P-256").doesNotContain("BEGIN");
    }
}

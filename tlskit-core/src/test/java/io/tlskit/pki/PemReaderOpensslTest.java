package io.tlskit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys, certificates and PKCS#12 files made by the openssl command line, loaded by PemReader. */
class PemReaderOpensslTest {
    private static final char[] PASSWORD = "s3cret-pass".toCharArray();
    private static final String PASS = "pass:s3cret-pass";

    @TempDir
    static Path dir;
    static Openssl openssl;

    @BeforeAll
    static void makeFixtures() throws IOException {
        openssl = new Openssl(dir);
        openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "@rsa.pem");
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "@ec.pem");
        openssl.run("req", "-x509", "-new", "-key", "@rsa.pem", "-subj", "/CN=rsa-device", "-days", "30", "-out", "@rsa-cert.pem");
        openssl.run("req", "-x509", "-new", "-key", "@ec.pem", "-subj", "/CN=ec-device", "-days", "30", "-out", "@ec-cert.pem");
        openssl.run("x509", "-in", "@rsa-cert.pem", "-outform", "DER", "-out", "@rsa-cert.der");
        for (String k : new String[] {"rsa", "ec"}) {
            String in = "@" + k + ".pem";
            openssl.run("pkcs8", "-topk8", "-in", in, "-v2", "aes-256-cbc", "-passout", PASS, "-out", "@" + k + "-pbes2.pem");
            openssl.run("pkcs8", "-topk8", "-in", in, "-scrypt", "-passout", PASS, "-out", "@" + k + "-scrypt.pem");
            openssl.run("pkcs8", "-topk8", "-in", in, "-v1", "PBE-SHA1-3DES", "-passout", PASS, "-out", "@" + k + "-3des.pem");
            openssl.run("pkcs8", "-topk8", "-nocrypt", "-in", in, "-outform", "DER", "-out", "@" + k + "-pkcs8.der");
            openssl.run("pkcs8", "-topk8", "-in", in, "-v2", "aes-256-cbc", "-passout", PASS, "-outform", "DER", "-out", "@" + k + "-pbes2.der");
        }
        openssl.run("rsa", "-in", "@rsa.pem", "-traditional", "-out", "@rsa-pkcs1.pem");
        openssl.run("rsa", "-in", "@rsa.pem", "-traditional", "-outform", "DER", "-out", "@rsa-pkcs1.der");
        openssl.run("rsa", "-in", "@rsa.pem", "-traditional", "-aes256", "-passout", PASS, "-out", "@rsa-legacy.pem");
        openssl.run("ec", "-in", "@ec.pem", "-out", "@ec-sec1.pem");
        openssl.run("ec", "-in", "@ec.pem", "-outform", "DER", "-out", "@ec-sec1.der");
        openssl.run("ec", "-in", "@ec.pem", "-aes256", "-passout", PASS, "-out", "@ec-legacy.pem");
        // "ecparam -genkey" writes an EC PARAMETERS block before the key
        openssl.run("ecparam", "-name", "prime256v1", "-genkey", "-out", "@ecparam.pem");
        openssl.run("req", "-x509", "-new", "-key", "@ecparam.pem", "-subj", "/CN=ecparam-device", "-days", "30", "-out", "@ecparam-cert.pem");
        openssl.run("genpkey", "-algorithm", "ed25519", "-out", "@ed.pem");
        openssl.run("req", "-x509", "-new", "-key", "@ed.pem", "-subj", "/CN=ed-device", "-days", "30", "-out", "@ed-cert.pem");

        // a CA, a leaf issued by it, the chain file and a PKCS#12 bundle
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "@ca.key");
        openssl.run("req", "-x509", "-new", "-key", "@ca.key", "-subj", "/CN=Openssl Test CA", "-days", "30", "-out", "@ca.pem");
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "@leaf.key");
        openssl.run("req", "-new", "-key", "@leaf.key", "-subj", "/CN=leaf.example", "-out", "@leaf.csr");
        openssl.run("x509", "-req", "-in", "@leaf.csr", "-CA", "@ca.pem", "-CAkey", "@ca.key", "-CAcreateserial",
                "-days", "30", "-out", "@leaf.pem");
        Files.write(openssl.file("chain.pem"), concat(read("leaf.pem"), read("ca.pem")));
        openssl.run("pkcs12", "-export", "-inkey", "@leaf.key", "-in", "@leaf.pem", "-certfile", "@ca.pem",
                "-passout", PASS, "-out", "@leaf.p12");
    }

    static Stream<Arguments> keyFiles() {
        return Stream.of(
                Arguments.of("rsa.pem", false, "rsa-cert.pem"),
                Arguments.of("rsa-pbes2.pem", true, "rsa-cert.pem"),
                Arguments.of("rsa-scrypt.pem", true, "rsa-cert.pem"),
                Arguments.of("rsa-3des.pem", true, "rsa-cert.pem"),
                Arguments.of("rsa-pkcs1.pem", false, "rsa-cert.pem"),
                Arguments.of("rsa-legacy.pem", true, "rsa-cert.pem"),
                Arguments.of("rsa-pkcs8.der", false, "rsa-cert.pem"),
                Arguments.of("rsa-pbes2.der", true, "rsa-cert.pem"),
                Arguments.of("rsa-pkcs1.der", false, "rsa-cert.pem"),
                Arguments.of("ec.pem", false, "ec-cert.pem"),
                Arguments.of("ec-pbes2.pem", true, "ec-cert.pem"),
                Arguments.of("ec-scrypt.pem", true, "ec-cert.pem"),
                Arguments.of("ec-3des.pem", true, "ec-cert.pem"),
                Arguments.of("ec-sec1.pem", false, "ec-cert.pem"),
                Arguments.of("ec-legacy.pem", true, "ec-cert.pem"),
                Arguments.of("ec-pkcs8.der", false, "ec-cert.pem"),
                Arguments.of("ec-pbes2.der", true, "ec-cert.pem"),
                Arguments.of("ec-sec1.der", false, "ec-cert.pem"),
                Arguments.of("ecparam.pem", false, "ecparam-cert.pem"),
                Arguments.of("ed.pem", false, "ed-cert.pem"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyFiles")
    void loadsEveryKeyEncodingAndItMatchesItsCertificate(String keyFile, boolean encrypted, String certFile) {
        PrivateKey key = PemReader.privateKey(openssl.file(keyFile), encrypted ? PASSWORD.clone() : null);

        if (keyFile.startsWith("rsa")) {
            assertThat(key).isInstanceOf(RSAPrivateCrtKey.class);
            assertThat(KeyDescriptions.describeKey(key)).isEqualTo("RSA 2048");
        } else if (keyFile.startsWith("ec")) {
            assertThat(key).isInstanceOf(ECPrivateKey.class);
            assertThat(KeyDescriptions.describeKey(key)).isEqualTo("EC P-256");
        } else {
            assertThat(KeyDescriptions.describeKey(key)).isEqualTo("Ed25519");
        }
        Credentials credentials = Credentials.load(openssl.file(certFile), openssl.file(keyFile), encrypted ? PASSWORD.clone() : null);
        assertThat(credentials.privateKey().getEncoded()).isEqualTo(key.getEncoded());
        assertThat(credentials.subject()).isEqualTo("CN=" + certFile.replace("-cert.pem", "-device"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyFiles")
    void encryptedKeysNeedTheRightPassword(String keyFile, boolean encrypted, String certFile) {
        Path path = openssl.file(keyFile);
        if (!encrypted) {
            // a password given for a plain key is simply not needed
            assertThat(PemReader.privateKey(path, "unused".toCharArray())).isNotNull();
            return;
        }
        ConfigException missing = catchThrowableOfType(ConfigException.class, () -> PemReader.privateKey(path, null));
        assertThat(missing.error()).isEqualTo(TlsError.KEY_PASSWORD_REQUIRED);
        assertThat(missing.getMessage()).startsWith(keyFile + ": the private key is encrypted and needs a password")
                .contains("--key-password-file");

        ConfigException wrong = catchThrowableOfType(ConfigException.class, () -> PemReader.privateKey(path, "wrong-pass".toCharArray()));
        assertThat(wrong.error()).isEqualTo(TlsError.KEY_PASSWORD_WRONG);
        assertThat(wrong.getMessage()).startsWith(keyFile + ": wrong password for the encrypted private key (")
                .doesNotContain("s3cret").doesNotContain("wrong-pass");
    }

    @Test
    void namesTheEncryptionScheme() {
        assertThat(wrongPasswordMessage("rsa-pbes2.pem")).contains("(PBES2/AES-256-CBC)");
        assertThat(wrongPasswordMessage("ec-scrypt.pem")).contains("(PBES2/scrypt/AES-256-CBC)");
        assertThat(wrongPasswordMessage("ec-3des.pem")).contains("(PBE-SHA1-3DES)");
        assertThat(wrongPasswordMessage("rsa-legacy.pem")).contains("(legacy PEM AES-256-CBC)");
    }

    private static String wrongPasswordMessage(String file) {
        return catchThrowableOfType(ConfigException.class, () -> PemReader.privateKey(openssl.file(file), "nope".toCharArray()))
                .getMessage();
    }

    @Test
    void certificatesFromPemDerAndChains() {
        List<X509Certificate> pem = PemReader.certificates(openssl.file("rsa-cert.pem"));
        List<X509Certificate> der = PemReader.certificates(openssl.file("rsa-cert.der"));
        assertThat(pem).hasSize(1);
        assertThat(der).containsExactlyElementsOf(pem);

        List<X509Certificate> chain = PemReader.certificates(openssl.file("chain.pem"));
        assertThat(chain).extracting(CertText::subject).containsExactly("CN=leaf.example", "CN=Openssl Test CA");
    }

    @Test
    void certificateFileMayAlsoHoldTheKey() throws IOException {
        Path combined = dir.resolve("combined.pem");
        Files.write(combined, concat(read("ec.pem"), read("ec-cert.pem")));
        assertThat(PemReader.certificates(combined)).extracting(CertText::subject).containsExactly("CN=ec-device");
        assertThat(PemReader.privateKey(combined, null)).isInstanceOf(ECPrivateKey.class);
    }

    @Test
    void chainAndKeyLoadTogether() {
        Credentials credentials = Credentials.load(openssl.file("chain.pem"), openssl.file("leaf.key"), null);
        assertThat(credentials.chain()).hasSize(2);
        assertThat(credentials.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=leaf.example");
    }

    @Test
    void swappedFilesSaySo() {
        assertThatThrownBy(() -> PemReader.certificates(openssl.file("rsa.pem")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM))
                .hasMessage("rsa.pem: found a PRIVATE KEY, expected CERTIFICATE: did you swap --cert and --key?");
        assertThatThrownBy(() -> PemReader.privateKey(openssl.file("rsa-cert.pem"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM))
                .hasMessage("rsa-cert.pem: found a CERTIFICATE, expected a PRIVATE KEY: did you swap --cert and --key?");
        assertThatThrownBy(() -> PemReader.privateKey(openssl.file("rsa-cert.der"), null))
                .hasMessageContaining("rsa-cert.der: found a CERTIFICATE, expected PRIVATE KEY: did you swap --cert and --key?");
        assertThatThrownBy(() -> PemReader.certificates(openssl.file("ec-sec1.der")))
                .hasMessageContaining("ec-sec1.der: found an EC PRIVATE KEY (SEC1), expected CERTIFICATE: did you swap --cert and --key?");
        assertThatThrownBy(() -> Credentials.load(openssl.file("rsa.pem"), openssl.file("rsa-cert.pem"), null))
                .hasMessageContaining("did you swap --cert and --key?");
    }

    @Test
    void truncatedPemNamesTheMissingEndLine() throws IOException {
        String text = new String(read("rsa-cert.pem"), StandardCharsets.US_ASCII);
        byte[] half = text.substring(0, text.length() / 2).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PemReader.certificates(half, "server.pem"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM))
                .hasMessageStartingWith("server.pem: malformed PEM: '-----BEGIN CERTIFICATE-----' on line 1 has no matching END line")
                .hasMessageContaining("truncated");

        String keyText = new String(read("ec.pem"), StandardCharsets.US_ASCII);
        byte[] cutKey = keyText.substring(0, keyText.length() - 10).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PemReader.privateKey(cutKey, null, "server.key"))
                .hasMessageStartingWith("server.key: malformed PEM: '-----BEGIN PRIVATE KEY-----' on line 1 has no matching END line");
    }

    @Test
    void garbageIsMalformedWithASentence() {
        byte[] random = new byte[300];
        new Random(42).nextBytes(random);
        random[0] = 0x01; // not a DER SEQUENCE
        assertMalformed(() -> PemReader.certificates(random, "junk.bin"), "junk.bin: no '-----BEGIN CERTIFICATE-----' line and not DER either");
        assertMalformed(() -> PemReader.privateKey(random, null, "junk.key"), "junk.key: no '-----BEGIN PRIVATE KEY-----' line and not DER either");
        assertMalformed(() -> PemReader.certificates(new byte[0], "empty.pem"), "empty.pem: the file is empty");
        assertMalformed(() -> PemReader.privateKey(" \n".getBytes(StandardCharsets.US_ASCII), null, "blank.key"), "blank.key: the file is empty");

        byte[] badBase64 = "-----BEGIN CERTIFICATE-----\nthis is !!! not base64 at all\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertMalformed(() -> PemReader.certificates(badBase64, "bad.pem"),
                "bad.pem: malformed PEM: the CERTIFICATE block on line 1 does not decode");
        byte[] notACert = "-----BEGIN CERTIFICATE-----\nTWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertMalformed(() -> PemReader.certificates(notACert, "bad2.pem"), "the CERTIFICATE block on line 1 does not decode");
        byte[] mismatched = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        assertMalformed(() -> PemReader.certificates(mismatched, "mixed.pem"),
                "mixed.pem: malformed PEM: '-----BEGIN CERTIFICATE-----' on line 1 ends with '-----END PRIVATE KEY-----' on line 3");
    }

    private static void assertMalformed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String fragment) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM))
                .hasMessageContaining(fragment);
    }

    @Test
    void missingFileIsUnreadableAndNamesThePath() {
        Path missing = dir.resolve("nope/server.pem");
        assertThatThrownBy(() -> PemReader.certificates(missing))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.FILE_UNREADABLE))
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void dsaKeysAreUnsupported() throws IOException {
        openssl.run("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", "@dsap.pem");
        openssl.run("genpkey", "-paramfile", "@dsap.pem", "-out", "@dsa.pem");
        openssl.run("dsa", "-in", "@dsa.pem", "-out", "@dsa-trad.pem");
        for (String file : new String[] {"dsa.pem", "dsa-trad.pem"}) {
            assertThatThrownBy(() -> PemReader.privateKey(openssl.file(file), null))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.UNSUPPORTED_KEY))
                    .hasMessageContaining(file + ": DSA private keys are not supported: use an EC");
        }
    }

    @Test
    void pkcs12WithKeyAndChain() {
        Credentials credentials = Credentials.load(openssl.file("leaf.p12"), PASSWORD.clone());
        assertThat(credentials.subject()).isEqualTo("CN=leaf.example");
        assertThat(credentials.chain()).extracting(CertText::subject).containsExactly("CN=leaf.example", "CN=Openssl Test CA");
        assertThat(credentials.privateKey()).isInstanceOf(ECPrivateKey.class);
        assertThat(PemReader.looksLikePkcs12(PemReader.read(openssl.file("leaf.p12")))).isTrue();
        assertThat(PemReader.looksLikePkcs12(PemReader.read(openssl.file("leaf.pem")))).isFalse();

        assertThatThrownBy(() -> Credentials.load(openssl.file("leaf.p12"), "wrong".toCharArray()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_PASSWORD_WRONG))
                .hasMessageStartingWith("leaf.p12: wrong password for the PKCS#12 file");
        assertThatThrownBy(() -> Credentials.load(openssl.file("leaf.p12"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_PASSWORD_REQUIRED));
        assertThatThrownBy(() -> Credentials.load(openssl.file("leaf.pem"), PASSWORD.clone()))
                .hasMessageStartingWith("leaf.pem: not a PKCS#12 file (found PEM text)");
        assertThatThrownBy(() -> PemReader.privateKey(openssl.file("leaf.p12"), null))
                .hasMessageContaining("leaf.p12: found a PKCS#12 bundle, expected PRIVATE KEY: load a PKCS#12 file with --pkcs12");
    }

    @Test
    void keyOfAnotherCertificateIsAMismatchNamingTheCertificate() {
        assertThatThrownBy(() -> Credentials.load(openssl.file("rsa-cert.pem"), openssl.file("ec.pem"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH))
                .hasMessage("ec.pem: private key does not match the certificate CN=rsa-device "
                        + "(key is EC P-256, certificate holds RSA 2048): use the key the certificate was issued for");
        // same type, different key: the modulus / d·G comparisons must catch it
        assertThatThrownBy(() -> Credentials.load(openssl.file("ec-cert.pem"), openssl.file("leaf.key"), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH))
                .hasMessageContaining("CN=ec-device (key is EC P-256, certificate holds EC P-256)");
        assertThatThrownBy(() -> Credentials.of(PemReader.certificates(openssl.file("ed-cert.pem")),
                PemReader.privateKey(openssl.file("ec.pem"), null)))
                .hasMessageStartingWith("private key does not match the certificate CN=ed-device (key is EC P-256, certificate holds Ed25519)");
    }

    @Test
    void ed25519MatchIsCheckedBySigning() throws IOException {
        openssl.run("genpkey", "-algorithm", "ed25519", "-out", "@ed2.pem");
        PrivateKey other = PemReader.privateKey(openssl.file("ed2.pem"), null);
        X509Certificate cert = PemReader.certificates(openssl.file("ed-cert.pem")).get(0);
        assertThat(KeyMatch.matches(cert.getPublicKey(), other)).isFalse();
        assertThat(KeyMatch.matches(cert.getPublicKey(), PemReader.privateKey(openssl.file("ed.pem"), null))).isTrue();
    }

    private static byte[] read(String name) throws IOException {
        return Files.readAllBytes(openssl.file(name));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package io.tlskit.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tlskit.ConfigException;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.PemWriter;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases 1-3: credentials that cannot work fail when they are loaded, with a {@link TlsError} code
 * and a sentence that names the file or certificate and says what to do.
 */
class BadCredentialsTest {
    static final TestPki PKI = TestPki.INSTANCE;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    private static ConfigException configError(Runnable action) {
        ConfigException e = catchThrowableOfType(action::run, ConfigException.class);
        assertThat(e).as("expected a ConfigException").isNotNull();
        BadInput.show("credentials", e);
        return e;
    }

    // ---- 1. encrypted key: wrong or missing password

    @Test
    void wrongKeyPasswordIsReportedAsSuch() throws Exception {
        Path cert = PKI.files().resolve("server-ec.pem");
        Path key = write("server-ec-encrypted.key",
            PemWriter.encryptedPrivateKey(PKI.serverEc.privateKey(), "correct horse".toCharArray()));

        ConfigException e = configError(() -> Credentials.load(cert, key, "wrong horse".toCharArray()));
        assertThat(e.error()).isEqualTo(TlsError.KEY_PASSWORD_WRONG);
        assertThat(e.getMessage())
            .contains("server-ec-encrypted.key") // which file
            .contains("wrong password") // the problem
            .contains("--key-password-file") // the fix
            .doesNotContain("wrong horse").doesNotContain("correct horse"); // never echo a password

        // the right password loads it, so the message above was about the password and nothing else
        Credentials ok = Credentials.load(cert, key, "correct horse".toCharArray());
        assertThat(ok.leaf()).isEqualTo(PKI.serverEc.certificate());
    }

    @Test
    void missingKeyPasswordSaysToPassOne() throws Exception {
        Path cert = PKI.files().resolve("server-ec.pem");
        Path key = write("locked.key", PemWriter.encryptedPrivateKey(PKI.serverEc.privateKey(), "s3cret".toCharArray()));

        ConfigException e = configError(() -> Credentials.load(cert, key, null));
        assertThat(e.error()).isEqualTo(TlsError.KEY_PASSWORD_REQUIRED);
        assertThat(e.getMessage()).contains("locked.key").contains("encrypted").contains("needs a password")
            .contains("--key-password-file");
    }

    // ---- 2. key and certificate do not belong together

    @Test
    void keyFromAnotherCertificateIsRefusedNamingTheCertificate() throws Exception {
        Path files = PKI.files();
        String subject = PKI.serverEc.credentials().subject(); // CN=localhost
        ConfigException fromFiles = configError(() -> Credentials.load(files.resolve("server-ec.pem"),
            files.resolve("other-server.key"), null));
        assertThat(fromFiles.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH);
        assertThat(fromFiles.getMessage())
            .contains("other-server.key") // the key file
            .contains("does not match the certificate")
            .contains(subject)
            .contains("use the key the certificate was issued for");

        // the same refusal for credentials built in code, before any server is configured with them
        ConfigException inCode = configError(() -> TlsConfig.server()
            .credentials(Credentials.of(PKI.serverEc.chain(), PKI.otherServer.privateKey())).build());
        assertThat(inCode.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH);
        assertThat(inCode.getMessage()).contains(subject).contains("use the key the certificate was issued for");

        // a key of another type (RSA key, EC certificate) says which types they are
        ConfigException otherType = configError(() -> Credentials.of(PKI.serverEc.chain(), PKI.serverRsa.privateKey()));
        assertThat(otherType.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH);
        assertThat(otherType.getMessage()).contains("RSA").contains("EC");
    }

    // ---- 3. files that are not what they should be

    @Test
    void truncatedPemNamesTheFile() throws Exception {
        String pem = PemWriter.certificate(PKI.serverEc.certificate());
        Path truncated = write("cut.pem", pem.substring(0, pem.length() / 2));
        Path key = PKI.files().resolve("server-ec.key");

        ConfigException e = configError(() -> Credentials.load(truncated, key, null));
        assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(e.getMessage()).startsWith("cut.pem: ").contains("has no matching END line").contains("the file is truncated")
            .contains("copy the whole block including '-----END CERTIFICATE-----'");

        String keyPem = PemWriter.privateKey(PKI.serverEc.privateKey());
        Path cutKey = write("cut.key", keyPem.substring(0, keyPem.length() - 40));
        ConfigException k = configError(() -> Credentials.load(PKI.files().resolve("server-ec.pem"), cutKey, null));
        assertThat(k.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(k.getMessage()).startsWith("cut.key: ").contains("the file is truncated")
            .contains("'-----END PRIVATE KEY-----'");
    }

    @Test
    void garbageFileNamesTheFileAndWhatWasExpected() throws Exception {
        Path garbage = write("garbage.pem", "this is not a certificate\nhello world\n");
        ConfigException e = configError(() -> Credentials.load(garbage, PKI.files().resolve("server-ec.key"), null));
        assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(e.getMessage()).startsWith("garbage.pem: ").contains("expected CERTIFICATE")
            .contains("BEGIN CERTIFICATE");

        Path garbageKey = write("garbage.key", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        ConfigException k = configError(() -> Credentials.load(PKI.files().resolve("server-ec.pem"), garbageKey, null));
        assertThat(k.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(k.getMessage()).startsWith("garbage.key: ").contains("does not decode").contains("re-export");

        Path binary = dir.resolve("random.der");
        Files.write(binary, new byte[] {0x13, 0x37, 0x00, (byte) 0xFF, 0x42, 0x42, 0x42});
        ConfigException d = configError(() -> Credentials.load(binary, PKI.files().resolve("server-ec.key"), null));
        assertThat(d.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(d.getMessage()).startsWith("random.der: ").contains("expected CERTIFICATE");
    }

    @Test
    void swappedCertificateAndKeyFilesAskWhetherTheyWereSwapped() throws Exception {
        Path cert = PKI.files().resolve("server-ec.pem");
        Path key = PKI.files().resolve("server-ec.key");
        ConfigException e = configError(() -> Credentials.load(key, cert, null));
        assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(e.getMessage()).startsWith("server-ec.key: ").contains("expected CERTIFICATE")
            .contains("did you swap --cert and --key?");

        // the same mistake with DER files
        Path certDer = dir.resolve("server.crt.der");
        Files.write(certDer, PKI.serverEc.certificate().getEncoded());
        Path keyDer = dir.resolve("server.key.der");
        Files.write(keyDer, PKI.serverEc.privateKey().getEncoded());
        ConfigException der = configError(() -> Credentials.load(keyDer, certDer, null));
        assertThat(der.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(der.getMessage()).startsWith("server.key.der: ").contains("did you swap --cert and --key?");

        // an empty file says so
        Path empty = write("empty.pem", "");
        ConfigException none = configError(() -> Credentials.load(empty, key, null));
        assertThat(none.error()).isEqualTo(TlsError.MALFORMED_PEM);
        assertThat(none.getMessage()).contains("empty.pem").contains("empty");
        assertThat(List.of(e, der, none)).allSatisfy(x -> assertThat(x.getMessage()).doesNotContain("Exception"));
    }
}

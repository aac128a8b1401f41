package io.tlskit.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlskit.ConfigException;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.PemReader;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Fuzz target: certificate, key and PKCS#12 files as an operator might pass them (PEM, DER,
 * encrypted or not). A bad file must end in {@link ConfigException} with its sentence; any other
 * exception escaping is a bug (a stack trace instead of an explanation at start-up).
 */
class CredentialsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void loadCredentials(FuzzedDataProvider data) {
        int mode = data.consumeInt(0, 4);
        char[] password = data.consumeBoolean() ? data.consumeString(16).toCharArray() : null;
        byte[] file = data.consumeRemainingAsBytes();
        try {
            switch (mode) {
                case 0 -> PemReader.certificates(file, "fuzz.pem");
                case 1 -> PemReader.privateKey(file, password, "fuzz.key");
                case 2 -> PemReader.pkcs12(file, password, "fuzz.p12");
                case 3 -> matchPair(file, password);
                default -> PemReader.looksLikePkcs12(file);
            }
        } catch (ConfigException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("a ConfigException without a sentence", expected);
            }
        }
    }

    /** The same bytes as a certificate file and as a key file, as when --cert and --key name one combined PEM. */
    private static void matchPair(byte[] file, char[] password) {
        List<X509Certificate> chain = PemReader.certificates(file, "fuzz.pem");
        PrivateKey key = PemReader.privateKey(file, password, "fuzz.pem");
        Credentials.of(chain, key);
    }
}

package io.tlskit.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.SecureRandom;
import java.security.Security;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CryptoBackendTest {

    /** The suites the PAL and typical device profiles need, by name. */
    private static final Map<String, Integer> SUITES = new LinkedHashMap<>();
    static {
        SUITES.put("TLS_PSK_WITH_AES_128_CCM_8", CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        SUITES.put("TLS_PSK_WITH_AES_256_CCM_8", CipherSuite.TLS_PSK_WITH_AES_256_CCM_8);
        SUITES.put("TLS_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256);
        SUITES.put("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
        SUITES.put("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
        SUITES.put("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
        SUITES.put("TLS_AES_128_GCM_SHA256", CipherSuite.TLS_AES_128_GCM_SHA256);
        SUITES.put("TLS_AES_256_GCM_SHA384", CipherSuite.TLS_AES_256_GCM_SHA384);
        SUITES.put("TLS_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    }

    private static Map<String, Boolean> supported(TlsCrypto crypto) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        SUITES.forEach((name, suite) -> out.put(name, TlsUtils.isSupportedCipherSuite(crypto, suite)));
        return out;
    }

    private static Map<String, Boolean> all(boolean value) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        SUITES.keySet().forEach(name -> out.put(name, value));
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = CryptoBackend.class, names = {"HYBRID", "BOUNCY_CASTLE"})
    void hybridAndBouncyCastleSupportEverySuite(CryptoBackend backend) {
        TlsCrypto crypto = backend.create(new SecureRandom());
        assertThat(supported(crypto)).isEqualTo(all(true));
    }

    @Test
    void jdkBackendHasNoCcmAndNoChaCha() {
        assumeTrue(Security.getProvider("BC") == null,
                "a BouncyCastle JCA provider is registered in this JVM, so the JDK backend would see CCM");
        TlsCrypto crypto = CryptoBackend.JDK.create(new SecureRandom());
        Map<String, Boolean> expected = all(true);
        expected.put("TLS_PSK_WITH_AES_128_CCM_8", false);
        expected.put("TLS_PSK_WITH_AES_256_CCM_8", false);
        expected.put("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", false);
        expected.put("TLS_CHACHA20_POLY1305_SHA256", false);
        assertThat(supported(crypto)).isEqualTo(expected);
        assertThat(CryptoBackend.JDK.description()).contains("no AES-CCM/CCM_8", "no ChaCha20-Poly1305");
    }

    @Test
    void eachBackendCreatesItsKindOfCrypto() {
        SecureRandom random = new SecureRandom();
        assertThat(CryptoBackend.HYBRID.create(random)).isInstanceOf(HybridTlsCrypto.class);
        assertThat(CryptoBackend.BOUNCY_CASTLE.create(random)).isExactlyInstanceOf(BcTlsCrypto.class);
        assertThat(CryptoBackend.JDK.create(random)).isInstanceOf(JcaTlsCrypto.class);
        assertThat(CryptoBackend.HYBRID.create(random).getSecureRandom()).isSameAs(random);
        for (CryptoBackend b : CryptoBackend.values()) {
            assertThat(b.description()).isNotBlank();
        }
    }

    @Test
    void backendsWorkWithTheDrbg() {
        SecureRandom drbg = Drbg.secureRandom(EntropyPool.system(), null);
        for (CryptoBackend b : CryptoBackend.values()) {
            TlsCrypto crypto = b.create(drbg);
            assertThat(crypto.createNonceGenerator(new byte[] {1}).generateNonce(32)).hasSize(32);
        }
    }
}

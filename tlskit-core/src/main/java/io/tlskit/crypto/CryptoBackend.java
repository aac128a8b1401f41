package io.tlskit.crypto;

import java.security.SecureRandom;
import java.util.Objects;

import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Where the cryptography of a connection comes from. The protocol is BouncyCastle's in every case;
 * only the primitives under it change. Each {@link #create(SecureRandom)} returns a new, independent
 * {@link TlsCrypto}; one instance may be shared by many connections (BouncyCastle's implementations
 * create per-connection state on demand).
 */
public enum CryptoBackend {

    /**
     * The default: each primitive from where it is fastest on the JDK (see {@link HybridTlsCrypto}).
     * AES-GCM runs on the JDK's AES-NI intrinsics, elliptic curves in BouncyCastle's lightweight
     * classes; every cipher suite BouncyCastle knows is available, including AES-CCM/CCM_8 and
     * ChaCha20-Poly1305.
     */
    HYBRID("hybrid: BouncyCastle TLS with each primitive from its fastest source "
            + "(record ciphers and hashes on the JDK's intrinsics, elliptic curves, RSA, AES-CCM and "
            + "ChaCha20-Poly1305 in BouncyCastle's lightweight classes); all cipher suites") {
        @Override
        public TlsCrypto create(SecureRandom random) {
            return new HybridTlsCrypto(random);
        }
    },

    /**
     * Pure Java, BouncyCastle's lightweight classes only ({@link BcTlsCrypto}); touches no JCA
     * provider. All cipher suites; AES-GCM is about 40 times slower per byte than {@link #HYBRID}.
     */
    BOUNCY_CASTLE("bouncy-castle: pure-Java BouncyCastle lightweight crypto (BcTlsCrypto), no JCA providers; "
            + "all cipher suites, but bulk AES is about 40x slower than the JDK's") {
        @Override
        public TlsCrypto create(SecureRandom random) {
            return new BcTlsCrypto(random);
        }
    },

    /**
     * The JCA providers installed in the JVM ({@code JcaTlsCrypto} with the default provider
     * lookup): the JDK's own unless the application registered others. With the JDK's providers
     * alone there is <b>no AES-CCM/CCM_8 and no ChaCha20-Poly1305</b> (SunJCE has no AES/CCM, and
     * offers ChaCha20-Poly1305 only under a name BouncyCastle does not ask for), so suites such as
     * TLS_PSK_WITH_AES_128_CCM_8 and TLS_CHACHA20_POLY1305_SHA256 are not supported; elliptic
     * curves are about 5 times slower than BouncyCastle's on JDK 17.
     */
    JDK("jdk: the JVM's JCA providers (JcaTlsCrypto); with the JDK's own providers there is no AES-CCM/CCM_8 "
            + "and no ChaCha20-Poly1305, so those cipher suites are unavailable (use hybrid or bouncy-castle)") {
        @Override
        public TlsCrypto create(SecureRandom random) {
            return new JcaTlsCryptoProvider().create(Objects.requireNonNull(random, "random"));
        }
    };

    private final String description;

    CryptoBackend(String description) {
        this.description = description;
    }

    /**
     * A new {@link TlsCrypto} of this backend, drawing keys, nonces and randoms from {@code random}
     * (use {@link Drbg#secureRandom(EntropyPool, byte[])} or {@link Drbg#defaultRandom()}).
     */
    public abstract TlsCrypto create(SecureRandom random);

    /** One line for people: what this backend is and what it cannot do. */
    public String description() {
        return description;
    }
}

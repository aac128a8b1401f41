package io.tlskit;

import io.tlskit.crypto.Drbg;
import io.tlskit.pki.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** Everything {@link TlsConfig.Builder#build()} checks, with the sentence for each failure. */
final class ConfigValidator {
    private final TlsConfig.Builder b;
    private final boolean client;

    ConfigValidator(TlsConfig.Builder builder) {
        this.b = builder;
        this.client = builder.role() == TlsConfig.Role.CLIENT;
    }

    TlsConfig validate() {
        checkRoleSettings();
        if (b.handshakeTimeout() == null || b.handshakeTimeout().isNegative() || b.handshakeTimeout().isZero()) {
            throw new ConfigException("handshake timeout must be positive, e.g. 10s");
        }
        if (!client && b.secureTimeClock() != null) {
            throw new ConfigException("secureTime is a client setting (it corrects the device clock from servers); a server"
                + " sends its own clock with sendServerTime(true)");
        }
        if (b.debugThreshold() < -1 || b.debugThreshold() > 4) {
            throw new ConfigException("debug threshold must be 0 (off) to 4 (full wire dump), was " + b.debugThreshold());
        }
        if (b.maxConcurrentHandshakes() < 0) {
            throw new ConfigException("maxConcurrentHandshakes must be 0 (no limit) or more, was " + b.maxConcurrentHandshakes());
        }
        if (b.time() == null) {
            throw new ConfigException("time source is null: use TimeSource.system() or a fixed clock");
        }
        boolean explicitVersions = !b.versionsSet().isEmpty();
        Set<TlsVersion> versions = explicitVersions ? EnumSet.copyOf(b.versionsSet()) : EnumSet.of(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3);
        if (versions.contains(TlsVersion.DTLS_1_2) && versions.size() > 1) {
            throw new ConfigException("DTLS 1.2 cannot be mixed with TLS versions in one config: build one config per transport");
        }
        if (versions.contains(TlsVersion.DTLS_1_2)) {
            throw new UnsupportedOperationException("DTLS 1.2 is not yet available in tlskit-core");
        }
        SecureRandom random = chooseRandom();
        TlsCrypto crypto = b.backend().create(random);
        int[] suites = chooseSuites(crypto, versions);
        versions = versionsCoveredBySuites(versions, suites, explicitVersions);
        checkAlpn();
        TrustAnchors anchors = chooseAnchors();
        return b.create(versions, suites, anchors, random, crypto);
    }

    private SecureRandom chooseRandom() {
        if (b.random() != null) {
            if (b.entropyPool() != null) {
                throw new ConfigException("random(...) and entropy sources exclude each other: the DRBG built from the sources"
                    + " would not be used; drop one of them");
            }
            return b.random();
        }
        io.tlskit.crypto.EntropyPool pool = b.entropyPool();
        if (pool == null) {
            return Drbg.defaultRandom();
        }
        try {
            return Drbg.secureRandom(pool);
        } catch (io.tlskit.crypto.EntropyException e) {
            throw new ConfigException(TlsError.ENTROPY_FAILED, e.getMessage(), e);
        }
    }

    private void checkRoleSettings() {
        if (client) {
            if (b.clientAuth() != ClientAuth.NONE) {
                throw new ConfigException("client-auth is a server setting; a client presents a certificate when it has credentials(...)");
            }
            if (b.pskStore() != null) {
                throw new ConfigException("pskStore(...) is a server setting; a client offers one key with psk(Psk)");
            }
            if (!b.sniCredentialsMap().isEmpty()) {
                throw new ConfigException("per-host certificates are a server setting");
            }
        } else {
            if (b.credentials() == null && b.sniCredentialsMap().isEmpty() && b.pskStore() == null) {
                throw new ConfigException("a server needs a certificate and private key (--cert/--key) or PSK keys (--psk ID:HEX)");
            }
            if (b.clientAuth() != ClientAuth.NONE && b.trustAnchors() == null) {
                throw new ConfigException("client-auth " + b.clientAuth().name().toLowerCase() + " needs the CA that issues client certificates: pass --ca FILE");
            }
            if (b.psk() != null) {
                throw new ConfigException("psk(Psk) is a client setting; a server takes pskStore(PskStore.of(...))");
            }
            if (b.serverName() != null) {
                throw new ConfigException("serverName is a client setting; a server picks its certificate by SNI with credentials(hostName, credentials)");
            }
            if (b.maxFragmentLength() != null) {
                throw new ConfigException("max fragment length is requested by the client; a tlskit server always accepts the client's request");
            }
        }
    }

    private boolean hasCertificate() {
        return b.credentials() != null || !b.sniCredentialsMap().isEmpty();
    }

    private boolean hasPsk() {
        return client ? b.psk() != null : b.pskStore() != null;
    }

    private int[] chooseSuites(TlsCrypto crypto, Set<TlsVersion> versions) {
        if (!b.cipherSuiteNames().isEmpty()) {
            int[] chosen = b.cipherSuiteNames().stream().mapToInt(name -> CipherSuites.byName(name, crypto)).distinct().toArray();
            checkSuitesUsable(chosen);
            return chosen;
        }
        List<Integer> defaults = new ArrayList<>();
        if (versions.contains(TlsVersion.TLS_1_3)) {
            add(defaults, CipherSuites.DEFAULT_TLS13);
        }
        if (versions.contains(TlsVersion.TLS_1_2)) {
            if (hasPsk()) {
                add(defaults, CipherSuites.DEFAULT_TLS12_PSK);
            }
            if (client ? !hasPsk() || b.trustAnchors() != null : hasCertificate()) {
                add(defaults, CipherSuites.DEFAULT_TLS12_CERT);
            }
        }
        int[] all = defaults.stream().mapToInt(Integer::intValue).toArray();
        return TlsUtils.getSupportedCipherSuites(crypto, all);
    }

    private static void add(List<Integer> to, int[] suites) {
        for (int s : suites) {
            to.add(s);
        }
    }

    /** A list made only of PSK suites needs a PSK; one made only of certificate suites needs a certificate. */
    private void checkSuitesUsable(int[] suites) {
        boolean anyPsk = IntStream.of(suites).anyMatch(CipherSuites::isPsk);
        boolean anyCert = IntStream.of(suites).anyMatch(s -> !CipherSuites.isPsk(s) && !CipherSuites.isTls13(s));
        boolean any13 = IntStream.of(suites).anyMatch(CipherSuites::isTls13);
        if (anyPsk && !anyCert && !any13 && !hasPsk()) {
            throw new ConfigException("cipher suites " + CipherSuites.names(suites) + " all need a pre-shared key, but none is configured: add --psk ID:HEX");
        }
        if (!client && anyCert && !anyPsk && !any13 && !hasCertificate()) {
            throw new ConfigException("cipher suites " + CipherSuites.names(suites) + " all need a server certificate, but none is configured: add --cert and --key");
        }
    }

    private Set<TlsVersion> versionsCoveredBySuites(Set<TlsVersion> versions, int[] suites, boolean explicit) {
        boolean any13 = IntStream.of(suites).anyMatch(CipherSuites::isTls13);
        boolean any12 = IntStream.of(suites).anyMatch(s -> !CipherSuites.isTls13(s));
        Set<TlsVersion> result = EnumSet.copyOf(versions);
        if (versions.contains(TlsVersion.TLS_1_3) && !any13) {
            if (explicit && versions.size() == 1) {
                throw new ConfigException("TLS 1.3 was requested but none of the cipher suites " + CipherSuites.names(suites)
                    + " is a TLS 1.3 suite: add TLS_AES_128_GCM_SHA256 or allow TLS 1.2");
            }
            result.remove(TlsVersion.TLS_1_3);
        }
        if (versions.contains(TlsVersion.TLS_1_2) && !any12) {
            if (explicit && versions.size() == 1) {
                throw new ConfigException("TLS 1.2 was requested but all cipher suites " + CipherSuites.names(suites)
                    + " are TLS 1.3 suites: add a TLS 1.2 suite such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            }
            result.remove(TlsVersion.TLS_1_2);
        }
        if (result.isEmpty()) {
            throw new ConfigException("no cipher suite is usable with this configuration: check --ciphers against --tls, the certificate and the PSK");
        }
        return result;
    }

    private void checkAlpn() {
        b.alpnList().forEach(ConfigValidator::checkAlpnName);
    }

    private TrustAnchors chooseAnchors() {
        if (b.trustAnchors() != null) {
            return b.trustAnchors();
        }
        boolean verifiesCertificates = client ? b.verifyMode() != VerifyMode.NONE : b.clientAuth() != ClientAuth.NONE;
        if (!verifiesCertificates || (client && hasPsk())) {
            return null;
        }
        return systemAnchors();
    }

    /** The JDK's default trust store, used by clients that name no CA. */
    static TrustAnchors systemAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            List<X509Certificate> certs = new ArrayList<>();
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    certs.addAll(Arrays.asList(((X509TrustManager) tm).getAcceptedIssuers()));
                }
            }
            return TrustAnchors.of(certs);
        } catch (Exception e) {
            throw new ConfigException(TlsError.CONFIG_INVALID, "the JDK's default trust store cannot be read (" + e.getMessage() + "): pass --ca FILE", e);
        }
    }

    static void checkAlpnName(String name) {
        int length = name.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > 255) {
            throw new ConfigException("ALPN protocol name '" + name + "' must be 1 to 255 bytes");
        }
    }
}

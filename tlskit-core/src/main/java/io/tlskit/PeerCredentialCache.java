package io.tlskit;

import io.tlskit.pki.Credentials;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Turns our {@link Credentials} into BouncyCastle signing credentials. The parsed certificate
 * chain and converted private key are cached per config: parsing them on every handshake would
 * cost more than the signature.
 */
final class PeerCredentialCache {
    private final TlsCrypto crypto;
    private final Map<Credentials, Prepared> prepared = new ConcurrentHashMap<>();

    PeerCredentialCache(TlsCrypto crypto) {
        this.crypto = crypto;
    }

    /**
     * Signing credentials for this handshake: the signature scheme is the first of ours the peer
     * accepts. {@code requestContext} is non-null for TLS 1.3 (empty for a server).
     */
    TlsCredentialedSigner signer(TlsContext context, Credentials own, Vector<?> peerSigAlgs, byte[] requestContext) throws IOException {
        Prepared p = prepared.computeIfAbsent(own, this::prepare);
        boolean tls13 = TlsUtils.isTLSv13(context);
        SignatureAndHashAlgorithm scheme = chooseScheme(own.privateKey(), peerSigAlgs, tls13);
        if (scheme == null) {
            throw new org.bouncycastle.tls.TlsFatalAlert(org.bouncycastle.tls.AlertDescription.handshake_failure,
                "the peer accepts none of the signature schemes our " + p.keyDescription + " key can make");
        }
        Certificate certificate = tls13 ? p.tls13Certificate(requestContext) : p.tls12Certificate;
        TlsCryptoParameters params = new TlsCryptoParameters(context);
        if (p.bcKey != null) {
            return new BcDefaultTlsCredentialedSigner(params, (BcTlsCrypto) crypto, p.bcKey, certificate, scheme);
        }
        return new JcaDefaultTlsCredentialedSigner(params, (JcaTlsCrypto) crypto, own.privateKey(), certificate, scheme);
    }

    /** Whether our key can make a signature scheme the peer accepts ({@code peerSigAlgs} null: the peer sent no list). */
    static boolean canSign(Credentials own, Vector<?> peerSigAlgs, boolean tls13) {
        return chooseScheme(own.privateKey(), peerSigAlgs, tls13) != null;
    }

    /** Whether our key can sign for this cipher suite's key exchange (ECDSA vs RSA suites). */
    static boolean keyFitsSuite(Credentials own, int suite) {
        String name = CipherSuites.name(suite);
        boolean rsa = own.privateKey() instanceof RSAKey;
        if (name.contains("_ECDSA_")) {
            return !rsa;
        }
        if (name.contains("_RSA_")) {
            return rsa;
        }
        return true;
    }

    private Prepared prepare(Credentials own) {
        try {
            List<X509Certificate> chain = own.chain();
            TlsCertificate[] tlsChain = new TlsCertificate[chain.size()];
            for (int i = 0; i < chain.size(); i++) {
                tlsChain[i] = crypto.createCertificate(chain.get(i).getEncoded());
            }
            AsymmetricKeyParameter bcKey = crypto instanceof BcTlsCrypto
                ? PrivateKeyFactory.createKey(own.privateKey().getEncoded()) : null;
            return new Prepared(tlsChain, bcKey, describe(own.privateKey()));
        } catch (IOException | CertificateEncodingException e) {
            throw new ConfigException(TlsError.UNSUPPORTED_KEY, "the certificate or key of " + own.subject()
                + " cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    private static String describe(PrivateKey key) {
        if (key instanceof RSAKey) {
            return "RSA " + ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return "EC " + ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }

    /** Our preference for each key type, best first. */
    private static int[] preferredSchemes(PrivateKey key, boolean tls13) {
        if (key instanceof RSAKey) {
            return tls13
                ? new int[] {SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512}
                : new int[] {SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pss_rsae_sha384,
                    SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512};
        }
        if (key instanceof ECKey) {
            int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
            if (bits > 384) {
                return new int[] {SignatureScheme.ecdsa_secp521r1_sha512};
            }
            if (bits > 256) {
                return new int[] {SignatureScheme.ecdsa_secp384r1_sha384};
            }
            return tls13 ? new int[] {SignatureScheme.ecdsa_secp256r1_sha256}
                : new int[] {SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384};
        }
        if ("Ed25519".equalsIgnoreCase(key.getAlgorithm()) || "EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            return new int[] {SignatureScheme.ed25519};
        }
        if ("Ed448".equalsIgnoreCase(key.getAlgorithm())) {
            return new int[] {SignatureScheme.ed448};
        }
        return new int[0];
    }

    private static SignatureAndHashAlgorithm chooseScheme(PrivateKey key, Vector<?> peerSigAlgs, boolean tls13) {
        int[] preferred = preferredSchemes(key, tls13);
        if (preferred.length == 0) {
            return null;
        }
        if (peerSigAlgs == null || peerSigAlgs.isEmpty()) {
            // TLS 1.2 peer without signature_algorithms: take our first choice (RFC 5246 7.4.1.4.1).
            return SignatureScheme.getSignatureAndHashAlgorithm(preferred[0]);
        }
        for (int scheme : preferred) {
            SignatureAndHashAlgorithm alg = SignatureScheme.getSignatureAndHashAlgorithm(scheme);
            if (peerSigAlgs.contains(alg)) {
                return alg;
            }
        }
        return null;
    }

    /** The parts that do not change between handshakes. */
    private static final class Prepared {
        final TlsCertificate[] chain;
        final Certificate tls12Certificate;
        final AsymmetricKeyParameter bcKey;
        final String keyDescription;

        Prepared(TlsCertificate[] chain, AsymmetricKeyParameter bcKey, String keyDescription) {
            this.chain = chain;
            this.tls12Certificate = new Certificate(chain);
            this.bcKey = bcKey;
            this.keyDescription = keyDescription;
        }

        Certificate tls13Certificate(byte[] requestContext) {
            CertificateEntry[] entries = new CertificateEntry[chain.length];
            for (int i = 0; i < chain.length; i++) {
                entries[i] = new CertificateEntry(chain[i], null);
            }
            return new Certificate(requestContext, entries);
        }
    }
}

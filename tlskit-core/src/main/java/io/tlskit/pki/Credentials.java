package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain (leaf first) and the private key of its leaf, checked to belong together.
 * Immutable; toString never shows key material.
 */
public final class Credentials {
    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;

    private Credentials(List<X509Certificate> chain, PrivateKey privateKey) {
        this.chain = chain;
        this.privateKey = privateKey;
    }

    /** Checks that the key matches the leaf; KEY_CERT_MISMATCH otherwise. */
    public static Credentials of(List<X509Certificate> chain, PrivateKey key) {
        return of(chain, key, null);
    }

    static Credentials of(List<X509Certificate> chain, PrivateKey key, String sourceNameOrNull) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(key, "key");
        List<X509Certificate> copy = List.copyOf(chain);
        String prefix = sourceNameOrNull == null ? "" : sourceNameOrNull + ": ";
        if (copy.isEmpty()) {
            throw new ConfigException(TlsError.CONFIG_INVALID, prefix + "the certificate chain is empty: pass the certificate with --cert");
        }
        KeyMatch.check(copy.get(0), key, prefix);
        return new Credentials(copy, key);
    }

    /** A certificate file (PEM chain or DER) and a key file (PEM or DER, maybe encrypted). */
    public static Credentials load(Path certFile, Path keyFile, char[] passwordOrNull) {
        List<X509Certificate> chain = PemReader.certificates(certFile);
        PrivateKey key = PemReader.privateKey(keyFile, passwordOrNull);
        return of(chain, key, PemReader.fileName(keyFile));
    }

    public static Credentials load(Path pkcs12File, char[] password) {
        return PemReader.pkcs12(pkcs12File, password);
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The leaf's subject in RFC 2253 form, e.g. "CN=device-1,O=Example". */
    public String subject() {
        return leaf().getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    }

    @Override
    public String toString() {
        return "Credentials[" + subject() + ", " + KeyDescriptions.describeKey(privateKey) + ", chain of " + chain.size() + "]";
    }
}

package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** An immutable set of trusted CA certificates (duplicates removed, file order kept). */
public final class TrustAnchors {
    private final List<X509Certificate> certificates;
    private final Set<TrustAnchor> pkixAnchors;

    private TrustAnchors(Collection<X509Certificate> certs) {
        List<X509Certificate> unique = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        for (X509Certificate cert : certs) {
            byte[] encoded = encoded(Objects.requireNonNull(cert, "certificate"));
            if (seen.stream().noneMatch(e -> Arrays.equals(e, encoded))) {
                seen.add(encoded);
                unique.add(cert);
            }
        }
        this.certificates = Collections.unmodifiableList(unique);
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate cert : unique) {
            anchors.add(new TrustAnchor(cert, null));
        }
        this.pkixAnchors = Collections.unmodifiableSet(anchors);
    }

    /** The CA certificates in a PEM or DER file; MALFORMED_PEM when it holds none. */
    public static TrustAnchors fromFile(Path file) {
        return new TrustAnchors(PemReader.certificates(file));
    }

    public static TrustAnchors fromPem(byte[] data, String sourceName) {
        return new TrustAnchors(PemReader.certificates(data, sourceName));
    }

    public static TrustAnchors of(Collection<X509Certificate> certificates) {
        return new TrustAnchors(certificates);
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    public boolean isEmpty() {
        return certificates.isEmpty();
    }

    public int size() {
        return certificates.size();
    }

    /** True when this exact certificate (byte for byte) is one of the anchors. */
    public boolean contains(X509Certificate cert) {
        byte[] encoded = encoded(cert);
        return certificates.stream().anyMatch(c -> Arrays.equals(encoded(c), encoded));
    }

    public Set<TrustAnchor> pkixAnchors() {
        return pkixAnchors;
    }

    static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new ConfigException(TlsError.MALFORMED_PEM, "the certificate " + CertText.subject(cert)
                    + " cannot be re-encoded: reissue it", e);
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        certificates.forEach(c -> names.add(CertText.subject(c)));
        return "TrustAnchors" + names;
    }
}

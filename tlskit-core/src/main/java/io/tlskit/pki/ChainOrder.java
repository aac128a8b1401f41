package io.tlskit.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns what a peer sent (maybe unordered, with duplicates or unrelated extras) into a path from
 * the leaf upwards, so that PKIX sees leaf → intermediates in order.
 */
final class ChainOrder {
    private ChainOrder() {
    }

    static List<X509Certificate> fromLeaf(List<X509Certificate> presented) {
        List<X509Certificate> remaining = dedupe(presented);
        X509Certificate current = pickLeaf(remaining, presented.get(0));
        remaining.remove(current);
        List<X509Certificate> path = new ArrayList<>();
        path.add(current);
        while (!CertText.selfIssued(current)) {
            X509Certificate next = issuerOf(current, remaining);
            if (next == null) {
                break;
            }
            path.add(next);
            remaining.remove(next);
            current = next;
        }
        return path;
    }

    /** Of the certificates that issued none of the others, the first sent (TLS puts the leaf first). */
    private static X509Certificate pickLeaf(List<X509Certificate> certs, X509Certificate first) {
        List<X509Certificate> leaves = new ArrayList<>();
        for (X509Certificate candidate : certs) {
            boolean issuesAnother = false;
            for (X509Certificate other : certs) {
                if (other != candidate && !CertText.selfIssued(other) && namesIssuer(other, candidate)) {
                    issuesAnother = true;
                    break;
                }
            }
            if (!issuesAnother) {
                leaves.add(candidate);
            }
        }
        if (leaves.isEmpty() || leaves.contains(first)) {
            return first;
        }
        return leaves.get(0);
    }

    /** Prefers a candidate whose key verifies the signature; else one that only matches by name. */
    static X509Certificate issuerOf(X509Certificate child, List<X509Certificate> candidates) {
        X509Certificate byName = null;
        for (X509Certificate candidate : candidates) {
            if (!namesIssuer(child, candidate)) {
                continue;
            }
            if (signedBy(child, candidate)) {
                return candidate;
            }
            if (byName == null) {
                byName = candidate;
            }
        }
        return byName;
    }

    static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (Exception jdkFailed) {
            try {
                child.verify(issuer.getPublicKey(), BouncyCastle.PROVIDER);
                return true;
            } catch (Exception e) {
                return false;
            }
        }
    }

    private static boolean namesIssuer(X509Certificate child, X509Certificate issuer) {
        return child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    }

    private static List<X509Certificate> dedupe(List<X509Certificate> certs) {
        List<X509Certificate> out = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        for (X509Certificate cert : certs) {
            byte[] encoded = TrustAnchors.encoded(cert);
            if (seen.stream().noneMatch(e -> Arrays.equals(e, encoded))) {
                seen.add(encoded);
                out.add(cert);
            }
        }
        return out;
    }
}

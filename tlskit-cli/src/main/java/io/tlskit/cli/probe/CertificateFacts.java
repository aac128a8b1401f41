package io.tlskit.cli.probe;

import io.tlskit.TimeSource;
import io.tlskit.pki.KeyDescriptions;
import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.pki.VerifyResult;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The server's certificate chain as the probe reports it: each certificate, the order, and whether it chains to trust. */
public final class CertificateFacts {
    /** One certificate of the chain. */
    public static final class Entry {
        public final String subject;
        public final String issuer;
        public final Instant notAfter;
        public final long daysLeft;
        public final String key;
        public final List<String> sans;
        public final boolean selfSigned;

        Entry(X509Certificate c, Instant now) {
            this.subject = c.getSubjectX500Principal().getName();
            this.issuer = c.getIssuerX500Principal().getName();
            this.notAfter = c.getNotAfter().toInstant();
            this.daysLeft = Duration.between(now, notAfter).toDays();
            this.key = KeyDescriptions.describeKey(c.getPublicKey());
            this.sans = sans(c);
            this.selfSigned = c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
        }
    }

    public final List<Entry> entries = new ArrayList<>();
    /** Each certificate is issued by the next one. */
    public final boolean inOrder;
    /** Null when it chains, else why not. */
    public final String trustProblem;
    /** What the chain was checked against: "--ca FILE" or "the system trust store". */
    public final String trustSource;
    /** The issuer the server should also send, or null. */
    public final String missingIntermediate;
    /** Null when the name matches the leaf, else why not. */
    public final String nameProblem;

    CertificateFacts(List<X509Certificate> chain, TrustAnchors anchors, String trustSource, String host, TimeSource time) {
        Instant now = time.now();
        for (X509Certificate c : chain) {
            entries.add(new Entry(c, now));
        }
        this.inOrder = inOrder(chain);
        this.trustSource = trustSource;
        this.missingIntermediate = missingIntermediate(chain, anchors);
        VerifyResult trust = new PeerVerifier(anchors, time).verify(chain, null, PeerVerifier.Purpose.SERVER);
        this.trustProblem = trust.isValid() ? null : trust.explanation();
        if (host == null || chain.isEmpty()) {
            this.nameProblem = null;
        } else {
            VerifyResult named = new PeerVerifier(TrustAnchors.of(List.of(chain.get(chain.size() - 1))), time)
                    .verify(chain, host, PeerVerifier.Purpose.SERVER);
            this.nameProblem = named.flags().contains(io.tlskit.pki.VerifyFlag.CN_MISMATCH) ? named.explanation() : null;
        }
    }

    public boolean chainsToTrust() {
        return trustProblem == null;
    }

    private static boolean inOrder(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                return false;
            }
        }
        return true;
    }

    /** The last certificate sent is neither self-signed nor issued by a trust anchor: an intermediate is missing. */
    private static String missingIntermediate(List<X509Certificate> chain, TrustAnchors anchors) {
        if (chain.isEmpty()) {
            return null;
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return null;
        }
        for (X509Certificate anchor : anchors.certificates()) {
            if (anchor.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                return null;
            }
        }
        return last.getIssuerX500Principal().getName();
    }

    private static List<String> sans(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = c.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    int type = (Integer) san.get(0);
                    names.add((type == 2 ? "DNS:" : type == 7 ? "IP:" : type == 6 ? "URI:" : type == 1 ? "email:" : type + ":") + san.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unparsable subjectAltName)");
        }
        return names;
    }
}

package io.tlskit.pki;

import io.tlskit.TimeSource;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;

/**
 * Verifies a peer's certificate chain the way an mbedTLS device reports it: every problem becomes a
 * {@link VerifyFlag} with a sentence, and verification never stops at the first. PKIX path
 * building uses the JDK's validator (revocation off) at a date chosen so that validity problems
 * are reported as FUTURE/EXPIRED rather than hiding as "not trusted". Thread-safe.
 */
public final class PeerVerifier {
    /** Which extendedKeyUsage the peer's leaf must allow. */
    public enum Purpose {
        SERVER("1.3.6.1.5.5.7.3.1", "serverAuth", "a TLS server", "server"),
        CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth", "a TLS client", "client");

        private final String ekuOid;
        private final String ekuName;
        private final String role;
        private final String usageOption;

        Purpose(String ekuOid, String ekuName, String role, String usageOption) {
            this.ekuOid = ekuOid;
            this.ekuName = ekuName;
            this.role = role;
            this.usageOption = usageOption;
        }
    }

    private static final String ANY_EKU = "2.5.29.37.0";

    private final TrustAnchors anchors;
    private final TimeSource time;
    private final VerifyPolicy policy;

    public PeerVerifier(TrustAnchors anchors, TimeSource time) {
        this(anchors, time, VerifyPolicy.defaults());
    }

    public PeerVerifier(TrustAnchors anchors, TimeSource time, VerifyPolicy policy) {
        this.anchors = Objects.requireNonNull(anchors, "anchors");
        this.time = Objects.requireNonNull(time, "time");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public PeerVerifier withPolicy(VerifyPolicy newPolicy) {
        return new PeerVerifier(anchors, time, newPolicy);
    }

    public TrustAnchors anchors() {
        return anchors;
    }

    public VerifyPolicy policy() {
        return policy;
    }

    /**
     * Checks trust, validity, key strength, signature hashes, extendedKeyUsage and (when given) the
     * host name or IP. Returns all findings; throws only for null arguments.
     */
    public VerifyResult verify(List<X509Certificate> chain, String expectedHostOrNull, Purpose purpose) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(purpose, "purpose");
        chain.forEach(c -> Objects.requireNonNull(c, "chain element"));
        Instant now = time.now();
        VerifyResult.Builder result = VerifyResult.builder(chain, now, expectedHostOrNull);
        if (chain.isEmpty()) {
            return result.add(VerifyFlag.NOT_TRUSTED, "the peer sent no certificate: configure " + purpose.role
                    + " certificate on the peer").build();
        }
        List<X509Certificate> path = ChainOrder.fromLeaf(chain);
        X509Certificate leaf = path.get(0);

        // the part of the path below the first certificate that is itself an anchor
        List<X509Certificate> untrusted = new ArrayList<>();
        X509Certificate anchor = null;
        for (X509Certificate cert : path) {
            if (anchors.contains(cert)) {
                anchor = cert;
                break;
            }
            untrusted.add(cert);
        }
        if (anchor == null && !untrusted.isEmpty()) {
            anchor = ChainOrder.issuerOf(untrusted.get(untrusted.size() - 1), anchors.certificates());
        }

        checkValidity(untrusted, anchor, now, result);
        checkTrust(leaf, untrusted, anchor, now, result);
        checkExtendedKeyUsage(leaf, purpose, result);
        for (X509Certificate cert : untrusted) {
            checkKey(cert, result);
        }
        for (X509Certificate cert : untrusted) {
            checkSignatureHash(cert, result);
        }
        if (expectedHostOrNull != null) {
            checkName(leaf, expectedHostOrNull, result);
        }
        return result.build();
    }

    private static void checkValidity(List<X509Certificate> untrusted, X509Certificate anchor, Instant now,
            VerifyResult.Builder result) {
        List<X509Certificate> all = new ArrayList<>(untrusted);
        if (anchor != null) {
            all.add(anchor);
        }
        for (X509Certificate cert : all) {
            boolean isAnchor = cert == anchor;
            String who = isAnchor ? "the trusted CA " + CertText.subject(cert) : CertText.subject(cert);
            Instant notBefore = cert.getNotBefore().toInstant();
            Instant notAfter = cert.getNotAfter().toInstant();
            if (now.isBefore(notBefore)) {
                result.add(VerifyFlag.FUTURE, who + " is not valid before " + CertText.instant(notBefore) + " (verified at "
                        + CertText.instant(now) + "): check the device clock, or wait until then");
            }
            if (now.isAfter(notAfter)) {
                result.add(VerifyFlag.EXPIRED, who + " expired on " + CertText.instant(notAfter) + " (verified at "
                        + CertText.instant(now) + "): " + (isAnchor ? "replace the CA certificate" : "renew the certificate")
                        + " or check the device clock");
            }
        }
    }

    private void checkTrust(X509Certificate leaf, List<X509Certificate> untrusted, X509Certificate anchor, Instant now,
            VerifyResult.Builder result) {
        if (untrusted.isEmpty()) {
            return; // the leaf itself is a trusted certificate
        }
        if (anchors.isEmpty()) {
            result.add(VerifyFlag.NOT_TRUSTED, "no trusted CA is configured, so " + CertText.subject(leaf)
                    + " cannot be trusted: pass the issuing CA with --ca");
            return;
        }
        Date date = Date.from(pkixDate(untrusted, anchor, now));
        try {
            validate(untrusted, date, false);
        } catch (CertPathValidatorException e) {
            CertPathValidatorException failure = e;
            if (e.getReason() == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
                // The JDK refuses MD5 and similar outright; BAD_MD/BAD_KEY report that, so ask
                // BouncyCastle's validator (no algorithm constraints) whether the path itself holds.
                try {
                    validate(untrusted, date, true);
                    return;
                } catch (CertPathValidatorException bc) {
                    failure = bc;
                } catch (GeneralSecurityException | RuntimeException bc) {
                    failure = e;
                }
            }
            if (isDateReason(failure) && (result.has(VerifyFlag.EXPIRED) || result.has(VerifyFlag.FUTURE))) {
                return; // no instant lies inside every validity period; already reported
            }
            result.add(VerifyFlag.NOT_TRUSTED, trustSentence(leaf, untrusted, failure));
        } catch (GeneralSecurityException | RuntimeException e) {
            result.add(VerifyFlag.NOT_TRUSTED, "the chain of " + CertText.subject(leaf) + " could not be checked ("
                    + e.getMessage() + "): send the leaf and intermediate certificates in order");
        }
    }

    /** Now if every certificate is valid now; else an instant inside all their validity periods. */
    private static Instant pkixDate(List<X509Certificate> untrusted, X509Certificate anchor, Instant now) {
        List<X509Certificate> all = new ArrayList<>(untrusted);
        if (anchor != null) {
            all.add(anchor);
        }
        Instant latestStart = Instant.MIN;
        Instant earliestEnd = Instant.MAX;
        for (X509Certificate cert : all) {
            Instant start = cert.getNotBefore().toInstant();
            Instant end = cert.getNotAfter().toInstant();
            latestStart = start.isAfter(latestStart) ? start : latestStart;
            earliestEnd = end.isBefore(earliestEnd) ? end : earliestEnd;
        }
        if (!now.isBefore(latestStart) && !now.isAfter(earliestEnd)) {
            return now;
        }
        return latestStart;
    }

    private void validate(List<X509Certificate> untrusted, Date date, boolean bouncyCastle) throws GeneralSecurityException {
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(untrusted);
        PKIXParameters params = new PKIXParameters(anchors.pkixAnchors());
        params.setRevocationEnabled(false);
        params.setDate(date);
        CertPathValidator validator = bouncyCastle
                ? CertPathValidator.getInstance("PKIX", BouncyCastle.PROVIDER)
                : CertPathValidator.getInstance("PKIX");
        validator.validate(certPath, params);
    }

    private static boolean isDateReason(CertPathValidatorException e) {
        return e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
    }

    private String trustSentence(X509Certificate leaf, List<X509Certificate> untrusted, CertPathValidatorException e) {
        X509Certificate top = untrusted.get(untrusted.size() - 1);
        int index = e.getIndex();
        X509Certificate failed = index >= 0 && index < untrusted.size() ? untrusted.get(index) : leaf;
        String cas = anchors.size() == 1 ? "the 1 trusted CA" : "the " + anchors.size() + " trusted CAs";
        X509Certificate namedAnchor = ChainOrder.issuerOf(top, anchors.certificates());
        if (namedAnchor != null && !ChainOrder.signedBy(top, namedAnchor)) {
            return CertText.subject(top) + " names " + CertText.issuer(top) + " as issuer, but the trusted CA of that name"
                    + " did not sign it (a different key): pass the CA certificate that issued it with --ca";
        }
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR || namedAnchor == null) {
            boolean rootSent = CertText.selfIssued(top) && ChainOrder.signedBy(top, top);
            if (rootSent && top == leaf) {
                return CertText.subject(top) + " is self-signed and is not among " + cas
                        + ": pass it with --ca if you trust it, or use a certificate issued by a trusted CA";
            }
            // the CA nobody trusts: the root the peer sent, or the issuer of the topmost certificate
            String unknownCa = rootSent ? CertText.subject(top) : CertText.issuer(top);
            List<String> via = new ArrayList<>();
            int intermediatesEnd = untrusted.size() - (rootSent ? 1 : 0);
            for (X509Certificate cert : untrusted.subList(1, Math.max(1, intermediatesEnd))) {
                via.add(CertText.subject(cert));
            }
            String link = via.isEmpty() ? " is issued by " : " chains up (via " + String.join(", ", via) + ") to ";
            return CertText.subject(leaf) + link + unknownCa + ", which is not among " + cas + ": pass the issuing CA with --ca";
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return "the signature on " + CertText.subject(failed) + " does not verify with the key of its issuer "
                    + CertText.issuer(failed) + ": the chain mixes certificates of different CAs or is damaged";
        }
        return "the chain of " + CertText.subject(leaf) + " is not valid at " + CertText.subject(failed) + " ("
                + e.getMessage() + "): check that the CA and intermediate certificates are CA certificates and belong together";
    }

    private static void checkExtendedKeyUsage(X509Certificate leaf, Purpose purpose, VerifyResult.Builder result) {
        List<String> ekus;
        try {
            ekus = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            result.add(VerifyFlag.NOT_TRUSTED, CertText.subject(leaf) + " has an unreadable extendedKeyUsage: reissue it");
            return;
        }
        if (ekus == null || ekus.contains(purpose.ekuOid) || ekus.contains(ANY_EKU)) {
            return;
        }
        List<String> names = new ArrayList<>();
        ekus.forEach(oid -> names.add(ekuName(oid)));
        result.add(VerifyFlag.NOT_TRUSTED, CertText.subject(leaf) + " may not be used by " + purpose.role
                + ": its extendedKeyUsage allows only " + names + " and lacks " + purpose.ekuName
                + ": reissue it for " + purpose.ekuName + " (--usage " + purpose.usageOption + ")");
    }

    private void checkKey(X509Certificate cert, VerifyResult.Builder result) {
        PublicKey key = cert.getPublicKey();
        String type = KeyDescriptions.type(key);
        if (!policy.acceptedKeyTypes().contains(type)) {
            result.add(VerifyFlag.BAD_PK, CertText.subject(cert) + ": key type " + type + " is not accepted (accepted: "
                    + String.join(", ", new TreeSet<>(policy.acceptedKeyTypes())) + "): reissue it with an EC P-256 or RSA 2048+ key");
            return;
        }
        int bits = KeyDescriptions.bits(key);
        if ("RSA".equals(type) && bits < policy.minRsaBits()) {
            result.add(VerifyFlag.BAD_KEY, CertText.subject(cert) + ": RSA " + bits + "-bit key is too small (minimum "
                    + policy.minRsaBits() + "): reissue it with a larger RSA or an EC P-256 key");
        } else if ("EC".equals(type) && bits < policy.minEcBits()) {
            result.add(VerifyFlag.BAD_KEY, CertText.subject(cert) + ": " + KeyDescriptions.describeKey(key) + " key ("
                    + bits + " bits) is too small (minimum " + policy.minEcBits() + "): reissue it with EC P-256 or larger");
        }
    }

    private void checkSignatureHash(X509Certificate cert, VerifyResult.Builder result) {
        String hash = weakHash(cert);
        if (hash == null || ("SHA-1".equals(hash) && policy.allowSha1())) {
            return;
        }
        result.add(VerifyFlag.BAD_MD, CertText.subject(cert) + " is signed with " + cert.getSigAlgName()
                + ", a broken hash (" + hash + "): reissue it with SHA-256");
    }

    /** "MD2", "MD5", "SHA-1" when the signature uses that hash, else null. */
    static String weakHash(X509Certificate cert) {
        switch (cert.getSigAlgOID()) {
            case "1.2.840.113549.1.1.2":
                return "MD2";
            case "1.2.840.113549.1.1.3":
                return "MD4";
            case "1.2.840.113549.1.1.4":
                return "MD5";
            case "1.2.840.113549.1.1.5": // sha1WithRSAEncryption
            case "1.3.14.3.2.29": // OIW sha1WithRSA
            case "1.2.840.10045.4.1": // ecdsa-with-SHA1
            case "1.2.840.10040.4.3": // dsa-with-sha1
                return "SHA-1";
            case "1.2.840.113549.1.1.10": // RSASSA-PSS: the hash is in the parameters (SHA-1 if absent)
                try {
                    byte[] params = cert.getSigAlgParams();
                    RSASSAPSSparams pss = RSASSAPSSparams.getInstance(params == null ? null : org.bouncycastle.asn1.ASN1Primitive.fromByteArray(params));
                    return pss == null || OIWObjectIdentifiers.idSHA1.equals(pss.getHashAlgorithm().getAlgorithm()) ? "SHA-1" : null;
                } catch (Exception e) {
                    return null;
                }
            default:
                return null;
        }
    }

    private static void checkName(X509Certificate leaf, String expected, VerifyResult.Builder result) {
        if (HostnameMatcher.matches(leaf, expected)) {
            return;
        }
        if (HostnameMatcher.hasSubjectAltNames(leaf)) {
            result.add(VerifyFlag.CN_MISMATCH, CertText.subject(leaf) + " is for " + HostnameMatcher.names(leaf) + ", not '"
                    + expected + "': connect with a name the certificate lists or reissue it with --san");
        } else {
            String cn = HostnameMatcher.commonName(leaf);
            result.add(VerifyFlag.CN_MISMATCH, CertText.subject(leaf) + " has no subjectAltName and its common name "
                    + (cn == null ? "is missing" : "'" + cn + "' is not '" + expected + "'")
                    + ": connect with a name the certificate lists or reissue it with --san");
        }
    }

    private static String ekuName(String oid) {
        switch (oid) {
            case "1.3.6.1.5.5.7.3.1":
                return "serverAuth";
            case "1.3.6.1.5.5.7.3.2":
                return "clientAuth";
            case "1.3.6.1.5.5.7.3.3":
                return "codeSigning";
            case "1.3.6.1.5.5.7.3.4":
                return "emailProtection";
            case "1.3.6.1.5.5.7.3.8":
                return "timeStamping";
            case "1.3.6.1.5.5.7.3.9":
                return "OCSPSigning";
            default:
                return oid;
        }
    }
}

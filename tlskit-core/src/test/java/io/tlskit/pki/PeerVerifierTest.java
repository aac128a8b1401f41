package io.tlskit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import io.tlskit.pki.CertificateIssuer.KeyType;
import io.tlskit.pki.PeerVerifier.Purpose;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PeerVerifier against fixtures made by CertificateIssuer, with the clock pinned. */
class PeerVerifierTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final TimeSource AT_T0 = TimeSource.fixed(T0);
    static CertificateIssuer issuer;
    static IssuedCertificate ca;
    static IssuedCertificate rsaCa;
    static IssuedCertificate otherCa;
    static IssuedCertificate leaf;
    static TrustAnchors trusted;

    @BeforeAll
    static void fixtures() {
        issuer = new CertificateIssuer(AT_T0, new SecureRandom());
        ca = issuer.selfSignedCa(CertificateSpec.ca("Test CA"));
        rsaCa = issuer.selfSignedCa(CertificateSpec.builder().subject("RSA CA").keyType(KeyType.RSA_2048).build());
        otherCa = issuer.selfSignedCa(CertificateSpec.ca("Other CA"));
        leaf = issuer.issue(ca, CertificateSpec.leaf("device-1", "DNS:a.example", "IP:10.0.0.1"));
        trusted = TrustAnchors.of(List.of(ca.certificate(), rsaCa.certificate()));
    }

    static PeerVerifier verifier(Instant now) {
        return new PeerVerifier(trusted, TimeSource.fixed(now));
    }

    @Test
    void validChain() {
        VerifyResult result = verifier(T0).verify(leaf.chain(), "a.example", Purpose.SERVER);
        assertThat(result.isValid()).as(result.toString()).isTrue();
        assertThat(result.flags()).isEmpty();
        assertThat(result.error()).isNull();
        assertThat(result.mbedtlsFlags()).isZero();
        assertThat(result.explanation()).isEmpty();
        assertThat(result.verifiedAt()).isEqualTo(T0);
        assertThat(result.expectedName()).isEqualTo("a.example");
        assertThat(result.chain()).isEqualTo(leaf.chain());
        // the leaf alone (without the CA) is fine too, and so is an IP literal
        assertThat(verifier(T0).verify(List.of(leaf.certificate()), "10.0.0.1", Purpose.SERVER).isValid()).isTrue();
        assertThat(verifier(T0).verify(List.of(leaf.certificate()), null, Purpose.SERVER).isValid()).isTrue();
    }

    @Test
    void unknownCa() {
        IssuedCertificate stranger = issuer.issue(otherCa, CertificateSpec.leaf("stranger", "DNS:a.example"));
        VerifyResult result = verifier(T0).verify(stranger.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(result.error()).isEqualTo(TlsError.CERT_UNKNOWN_CA);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x08);
        assertThat(result.explanation()).isEqualTo("CN=stranger is issued by CN=Other CA, which is not among the 2 trusted CAs: "
                + "pass the issuing CA with --ca.");
    }

    @Test
    void selfSignedLeafIsNotTrustedUnlessItIsAnAnchor() {
        IssuedCertificate self = issuer.selfSigned(CertificateSpec.leaf("self", "DNS:a.example"));
        VerifyResult result = verifier(T0).verify(self.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(result.explanation()).startsWith("CN=self is self-signed and is not among the 2 trusted CAs");

        PeerVerifier pinned = new PeerVerifier(TrustAnchors.of(List.of(self.certificate())), AT_T0);
        assertThat(pinned.verify(self.chain(), "a.example", Purpose.SERVER).isValid()).isTrue();
    }

    @Test
    void noAnchorsAndNoCertificate() {
        PeerVerifier none = new PeerVerifier(TrustAnchors.of(List.of()), AT_T0);
        VerifyResult result = none.verify(leaf.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(result.explanation()).contains("no trusted CA is configured", "--ca");

        VerifyResult empty = verifier(T0).verify(List.of(), "a.example", Purpose.SERVER);
        assertThat(empty.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(empty.explanation()).startsWith("the peer sent no certificate");
    }

    @Test
    void expiredIsReportedAsExpiredNotAsUntrusted() {
        Instant later = T0.plus(Duration.ofDays(900));
        VerifyResult result = verifier(later).verify(leaf.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.EXPIRED);
        assertThat(result.error()).isEqualTo(TlsError.CERT_EXPIRED);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x01);
        assertThat(result.explanation()).isEqualTo("CN=device-1 expired on " + T0.plus(Duration.ofDays(825))
                + " (verified at " + later + "): renew the certificate or check the device clock.");
    }

    @Test
    void expiredTrustedCaIsNamedAsSuch() {
        Instant later = T0.plus(Duration.ofDays(3700));
        VerifyResult result = verifier(later).verify(leaf.chain(), null, Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.EXPIRED);
        assertThat(result.reasons(VerifyFlag.EXPIRED)).hasSize(2);
        assertThat(result.explanation()).contains("the trusted CA CN=Test CA expired on", "replace the CA certificate");
    }

    @Test
    void notYetValid() {
        Instant early = T0.minus(Duration.ofDays(10));
        VerifyResult result = verifier(early).verify(leaf.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.FUTURE);
        assertThat(result.error()).isEqualTo(TlsError.CERT_NOT_YET_VALID);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x200);
        assertThat(result.explanation()).startsWith("CN=device-1 is not valid before " + T0.minus(Duration.ofHours(1))
                + " (verified at " + early + "): check the device clock");
    }

    @Test
    void sha1SignatureIsBadMd() {
        IssuedCertificate sha1 = issuer.issue(rsaCa, CertificateSpec.builder().subject("sha1-device").sans("DNS:a.example")
                .keyType(KeyType.EC_P256).signatureAlgorithm("SHA1withRSA").build());
        VerifyResult result = verifier(T0).verify(sha1.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.BAD_MD);
        assertThat(result.error()).isEqualTo(TlsError.CERT_WEAK_SIGNATURE);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x4000);
        assertThat(result.explanation()).isEqualTo("CN=sha1-device is signed with SHA1withRSA, a broken hash (SHA-1): reissue it with SHA-256.");

        PeerVerifier lenient = verifier(T0).withPolicy(VerifyPolicy.defaults().withAllowSha1(true));
        assertThat(lenient.verify(sha1.chain(), "a.example", Purpose.SERVER).isValid()).isTrue();
    }

    @Test
    void md5SignatureIsBadMdEvenThoughTheJdkRefusesTheAlgorithm() {
        IssuedCertificate md5 = issuer.issue(rsaCa, CertificateSpec.builder().subject("md5-device")
                .signatureAlgorithm("MD5withRSA").build());
        VerifyResult result = verifier(T0).withPolicy(VerifyPolicy.defaults().withAllowSha1(true))
                .verify(md5.chain(), null, Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.BAD_MD);
        assertThat(result.explanation()).contains("MD5withRSA", "(MD5)");
    }

    @Test
    void smallRsaKeyIsBadKey() {
        IssuedCertificate weak = issuer.issue(ca, CertificateSpec.builder().subject("weak").sans("DNS:a.example")
                .keyType(KeyType.RSA_1024).build());
        VerifyResult result = verifier(T0).verify(weak.chain(), "a.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.BAD_KEY);
        assertThat(result.error()).isEqualTo(TlsError.CERT_WEAK_KEY);
        assertThat(result.explanation()).startsWith("CN=weak: RSA 1024-bit key is too small (minimum 2048)");

        PeerVerifier strictEc = verifier(T0).withPolicy(VerifyPolicy.defaults().withMinEcBits(384));
        VerifyResult ec = strictEc.verify(leaf.chain(), "a.example", Purpose.SERVER);
        assertThat(ec.flags()).containsExactly(VerifyFlag.BAD_KEY);
        assertThat(ec.explanation()).contains("EC P-256 key (256 bits) is too small (minimum 384)");
    }

    @Test
    void keyTypeNotAcceptedIsBadPk() {
        PeerVerifier ecOnly = verifier(T0).withPolicy(VerifyPolicy.defaults().withAcceptedKeyTypes(Set.of("EC")));
        IssuedCertificate rsa = issuer.issue(ca, CertificateSpec.builder().subject("rsa-leaf").keyType(KeyType.RSA_2048).build());
        VerifyResult result = ecOnly.verify(rsa.chain(), null, Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.BAD_PK);
        assertThat(result.error()).isEqualTo(TlsError.CERT_BAD_KEY_TYPE);
        assertThat(result.explanation()).startsWith("CN=rsa-leaf: key type RSA is not accepted (accepted: EC)");
    }

    @Test
    void hostnameMismatch() {
        VerifyResult result = verifier(T0).verify(leaf.chain(), "b.example", Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.CN_MISMATCH);
        assertThat(result.error()).isEqualTo(TlsError.CERT_HOSTNAME_MISMATCH);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x04);
        assertThat(result.explanation()).isEqualTo("CN=device-1 is for [DNS:a.example, IP:10.0.0.1], not 'b.example': "
                + "connect with a name the certificate lists or reissue it with --san.");
        assertThat(verifier(T0).verify(leaf.chain(), "10.0.0.2", Purpose.SERVER).flags()).containsExactly(VerifyFlag.CN_MISMATCH);
    }

    @Test
    void everythingWrongAtOnceInPalOrder() {
        IssuedCertificate otherRsaCa = issuer.selfSignedCa(CertificateSpec.builder().subject("Other RSA CA").keyType(KeyType.RSA_2048).build());
        IssuedCertificate bad = issuer.issue(otherRsaCa, CertificateSpec.builder().subject("bad").sans("DNS:a.example")
                .keyType(KeyType.RSA_1024).signatureAlgorithm("SHA1withRSA").build());
        Instant later = T0.plus(Duration.ofDays(900));
        VerifyResult result = verifier(later).verify(bad.chain(), "wrong.example", Purpose.SERVER);

        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED, VerifyFlag.BAD_KEY, VerifyFlag.BAD_MD,
                VerifyFlag.EXPIRED, VerifyFlag.CN_MISMATCH);
        assertThat(result.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
        assertThat(result.mbedtlsFlags()).isEqualTo(0x08 | 0x10000 | 0x4000 | 0x01 | 0x04);
        String text = result.explanation();
        int trust = text.indexOf("which is not among the 2 trusted CAs");
        int key = text.indexOf("RSA 1024-bit key is too small");
        int md = text.indexOf("signed with SHA1withRSA");
        int expired = text.indexOf("expired on");
        int name = text.indexOf("not 'wrong.example'");
        assertThat(List.of(trust, key, md, expired, name)).doesNotContain(-1).isSorted();
        assertThat(result.toString()).startsWith("VerifyResult[NOT_TRUSTED, BAD_KEY, BAD_MD, EXPIRED, CN_MISMATCH]: ");
    }

    @Test
    void unorderedChainWithExtrasAndIntermediates() {
        IssuedCertificate intermediate = issuer.issue(ca, CertificateSpec.builder().subject("Intermediate").ca(true).build());
        IssuedCertificate deep = issuer.issue(intermediate, CertificateSpec.leaf("deep", "DNS:deep.example"));
        IssuedCertificate unrelated = issuer.selfSigned(CertificateSpec.leaf("unrelated"));

        // TLS puts the leaf first; the rest may come in any order, with extras
        List<X509Certificate> shuffled = List.of(deep.certificate(), unrelated.certificate(), ca.certificate(),
                intermediate.certificate());
        VerifyResult result = verifier(T0).verify(shuffled, "deep.example", Purpose.SERVER);
        assertThat(result.isValid()).as(result.toString()).isTrue();
        // fully reversed: the leaf is found as the certificate that issued none of the others
        List<X509Certificate> reversed = new ArrayList<>(deep.chain());
        Collections.reverse(reversed);
        assertThat(verifier(T0).verify(reversed, "deep.example", Purpose.SERVER).isValid()).isTrue();

        // the root sent along but not trusted: name the root and the path to it
        IssuedCertificate otherInt = issuer.issue(otherCa, CertificateSpec.builder().subject("Other Int").ca(true).build());
        IssuedCertificate viaOther = issuer.issue(otherInt, CertificateSpec.leaf("via-other"));
        assertThat(verifier(T0).verify(viaOther.chain(), null, Purpose.SERVER).explanation())
                .isEqualTo("CN=via-other chains up (via CN=Other Int) to CN=Other CA, which is not among the 2 trusted CAs: "
                        + "pass the issuing CA with --ca.");

        VerifyResult missingIntermediate = verifier(T0).verify(List.of(deep.certificate()), "deep.example", Purpose.SERVER);
        assertThat(missingIntermediate.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(missingIntermediate.explanation()).contains("CN=deep is issued by CN=Intermediate, which is not among");

        // an expired intermediate is reported as EXPIRED on each certificate, not as untrusted
        IssuedCertificate shortLived = issuer.issue(ca, CertificateSpec.builder().subject("Short Int").ca(true).validityDays(30).build());
        IssuedCertificate underShort = issuer.issue(shortLived, CertificateSpec.builder().subject("under-short").validityDays(20).build());
        VerifyResult intExpired = verifier(T0.plus(Duration.ofDays(35))).verify(underShort.chain(), null, Purpose.SERVER);
        assertThat(intExpired.flags()).containsExactly(VerifyFlag.EXPIRED);
        assertThat(intExpired.reasons(VerifyFlag.EXPIRED)).hasSize(2);
        assertThat(intExpired.explanation()).startsWith("CN=under-short expired on").contains("CN=Short Int expired on");
    }

    @Test
    void extendedKeyUsageMustFitThePurpose() {
        IssuedCertificate client = issuer.issue(ca, CertificateSpec.builder().subject("client-1")
                .usage(CertificateSpec.Usage.CLIENT).build());
        assertThat(verifier(T0).verify(client.chain(), null, Purpose.CLIENT).isValid()).isTrue();
        VerifyResult asServer = verifier(T0).verify(client.chain(), null, Purpose.SERVER);
        assertThat(asServer.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(asServer.explanation()).isEqualTo("CN=client-1 may not be used by a TLS server: its extendedKeyUsage allows only "
                + "[clientAuth] and lacks serverAuth: reissue it for serverAuth (--usage server).");
        assertThat(verifier(T0).verify(leaf.chain(), null, Purpose.CLIENT).explanation()).contains("lacks clientAuth");
    }

    @Test
    void wrongKeyBehindTheRightNameIsNotTrusted() {
        IssuedCertificate impostorCa = issuer.selfSignedCa(CertificateSpec.ca("Test CA")); // same name, new key
        IssuedCertificate forged = issuer.issue(impostorCa, CertificateSpec.leaf("forged"));
        VerifyResult result = verifier(T0).verify(forged.chain(), null, Purpose.SERVER);
        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(result.explanation()).contains("CN=Test CA", "did not sign it");
    }

    @Test
    void nullArgumentsThrowBadCertificatesDoNot() {
        assertThatThrownBy(() -> verifier(T0).verify(null, "a", Purpose.SERVER)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> verifier(T0).verify(leaf.chain(), "a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PeerVerifier(null, AT_T0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void flagsHaveMbedtlsBitsErrorsAndPalOrder() {
        assertThat(VerifyFlag.values()).containsExactly(VerifyFlag.NOT_TRUSTED, VerifyFlag.BAD_KEY, VerifyFlag.BAD_PK,
                VerifyFlag.BAD_MD, VerifyFlag.FUTURE, VerifyFlag.EXPIRED, VerifyFlag.CN_MISMATCH);
        assertThat(VerifyFlag.EXPIRED.mbedtlsBit()).isEqualTo(0x01);
        assertThat(VerifyFlag.CN_MISMATCH.mbedtlsBit()).isEqualTo(0x04);
        assertThat(VerifyFlag.NOT_TRUSTED.mbedtlsBit()).isEqualTo(0x08);
        assertThat(VerifyFlag.FUTURE.mbedtlsBit()).isEqualTo(0x200);
        assertThat(VerifyFlag.BAD_MD.mbedtlsBit()).isEqualTo(0x4000);
        assertThat(VerifyFlag.BAD_PK.mbedtlsBit()).isEqualTo(0x8000);
        assertThat(VerifyFlag.BAD_KEY.mbedtlsBit()).isEqualTo(0x10000);
        assertThat(VerifyFlag.NOT_TRUSTED.error()).isEqualTo(TlsError.CERT_UNKNOWN_CA);
        assertThat(VerifyFlag.BAD_KEY.error()).isEqualTo(TlsError.CERT_WEAK_KEY);
        assertThat(VerifyFlag.BAD_PK.error()).isEqualTo(TlsError.CERT_BAD_KEY_TYPE);
        assertThat(VerifyFlag.BAD_MD.error()).isEqualTo(TlsError.CERT_WEAK_SIGNATURE);
        assertThat(VerifyFlag.FUTURE.error()).isEqualTo(TlsError.CERT_NOT_YET_VALID);
        assertThat(VerifyFlag.EXPIRED.error()).isEqualTo(TlsError.CERT_EXPIRED);
        assertThat(VerifyFlag.CN_MISMATCH.error()).isEqualTo(TlsError.CERT_HOSTNAME_MISMATCH);

        VerifyResult built = VerifyResult.builder(List.of(), T0, null)
                .add(VerifyFlag.CN_MISMATCH, "c").add(VerifyFlag.NOT_TRUSTED, "a").add(VerifyFlag.FUTURE, "b").build();
        assertThat(built.flags()).containsExactly(VerifyFlag.NOT_TRUSTED, VerifyFlag.FUTURE, VerifyFlag.CN_MISMATCH);
        assertThat(built.explanation()).isEqualTo("a. b. c.");
    }

    @Test
    void trustAnchorsFromPem() {
        String pem = PemWriter.certificates(List.of(ca.certificate(), rsaCa.certificate(), ca.certificate()));
        TrustAnchors anchors = TrustAnchors.fromPem(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "ca.pem");
        assertThat(anchors.certificates()).containsExactly(ca.certificate(), rsaCa.certificate());
        assertThat(anchors.pkixAnchors()).hasSize(2);
        assertThat(anchors.isEmpty()).isFalse();
        assertThatThrownBy(() -> TrustAnchors.fromPem(PemWriter.privateKey(leaf.privateKey()).getBytes(), "ca.pem"))
                .isInstanceOfSatisfying(io.tlskit.ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MALFORMED_PEM))
                .hasMessageContaining("ca.pem: found a PRIVATE KEY, expected CERTIFICATE");
    }
}

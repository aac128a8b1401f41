package io.tlskit.badinput;

import static io.tlskit.badinput.BadInput.PKI;
import static io.tlskit.badinput.BadInput.client;
import static io.tlskit.badinput.BadInput.date;
import static io.tlskit.badinput.BadInput.daysFromNow;
import static io.tlskit.badinput.BadInput.server;
import static io.tlskit.badinput.BadInput.show;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.HandshakeInfo;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.VerifyMode;
import io.tlskit.pki.CertificateIssuer.KeyType;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.pki.VerifyFlag;
import io.tlskit.pki.VerifyPolicy;
import io.tlskit.pki.VerifyResult;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases 4-7: a server certificate the client must refuse. The client gets the precise code and a
 * sentence with the facts (dates, names, CA) and the fix; the server sees the client's alert with a
 * sentence for its operator, and the same server then serves a good client.
 */
class BadCertificateTest {
    private static final short CERTIFICATE_EXPIRED = 45;
    private static final short BAD_CERTIFICATE = 42;
    private static final short UNKNOWN_CA = 48;

    private static ServingServer serve(IssuedCertificate cert) throws Exception {
        return ServingServer.start(TlsConfig.server().credentials(cert.credentials()).build());
    }

    private static void assertServerSawAlert(ServingServer.Failure f, short alert) {
        assertThat(f.error()).isEqualTo(TlsError.PEER_ALERT);
        assertThat(f.exception().alert()).contains(alert);
        assertThat(f.exception().alertDirection()).contains(TlsException.AlertDirection.RECEIVED);
        assertThat(f.message()).startsWith("the client ");
    }

    // ---- 4. validity

    @Test
    void expiredServerCertificate() throws Exception {
        // a CA older than the certificate, so a client with a clock inside its window trusts it
        IssuedCertificate oldCa = PKI.issuer.selfSignedCa(CertificateSpec.builder().subject("tlskit old CA").ca(true)
            .notBefore(daysFromNow(-365)).validityDays(3650).build());
        IssuedCertificate expired = PKI.issuer.issue(oldCa, TestPki.serverSpec("localhost", KeyType.EC_P256).toBuilder()
            .notBefore(daysFromNow(-30)).notAfter(daysFromNow(-1)).build());
        TlsConfig.Builder client = TlsConfig.client().trustAnchors(TrustAnchors.of(List.of(oldCa.certificate())));
        try (ServingServer server = serve(expired)) {
            TlsException e = server.clientFailure(client.build(), "localhost");
            show("client, expired server cert", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_EXPIRED);
            assertThat(e.getMessage())
                .contains("CN=localhost")
                .contains("expired on " + date(expired.certificate().getNotAfter()))
                .contains("renew the certificate")
                .contains("check the device clock");
            assertThat(e.alert()).contains(CERTIFICATE_EXPIRED);

            ServingServer.Failure f = server.awaitFailure();
            show("server, expired server cert", f);
            assertServerSawAlert(f, CERTIFICATE_EXPIRED);
            assertThat(f.message()).contains("expired").contains("renew the certificate");

            // a client whose clock lies inside the validity window connects to the same server
            server.assertServes(client.timeSource(TimeSource.fixed(daysFromNow(-10))).build(), "localhost");
        }
    }

    @Test
    void notYetValidServerCertificate() throws Exception {
        IssuedCertificate future = PKI.serverValid(daysFromNow(1), daysFromNow(30));
        try (ServingServer server = serve(future)) {
            TlsException e = server.clientFailure(client().build(), "localhost");
            show("client, not-yet-valid server cert", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_NOT_YET_VALID);
            assertThat(e.getMessage())
                .contains("is not valid before " + date(future.certificate().getNotBefore()))
                .contains("check the device clock");

            ServingServer.Failure f = server.awaitFailure();
            show("server, not-yet-valid server cert", f);
            assertServerSawAlert(f, BAD_CERTIFICATE);
            assertThat(f.message()).contains("rejected our certificate").contains("validity");

            server.assertServes(client().timeSource(TimeSource.fixed(daysFromNow(2))).build(), "localhost");
        }
    }

    @Test
    void clientClockPinnedAfterTheCertificateExpired() throws Exception {
        try (ServingServer server = ServingServer.start(server().build())) {
            Instant later = daysFromNow(1000); // the leaf lives 825 days, the CA 3650
            TlsException e = server.clientFailure(client().timeSource(TimeSource.fixed(later)).build(), "localhost");
            show("client, clock pinned late", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_EXPIRED);
            assertThat(e.getMessage())
                .contains("expired on " + date(PKI.serverEc.certificate().getNotAfter()))
                .contains("verified at " + later.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .contains("renew the certificate or check the device clock");

            ServingServer.Failure f = server.awaitFailure();
            assertServerSawAlert(f, CERTIFICATE_EXPIRED);

            server.assertServes(client().build(), "localhost");
        }
    }

    @Test
    void clientClockPinnedBeforeTheCertificateWasIssued() throws Exception {
        try (ServingServer server = ServingServer.start(server().build())) {
            Instant earlier = daysFromNow(-2); // before the leaf and the CA
            TlsException e = server.clientFailure(client().timeSource(TimeSource.fixed(earlier)).build(), "localhost");
            show("client, clock pinned early", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_NOT_YET_VALID);
            assertThat(e.getMessage())
                .contains("CN=localhost is not valid before " + date(PKI.serverEc.certificate().getNotBefore()))
                .contains("the trusted CA CN=tlskit test CA is not valid before")
                .contains("check the device clock");

            ServingServer.Failure f = server.awaitFailure();
            assertServerSawAlert(f, BAD_CERTIFICATE);

            server.assertServes(client().build(), "localhost");
        }
    }

    // ---- 5. unknown CA

    @Test
    void serverCertificateFromAnUnknownCa() throws Exception {
        try (ServingServer server = serve(PKI.otherServer)) {
            TlsException e = server.clientFailure(client().build(), "localhost");
            show("client, unknown CA", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_UNKNOWN_CA);
            assertThat(e.getMessage())
                .contains("CN=localhost is issued by CN=untrusted CA")
                .contains("not among the 1 trusted CA")
                .contains("pass the issuing CA with --ca");
            assertThat(e.alert()).contains(UNKNOWN_CA);

            ServingServer.Failure f = server.awaitFailure();
            show("server, unknown CA", f);
            assertServerSawAlert(f, UNKNOWN_CA);
            assertThat(f.message()).contains("does not trust the CA that issued our certificate").contains("our CA");

            TlsConfig trustsOtherCa = TlsConfig.client().trustAnchors(TrustAnchors.of(List.of(PKI.otherCa.certificate()))).build();
            server.assertServes(trustsOtherCa, "localhost");
        }
    }

    @Test
    void opensslClientWithTheWrongCaFileIsReportedToTheServerOperator() throws Exception {
        String openssl = Peers.require("openssl").toString();
        try (ServingServer server = ServingServer.start(server().build())) {
            PeerProcess.Result result = PeerProcess.run(Duration.ofSeconds(10), openssl, "s_client",
                "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost",
                "-CAfile", PKI.files().resolve("other-ca.pem").toString(), "-verify_return_error");
            assertThat(result.exitCode).as("%s", result).isNotZero();
            assertThat(result.output).containsIgnoringCase("verify");

            ServingServer.Failure f = server.awaitFailure();
            show("server, openssl s_client with other CA", f);
            assertServerSawAlert(f, UNKNOWN_CA);
            assertThat(f.message()).contains("does not trust the CA that issued our certificate").contains("give it our CA");

            // openssl with our CA completes on the same server
            PeerProcess.Result ok = PeerProcess.run(Duration.ofSeconds(10), openssl, "s_client",
                "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost",
                "-CAfile", PKI.files().resolve("ca.pem").toString(), "-verify_return_error");
            assertThat(ok.output).as("%s", ok).contains("Verify return code: 0 (ok)");
            server.awaitHandshake();
            server.assertServes(client().build(), "localhost");
        }
    }

    // ---- 6. hostname

    @Test
    void hostnameMismatchListsTheNamesTheCertificateHas() throws Exception {
        try (ServingServer server = ServingServer.start(server().build())) {
            TlsException e = server.clientFailure(client().build(), "wrong.example");
            show("client, hostname mismatch", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_HOSTNAME_MISMATCH);
            assertThat(e.getMessage())
                .contains("DNS:localhost").contains("IP:127.0.0.1").contains("IP:::1")
                .contains("not 'wrong.example'")
                .contains("connect with a name the certificate lists or reissue it with --san");

            ServingServer.Failure f = server.awaitFailure();
            show("server, hostname mismatch", f);
            assertServerSawAlert(f, BAD_CERTIFICATE);

            server.assertServes(client().build(), "localhost");
        }
    }

    // ---- 7. weak certificates, and several problems at once

    @Test
    void sha1SignedServerCertificate() throws Exception {
        IssuedCertificate sha1 = PKI.issue(TestPki.serverSpec("localhost", KeyType.EC_P256).toBuilder()
            .signatureAlgorithm("SHA1withECDSA").build());
        try (ServingServer server = serve(sha1)) {
            TlsException e = server.clientFailure(client().build(), "localhost");
            show("client, SHA-1 signed", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_WEAK_SIGNATURE);
            assertThat(e.getMessage()).contains("CN=localhost").contains("SHA-1").contains("reissue it with SHA-256");

            ServingServer.Failure f = server.awaitFailure();
            show("server, SHA-1 signed", f);
            assertServerSawAlert(f, BAD_CERTIFICATE);

            // only the hash was wrong: a client that allows SHA-1 connects to the same server
            server.assertServes(client().verifyPolicy(VerifyPolicy.defaults().withAllowSha1(true)).build(), "localhost");
        }
    }

    @Test
    void sha1WithRsaSignedServerCertificate() throws Exception {
        IssuedCertificate rsaCa = PKI.issuer.selfSignedCa(CertificateSpec.builder().subject("tlskit RSA test CA").ca(true)
            .keyType(KeyType.RSA_2048).build());
        IssuedCertificate sha1 = PKI.issuer.issue(rsaCa, TestPki.serverSpec("localhost", KeyType.RSA_2048).toBuilder()
            .signatureAlgorithm("SHA1withRSA").build());
        TrustAnchors anchors = TrustAnchors.of(List.of(rsaCa.certificate()));
        try (ServingServer server = serve(sha1)) {
            TlsException e = server.clientFailure(TlsConfig.client().trustAnchors(anchors).build(), "localhost");
            show("client, SHA1withRSA", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_WEAK_SIGNATURE);
            assertThat(e.getMessage()).contains("SHA1withRSA").contains("SHA-1").contains("reissue it with SHA-256");
            assertServerSawAlert(server.awaitFailure(), BAD_CERTIFICATE);
            server.assertServes(TlsConfig.client().trustAnchors(anchors)
                .verifyPolicy(VerifyPolicy.defaults().withAllowSha1(true)).build(), "localhost");
        }
    }

    @Test
    void rsa1024ServerKey() throws Exception {
        IssuedCertificate weak = PKI.issue(TestPki.serverSpec("localhost", KeyType.RSA_1024));
        try (ServingServer server = serve(weak)) {
            TlsException e = server.clientFailure(client().build(), "localhost");
            show("client, RSA-1024", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_WEAK_KEY);
            assertThat(e.getMessage()).contains("CN=localhost").contains("RSA 1024-bit key is too small (minimum 2048)")
                .contains("reissue it");

            ServingServer.Failure f = server.awaitFailure();
            show("server, RSA-1024", f);
            assertServerSawAlert(f, BAD_CERTIFICATE);

            server.assertServes(client().verifyPolicy(VerifyPolicy.defaults().withMinRsaBits(1024)).build(), "localhost");
        }
    }

    @Test
    void severalProblemsAreAllReportedInPalOrder() throws Exception {
        IssuedCertificate bad = PKI.issuer.issue(PKI.otherCa, TestPki.serverSpec("localhost", KeyType.EC_P256).toBuilder()
            .notBefore(daysFromNow(-30)).notAfter(daysFromNow(-1)).build());
        try (ServingServer server = serve(bad)) {
            TlsException e = server.clientFailure(client().build(), "localhost");
            show("client, unknown CA + expired", e);
            assertThat(e.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
            String m = e.getMessage();
            String trust = "is issued by CN=untrusted CA";
            String expiry = "expired on " + date(bad.certificate().getNotAfter());
            assertThat(m).contains(trust).contains("--ca").contains(expiry).contains("renew the certificate");
            assertThat(m.indexOf(trust)).as("NOT_TRUSTED before EXPIRED in: %s", m).isLessThan(m.indexOf(expiry));

            ServingServer.Failure f = server.awaitFailure();
            assertServerSawAlert(f, UNKNOWN_CA); // the alert follows the first flag, as OpenSSL would send

            // a client verifying OPTIONALLY connects to the same server and is told every finding
            HandshakeInfo info = server.assertServes(client().verifyMode(VerifyMode.OPTIONAL).build(), "localhost");
            VerifyResult result = info.verifyResult().orElseThrow();
            assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED, VerifyFlag.EXPIRED);
            assertThat(result.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
            assertThat(result.mbedtlsFlags()).isEqualTo(0x08 | 0x01);
            // the same findings in the same words; only the "verified at" instants of the two handshakes may differ
            assertThat(withoutVerifyTime(result.explanation())).isEqualTo(withoutVerifyTime(m.substring(m.indexOf(": ") + 2)));
        }
    }

    private static String withoutVerifyTime(String explanation) {
        return explanation.replaceAll("\\(verified at [^)]*\\)", "(verified at T)");
    }
}

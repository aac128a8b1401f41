package io.tlskit.pal;

import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The PAL tests' world on a fixed timeline: the stand-in server's clock is pinned to
 * {@link #SERVER_NOW}, a date just before its certificate expires (the PAL test setup's "now"),
 * so nothing depends on the machine's clock. Peers that send their real clock (mbedTLS) get a
 * certificate valid around the real now instead ({@link #liveServer()}).
 */
final class PalPki {
    /** The stand-in server's clock. */
    static final Instant SERVER_NOW = Instant.parse("2027-05-20T12:00:00Z");
    /** The PAL's "far in the future" device time: Wed, 27 Dec 2037 16:04:02 GMT. */
    static final Instant FUTURE = Instant.ofEpochSecond(2_145_542_642L);
    static final Duration HALF_DAY = Duration.ofHours(12);
    static final PalPki INSTANCE = new PalPki();

    private final CertificateIssuer issuer = new CertificateIssuer(TimeSource.fixed(SERVER_NOW), new SecureRandom());
    final IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.ca("PAL test CA").toBuilder()
        .notBefore(Instant.parse("2025-01-01T00:00:00Z")).notAfter(Instant.parse("2035-01-01T00:00:00Z")).build());
    final IssuedCertificate server = issuer.issue(ca, leaf(Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2027-06-01T00:00:00Z")));
    final IssuedCertificate client = issuer.issue(ca, CertificateSpec.builder().subject("pal-device")
        .usage(CertificateSpec.Usage.CLIENT).keyType(CertificateIssuer.KeyType.EC_P256)
        .notBefore(Instant.parse("2026-06-01T00:00:00Z")).notAfter(Instant.parse("2030-01-01T00:00:00Z")).build());
    final IssuedCertificate otherCa = issuer.selfSignedCa(CertificateSpec.ca("not the PAL CA").toBuilder()
        .notBefore(Instant.parse("2025-01-01T00:00:00Z")).notAfter(Instant.parse("2035-01-01T00:00:00Z")).build());
    final IssuedCertificate otherServer = issuer.issue(otherCa, leaf(Instant.parse("2026-06-01T00:00:00Z"),
        Instant.parse("2027-06-01T00:00:00Z")));
    private Path files;

    private PalPki() {
    }

    private static CertificateSpec leaf(Instant notBefore, Instant notAfter) {
        return TestPki.serverSpec("localhost", CertificateIssuer.KeyType.EC_P256).toBuilder()
            .notBefore(notBefore).notAfter(notAfter).build();
    }

    TrustAnchors trust() {
        return TrustAnchors.of(List.of(ca.certificate()));
    }

    /** A server certificate from the PAL CA valid from a day before the real now to a month after. */
    IssuedCertificate liveServer() {
        Instant now = Instant.now();
        return issuer.issue(ca, leaf(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
    }

    /**
     * ca.pem, server.pem/.key, live.pem/.key (see liveServer) and brief.pem/.key (valid one hour
     * either side of the real now: a random "server time" lands in it with odds of about 2e-6) for real peers.
     */
    synchronized Path files() {
        if (files == null) {
            try {
                Path dir = Files.createTempDirectory("tlskit-pal");
                dir.toFile().deleteOnExit();
                Files.writeString(dir.resolve("ca.pem"), io.tlskit.pki.PemWriter.certificate(ca.certificate()));
                TestPki.writePair(dir, "server", server);
                TestPki.writePair(dir, "live", liveServer());
                Instant now = Instant.now();
                TestPki.writePair(dir, "brief", issuer.issue(ca, leaf(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)))));
                files = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}

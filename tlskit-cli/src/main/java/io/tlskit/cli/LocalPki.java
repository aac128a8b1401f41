package io.tlskit.cli;

import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.HostnameMatcher;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.PemReader;
import io.tlskit.pki.PemWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The zero-configuration PKI of {@code tlskit server}: a local CA and a localhost server certificate
 * under ~/.tlskit, made on first use and reused afterwards; the server certificate is reissued when
 * it expires within {@link #RENEW_BEFORE}.
 */
final class LocalPki {
    static final String CA_NAME = "tlskit local CA";
    static final Duration RENEW_BEFORE = Duration.ofDays(7);
    static final int CA_DAYS = 3650;
    /** Within the 398-day limit browsers put on server certificates. */
    static final int SERVER_DAYS = 397;
    static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1", "::1");

    final Path home;
    final Path caPem;
    final Path caKey;
    final Path serverPem;
    final Path serverKey;
    /** What ensure() did, for the startup message ("created", "reissued because ..."), or null. */
    String caNote;
    String serverNote;

    LocalPki(Path home) {
        this.home = home.toAbsolutePath().normalize();
        this.caPem = this.home.resolve("ca.pem");
        this.caKey = this.home.resolve("ca.key");
        this.serverPem = this.home.resolve("server.pem");
        this.serverKey = this.home.resolve("server.key");
    }

    static Path defaultHome() {
        return Path.of(System.getProperty("user.home"), ".tlskit");
    }

    /** Makes or reuses the CA and the server certificate; returns the server's credentials. */
    Credentials ensure(TimeSource time, SecureRandom random) {
        createHome();
        CertificateIssuer issuer = new CertificateIssuer(time, random);
        Instant now = time.now();
        Credentials ca = loadOrCreateCa(issuer, now);
        if (caNote == null && Files.exists(serverPem) && Files.exists(serverKey)) {
            String problem = problemWithServer(ca.leaf(), now);
            if (problem == null) {
                return Credentials.load(serverPem, serverKey, null);
            }
            serverNote = "reissued " + serverPem + " because " + problem;
        } else {
            serverNote = "created " + serverPem;
        }
        IssuedCertificate server = issuer.issue(ca, CertificateSpec.builder()
                .subject("localhost")
                .sans("DNS:localhost", "IP:127.0.0.1", "IP:::1")
                .keyType(CertificateIssuer.KeyType.EC_P256)
                .usage(CertificateSpec.Usage.SERVER)
                .validityDays(SERVER_DAYS)
                .build());
        PemWriter.writePrivateKey(serverKey, server.privateKey(), null);
        PemWriter.writeCertificate(serverPem, server.certificate());
        return Credentials.of(List.of(server.certificate()), server.privateKey());
    }

    private Credentials loadOrCreateCa(CertificateIssuer issuer, Instant now) {
        boolean havePem = Files.exists(caPem);
        boolean haveKey = Files.exists(caKey);
        if (havePem && haveKey) {
            Credentials ca = Credentials.load(caPem, caKey, null);
            if (!ca.leaf().getNotAfter().toInstant().isAfter(now)) {
                throw new CliException("the local CA " + caPem + " expired on " + ca.leaf().getNotAfter().toInstant()
                        + ": delete " + caPem + " and " + caKey + " to make a new one (clients must then trust the new ca.pem)");
            }
            return ca;
        }
        if (havePem || haveKey) {
            throw new CliException(home + " has " + (havePem ? caPem.getFileName() + " but no " + caKey.getFileName()
                    : caKey.getFileName() + " but no " + caPem.getFileName())
                    + ": restore the missing file, or delete ca.* and server.* there to make a new local CA");
        }
        IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.builder()
                .subject(CA_NAME)
                .keyType(CertificateIssuer.KeyType.EC_P256)
                .validityDays(CA_DAYS)
                .ca(true)
                .build());
        PemWriter.writePrivateKey(caKey, ca.privateKey(), null);
        PemWriter.writeCertificate(caPem, ca.certificate());
        caNote = "created the local CA " + caPem;
        return ca.credentials();
    }

    /** Why the stored server certificate cannot be reused, or null when it can. */
    private String problemWithServer(X509Certificate caCert, Instant now) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = PemReader.certificates(serverPem);
            key = PemReader.privateKey(serverKey, null);
            Credentials.of(chain, key);
        } catch (RuntimeException e) {
            return "it cannot be used (" + e.getMessage() + ")";
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.verify(caCert.getPublicKey());
        } catch (GeneralSecurityException e) {
            return "it was not issued by " + caPem;
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            return "it is not valid before " + leaf.getNotBefore().toInstant();
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!notAfter.isAfter(now.plus(RENEW_BEFORE))) {
            return notAfter.isAfter(now) ? "it expires on " + notAfter : "it expired on " + notAfter;
        }
        for (String name : SERVER_NAMES) {
            if (!HostnameMatcher.matches(leaf, name)) {
                return "it does not name " + name;
            }
        }
        return null;
    }

    private void createHome() {
        try {
            if (Files.isDirectory(home)) {
                return;
            }
            Path parent = home.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (Files.getFileStore(parent == null ? home.getRoot() : parent).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(home);
            }
        } catch (IOException e) {
            throw new CliException("cannot create " + home + " (" + e + "): pick another directory with --home", e);
        }
    }
}

package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit cert ...}, checked with openssl. */
class CertCommandTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static CliRun ok(String... args) {
        CliRun r = CliRun.run(args);
        assertThat(r.exitCode).as(r.toString()).isZero();
        return r;
    }

    private Path makeCa(String keyType) {
        Path dir = tmp.resolve("ca-" + keyType);
        CliRun r = ok("cert", "ca", "--out", dir.toString(), "--cn", "Test Root " + keyType, "--key-type", keyType, "--days", "30");
        assertThat(r.out).contains("wrote " + dir.resolve("ca.pem")).contains("CN=Test Root " + keyType);
        return dir;
    }

    @Test
    void caAndIssuedCertificatesVerifyWithOpenssl() throws Exception {
        Path openssl = Peers.require("openssl");
        for (String keyType : new String[] {"ec", "rsa2048"}) {
            Path ca = makeCa(keyType);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.key")))).isEqualTo("rw-------");
            String prefix = tmp.resolve("out-" + keyType + "/server").toString();
            CliRun issued = ok("cert", "issue", "--ca-cert", ca.resolve("ca.pem").toString(), "--ca-key", ca.resolve("ca.key").toString(),
                    "--cn", "device.example", "--san", "DNS:device.example,IP:192.0.2.7", "--san", "IP:::1",
                    "--key-type", keyType, "--out", prefix);
            assertThat(issued.out).contains("names: DNS:device.example, IP:192.0.2.7, IP:::1");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(prefix + ".key")))).isEqualTo("rw-------");

            PeerProcess.Result verify = PeerProcess.run(T, openssl.toString(), "verify", "-CAfile", ca.resolve("ca.pem").toString(),
                    "-purpose", "sslserver", prefix + ".pem");
            assertThat(verify.output).as(verify.toString()).contains(prefix + ".pem: OK");
            assertThat(verify.exitCode).isZero();
            // the chain file: leaf then CA
            assertThat(Files.readString(Path.of(prefix + "-chain.pem"))).contains(Files.readString(Path.of(prefix + ".pem")).strip())
                    .contains(Files.readString(ca.resolve("ca.pem")).strip());
            // openssl reads the key and agrees it is the certificate's
            PeerProcess.Result keyPub = PeerProcess.run(T, openssl.toString(), "pkey", "-in", prefix + ".key", "-pubout").orThrow();
            PeerProcess.Result certPub = PeerProcess.run(T, openssl.toString(), "x509", "-in", prefix + ".pem", "-noout", "-pubkey").orThrow();
            assertThat(keyPub.output).isEqualTo(certPub.output);
        }
    }

    @Test
    void clientCertificateWithEncryptedKey() throws Exception {
        Path openssl = Peers.require("openssl");
        Path ca = makeCa("ec");
        Path pw = tmp.resolve("pw.txt");
        Files.writeString(pw, "s3cret pass\n");
        String prefix = tmp.resolve("client").toString();
        CliRun issued = ok("cert", "issue", "--ca-cert", ca.resolve("ca.pem").toString(), "--ca-key", ca.resolve("ca.key").toString(),
                "--cn", "device-7", "--client", "--key-password-file", pw.toString(), "--out", prefix);
        assertThat(issued.out).contains("client certificate: CN=device-7").contains("(encrypted)").doesNotContain("s3cret");
        assertThat(Files.readString(Path.of(prefix + ".key"))).contains("BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(PeerProcess.run(T, openssl.toString(), "verify", "-CAfile", ca.resolve("ca.pem").toString(),
                "-purpose", "sslclient", prefix + ".pem").output).contains(": OK");
        assertThat(PeerProcess.run(T, openssl.toString(), "pkey", "-in", prefix + ".key", "-passin", "file:" + pw, "-noout").exitCode).isZero();

        CliRun good = ok("cert", "check", "--cert", prefix + ".pem", "--key", prefix + ".key", "--key-password-file", pw.toString(),
                "--ca", ca.resolve("ca.pem").toString());
        assertThat(good.out).contains("ok    key matches certificate").contains("ok    chain to CA").contains("all checks passed");

        Path wrong = tmp.resolve("wrong.txt");
        Files.writeString(wrong, "not it\n");
        CliRun bad = CliRun.run("cert", "check", "--cert", prefix + ".pem", "--key", prefix + ".key", "--key-password-file", wrong.toString());
        assertThat(bad.exitCode).isNotZero();
        assertThat(bad.out).contains("FAIL  key matches certificate: cannot read the key:").containsIgnoringCase("password");
        assertThat(bad.out + bad.err).doesNotContain("not it");
    }

    @Test
    void checkReportsEachProblemOnItsOwnLine() throws Exception {
        Path pki = TestPki.INSTANCE.files();
        String cert = pki.resolve("server-ec.pem").toString();
        String key = pki.resolve("server-ec.key").toString();
        String ca = pki.resolve("ca.pem").toString();

        CliRun good = ok("cert", "check", "--cert", cert, "--key", key, "--ca", ca, "--host", "localhost");
        assertThat(good.out.lines().filter(l -> l.startsWith("ok    "))).hasSize(4);
        assertThat(good.err).isEmpty();

        CliRun mismatch = CliRun.run("cert", "check", "--cert", cert, "--key", pki.resolve("server-rsa.key").toString(), "--ca", ca);
        assertThat(mismatch.exitCode).isNotZero();
        assertThat(mismatch.out).contains("FAIL  key matches certificate:").contains("does not match").contains("ok    chain to CA");
        assertThat(mismatch.err.strip()).isEqualTo("tlskit: error: 1 check failed for " + cert);

        CliRun wrongHost = CliRun.run("cert", "check", "--cert", cert, "--key", key, "--host", "www.example.com");
        assertThat(wrongHost.exitCode).isNotZero();
        assertThat(wrongHost.out).contains("FAIL  hostname: the certificate names").contains("not www.example.com");

        CliRun wrongCa = CliRun.run("cert", "check", "--cert", cert, "--key", key, "--ca", pki.resolve("other-ca.pem").toString(),
                "--host", "127.0.0.1");
        assertThat(wrongCa.exitCode).isNotZero();
        assertThat(wrongCa.out).contains("FAIL  chain to CA:").contains("not among").contains("ok    hostname: names 127.0.0.1");
    }

    @Test
    void checkFindsExpiredCertificates() throws Exception {
        Path pki = TestPki.INSTANCE.files();
        java.time.Instant now = java.time.Instant.now();
        io.tlskit.pki.IssuedCertificate old = TestPki.INSTANCE.serverValid(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        TestPki.writePair(tmp, "old", old);
        CliRun r = CliRun.run("cert", "check", "--cert", tmp.resolve("old.pem").toString(), "--key", tmp.resolve("old.key").toString(),
                "--ca", pki.resolve("ca.pem").toString());
        assertThat(r.exitCode).isNotZero();
        assertThat(r.out).contains("FAIL  validity:").contains("expired on").contains("ok    chain to CA");
    }

    @Test
    void showPrintsNamesAndTheOpensslFingerprint() throws Exception {
        Path openssl = Peers.require("openssl");
        Path chain = TestPki.INSTANCE.files().resolve("server-ec-chain.pem");
        CliRun r = ok("cert", "show", chain.toString());
        assertThat(r.out).contains("certificate 1 of 2").contains("certificate 2 of 2")
                .contains("subject:    CN=localhost").contains("issuer:     CN=tlskit test CA")
                .contains("names:      DNS:localhost, IP:127.0.0.1, IP:::1")
                .contains("key:        EC P-256").contains("CA:         yes").contains("usage:      serverAuth");
        String fp = PeerProcess.run(T, openssl.toString(), "x509", "-in", chain.toString(), "-noout", "-fingerprint", "-sha256")
                .orThrow().output.strip();
        String hex = fp.substring(fp.indexOf('=') + 1).toUpperCase(Locale.ROOT);
        assertThat(r.out).contains("SHA-256:    " + hex);
    }

    @Test
    void badInputIsOneLineError() throws Exception {
        CliRun.run("cert", "show", tmp.resolve("missing.pem").toString()).assertOneLineError();
        Files.writeString(tmp.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        CliRun.run("cert", "show", tmp.resolve("junk.pem").toString()).assertOneLineError();
        CliRun.run("cert", "ca", "--out", tmp.toString(), "--key-type", "dsa").assertOneLineError();
        Path ca = makeCa("ec");
        CliRun again = CliRun.run("cert", "ca", "--out", ca.toString());
        again.assertOneLineError();
        assertThat(again.err).contains("already exists").contains("--force");
        CliRun notCa = CliRun.run("cert", "issue", "--ca-cert", TestPki.INSTANCE.files().resolve("server-ec.pem").toString(),
                "--ca-key", TestPki.INSTANCE.files().resolve("server-ec.key").toString(), "--cn", "x", "--out", tmp.resolve("x").toString());
        notCa.assertOneLineError();
        assertThat(notCa.err).contains("is not a CA certificate");
    }
}

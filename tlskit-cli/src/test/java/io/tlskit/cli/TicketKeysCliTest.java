package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TicketKeyFile;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsVersion;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit cert ticket-keys} and {@code tlskit server --ticket-keys}: write, load, re-read, rotate. */
class TicketKeysCliTest {
    private static final TestPki PKI = TestPki.INSTANCE;
    @TempDir
    Path tmp;

    @Test
    void writesAPrivateFileRefusesToOverwriteItAndRotatesKeepingOneGeneration() throws Exception {
        Path file = tmp.resolve("tickets.key");
        CliRun first = CliRun.run("cert", "ticket-keys", "--out", file.toString());
        assertThat(first.exitCode).as(first.toString()).isZero();
        assertThat(first.out).contains("--ticket-keys " + file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        byte[] key1 = TicketKeyFile.read(file).get(0);

        CliRun.run("cert", "ticket-keys", "--out", file.toString()).assertOneLineError();
        assertThat(TicketKeyFile.read(file).get(0)).isEqualTo(key1);

        assertThat(CliRun.run("cert", "ticket-keys", "--rotate", "--out", file.toString()).exitCode).isZero();
        assertThat(TicketKeyFile.read(file)).hasSize(2);
        assertThat(TicketKeyFile.read(file).get(1)).isEqualTo(key1);
        assertThat(CliRun.run("cert", "ticket-keys", "--rotate", "--out", file.toString()).exitCode).isZero();
        assertThat(TicketKeyFile.read(file)).hasSize(2).noneMatch(k -> java.util.Arrays.equals(k, key1));
    }

    @Test
    void aTruncatedOrOpenKeyFileStopsTheServerWithOneLine() throws Exception {
        Path file = tmp.resolve("tickets.key");
        CliRun.run("cert", "ticket-keys", "--out", file.toString());
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 11));
        CliRun truncated = CliRun.run("server", "--port", "0", "--home", tmp.resolve("home").toString(),
                "--ticket-keys", file.toString()).assertOneLineError();
        assertThat(truncated.err).contains("is truncated").contains("tlskit cert ticket-keys --out " + file);

        Files.delete(file);
        CliRun.run("cert", "ticket-keys", "--out", file.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun open = CliRun.run("server", "--port", "0", "--home", tmp.resolve("home").toString(),
                "--ticket-keys", file.toString()).assertOneLineError();
        assertThat(open.err).contains("accessible to other users").contains("chmod 600 " + file);
    }

    @Test
    void aRestartedServerResumesTicketsOfTheSameFileAndAReloadKeepsOneGeneration() throws Exception {
        Path file = tmp.resolve("tickets.key");
        CliRun.run("cert", "ticket-keys", "--out", file.toString());
        Path pki = PKI.files();
        String port = String.valueOf(Peers.freePort());
        String[] args = {"--port", port, "--cert", pki.resolve("server-ec.pem").toString(), "--key", pki.resolve("server-ec.key").toString(),
            "--ticket-keys", file.toString()};
        TlsConfig client = TlsConfig.client().trustAnchors(PKI.trust()).versions(TlsVersion.TLS_1_2).build();
        try (CliRun.Server s = new CliRun.Server(args)) {
            assertThat(resumed(client, s.port())).isFalse();
            assertThat(resumed(client, s.port())).isTrue();
        }
        try (CliRun.Server s = new CliRun.Server(args)) {
            assertThat(resumed(client, s.port())).as("a new process, the same key file").isTrue();

            CliRun.run("cert", "ticket-keys", "--rotate", "--out", file.toString());
            assertThat(s.server.reloader().reload("SIGHUP")).isTrue();
            assertThat(s.err()).contains("and 2 session-ticket keys from " + file);
            assertThat(resumed(client, s.port())).as("the previous key still opens").isTrue();

            CliRun.run("cert", "ticket-keys", "--rotate", "--out", file.toString());
            assertThat(s.server.reloader().reload("SIGHUP")).isTrue();
            assertThat(resumed(client, s.port())).as("two rotations later").isFalse();

            // a broken file on reload keeps the keys it had
            Files.writeString(file, "AAAA\n");
            assertThat(s.server.reloader().reload("SIGHUP")).isFalse();
            assertThat(s.err()).contains("reload failed: ticket-keys file " + file + " line 1 is truncated");
            assertThat(resumed(client, s.port())).as("the ticket of the full handshake just before").isTrue();
        }
    }

    private static boolean resumed(TlsConfig client, int port) throws Exception {
        try (TlsConnection c = TlsConnection.connect(client, "localhost", port)) {
            c.readTimeout(Duration.ofSeconds(30));
            return c.handshakeInfo().resumed();
        }
    }
}

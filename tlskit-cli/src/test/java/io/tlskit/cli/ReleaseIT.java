package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.pki.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a user gets it: unpack target/tlskit-VERSION.tar.gz, run bin/tlskit --version and a
 * short server start with nothing but a JDK on the PATH. Runs after package (failsafe).
 */
class ReleaseIT {
    private static final Duration T = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void theUnpackedReleaseRunsVersionAndServesHttps() throws Exception {
        Path tarball = tarball();
        PeerProcess.Result untar = PeerProcess.run(T, "tar", "-xzf", tarball.toString(), "-C", tmp.toString());
        assertThat(untar.exitCode).as(untar.output).isZero();
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        Path home = tmp.resolve(name);
        Path launcher = home.resolve("bin/tlskit");
        assertThat(Files.isExecutable(launcher)).isTrue();
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        assertThat(home.resolve("README.md")).exists();
        assertThat(home.resolve("share/systemd/tlskit.service")).content().contains("ExecReload=/bin/kill -HUP $MAINPID");
        assertThat(home.resolve("share/bash-completion/completions/tlskit")).content().contains("probe").contains("ticket-keys");
        assertThat(home.resolve("lib")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("bctls-jdk18on-"));

        String java = Path.of(System.getProperty("java.home"), "bin").toString();
        List<String> env = List.of("env", "-i", "PATH=" + java + ":/usr/bin:/bin", "HOME=" + tmp);
        List<String> version = new ArrayList<>(env);
        version.addAll(List.of(launcher.toString(), "--version"));
        try (PeerProcess p = PeerProcess.start(version)) {
            assertThat(p.waitFor(T)).as(p.output()).isZero();
            String version1 = name.substring("tlskit-".length());
            assertThat(p.output()).contains("tlskit " + version1).containsPattern("BouncyCastle 1\\.\\d+, Netty 4\\.\\d+\\.\\d+\\.Final")
                    .contains("crypto backend: hybrid").contains("Java ");
        }

        int port = Peers.freePort();
        List<String> server = new ArrayList<>(env);
        server.addAll(List.of(launcher.toString(), "server", "--port", String.valueOf(port), "--home", tmp.resolve("pki").toString()));
        try (PeerProcess p = PeerProcess.start(server).awaitOutput("listening on https://localhost:" + port, T)) {
            TlsConfig client = TlsConfig.client().trustAnchors(TrustAnchors.fromFile(tmp.resolve("pki/ca.pem"))).build();
            try (TlsConnection c = TlsConnection.connect(client, "localhost", port)) {
                c.readTimeout(T);
                c.write("GET /status.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200 ")
                        .contains("\"cipherSuite\"");
            }
        }
    }

    private static Path tarball() throws Exception {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "tlskit-*.tar.gz")) {
            for (Path p : found) {
                return p;
            }
        }
        throw new AssertionError("no target/tlskit-*.tar.gz: run mvn package first");
    }
}

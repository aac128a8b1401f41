package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tlskit --debug N in its own JVM (slf4j-simple fixes its levels when the first logger is made, so
 * an in-process run cannot change them): each level adds its kind of line on stderr, and the full
 * wire dump never shows the PSK.
 */
class DebugCliTest {
    private static final String PSK_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    @TempDir
    Path tmp;

    private static PeerProcess.Result tlskit(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "io.tlskit.cli.Main"));
        command.addAll(List.of(args));
        try (PeerProcess p = PeerProcess.start(command)) {
            p.closeStdin();
            return new PeerProcess.Result(p.waitFor(Duration.ofSeconds(60)), p.output()).orThrow();
        }
    }

    @Test
    void eachLevelAddsItsLinesAndNoneShowsThePsk() throws Exception {
        try (CliRun.Server s = new CliRun.Server("--home", tmp.resolve("home").toString(), "--port", String.valueOf(Peers.freePort()),
                "--psk", "dev1:" + PSK_HEX)) {
            String target = "localhost:" + s.port();
            String[] common = {"connect", "--quiet", "--tls", "1.2", "--ciphers", "TLS_PSK_WITH_AES_128_CCM_8", "--psk", "dev1:" + PSK_HEX};
            String off = tlskit(concat(common, "--debug", "0", target)).output;
            String state = tlskit(concat(common, "--debug", "2", target)).output;
            String info = tlskit(concat(common, "--debug", "3", target)).output;
            String wire = tlskit(concat(common, "--debug", "4", target)).output;
            assertThat(off).doesNotContain("[client localhost]");
            assertThat(state).contains("[client localhost] ClientHello").contains("handshake complete").doesNotContain("negotiated:")
                .doesNotContain("bytes: ");
            assertThat(info).contains("negotiated: protocol:").doesNotContain("bytes: ");
            assertThat(wire).contains("[client localhost] sending").contains("bytes: 16030");
            for (String output : List.of(off, state, info, wire)) {
                assertThat(output.toLowerCase(java.util.Locale.ROOT)).doesNotContain(PSK_HEX.substring(0, 16)).doesNotContain(PSK_HEX.substring(16));
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}

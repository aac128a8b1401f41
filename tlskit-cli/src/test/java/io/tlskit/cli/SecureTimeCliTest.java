package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tlskit server --send-server-time and tlskit connect --clock: the server's clock on the wire and what the rules did. */
class SecureTimeCliTest {
    private static final Pattern SERVER_TIME = Pattern.compile("server time:   (\\S+)");

    @TempDir
    Path tmp;

    @Test
    void connectPrintsTheServersTimeAndWhatTheRulesDid() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--send-server-time")) {
            String ca = home.resolve("ca.pem").toString();
            Path clock = tmp.resolve("clock");
            CliRun r = CliRun.run("connect", "-v", "--tls", "1.2", "--ca", ca, "--clock", clock.toString(),
                "--time-server-ca", ca, "localhost:" + s.port());
            assertThat(r.exitCode).as(r.toString()).isZero();
            Matcher m = SERVER_TIME.matcher(r.err);
            assertThat(m.find()).as(r.err).isTrue();
            Instant serverTime = Instant.parse(m.group(1));
            assertThat(Math.abs(serverTime.getEpochSecond() - Instant.now().getEpochSecond())).isLessThan(300);
            assertThat(r.err).contains("(trusted time server)").contains("time rules:    strong time:");
            assertThat(Files.readString(clock)).contains("trusted-time-server=sha256:");
        }
    }

    @Test
    void withoutSendServerTimeTheRulesSayWhyTheTimeIsNotUsed() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()))) {
            CliRun r = CliRun.run("connect", "--tls", "1.2", "--ca", home.resolve("ca.pem").toString(), "--clock",
                tmp.resolve("clock").toString(), "localhost:" + s.port());
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.err).contains("server time:").contains("time rules:    not applied:");
        }
    }

    @Test
    void aCorruptClockFileIsOneLineErrorWithItsCode() throws Exception {
        Path clock = tmp.resolve("clock");
        Files.writeString(clock, "saved-time=yesterday\n");
        CliRun r = CliRun.run("connect", "--clock", clock.toString(), "localhost:" + Peers.freePort());
        r.assertOneLineError();
        assertThat(r.err).contains("the clock file " + clock + " is corrupt").endsWith("[E502 CLOCK_FILE_CORRUPT]\n");
    }
}

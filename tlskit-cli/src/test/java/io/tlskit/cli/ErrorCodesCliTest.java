package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.Peers;
import org.junit.jupiter.api.Test;

/** The stable error codes on the command line: printed next to the sentence, explained by 'tlskit error'. */
class ErrorCodesCliTest {

    @Test
    void failuresCarryTheirCode() {
        int closed = Peers.freePort();
        CliRun r = CliRun.run("connect", "127.0.0.1:" + closed);
        r.assertOneLineError();
        assertThat(r.err.strip()).startsWith("tlskit: error: cannot connect to 127.0.0.1:" + closed).endsWith("[E405 IO_ERROR]");
    }

    @Test
    void errorExplainsACodeInAnySpelling() {
        for (String spelling : new String[] {"202", "E202", "cert_expired"}) {
            CliRun r = CliRun.run("error", spelling);
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.out).startsWith("E202 CERT_EXPIRED: a certificate in the peer's chain has expired")
                .contains("what to do: renew the certificate");
        }
    }

    @Test
    void errorWithoutCodeListsThemAllAndAnUnknownCodeIsOneLineError() {
        CliRun all = CliRun.run("error");
        assertThat(all.exitCode).isZero();
        assertThat(all.out).contains("E500   RESOURCE").contains("E402   TRUNCATED").contains("E501   ENTROPY_FAILED");
        CliRun unknown = CliRun.run("error", "7777");
        unknown.assertOneLineError();
        assertThat(unknown.err).contains("'7777' is not a tlskit error code");
    }
}

package io.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.pki.PemWriter;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * EC private keys written by tlskit must load in GnuTLS: the JDK encodes EC keys without the optional
 * publicKey field of RFC 5915, which GnuTLS 3.7 refuses ("ASN1 parser: Element was not found"), so
 * PemWriter adds the public point. Regression test for that.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GnuTlsKeyFormatTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void peers() {
        Peers.require("certtool");
    }

    @Test
    void gnutlsLoadsEcKeyWrittenByPemWriter() throws Exception {
        Path key = tmp.resolve("ec.key");
        Files.writeString(key, PemWriter.privateKey(Interop.PKI.serverEc.privateKey()));
        PeerProcess.Result result = PeerProcess.run(Interop.DEADLINE, Peers.require("certtool").toString(),
            "--key-info", "--infile", key.toString());
        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.output).contains("EC/ECDSA");
    }
}

package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.testing.TestPki;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.junit.jupiter.api.Test;

/**
 * The debug threshold and sink: what each level shows, and that a full wire dump (level 4) of PSK
 * and certificate handshakes never contains the PSK, the private key, the master secret or any
 * traffic key, taken out of BouncyCastle after the handshake to search for them.
 */
class DebugOutputTest {
    private static final TestPki PKI = TestPki.INSTANCE;
    private static final Psk PSK = Psk.of("device-9", HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90"));

    /** Collects every line a sink receives. */
    static final class Capture implements DebugSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void debug(int level, String connection, String message) {
            lines.add(level + " [" + connection + "] " + message);
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        synchronized boolean anyAtLevel(int level) {
            return lines.stream().anyMatch(l -> l.startsWith(level + " "));
        }
    }

    /** Handshake, data both ways, close; returns the client engine for its secrets. */
    private static EnginePair run(TlsConfig client, TlsConfig server) throws TlsException {
        EnginePair pair = EnginePair.of(client, "localhost", server).pump();
        assertThat(pair.clientFailure).isNull();
        assertThat(pair.serverFailure).isNull();
        pair.client.writePlaintext("hello from the device".getBytes(StandardCharsets.UTF_8), 0, 21);
        pair.server.writePlaintext("hello from the server".getBytes(StandardCharsets.UTF_8), 0, 21);
        pair.pump();
        return pair;
    }

    @Test
    void fullWireDumpOfAPskHandshakeHoldsNoSecret() throws Exception {
        Capture sink = new Capture();
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites("TLS_PSK_WITH_AES_128_CCM_8").psk(PSK)
            .debug(4).debugSink(sink).build();
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).pskStore(PskStore.of(PSK)).debug(4).debugSink(sink).build();
        EnginePair pair = run(client, server);
        List<byte[]> secrets = tls12Secrets(pair.client.tlsContext());
        secrets.add(PSK.key());
        assertDumpedWithoutSecrets(sink, secrets);
    }

    @Test
    void fullWireDumpOfCertificateHandshakesHoldsNoSecret() throws Exception {
        for (TlsVersion version : new TlsVersion[] {TlsVersion.TLS_1_2, TlsVersion.TLS_1_3}) {
            Capture sink = new Capture();
            TlsConfig client = TlsConfig.client().versions(version).trustAnchors(PKI.trust()).debug(4).debugSink(sink).build();
            TlsConfig server = TlsConfig.server().versions(version).credentials(PKI.serverEcCredentials()).debug(4).debugSink(sink).build();
            EnginePair pair = run(client, server);
            // BouncyCastle wipes TLS 1.3's traffic secrets when the handshake ends; TLS 1.2's master secret
            // survives in the session, from which the key block (every traffic key and IV) is derived again
            List<byte[]> secrets = version == TlsVersion.TLS_1_2 ? tls12Secrets(pair.client.tlsContext()) : new ArrayList<>();
            // the private scalar (the PKCS#8 encoding also holds public parts: the curve OIDs the certificate carries too)
            secrets.add(unsigned(((ECPrivateKey) PKI.serverEc.privateKey()).getS()));
            assertDumpedWithoutSecrets(sink, secrets);
        }
    }

    @Test
    void eachLevelShowsItsKindOfLine() throws Exception {
        for (int level = 0; level <= 4; level++) {
            Capture sink = new Capture();
            TlsConfig client = TlsConfig.client().trustAnchors(PKI.trust()).debug(level).debugSink(sink).build();
            TlsConfig server = TlsConfig.server().credentials(PKI.serverEcCredentials()).build();
            run(client, server);
            EnginePair failing = EnginePair.of(client, "wrong.example", server).pump();    // a failure for level 1
            assertThat(failing.clientFailure).isNotNull();
            assertThat(sink.lines.isEmpty()).as("level %d: %s", level, sink.lines).isEqualTo(level == 0);
            for (int shown = 1; shown <= 4; shown++) {
                assertThat(sink.anyAtLevel(shown)).as("level %d shows level %d lines: %s", level, shown, sink.lines)
                    .isEqualTo(shown <= level);
            }
        }
        Capture errorsOnly = new Capture();
        TlsConfig client = TlsConfig.client().trustAnchors(PKI.trust()).debugSink(errorsOnly).build();
        EnginePair.of(client, "wrong.example", TlsConfig.server().credentials(PKI.serverEcCredentials()).build()).pump();
        assertThat(errorsOnly.text()).startsWith("1 [client wrong.example] ").contains("[E204 CERT_HOSTNAME_MISMATCH]");
        assertThatThrownBy(() -> TlsConfig.client().debug(5).build()).isInstanceOf(ConfigException.class);
    }

    private static void assertDumpedWithoutSecrets(Capture sink, List<byte[]> secrets) {
        String text = sink.text();
        assertThat(sink.anyAtLevel(4)).as("a wire dump was produced").isTrue();
        assertThat(text).contains("sending").contains("received").contains("handshake complete");
        String lower = text.toLowerCase(Locale.ROOT);
        for (byte[] secret : secrets) {
            assertThat(secret.length).isGreaterThanOrEqualTo(8);
            assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(secret));
            for (int i = 0; i + 8 <= secret.length; i++) {
                String window = HexFormat.of().formatHex(secret, i, i + 8);
                assertThat(lower).as("8 bytes of a secret at offset %d", i).doesNotContain(window);
            }
        }
    }

    /** The TLS 1.2 master secret and the key block (both write keys and IVs) derived from it. */
    private static List<byte[]> tls12Secrets(TlsContext context) {
        SecurityParameters sp = context.getSecurityParametersConnection();
        TlsSecret master = context.getSession().exportSessionParameters().getMasterSecret();
        byte[] seed = org.bouncycastle.util.Arrays.concatenate(sp.getServerRandom(), sp.getClientRandom());
        byte[] keyBlock = master.deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed, 96).extract();
        List<byte[]> secrets = new ArrayList<>();
        secrets.add(keyBlock);
        secrets.add(master.extract());
        return secrets;
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] b = value.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }
}

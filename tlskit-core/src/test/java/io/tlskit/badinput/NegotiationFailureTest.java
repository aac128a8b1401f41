package io.tlskit.badinput;

import static io.tlskit.badinput.BadInput.client;
import static io.tlskit.badinput.BadInput.server;
import static io.tlskit.badinput.BadInput.show;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.HandshakeInfo;
import io.tlskit.Psk;
import io.tlskit.PskStore;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Cases 8-9: peers that cannot agree. Both sides get a code and a sentence that names what each
 * side had (suites, PSK identity), and the server keeps serving clients that can agree.
 */
class NegotiationFailureTest {
    static final String CCM_8 = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    static final String GCM_256 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
    static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    static final byte[] OTHER_KEY = HexFormat.of().parseHex("f0e0d0c0b0a090807060504030201000");

    // ---- 8. no common cipher suite

    @Test
    void noCommonCipherSuiteBetweenTlskitPeers() throws Exception {
        try (ServingServer server = ServingServer.start(server().cipherSuites(GCM_256).build())) {
            TlsException e = server.clientFailure(client().versions(TlsVersion.TLS_1_2).cipherSuites(CCM_8).build(), "localhost");
            show("client, no common suite", e);
            assertThat(e.error()).isEqualTo(TlsError.NO_COMMON_CIPHER_SUITE);
            assertThat(e.getMessage()).contains("we offered [" + CCM_8 + "]").contains("--ciphers");

            ServingServer.Failure f = server.awaitFailure();
            show("server, no common suite", f);
            assertThat(f.error()).isEqualTo(TlsError.NO_COMMON_CIPHER_SUITE);
            assertThat(f.message()).contains("the client offered [" + CCM_8).contains("this server accepts [" + GCM_256 + "]");

            HandshakeInfo ok = server.assertServes(client().cipherSuites(GCM_256).build(), "localhost");
            assertThat(ok.cipherSuite()).isEqualTo(GCM_256);
        }
    }

    @Test
    void noCommonCipherSuiteWithOpensslClient() throws Exception {
        String openssl = Peers.require("openssl").toString();
        try (ServingServer server = ServingServer.start(server().cipherSuites(GCM_256).build())) {
            PeerProcess.Result result = PeerProcess.run(Duration.ofSeconds(10), openssl, "s_client",
                "-connect", "127.0.0.1:" + server.port(), "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-CCM8");
            assertThat(result.exitCode).as("%s", result).isNotZero();
            assertThat(result.output).contains("handshake failure");

            ServingServer.Failure f = server.awaitFailure();
            show("server, openssl client with no common suite", f);
            assertThat(f.error()).isEqualTo(TlsError.NO_COMMON_CIPHER_SUITE);
            assertThat(f.message()).contains("the client offered [").contains(CCM_8)
                .contains("this server accepts [" + GCM_256 + "]");

            server.assertServes(client().build(), "localhost");
        }
    }

    // ---- 9. PSK

    private static TlsConfig pskServer(TlsVersion version) {
        return TlsConfig.server().versions(version).pskStore(PskStore.of(Psk.of("device1", KEY))).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void unknownPskIdentity(String version) throws Exception {
        TlsVersion v = TlsVersion.parse(version);
        try (ServingServer server = ServingServer.start(pskServer(v))) {
            TlsConfig stranger = TlsConfig.client().versions(v).psk(Psk.of("device9", KEY)).build();
            TlsException e = server.clientFailure(stranger, null);
            show("client, unknown PSK identity TLS " + version, e);
            assertThat(e.error()).isEqualTo(TlsError.PSK_IDENTITY_UNKNOWN);
            assertThat(e.getMessage()).contains("'device9'").contains("unknown to the server")
                .contains("use an identity the server has a key for");

            ServingServer.Failure f = server.awaitFailure();
            show("server, unknown PSK identity TLS " + version, f);
            assertThat(f.error()).isEqualTo(TlsError.PSK_IDENTITY_UNKNOWN);
            assertThat(f.message()).contains("'device9'").contains("no key for").contains("--psk ID:HEX");

            HandshakeInfo ok = server.assertServes(TlsConfig.client().versions(v).psk(Psk.of("device1", KEY)).build(), null);
            assertThat(ok.version()).isEqualTo(v);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void wrongPskKeyForAKnownIdentity(String version) throws Exception {
        TlsVersion v = TlsVersion.parse(version);
        try (ServingServer server = ServingServer.start(pskServer(v))) {
            TlsConfig wrongKey = TlsConfig.client().versions(v).psk(Psk.of("device1", OTHER_KEY)).build();
            TlsException e = server.clientFailure(wrongKey, null);
            show("client, wrong PSK key TLS " + version, e);

            // the server checks the client's proof first (TLS 1.2: the client Finished; TLS 1.3: the binder)
            ServingServer.Failure f = server.awaitFailure();
            show("server, wrong PSK key TLS " + version, f);
            assertThat(f.error()).isEqualTo(TlsError.PSK_KEY_MISMATCH);
            assertThat(f.message()).contains("'device1'").contains("differs between client and server");
            assertThat(f.exception().alertDirection()).contains(TlsException.AlertDirection.SENT);

            // the client learns it from the server's alert
            assertThat(e.error()).isEqualTo(TlsError.PSK_KEY_MISMATCH);
            assertThat(e.getMessage()).contains("'device1'").contains("differs between client and server");
            assertThat(e.alertDirection()).contains(TlsException.AlertDirection.RECEIVED);

            server.assertServes(TlsConfig.client().versions(v).psk(Psk.of("device1", KEY)).build(), null);
        }
    }
}

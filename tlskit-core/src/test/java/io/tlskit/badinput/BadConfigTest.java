package io.tlskit.badinput;

import static io.tlskit.badinput.BadInput.client;
import static io.tlskit.badinput.BadInput.server;
import static io.tlskit.badinput.BadInput.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tlskit.ClientAuth;
import io.tlskit.ConfigException;
import io.tlskit.Durations;
import io.tlskit.Psk;
import io.tlskit.PskStore;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsVersion;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Case 12: configurations that cannot work fail in build(), before any byte is sent, with the fix. */
class BadConfigTest {

    private static ConfigException buildFails(TlsConfig.Builder builder) {
        ConfigException e = catchThrowableOfType(builder::build, ConfigException.class);
        assertThat(e).as("build() should have refused this configuration").isNotNull();
        show("config", e);
        return e;
    }

    @Test
    void unknownCipherSuiteNameListsTheSupportedOnes() {
        ConfigException e = buildFails(client().cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_512_MAGIC"));
        assertThat(e.error()).isEqualTo(TlsError.UNKNOWN_CIPHER_SUITE);
        assertThat(e.getMessage())
            .contains("unknown cipher suite 'TLS_AES_512_MAGIC'")
            .contains("use an IANA name")
            .contains("supported here: ")
            .contains("TLS_AES_128_GCM_SHA256")
            .contains("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")
            .contains("TLS_PSK_WITH_AES_128_CCM_8")
            .doesNotContain("_NULL_").doesNotContain("RC4").doesNotContain("3DES"); // never suggests a refused suite
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TLS_RSA_WITH_NULL_SHA256|it does not encrypt (NULL cipher)",
        "TLS_ECDHE_ECDSA_WITH_NULL_SHA|it does not encrypt (NULL cipher)",
        "TLS_RSA_WITH_RC4_128_SHA|RC4 is broken (RFC 7465)",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA|RC4 is broken (RFC 7465)",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA|DES/3DES are too weak (Sweet32)",
        "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA|DES/3DES are too weak (Sweet32)",
    })
    void unsafeCipherSuitesAreRefusedWithTheReason(String suite, String reason) {
        ConfigException e = buildFails(server().cipherSuites(suite));
        assertThat(e.error()).isEqualTo(TlsError.UNKNOWN_CIPHER_SUITE);
        assertThat(e.getMessage()).contains("cipher suite " + suite + " is refused: " + reason);
        // the same on a client
        assertThat(buildFails(client().cipherSuites(suite)).getMessage()).contains(suite).contains(reason);
    }

    @Test
    void anonymousSuitesAreRefused() {
        ConfigException e = buildFails(client().cipherSuites("TLS_DH_anon_WITH_AES_128_GCM_SHA256"));
        assertThat(e.error()).isEqualTo(TlsError.UNKNOWN_CIPHER_SUITE);
        assertThat(e.getMessage()).contains("TLS_DH_anon_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void anonymousSuitesAreRefusedWithTheReason() {
        ConfigException e = buildFails(client().cipherSuites("TLS_DH_anon_WITH_AES_128_GCM_SHA256"));
        assertThat(e.getMessage()).contains("is refused: anonymous key exchange cannot authenticate the peer");
    }

    @Test
    void serverWithoutCertificateOrPsk() {
        ConfigException e = buildFails(TlsConfig.server());
        assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID);
        assertThat(e.getMessage()).contains("a server needs a certificate and private key (--cert/--key) or PSK keys (--psk ID:HEX)");
    }

    @Test
    void clientAuthWithoutCa() {
        for (ClientAuth mode : new ClientAuth[] {ClientAuth.REQUIRED, ClientAuth.OPTIONAL}) {
            ConfigException e = buildFails(server().clientAuth(mode));
            assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID);
            assertThat(e.getMessage()).contains("client-auth " + mode.name().toLowerCase())
                .contains("needs the CA that issues client certificates").contains("--ca");
        }
    }

    @Test
    void tls13OnlyWithOnlyTls12Suites() {
        ConfigException e = buildFails(client().versions(TlsVersion.TLS_1_3).cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"));
        assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID);
        assertThat(e.getMessage())
            .contains("TLS 1.3 was requested")
            .contains("[TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8]")
            .contains("add TLS_AES_128_GCM_SHA256 or allow TLS 1.2");

        ConfigException server = buildFails(server().versions(TlsVersion.TLS_1_3).cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"));
        assertThat(server.getMessage()).contains("TLS 1.3 was requested");
    }

    @Test
    void tls12OnlyWithOnlyTls13Suites() {
        ConfigException e = buildFails(client().versions(TlsVersion.TLS_1_2).cipherSuites("TLS_AES_128_GCM_SHA256"));
        assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID);
        assertThat(e.getMessage()).contains("TLS 1.2 was requested").contains("add a TLS 1.2 suite");
    }

    @Test
    void suitesThatNeedWhatIsNotConfigured() {
        ConfigException psk = buildFails(client().cipherSuites("TLS_PSK_WITH_AES_128_CCM_8"));
        assertThat(psk.getMessage()).contains("all need a pre-shared key").contains("--psk ID:HEX");

        byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        ConfigException cert = buildFails(TlsConfig.server().pskStore(PskStore.of(Psk.of("device1", key)))
            .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        assertThat(cert.getMessage()).contains("all need a server certificate").contains("--cert and --key");
    }

    @Test
    void settingsOfTheOtherRole() {
        assertThat(buildFails(client().clientAuth(ClientAuth.REQUIRED)).getMessage()).contains("client-auth is a server setting");
        assertThat(buildFails(server().serverName("localhost")).getMessage()).contains("serverName is a client setting");
        byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        assertThat(buildFails(server().psk(Psk.of("device1", key))).getMessage()).contains("pskStore(PskStore.of(...))");
    }

    @Test
    void badDurationsAndPsks() {
        assertThat(buildFails(client().handshakeTimeout(Duration.ZERO)).getMessage()).contains("must be positive");

        ConfigException d = catchThrowableOfType(() -> Durations.parse("5 parsecs"), ConfigException.class);
        assertThat(d.getMessage()).contains("'5 parsecs'").contains("500ms, 10s");

        ConfigException p = catchThrowableOfType(() -> Psk.parse("device1"), ConfigException.class);
        assertThat(p.getMessage()).contains("IDENTITY:HEXKEY");
        ConfigException hex = catchThrowableOfType(() -> Psk.parse("device1:xyz"), ConfigException.class);
        assertThat(hex.getMessage()).contains("not valid hex");
    }
}

package io.tlskit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/**
 * The reproductions of docs/upstream.md, run against a bare BouncyCastle {@link TlsServerProtocol}
 * (no tlskit code): each pins a behaviour tlskit works around. When one of these fails after a
 * BouncyCastle upgrade, BouncyCastle changed: the workaround named in the test may be removable,
 * and docs/upstream.md and README's "Known gaps" need updating.
 */
class BouncyCastleBehaviourTest {

    /** The smallest BouncyCastle server: TLS 1.2 and 1.3, no credentials (every probe fails before they matter). */
    private static final class BareServer extends AbstractTlsServer {
        short fatalAlertRaised = -1;

        BareServer() {
            super(new BcTlsCrypto(new SecureRandom()));
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public TlsCredentials getCredentials() {
            return null;
        }

        @Override
        public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
            if (level == org.bouncycastle.tls.AlertLevel.fatal && fatalAlertRaised < 0) {
                fatalAlertRaised = description;
            }
        }
    }

    /** What a bare server does with one first flight: the fatal alert it raised (or -1) and how many bytes it queued. */
    private record Outcome(short alert, int queued) {
    }

    private static Outcome offer(byte[] flight) throws IOException {
        TlsServerProtocol server = new TlsServerProtocol();
        BareServer peer = new BareServer();
        server.accept(peer);
        try {
            server.offerInput(flight);
        } catch (IOException refused) {
            // a TlsFatalAlert, or a parser's EOFException after BouncyCastle raised internal_error for it
        }
        return new Outcome(peer.fatalAlertRaised, server.getAvailableOutputBytes());
    }

    /** upstream.md 1 (worked around by EarlyAlert): an alert raised before the record version is set is never written. */
    @Test
    void alertOnTheFirstFlightIsDropped() throws IOException {
        Outcome sessionIdTooLong = offer(ClientHelloBuilder.tls13().sessionId(new byte[33]).flight());
        assertThat(sessionIdTooLong.alert()).isEqualTo(AlertDescription.decode_error);
        assertThat(sessionIdTooLong.queued()).as("bytes queued for the client").isZero();

        Outcome dataFirst = offer(Wire.record(Wire.APPLICATION_DATA, new byte[] {1}));
        assertThat(dataFirst.alert()).isEqualTo(AlertDescription.unexpected_message);
        assertThat(dataFirst.queued()).isZero();
    }

    /** upstream.md 2 (LegacyVersionRule): legacy_version 0x0200 is refused although supported_versions offers TLS 1.3. */
    @Test
    void legacyVersionIsCheckedBeforeSupportedVersions() throws IOException {
        Outcome outcome = offer(ClientHelloBuilder.tls13().version(0x0200).flight());
        assertThat(outcome.alert()).isEqualTo(AlertDescription.illegal_parameter);
        assertThat(outcome.queued()).isZero();
        assertThat(offer(ClientHelloBuilder.tls12().version(0x0400).flight()).alert())
            .as("a future major version without supported_versions (RFC 5246 E.1: answer with TLS 1.2)")
            .isEqualTo(AlertDescription.illegal_parameter);
    }

    /** upstream.md 3 (HandshakeLimits): a legal 33 KiB ClientHello exceeds the default 32 KiB and gets internal_error. */
    @Test
    void largeClientHelloIsInternalError() throws IOException {
        Outcome outcome = offer(ClientHelloBuilder.tls13().ext(ClientHelloBuilder.PADDING, new byte[33 * 1024]).flight());
        assertThat(outcome.alert()).isEqualTo(AlertDescription.internal_error);
    }

    /** upstream.md 4 (ParseFailures): a field cut short inside an extension (EOFException) becomes internal_error, not decode_error. */
    @Test
    void truncatedFieldIsInternalError() throws IOException {
        Outcome outcome = offer(ClientHelloBuilder.tls13().set(ClientHelloBuilder.SERVER_NAME, new byte[0]).flight());
        assertThat(outcome.alert()).isEqualTo(AlertDescription.internal_error);
        assertThat(outcome.queued()).as("this one is sent: TLS 1.3 sets the record version first").isPositive();
    }

    /** upstream.md 5 (ClientHelloRules.forTls13): a TLS 1.2-only extension in a TLS 1.3 ClientHello is parsed, not ignored. */
    @Test
    void tls12OnlyExtensionInTls13IsParsed() throws IOException {
        Outcome outcome = offer(ClientHelloBuilder.tls13().ext(17, new byte[] {0, 1, 0}).flight());
        assertThat(outcome.alert()).as("status_request_v2 with a short vector").isEqualTo(AlertDescription.internal_error);
    }

    /** upstream.md 6 (ClientHelloRules.checkExtendedMasterSecret): a non-empty extended_master_secret is illegal_parameter. */
    @Test
    void nonEmptyExtendedMasterSecretIsIllegalParameter() throws IOException {
        Outcome outcome = offer(ClientHelloBuilder.tls12().set(ClientHelloBuilder.EXTENDED_MASTER_SECRET, new byte[1]).flight());
        assertThat(outcome.alert()).isEqualTo(AlertDescription.illegal_parameter);
    }

    /** upstream.md 7 (ClientHelloRules.checkTls13 and checkCompressionForTls13): TLS 1.3 ClientHello rules not enforced. */
    @Test
    void tls13ClientHelloRulesAreNotEnforced() throws IOException {
        assertThat(answersServerHello(ClientHelloBuilder.tls13().compression(1, 0)))
            .as("compression methods [1, 0]: RFC 8446 4.1.2 wants illegal_parameter").isTrue();
        assertThat(answersServerHello(ClientHelloBuilder.tls13().remove(ClientHelloBuilder.KEY_SHARE)))
            .as("supported_groups without key_share: RFC 8446 9.2 wants missing_extension").isTrue();
        assertThat(answersServerHello(ClientHelloBuilder.tls13().set(ClientHelloBuilder.PSK_KEY_EXCHANGE_MODES, new byte[0])))
            .as("empty psk_key_exchange_modes: decode_error").isTrue();
    }

    /** Whether the bare server's first queued record is a ServerHello (it may fail later for want of credentials). */
    private static boolean answersServerHello(ClientHelloBuilder hello) throws IOException {
        TlsServerProtocol server = new TlsServerProtocol();
        server.accept(new BareServer());
        try {
            server.offerInput(hello.flight());
        } catch (TlsFatalAlert e) {
            // no credentials: it fails after the ServerHello
        }
        byte[] out = new byte[server.getAvailableOutputBytes()];
        server.readOutput(out, 0, out.length);
        return out.length > 5 && out[0] == Wire.HANDSHAKE && out[5] == 2;
    }
}

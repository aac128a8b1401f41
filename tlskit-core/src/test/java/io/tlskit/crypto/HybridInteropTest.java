package io.tlskit.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.TlsBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Full in-memory handshakes (BouncyCastle's non-blocking protocol objects) with HybridTlsCrypto on
 * one side and pure BcTlsCrypto on the other, then 100 KiB each way: the JDK-backed record ciphers
 * and hashes interoperate with BouncyCastle's, in both roles.
 */
class HybridInteropTest {

    private static final byte[] PSK_IDENTITY = "dev1".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 100 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PSK = new byte[32];
    static {
        RANDOM.nextBytes(PSK);
    }

    /** Counts calls of the JDK factories, to prove the records really went through them. */
    static final class CountingHybrid extends HybridTlsCrypto {
        final AtomicInteger jdkCiphers = new AtomicInteger();

        CountingHybrid() {
            super(RANDOM);
        }

        @Override
        protected TlsAEADCipherImpl createAEADCipherImpl_AES_GCM(int keySize, boolean encrypting) throws IOException {
            jdkCiphers.incrementAndGet();
            return super.createAEADCipherImpl_AES_GCM(keySize, encrypting);
        }

        @Override
        protected TlsAEADCipherImpl createAEADCipherImpl_ChaCha20Poly1305(boolean encrypting) throws IOException {
            jdkCiphers.incrementAndGet();
            return super.createAEADCipherImpl_ChaCha20Poly1305(encrypting);
        }

        @Override
        protected TlsBlockCipherImpl createBlockCipherImpl_AES_CBC(boolean explicitIV, int keySize, boolean encrypting)
                throws IOException {
            jdkCiphers.incrementAndGet();
            return super.createBlockCipherImpl_AES_CBC(explicitIV, keySize, encrypting);
        }
    }

    static Stream<Arguments> tls12PskSuites() {
        return Stream.of(
                Arguments.of("TLS_PSK_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, true),
                Arguments.of("TLS_PSK_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384, true),
                Arguments.of("TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, true),
                Arguments.of("TLS_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256, true),
                Arguments.of("TLS_PSK_WITH_AES_128_CCM_8", CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, false))
                .flatMap(a -> Stream.of(
                        Arguments.of(a.get()[0], a.get()[1], a.get()[2], true),
                        Arguments.of(a.get()[0], a.get()[1], a.get()[2], false)));
    }

    @ParameterizedTest(name = "{0}, hybrid is client: {3}")
    @MethodSource("tls12PskSuites")
    void tls12PskInteroperates(String name, int suite, boolean fromJdk, boolean hybridIsClient) throws IOException {
        CountingHybrid hybrid = new CountingHybrid();
        BcTlsCrypto bc = new BcTlsCrypto(RANDOM);
        TlsCrypto clientCrypto = hybridIsClient ? hybrid : bc;
        TlsCrypto serverCrypto = hybridIsClient ? bc : hybrid;

        PSKTlsClient client = new PSKTlsClient(clientCrypto, new BasicTlsPSKIdentity(PSK_IDENTITY, PSK)) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite};
            }
        };
        PSKTlsServer server = new PSKTlsServer(serverCrypto, new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return Arrays.equals(identity, PSK_IDENTITY) ? PSK.clone() : null;
            }
        }) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite};
            }
        };

        Pair pair = handshake(client, server);
        assertThat(pair.client().negotiatedSuite()).as("negotiated suite").isEqualTo(suite);
        assertThat(pair.client().negotiatedVersion()).isEqualTo(ProtocolVersion.TLSv12);
        exchange(pair);
        assertThat(hybrid.jdkCiphers.get() > 0).as("records went through the JDK cipher").isEqualTo(fromJdk);
    }

    static Stream<Arguments> tls13Suites() {
        return Stream.of(
                Arguments.of("TLS_AES_128_GCM_SHA256", CipherSuite.TLS_AES_128_GCM_SHA256, true),
                Arguments.of("TLS_AES_128_GCM_SHA256", CipherSuite.TLS_AES_128_GCM_SHA256, false),
                Arguments.of("TLS_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_CHACHA20_POLY1305_SHA256, true),
                Arguments.of("TLS_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_CHACHA20_POLY1305_SHA256, false),
                Arguments.of("TLS_AES_128_CCM_8_SHA256", CipherSuite.TLS_AES_128_CCM_8_SHA256, true));
    }

    /** TLS 1.3 with an external PSK (psk_dhe_ke): exercises HKDF, the 1.3 nonce and ECDHE across backends. */
    @ParameterizedTest(name = "{0}, hybrid is client: {2}")
    @MethodSource("tls13Suites")
    void tls13ExternalPskInteroperates(String name, int suite, boolean hybridIsClient) throws IOException {
        CountingHybrid hybrid = new CountingHybrid();
        BcTlsCrypto bc = new BcTlsCrypto(RANDOM);
        TlsCrypto clientCrypto = hybridIsClient ? hybrid : bc;
        TlsCrypto serverCrypto = hybridIsClient ? bc : hybrid;

        AbstractTlsClient client = new AbstractTlsClient(clientCrypto) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv13.only();
            }

            @Override
            public Vector<TlsPSKExternal> getExternalPSKs() {
                Vector<TlsPSKExternal> v = new Vector<>();
                v.add(new BasicTlsPSKExternal(PSK_IDENTITY, getCrypto().createSecret(PSK)));
                return v;
            }

            @Override
            public TlsAuthentication getAuthentication() throws IOException {
                throw new IOException("no certificate expected: the PSK authenticates the server");
            }
        };
        AbstractTlsServer server = new AbstractTlsServer(serverCrypto) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv13.only();
            }

            @Override
            public TlsCredentials getCredentials() throws IOException {
                throw new IOException("no certificate expected: the PSK authenticates the server");
            }

            @Override
            public TlsPSKExternal getExternalPSK(@SuppressWarnings("rawtypes") Vector identities) {
                for (Object o : identities) {
                    if (Arrays.equals(((PskIdentity) o).getIdentity(), PSK_IDENTITY)) {
                        return new BasicTlsPSKExternal(PSK_IDENTITY, getCrypto().createSecret(PSK));
                    }
                }
                return null;
            }
        };

        Pair pair = handshake(client, server);
        assertThat(pair.client().negotiatedSuite()).isEqualTo(suite);
        assertThat(pair.client().negotiatedVersion()).isEqualTo(ProtocolVersion.TLSv13);
        exchange(pair);
        boolean ccm = suite == CipherSuite.TLS_AES_128_CCM_8_SHA256;
        assertThat(hybrid.jdkCiphers.get() > 0).isEqualTo(!ccm);
    }

    // ---- an in-memory connection between two non-blocking protocol objects ----

    /** Exposes the negotiated parameters of the client side. */
    static final class ClientProtocol extends TlsClientProtocol {
        int negotiatedSuite() {
            return getContext().getSecurityParametersConnection().getCipherSuite();
        }

        ProtocolVersion negotiatedVersion() {
            return getContext().getServerVersion();
        }
    }

    record Pair(ClientProtocol client, TlsServerProtocol server) {
    }

    private static Pair handshake(TlsClient client, TlsServer server) throws IOException {
        ClientProtocol cp = new ClientProtocol();
        TlsServerProtocol sp = new TlsServerProtocol();
        sp.accept(server);
        cp.connect(client);
        for (int i = 0; i < 100 && (cp.isHandshaking() || sp.isHandshaking()); i++) {
            pump(cp, sp);
            pump(sp, cp);
        }
        assertThat(cp.isConnected()).as("client connected").isTrue();
        assertThat(sp.isConnected()).as("server connected").isTrue();
        return new Pair(cp, sp);
    }

    private static void exchange(Pair pair) throws IOException {
        byte[] up = new byte[DATA];
        byte[] down = new byte[DATA];
        RANDOM.nextBytes(up);
        RANDOM.nextBytes(down);
        assertThat(transfer(pair.client(), pair.server(), up)).isEqualTo(up);
        assertThat(transfer(pair.server(), pair.client(), down)).isEqualTo(down);
    }

    private static byte[] transfer(TlsProtocol from, TlsProtocol to, byte[] data) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int off = 0; off < data.length; off += 16384) {
            from.writeApplicationData(data, off, Math.min(16384, data.length - off));
            pump(from, to);
            int n = to.getAvailableInputBytes();
            byte[] buf = new byte[n];
            received.write(buf, 0, to.readInput(buf, 0, n));
        }
        return received.toByteArray();
    }

    private static void pump(TlsProtocol from, TlsProtocol to) throws IOException {
        int n = from.getAvailableOutputBytes();
        if (n > 0) {
            byte[] buf = new byte[n];
            from.readOutput(buf, 0, n);
            to.offerInput(buf);
        }
    }
}

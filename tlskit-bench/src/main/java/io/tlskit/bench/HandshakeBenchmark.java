package io.tlskit.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full handshakes per second, in memory: each operation creates a client and a server endpoint and
 * pumps bytes between them until both are established, so client and server CPU are both in the
 * measured time (the figure is "handshakes per second of one core doing both ends").
 *
 * <p>Implementations ({@code impl}):
 * <ul>
 *   <li>{@code tlskit} — {@link io.tlskit.TlsEngine}, default HYBRID crypto backend;</li>
 *   <li>{@code tlskit-bc}, {@code tlskit-jdk} — the same with CryptoBackend.BOUNCY_CASTLE / JDK;</li>
 *   <li>{@code jdk-sslengine} — the JDK's own SSLEngine pair, delegated tasks run inline;</li>
 *   <li>{@code bc-jca}, {@code bc-bc} — plain BouncyCastle TlsClientProtocol/TlsServerProtocol with
 *       minimal DefaultTlsClient/DefaultTlsServer over JcaTlsCrypto / BcTlsCrypto.</li>
 * </ul>
 * tlskit and the JDK verify the server's chain (PKIX to the bench CA) and hostname (localhost) on
 * every handshake, as users get them; <b>raw BC does no certificate verification at all</b>, so
 * {@code bc-*} is the floor of what BouncyCastle costs, not a like-for-like peer.
 *
 * <p>Workloads ({@code scenario}): {@code tls13-ecdsa} (TLS 1.3, TLS_AES_128_GCM_SHA256, EC P-256
 * server certificate) and {@code tls12-ecdsa} (TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256). The
 * key-exchange group is each implementation's default; all of them pick x25519 first (the setup
 * check prints the group read off the wire). The PSK workload is a separate method, {@link #psk},
 * because the JDK SSLEngine has no PSK suites.
 *
 * <p>Every state's setup runs three handshakes plus data both ways and throws if anything is off
 * (version, suite, full vs resumed, verification, data), so a broken pair cannot report a figure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {

    @State(Scope.Thread)
    public static class CertificateState {
        @Param({PairFactory.TLSKIT, PairFactory.TLSKIT_BC, PairFactory.TLSKIT_JDK, PairFactory.JDK,
            PairFactory.BC_JCA, PairFactory.BC_BC})
        public String impl;

        @Param({"tls13-ecdsa", "tls12-ecdsa"})
        public String scenario;

        PairFactory factory;
        final byte[] wire = new byte[64 * 1024];

        @Setup(Level.Trial)
        public void setup() throws Exception {
            factory = PairFactory.create(impl, Scenario.of(scenario), PairFactory.Resumption.NONE);
            factory.check(3, false);
        }
    }

    /** TLS 1.2 TLS_PSK_WITH_AES_128_CCM_8: tlskit (HYBRID and BC backends) and raw BC over BcTlsCrypto (no JDK SSLEngine PSK, no AES-CCM in the JDK's providers). */
    @State(Scope.Thread)
    public static class PskState {
        @Param({PairFactory.TLSKIT, PairFactory.TLSKIT_BC, PairFactory.BC_BC})
        public String pskImpl;

        PairFactory factory;
        final byte[] wire = new byte[64 * 1024];

        @Setup(Level.Trial)
        public void setup() throws Exception {
            factory = PairFactory.create(pskImpl, Scenario.TLS12_PSK_CCM8, PairFactory.Resumption.NONE);
            factory.check(3, false);
        }
    }

    /** One full certificate handshake (ECDHE-ECDSA), both ends. */
    @Benchmark
    public Pair certificate(CertificateState state) throws Exception {
        Pair pair = state.factory.newPair();
        pair.handshake(state.wire);
        return pair;
    }

    /** One full TLS 1.2 PSK handshake (TLS_PSK_WITH_AES_128_CCM_8), both ends. */
    @Benchmark
    public Pair psk(PskState state) throws Exception {
        Pair pair = state.factory.newPair();
        pair.handshake(state.wire);
        return pair;
    }
}

package io.tlskit.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Record throughput on an established in-memory pair: each invocation encrypts one 16 KiB
 * application record on the client and decrypts it on the server (both in the measured time).
 * {@code @OperationsPerInvocation(16384)} makes one JMH "op" one byte, so <b>the score is
 * plaintext bytes per second</b> (divide by 1e6 for MB/s).
 *
 * <p>AES-128-GCM in both versions: {@code tls12-ecdsa} (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
 * and {@code tls13-ecdsa} (TLS_AES_128_GCM_SHA256). Implementations: {@code tlskit} (HYBRID:
 * AES-GCM on the JDK's intrinsics), {@code tlskit-bc} (pure-Java BouncyCastle AES),
 * {@code jdk-sslengine} (wrap straight into the wire array, unwrap straight into the sink).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ThroughputBenchmark {
    static final int RECORD = 16 * 1024;

    @Param({PairFactory.TLSKIT, PairFactory.TLSKIT_BC, PairFactory.JDK})
    public String impl;

    @Param({"tls12-ecdsa", "tls13-ecdsa"})
    public String scenario;

    Pair pair;
    final byte[] data = new byte[RECORD];
    final byte[] wire = new byte[64 * 1024];
    final byte[] sink = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void setup() throws Exception {
        PairFactory factory = PairFactory.create(impl, Scenario.of(scenario), PairFactory.Resumption.NONE);
        factory.check(1, false);
        pair = factory.newPair();
        pair.handshake(wire);
        new Random(7).nextBytes(data);
        Pair.assertTransfer(pair.client, pair.server, data, wire, impl + "/" + scenario + " 16 KiB");
        int records = 0;
        int w = pair.client.seal(data, 0, RECORD, wire, 0);
        for (int i = 0; i < w; i += 5 + (((wire[i + 3] & 0xFF) << 8) | (wire[i + 4] & 0xFF))) {
            records++;
        }
        pair.server.receive(wire, 0, w, sink, 0);
        System.err.printf("check ok: impl=%s scenario=%s: 16 KiB -> %d record(s), %d wire bytes%n", impl, scenario, records, w);
    }

    /** Client encrypts 16 KiB, server decrypts it. */
    @Benchmark
    @OperationsPerInvocation(RECORD)
    public int clientToServer() throws Exception {
        int n = Pair.transfer(pair.client, pair.server, data, RECORD, wire, sink);
        if (n != RECORD) {
            throw new IllegalStateException("received " + n + " of " + RECORD + " bytes");
        }
        return n;
    }
}

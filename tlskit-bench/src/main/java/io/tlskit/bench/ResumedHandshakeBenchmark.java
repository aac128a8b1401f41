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
 * TLS 1.2 abbreviated handshakes per second (ECDHE-ECDSA-AES128-GCM-SHA256 sessions), in memory,
 * both ends in the measured operation. Setup runs one full handshake to create the session, then
 * checks that three handshakes in a row are resumed and carry data.
 *
 * <p>{@code variant}:
 * <ul>
 *   <li>{@code tlskit-session-id} — TlsEngine, tickets off on both sides: server session cache;</li>
 *   <li>{@code tlskit-ticket} — TlsEngine defaults: RFC 5077 tickets;</li>
 *   <li>{@code jdk-sslengine} — the JDK SSLEngine, client engines created with the same host and
 *       port so the JDK's client session cache offers the session (the JDK decides ticket or ID);</li>
 *   <li>{@code bc-jca-session-id}, {@code bc-bc-session-id} — raw BouncyCastle with a bare
 *       session-ID map on the server (no verification on the full handshake; none needed here).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ResumedHandshakeBenchmark {

    @Param({"tlskit-session-id", "tlskit-ticket", "jdk-sslengine", "bc-jca-session-id", "bc-bc-session-id"})
    public String variant;

    PairFactory factory;
    final byte[] wire = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Scenario s = Scenario.TLS12_ECDSA;
        switch (variant) {
            case "tlskit-session-id":
                factory = PairFactory.create(PairFactory.TLSKIT, s, PairFactory.Resumption.SESSION_ID);
                break;
            case "tlskit-ticket":
                factory = PairFactory.create(PairFactory.TLSKIT, s, PairFactory.Resumption.TICKET);
                break;
            case "jdk-sslengine":
                factory = PairFactory.create(PairFactory.JDK, s, PairFactory.Resumption.JDK_CACHE);
                break;
            case "bc-jca-session-id":
                factory = PairFactory.create(PairFactory.BC_JCA, s, PairFactory.Resumption.SESSION_ID);
                break;
            case "bc-bc-session-id":
                factory = PairFactory.create(PairFactory.BC_BC, s, PairFactory.Resumption.SESSION_ID);
                break;
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
        factory.check(1, false); // the full handshake that creates the session
        factory.check(3, true);
    }

    @Benchmark
    public Pair resumed() throws Exception {
        Pair pair = factory.newPair();
        pair.handshake(wire);
        return pair;
    }
}

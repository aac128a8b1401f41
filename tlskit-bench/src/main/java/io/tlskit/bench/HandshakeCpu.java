package io.tlskit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * CPU time per in-memory full handshake (client and server in this thread), from the thread's own
 * CPU clock: on a shared machine JMH's operations per second mostly measure how much of a core the
 * process got, while the CPU time one handshake takes stays comparable. Prints each round and the
 * median, for A/B runs of two builds side by side.
 *
 * <p>Usage: {@code java -cp tlskit-benchmarks.jar io.tlskit.bench.HandshakeCpu IMPL SCENARIO [WARMUP N ROUNDS]},
 * e.g. {@code tlskit tls13-ecdsa 3000 1000 5}.
 */
public final class HandshakeCpu {
    private HandshakeCpu() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args[0];
        String scenario = args[1];
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        PairFactory factory = PairFactory.create(impl, Scenario.of(scenario), PairFactory.Resumption.NONE);
        byte[] wire = new byte[64 * 1024];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            factory.newPair().handshake(wire);
        }
        double[] micros = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                factory.newPair().handshake(wire);
            }
            micros[r] = (cpu.getCurrentThreadCpuTime() - start) / 1000.0 / perRound;
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        StringBuilder each = new StringBuilder();
        for (double m : micros) {
            each.append(String.format(Locale.ROOT, " %.0f", m));
        }
        System.out.printf(Locale.ROOT, "%s %s: CPU us per handshake, rounds:%s; median %.0f%n", impl, scenario, each,
            sorted[rounds / 2]);
    }
}

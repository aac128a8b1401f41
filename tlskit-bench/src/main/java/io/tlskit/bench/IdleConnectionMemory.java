package io.tlskit.bench;

import io.tlskit.MaxFragmentLength;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Retained heap per established, idle connection endpoint (not JMH). For each variant: builds the
 * configs/contexts, establishes N in-memory client/server pairs, sends 100 bytes each way on each,
 * keeps both engines of every pair, and compares used heap after repeated System.gc():
 * <ul>
 *   <li>{@code bytes/endpoint} = (heap with the engines − heap after dropping them) / 2N: what each
 *       engine holds itself;</li>
 *   <li>{@code incl-caches} = (heap with the engines − heap before the first connection) / 2N: adds
 *       what the connections left in shared places (server session cache, JDK client session
 *       cache), which stays after the engines go.</li>
 * </ul>
 * Only the engines are kept (TlsEngine / SSLEngine), not the benchmark's adapters. For the JDK the
 * figure excludes the net/app ByteBuffers an SSLEngine user must own per connection (about 16.7 KiB
 * each when sized from the session, as the javadoc suggests); tlskit's figure includes its buffers.
 *
 * <p>Usage: {@code java -cp tlskit-benchmarks.jar io.tlskit.bench.IdleConnectionMemory [N] [variant...]};
 * variants: tlskit-tls13, tlskit-tls13-mfl512, tlskit-tls12, tlskit-tls12-mfl512, jdk-sslengine-tls13,
 * jdk-sslengine-tls12, and with the suffix {@code -16k} (e.g. tlskit-tls13-mfl512-16k) each pair also moves
 * 16 KiB each way before going idle, written one record's worth at a time (tlskit: at most
 * maxPlaintextPerRecord per write, as TlsEngine's javadoc asks), which is where buffer growth and max
 * fragment length show (default: all of these). Run with a fixed heap, e.g. -Xms2g -Xmx2g.
 */
public final class IdleConnectionMemory {
    private static final String[] ALL = {"tlskit-tls13", "tlskit-tls13-mfl512", "tlskit-tls12", "tlskit-tls12-mfl512",
        "jdk-sslengine-tls13", "jdk-sslengine-tls12",
        "tlskit-tls13-16k", "tlskit-tls13-mfl512-16k", "jdk-sslengine-tls13-16k"};

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<String> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            variants.add(args[i]);
        }
        if (variants.isEmpty()) {
            variants.addAll(List.of(ALL));
        }
        System.out.printf("# idle-memory: N=%d pairs per variant, 100 B each way, JVM %s, max heap %d MiB%n", n,
            System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        for (String v : variants) {
            measure(v, n);
        }
    }

    static void measure(String variant, int n) throws Exception {
        boolean bulk = variant.endsWith("-16k");
        String base16 = bulk ? variant.substring(0, variant.length() - 4) : variant;
        String impl;
        if (variant.startsWith("tlskit-")) {
            impl = PairFactory.TLSKIT;
        } else if (variant.startsWith("jdk-sslengine-")) {
            impl = PairFactory.JDK;
        } else {
            throw new IllegalArgumentException("unknown variant " + variant);
        }
        Scenario scenario = variant.contains("tls12") ? Scenario.TLS12_ECDSA : Scenario.TLS13_ECDSA;
        MaxFragmentLength mfl = base16.endsWith("-mfl512") ? MaxFragmentLength.BYTES_512 : null;
        if (mfl != null && !impl.equals(PairFactory.TLSKIT)) {
            throw new IllegalArgumentException("max fragment length only for tlskit: " + variant);
        }
        PairFactory factory = PairFactory.create(impl, scenario, PairFactory.Resumption.NONE, mfl);
        factory.check(2, false);

        byte[] wire = new byte[64 * 1024];
        byte[] sink = new byte[64 * 1024];
        byte[] hundred = new byte[100];
        new Random(3).nextBytes(hundred);
        byte[] block = new byte[16 * 1024];
        new Random(4).nextBytes(block);
        Object[] engines = new Object[2 * n];

        long base = usedAfterGc();
        for (int i = 0; i < n; i++) {
            Pair p = factory.newPair();
            p.handshake(wire);
            if (Pair.transfer(p.client, p.server, hundred, hundred.length, wire, sink) != hundred.length
                || Pair.transfer(p.server, p.client, hundred, hundred.length, wire, sink) != hundred.length) {
                throw new IllegalStateException(variant + ": 100 B exchange failed on pair " + i);
            }
            if (bulk && (Pair.transfer(p.client, p.server, block, block.length, wire, sink) != block.length
                || Pair.transfer(p.server, p.client, block, block.length, wire, sink) != block.length)) {
                throw new IllegalStateException(variant + ": 16 KiB exchange failed on pair " + i);
            }
            if (p.client.hasBufferedInput() || p.server.hasBufferedInput()) {
                throw new IllegalStateException(variant + ": input left unprocessed on pair " + i);
            }
            p.client.goIdle(); // as TlsConnection and TlsHandler do after a quiet second
            p.server.goIdle();
            engines[2 * i] = engineOf(p.client);
            engines[2 * i + 1] = engineOf(p.server);
        }
        long with = usedAfterGc();
        int kept = 0;
        for (Object e : engines) {
            kept += e != null ? 1 : 0;
        }
        java.util.Arrays.fill(engines, null);
        long after = usedAfterGc();
        long perEndpoint = (with - after) / (2L * n);
        long inclCaches = (with - base) / (2L * n);
        System.out.printf("idle-memory impl=%s scenario=%s mfl=%s exchanged=%s endpoints=%d bytes/endpoint=%d incl-caches=%d%n",
            impl + (mfl != null ? "-mfl512" : ""), scenario.id, mfl != null ? "512" : "none",
            bulk ? "100B+16KiB" : "100B", kept, perEndpoint, inclCaches);
    }

    private static Object engineOf(Endpoint e) {
        if (e instanceof TlskitEndpoint) {
            return ((TlskitEndpoint) e).engine;
        }
        if (e instanceof JdkEndpoint) {
            return ((JdkEndpoint) e).engine;
        }
        if (e instanceof BcEndpoint) {
            return ((BcEndpoint) e).protocol;
        }
        throw new IllegalArgumentException(e.getClass().getName());
    }

    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 6; i++) {
            System.gc();
            Thread.sleep(60);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

package io.tlskit.bench.mqtt;

import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.PemWriter;
import io.tlskit.pki.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

/**
 * The MQTT-over-TLS client benchmark driven by {@code scripts/bench-mqtt}: tlskit's {@link MqttClient}
 * against Eclipse Paho 1.2.5 ({@code MqttAsyncClient} on the JDK's TLS), both talking MQTT 3.1.1 to
 * the same local Mosquitto. The script starts the broker; this class only connects to 127.0.0.1.
 *
 * <pre>
 * MqttBench pki DIR
 *     writes DIR/ca.pem, DIR/server.pem, DIR/server.key: EC P-256 CA and server certificate
 *     (localhost, 127.0.0.1), made with tlskit's CertificateIssuer.
 * MqttBench throughput --client tlskit|tlskit-file|paho|paho-file --port P --ca ca.pem [--broker-pid PID]
 *         [--qos 0,1] [--count 20000] [--size 100] [--warmup 20000] [--rounds 3] [--inflight 1000]
 *         [--store-dir DIR]
 *     one connection, one topic; messages per second = count / (time of the first publish call
 *     until every message is finished). Finished: QoS 0 written and flushed to the socket (tlskit:
 *     the publish future; Paho: the token, completed by its sender thread after out.flush());
 *     QoS 1: PUBACK received. Warm-up round(s) first, then the median of the measured rounds.
 * MqttBench connect --client tlskit|paho --port P --ca ca.pem [--n 500] [--threads 1] [--resume]
 *         [--tls 1.2|1.3] [--warmup 20] [--hold SECONDS]
 *     opens N clients one after the other (or on a small pool), each connect timed from the connect
 *     call to CONNACK; full TLS handshakes unless --resume (tlskit: TlsConfig.resumption(false)
 *     vs one shared config; Paho: a fresh SSLContext per client vs one shared SSLContext, whose JDK
 *     session cache resumes). Then, all N idle and connected: heap after System.gc() (MemoryMXBean)
 *     and VmRSS compared with before the first client, divided by N, and threads per client (Java
 *     threads and the kernel's count of the process's threads). RSS is only what the clients keep
 *     (stacks, native buffers, their heap) with -XX:+AlwaysPreTouch, which scripts/bench-mqtt passes
 *     to these runs: otherwise heap pages first touched by connect-time garbage count too. --tls pins the client to one
 *     version (default: both offered); --hold keeps the idle clients for a heap histogram.
 * </pre>
 * Results are printed as lines {@code RESULT <metric> <client> <value> <unit> <details>}.
 */
public final class MqttBench {
    private static final String HOST = "localhost";
    private static final long TIMEOUT_SECONDS = 120;

    private MqttBench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            usage();
            return;
        }
        Map<String, String> a = parse(Arrays.copyOfRange(argv, 1, argv.length));
        switch (argv[0]) {
            case "pki" -> pki(Path.of(argv[1]));
            case "throughput" -> throughput(a);
            case "connect" -> connect(a);
            default -> usage();
        }
        System.out.flush();
        System.exit(0); // idle clients of the connect test are not closed one by one
    }

    private static void usage() {
        System.err.println("usage: MqttBench pki DIR | throughput --client C --port P --ca CA [...] | connect --client C --port P --ca CA [...]"
                + " (see the class javadoc)");
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                m.put("_" + i, k);
                continue;
            }
            k = k.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(k, args[++i]);
            } else {
                m.put(k, "true");
            }
        }
        return m;
    }

    private static int intArg(Map<String, String> a, String k, int def) {
        return a.containsKey(k) ? Integer.parseInt(a.get(k)) : def;
    }

    static void result(String metric, String client, double value, String unit, String details) {
        System.out.printf(Locale.ROOT, "RESULT %s %s %.3f %s %s%n", metric, client, value, unit, details);
        System.out.flush();
    }

    // ------------------------------------------------------------------ pki

    static void pki(Path dir) throws IOException {
        Files.createDirectories(dir);
        CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), new SecureRandom());
        IssuedCertificate ca = issuer.selfSignedCa(CertificateSpec.builder().subject("tlskit mqtt bench CA")
                .keyType(CertificateIssuer.KeyType.EC_P256).ca(true).validityDays(7).build());
        IssuedCertificate server = issuer.issue(ca, CertificateSpec.builder().subject(HOST).sans("DNS:localhost", "IP:127.0.0.1")
                .keyType(CertificateIssuer.KeyType.EC_P256).usage(CertificateSpec.Usage.SERVER).validityDays(7).build());
        PemWriter.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
        PemWriter.writeCertificate(dir.resolve("server.pem"), server.certificate());
        PemWriter.writePrivateKey(dir.resolve("server.key"), server.privateKey(), null);
        System.out.println("pki: " + dir.resolve("ca.pem") + " " + dir.resolve("server.pem") + " " + dir.resolve("server.key"));
    }

    // ------------------------------------------------------------------ clients

    /** One connected publisher, whichever library. */
    interface Publisher extends AutoCloseable {
        /** Publishes count messages and returns once all are finished (see the class javadoc). */
        void burst(String topic, byte[] payload, int qos, int count) throws Exception;

        String tlsSummary();

        @Override
        void close() throws Exception;
    }

    static TlsConfig tlskitTls(Path ca, boolean resumption) {
        return tlskitTls(ca, resumption, null);
    }

    /** {@code version}: null for the defaults (TLS 1.3 and 1.2), else "1.2" or "1.3" only. */
    static TlsConfig tlskitTls(Path ca, boolean resumption, String version) {
        TlsConfig.Builder b = TlsConfig.client().trustAnchors(TrustAnchors.fromFile(ca)).resumption(resumption);
        if (version != null) {
            b.versions(TlsVersion.parse(version));
        }
        return b.build();
    }

    static MqttClient.Builder tlskitBuilder(int port, TlsConfig tls, String clientId, int inflight) {
        return MqttClient.builder().broker("mqtts://" + HOST + ":" + port).tls(tls)
                .options(MqttConnectOptions.builder().version(MqttVersion.V3_1_1).clientId(clientId)
                        .keepAliveSeconds(60).maxInflight(inflight).build())
                .reconnect(ReconnectPolicy.never())
                .connectTimeout(Duration.ofSeconds(20));
    }

    static final class TlskitPublisher implements Publisher {
        final MqttClient client;
        final String tls;

        TlskitPublisher(int port, Path ca, String clientId, int inflight, Path storeDir) throws Exception {
            MqttClient.Builder b = tlskitBuilder(port, tlskitTls(ca, false), clientId, inflight);
            if (storeDir != null) {
                b.store(FileSessionStore.open(storeDir));
            }
            client = b.build();
            MqttClient.ConnectResult r = client.connect(Duration.ofSeconds(20));
            tls = r.tls().map(h -> h.version().displayName() + "/" + h.cipherSuite()).orElse("plain");
        }

        @Override
        public void burst(String topic, byte[] payload, int qos, int count) throws Exception {
            @SuppressWarnings("unchecked")
            CompletableFuture<PublishResult>[] f = new CompletableFuture[count];
            for (int i = 0; i < count; i++) {
                f[i] = client.publish(topic, payload, qos, false);
            }
            CompletableFuture.allOf(f).get(TIMEOUT_SECONDS, TimeUnit.SECONDS); // throws if any failed
        }

        @Override
        public String tlsSummary() {
            return tls;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** The JDK TLS context a Paho user builds from the CA PEM. */
    static TrustManager[] trustManagers(Path ca) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    static SSLContext sslContext(TrustManager[] tms) throws Exception {
        return sslContext(tms, null);
    }

    static SSLContext sslContext(TrustManager[] tms, String version) throws Exception {
        SSLContext ctx = SSLContext.getInstance(version == null ? "TLS" : "TLSv" + version);
        ctx.init(null, tms, null);
        return ctx;
    }

    /** Delegates to a real factory and remembers the last socket, to read the negotiated version and suite. */
    static final class RecordingFactory extends SSLSocketFactory {
        final SSLSocketFactory d;
        volatile SSLSocket last;

        RecordingFactory(SSLSocketFactory d) {
            this.d = d;
        }

        private Socket keep(Socket s) {
            if (s instanceof SSLSocket ssl) {
                last = ssl;
            }
            return s;
        }

        String summary() {
            SSLSocket s = last;
            if (s == null) {
                return "?";
            }
            SSLSession session = s.getSession();
            return session.getProtocol() + "/" + session.getCipherSuite();
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return keep(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return keep(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return keep(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return keep(d.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return keep(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return keep(d.createSocket(address, port, localAddress, localPort));
        }
    }

    static org.eclipse.paho.client.mqttv3.MqttConnectOptions pahoOptions(SSLSocketFactory f, int inflight) {
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setSocketFactory(f);
        o.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setKeepAliveInterval(60);
        o.setMaxInflight(inflight);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(20);
        return o;
    }

    static final class PahoPublisher implements Publisher {
        final MqttAsyncClient client;
        final RecordingFactory factory;
        final int window;
        final AtomicInteger maxInflightRetries = new AtomicInteger();

        PahoPublisher(int port, Path ca, String clientId, int inflight, Path storeDir) throws Exception {
            factory = new RecordingFactory(sslContext(trustManagers(ca)).getSocketFactory());
            MqttClientPersistence persistence = storeDir != null ? new MqttDefaultFilePersistence(storeDir.toString()) : new MemoryPersistence();
            client = new MqttAsyncClient("ssl://" + HOST + ":" + port, clientId, persistence);
            client.connect(pahoOptions(factory, inflight)).waitForCompletion(20_000);
            window = inflight;
        }

        /**
         * A sliding window of {@code maxInflight} publishes: a permit per message, given back by the
         * action listener (QoS 0: written; QoS 1: PUBACK). Paho throws MAX_INFLIGHT (32202) if its own
         * count is still full when a permit came back early; then the publish is retried.
         */
        @Override
        public void burst(String topic, byte[] payload, int qos, int count) throws Exception {
            Semaphore permits = new Semaphore(window);
            CountDownLatch done = new CountDownLatch(count);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            IMqttActionListener listener = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    permits.release();
                    done.countDown();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failure.compareAndSet(null, e);
                    permits.release();
                    done.countDown();
                }
            };
            for (int i = 0; i < count; i++) {
                if (!permits.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no PUBACK for " + TIMEOUT_SECONDS + " s");
                }
                MqttMessage m = new MqttMessage(payload);
                m.setQos(qos);
                while (true) {
                    try {
                        client.publish(topic, m, null, listener);
                        break;
                    } catch (MqttException e) {
                        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                            throw e;
                        }
                        maxInflightRetries.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }
            if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not all messages finished within " + TIMEOUT_SECONDS + " s");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed", failure.get());
            }
        }

        @Override
        public String tlsSummary() {
            return factory.summary();
        }

        @Override
        public void close() throws Exception {
            try {
                client.disconnect(2_000).waitForCompletion(3_000);
            } catch (MqttException ignored) {
                // closing anyway
            }
            client.close();
        }
    }

    // ------------------------------------------------------------------ throughput

    static void throughput(Map<String, String> a) throws Exception {
        String clientKind = a.getOrDefault("client", "tlskit");
        int port = Integer.parseInt(a.get("port"));
        Path ca = Path.of(a.get("ca"));
        int count = intArg(a, "count", 20_000);
        int size = intArg(a, "size", 100);
        int warmup = intArg(a, "warmup", 20_000);
        int rounds = intArg(a, "rounds", 3);
        int inflight = intArg(a, "inflight", 1000);
        String label = a.getOrDefault("label", clientKind);
        long brokerPid = Long.parseLong(a.getOrDefault("broker-pid", "0"));
        List<Integer> qosList = new ArrayList<>();
        for (String q : a.getOrDefault("qos", "0,1").split(",")) {
            qosList.add(Integer.parseInt(q.trim()));
        }
        Path storeDir = null;
        if (clientKind.endsWith("-file")) {
            Path base = Path.of(a.getOrDefault("store-dir", "build/bench/mqtt-store"));
            Files.createDirectories(base);
            storeDir = Files.createTempDirectory(base.toAbsolutePath(), clientKind + "-");
        }
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        String clientId = "bench-" + label + "-" + ProcessHandle.current().pid();
        String topic = "bench/" + label;
        try (Publisher p = clientKind.startsWith("tlskit") ? new TlskitPublisher(port, ca, clientId, inflight, storeDir)
                : new PahoPublisher(port, ca, clientId, inflight, storeDir)) {
            System.err.println("throughput " + label + ": connected, " + p.tlsSummary());
            for (int qos : qosList) {
                if (warmup > 0) {
                    long t0 = System.nanoTime();
                    p.burst(topic, payload, qos, warmup);
                    System.err.printf(Locale.ROOT, "throughput %s qos%d warm-up: %d msgs in %.0f ms%n", label, qos, warmup,
                            (System.nanoTime() - t0) / 1e6);
                }
                double[] rates = new double[rounds];
                double[] cpus = new double[rounds];
                double[] brokerCpus = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long c0 = processCpuNanos();
                    long b0 = BrokerCpu.nanos(brokerPid);
                    long t0 = System.nanoTime();
                    p.burst(topic, payload, qos, count);
                    long ns = System.nanoTime() - t0;
                    cpus[r] = (processCpuNanos() - c0) / 1e3 / count;
                    brokerCpus[r] = (BrokerCpu.nanos(brokerPid) - b0) / 1e3 / count;
                    rates[r] = count / (ns / 1e9);
                    System.err.printf(Locale.ROOT, "throughput %s qos%d round %d: %d msgs in %.0f ms = %.0f msg/s, client CPU %.1f us/msg%s%n",
                            label, qos, r + 1, count, ns / 1e6, rates[r], cpus[r],
                            brokerPid > 0 ? String.format(Locale.ROOT, ", broker CPU %.1f us/msg", brokerCpus[r]) : "");
                }
                double[] sorted = rates.clone();
                Arrays.sort(sorted);
                StringBuilder all = new StringBuilder();
                for (double r : rates) {
                    all.append(all.length() == 0 ? "" : ",").append(Math.round(r));
                }
                double[] cpuSorted = cpus.clone();
                Arrays.sort(cpuSorted);
                double[] brokerSorted = brokerCpus.clone();
                Arrays.sort(brokerSorted);
                String extra = String.format(Locale.ROOT, " client_cpu_us_per_msg=%.1f", cpuSorted[rounds / 2])
                        + (brokerPid > 0 ? String.format(Locale.ROOT, " broker_cpu_us_per_msg=%.1f", brokerSorted[rounds / 2]) : "")
                        + (p instanceof PahoPublisher pp ? " max_inflight_retries=" + pp.maxInflightRetries.get() : "");
                result("qos" + qos, label, sorted[rounds / 2], "msg/s", "median of " + rounds + " rounds [" + all + "] count=" + count
                        + " size=" + size + " inflight=" + inflight + " tls=" + p.tlsSummary() + extra);
            }
        }
    }

    /** CPU time of this whole JVM (all threads, GC included), or 0 where the platform does not tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    // ------------------------------------------------------------------ connect time and idle memory

    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long rssBytes() {
        long kb = procStatus("VmRSS:");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** All threads of the process as the kernel counts them (JVM-internal ones included), or -1. */
    static long osThreads() {
        return procStatus("Threads:");
    }

    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    /** Without it, RSS growth includes heap pages touched for the first time while connecting (garbage), not only what the clients keep. */
    static boolean heapPreTouched() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
    }

    interface Connector {
        /** Opens one connected client (timed by the caller); returns what to keep alive and a TLS summary. */
        Object[] open(int i) throws Exception;
    }

    static void connect(Map<String, String> a) throws Exception {
        String clientKind = a.getOrDefault("client", "tlskit");
        int port = Integer.parseInt(a.get("port"));
        Path ca = Path.of(a.get("ca"));
        int n = intArg(a, "n", 500);
        int threads = intArg(a, "threads", 1);
        int warm = intArg(a, "warmup", 20);
        boolean resume = a.containsKey("resume");
        String version = a.get("tls"); // null: both TLS 1.3 and 1.2 offered
        int hold = intArg(a, "hold", 0);
        String label = a.getOrDefault("label", clientKind + (resume ? "-resumed" : "-full"));
        String pid = String.valueOf(ProcessHandle.current().pid());

        Connector connector;
        if (clientKind.equals("tlskit")) {
            TlsConfig shared = tlskitTls(ca, true, version);
            TlsConfig noResume = tlskitTls(ca, false, version);
            connector = i -> {
                MqttClient c = tlskitBuilder(port, resume ? shared : noResume, "idle-" + pid + "-" + i, 1000).build();
                long t0 = System.nanoTime();
                MqttClient.ConnectResult r = c.connect(Duration.ofSeconds(20));
                String tls = r.tls().map(h -> h.version().displayName() + "/" + h.cipherSuite() + (h.resumed() ? "/resumed" : "/full"))
                        .orElse("plain");
                return new Object[] {c, tls, t0};
            };
        } else {
            TrustManager[] tms = trustManagers(ca);
            SSLContext sharedCtx = sslContext(tms, version);
            connector = i -> {
                // full handshakes: a fresh SSLContext (so an empty JDK session cache) per client, made before timing starts
                RecordingFactory f = new RecordingFactory(resume ? sharedCtx.getSocketFactory() : sslContext(tms, version).getSocketFactory());
                MqttAsyncClient c = new MqttAsyncClient("ssl://" + HOST + ":" + port, "idle-" + pid + "-" + i, new MemoryPersistence());
                org.eclipse.paho.client.mqttv3.MqttConnectOptions o = pahoOptions(f, 1000);
                long t0 = System.nanoTime();
                c.connect(o).waitForCompletion(20_000);
                return new Object[] {c, f.summary(), t0};
            };
        }

        // warm-up: the same path, closed again, so class loading and JIT are not in the figures
        for (int i = 0; i < warm; i++) {
            Object[] o = connector.open(-1 - i);
            closeQuietly(o[0]);
        }
        Thread.sleep(500);
        long heapBefore = heapAfterGc();
        long rssBefore = rssBytes();
        int threadsBefore = Thread.activeCount();
        long osThreadsBefore = osThreads();

        List<Object> keep = Collections.synchronizedList(new ArrayList<>());
        List<Long> nanos = new CopyOnWriteArrayList<>();
        List<String> tlsSeen = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Object[] o = connector.open(i);
                long t1 = System.nanoTime();
                nanos.add(t1 - (o.length > 2 ? (Long) o[2] : t0));
                keep.add(o[0]);
                tlsSeen.add((String) o[1]);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                fs.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Object[] o = connector.open(idx);
                    long t1 = System.nanoTime();
                    nanos.add(t1 - (o.length > 2 ? (Long) o[2] : t0));
                    keep.add(o[0]);
                    tlsSeen.add((String) o[1]);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        long wall = System.nanoTime() - start;
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long sum = Arrays.stream(sorted).sum();
        Map<String, Integer> tlsCounts = new HashMap<>();
        for (String s : tlsSeen) {
            tlsCounts.merge(s, 1, Integer::sum);
        }
        String details = "n=" + n + " threads=" + threads + " wall_ms=" + String.format(Locale.ROOT, "%.0f", wall / 1e6)
                + " sum_connect_ms=" + String.format(Locale.ROOT, "%.0f", sum / 1e6)
                + " p50_ms=" + String.format(Locale.ROOT, "%.2f", sorted[sorted.length / 2] / 1e6)
                + " p99_ms=" + String.format(Locale.ROOT, "%.2f", sorted[(int) (sorted.length * 0.99)] / 1e6)
                + " tls=" + tlsCounts.toString().replace(" ", "");
        result("connect_total_ms", label, wall / 1e6, "ms", details);
        result("connect_per_client_ms", label, sum / 1e6 / n, "ms", details);

        Thread.sleep(1000); // let the brokers' answers and any tickets settle
        long heapAfter = heapAfterGc();
        long rssAfter = rssBytes();
        int threadsAfter = Thread.activeCount();
        long osThreadsAfter = osThreads();
        String memDetails = "n=" + n + " heap_before=" + heapBefore + " heap_after=" + heapAfter + " rss_before=" + rssBefore
                + " rss_after=" + rssAfter + " heap_pretouched=" + heapPreTouched()
                + " threads_per_client=" + String.format(Locale.ROOT, "%.1f", (threadsAfter - threadsBefore) / (double) n)
                + " os_threads_before=" + osThreadsBefore + " os_threads_after=" + osThreadsAfter
                + " os_threads_per_client=" + String.format(Locale.ROOT, "%.2f", (osThreadsAfter - osThreadsBefore) / (double) n)
                + " still_connected=" + stillConnected(keep);
        result("heap_per_conn_bytes", label, (heapAfter - heapBefore) / (double) n, "B", memDetails);
        result("rss_per_conn_bytes", label, (rssAfter - rssBefore) / (double) n, "B", memDetails);
        result("threads_per_conn", label, (threadsAfter - threadsBefore) / (double) n, "threads", memDetails);
        if (keep.size() != n) {
            throw new IllegalStateException("only " + keep.size() + " of " + n + " clients connected");
        }
        if (hold > 0) {
            System.err.println("holding " + n + " idle clients for " + hold + " s (pid " + pid + ")");
            Thread.sleep(hold * 1000L);
        }
    }

    private static int stillConnected(List<Object> keep) {
        int c = 0;
        synchronized (keep) {
            for (Object o : keep) {
                if (o instanceof MqttClient m ? m.isConnected() : ((MqttAsyncClient) o).isConnected()) {
                    c++;
                }
            }
        }
        return c;
    }

    private static void closeQuietly(Object o) {
        try {
            if (o instanceof MqttClient m) {
                m.close();
            } else if (o instanceof MqttAsyncClient p) {
                p.disconnect(1_000).waitForCompletion(2_000);
                p.close();
            }
        } catch (Exception e) {
            System.err.println("close: " + e);
        }
    }
}

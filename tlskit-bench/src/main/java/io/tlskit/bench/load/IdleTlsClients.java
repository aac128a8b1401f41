package io.tlskit.bench.load;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of the idle-connection memory measurement of {@code scripts/bench-load}: opens N TLS
 * connections to 127.0.0.1:PORT with the JDK's SSLSocket, completes each handshake (verifying the
 * server against {@code --ca}), then holds them all, sending nothing, for {@code --hold} seconds, and
 * closes them (also on SIGTERM). Prints {@code ready N} once every connection is up (the script samples the server's RSS
 * then), {@code closed} at the end. Binds no port and connects only to the loopback address; bounded
 * in time ({@code --deadline} for opening, {@code --hold} for holding).
 *
 * <pre>
 * java -cp tlskit-benchmarks.jar io.tlskit.bench.load.IdleTlsClients --port P --ca ca.pem \
 *     [--n 2000] [--hold 30] [--tls 1.3] [--threads 4] [--deadline 120]
 * </pre>
 */
public final class IdleTlsClients {
    private IdleTlsClients() {
    }

    public static void main(String[] args) throws Exception {
        var opts = JdkTlsNettyServer.parse(args);
        int port = Integer.parseInt(JdkTlsNettyServer.required(opts, "--port"));
        Path ca = Path.of(JdkTlsNettyServer.required(opts, "--ca"));
        int n = Integer.parseInt(opts.getOrDefault("--n", "2000"));
        int hold = Integer.parseInt(opts.getOrDefault("--hold", "30"));
        int threads = Integer.parseInt(opts.getOrDefault("--threads", "4"));
        int deadline = Integer.parseInt(opts.getOrDefault("--deadline", "120"));
        String tls = "TLSv" + opts.getOrDefault("--tls", "1.3");
        if (n < 1 || n > 20_000 || hold < 0 || hold > 3600) {
            throw new IllegalArgumentException("--n 1..20000, --hold 0..3600");
        }

        SSLContext ctx = context(ca);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<SSLSocket> open = Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadline);
        long start = System.nanoTime();
        // SIGTERM (the script is done sampling) closes every connection properly: close_notify, FIN
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (open) {
                for (SSLSocket s : open) {
                    closeQuietly(s);
                }
            }
        }, "idle-clients-close"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                while (next.getAndIncrement() < n && System.nanoTime() < end) {
                    SSLSocket s = null;
                    try {
                        Socket plain = new Socket();
                        plain.connect(new InetSocketAddress(loopback, port), 10_000);
                        s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
                        SSLParameters p = s.getSSLParameters();
                        p.setProtocols(new String[] {tls});
                        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names IP:127.0.0.1
                        s.setSSLParameters(p);
                        s.setSoTimeout(10_000);
                        s.startHandshake();
                        open.add(s);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                        closeQuietly(s);
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(deadline + 15L, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("ready %d (failed %d, %.1f s, %s)%n", open.size(), failed.get(), secs, tls);
        if (firstFailure.get() != null) {
            System.out.println("first failure: " + firstFailure.get());
        }
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
        synchronized (open) {
            for (SSLSocket s : open) {
                closeQuietly(s);
            }
        }
        System.out.println("closed " + open.size());
        System.out.flush();
        System.exit(0);
    }

    private static SSLContext context(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}

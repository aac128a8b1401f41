package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.PemWriter;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit server} replaces its certificate while it serves: on file changes and on SIGHUP (its reload method). */
class ServerReloadTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final TestPki PKI = TestPki.INSTANCE;

    @TempDir
    Path tmp;
    Path cert;
    Path key;
    IssuedCertificate a;
    IssuedCertificate b;

    @BeforeEach
    void certificates() throws Exception {
        a = PKI.issue(serverSpec("reload-a"));
        b = PKI.issue(serverSpec("reload-b"));
        assertThat(b.certificate().getSerialNumber()).isNotEqualTo(a.certificate().getSerialNumber());
        cert = tmp.resolve("server.pem");
        key = tmp.resolve("server.key");
        PemWriter.writeCertificate(cert, a.certificate());
        PemWriter.writePrivateKey(key, a.privateKey(), null);
    }

    private static CertificateSpec serverSpec(String cn) {
        return CertificateSpec.builder().subject(cn).sans("DNS:localhost", "IP:127.0.0.1").usage(CertificateSpec.Usage.SERVER).build();
    }

    /** What an operator (or certbot) does: write new files next to the old ones, then rename over them. */
    private void replaceAtomically(String keyPem, String certPem) throws Exception {
        Path newKey = tmp.resolve("server.key.new");
        Path newCert = tmp.resolve("server.pem.new");
        Files.writeString(newKey, keyPem);
        Files.writeString(newCert, certPem);
        Files.move(newKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(newCert, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void replaceAtomically(IssuedCertificate with) throws Exception {
        replaceAtomically(PemWriter.privateKey(with.privateKey()), PemWriter.certificate(with.certificate()));
    }

    private CliRun.Server server(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--cert", cert.toString(), "--key", key.toString(), "--port", "0"));
        args.addAll(Arrays.asList(extra));
        return new CliRun.Server(args.toArray(String[]::new));
    }

    /** Full handshakes only (no resumption), so every connection shows the certificate the server sends now. */
    private static final TlsConfig FULL = TlsConfig.client().trustAnchors(PKI.trust()).resumption(false).build();

    private static BigInteger serial(HandshakeInfo info) {
        return info.peerCertificate().orElseThrow().getSerialNumber();
    }

    /** One GET /status.json on a new connection; returns the serial of the certificate it saw. */
    private static BigInteger get(int port) throws Exception {
        try (TlsConnection c = TlsConnection.connect(FULL, "localhost", port)) {
            c.readTimeout(T);
            BigInteger serial = serial(c.handshakeInfo());
            c.write("GET /status.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = readAll(c.getInputStream());
            if (!response.startsWith("HTTP/1.1 200 ") || !response.contains("\"cipherSuite\"")) {
                throw new AssertionError("unexpected response: " + response);
            }
            return serial;
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    /** A request on a connection that stays open (keep-alive); returns the response head and body. */
    private static String request(TlsConnection c) throws Exception {
        c.write("GET /status.json HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = c.getInputStream();
        StringBuilder s = new StringBuilder();
        int length = -1;
        while (true) { // the head, then Content-Length bytes
            int ch = in.read();
            if (ch < 0) {
                throw new AssertionError("closed after: " + s);
            }
            s.append((char) ch);
            if (s.toString().endsWith("\r\n\r\n")) {
                for (String line : s.toString().split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                break;
            }
        }
        byte[] body = in.readNBytes(length);
        return s + new String(body, StandardCharsets.UTF_8);
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void replacingTheFilesUnderLoadFailsNoRequestAndNewConnectionsGetTheNewCertificate() throws Exception {
        try (CliRun.Server s = server("--idle-timeout", "60s")) {
            int port = s.port();
            BigInteger serialA = a.certificate().getSerialNumber();
            BigInteger serialB = b.certificate().getSerialNumber();
            // a keep-alive connection opened before the reload
            TlsConnection before = TlsConnection.connect(FULL, "localhost", port);
            before.readTimeout(T);
            assertThat(serial(before.handshakeInfo())).isEqualTo(serialA);
            assertThat(request(before)).startsWith("HTTP/1.1 200 ").contains("\"requestOnConnection\": 1");

            // 4 threads, each at least 200 sequential connections, and at least 20 more once the reload was seen
            // (bounded: at most 2000 each)
            AtomicLong reloadSeenAt = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger done = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<long[]> afterReload = new ConcurrentLinkedQueue<>(); // {started, 1 if serial B}
            List<BigInteger> serialsSeen = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    int mine = 0;
                    int sinceReload = 0;
                    while (mine < 2000 && (mine < 200 || sinceReload < 20)) {
                        long started = System.nanoTime();
                        boolean reloaded = started > reloadSeenAt.get();
                        try {
                            BigInteger serial = get(port);
                            serialsSeen.add(serial);
                            if (reloaded) {
                                afterReload.add(new long[] {started, serial.equals(serialB) ? 1 : 0});
                                sinceReload++;
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        mine++;
                        done.incrementAndGet();
                    }
                }, "load-" + t);
                thread.start();
                threads.add(thread);
            }
            while (done.get() < 100) {
                Thread.sleep(10);
            }
            replaceAtomically(b);
            s.awaitErr("reloaded certificate CN=reload-b", T);
            reloadSeenAt.set(System.nanoTime());
            for (Thread thread : threads) {
                thread.join(120_000);
                assertThat(thread.isAlive()).isFalse();
            }

            assertThat(failures).as("failed requests (%d of %d)", failures.size(), done.get()).isEmpty();
            assertThat(done.get()).isGreaterThanOrEqualTo(800);
            assertThat(serialsSeen).contains(serialA, serialB).allMatch(x -> x.equals(serialA) || x.equals(serialB));
            assertThat(afterReload).hasSizeGreaterThanOrEqualTo(80).allMatch(r -> r[1] == 1);

            // the connection from before the reload still works, with the certificate it started with
            assertThat(request(before)).startsWith("HTTP/1.1 200 ").contains("\"requestOnConnection\": 2");
            assertThat(serial(before.handshakeInfo())).isEqualTo(serialA);
            before.close();

            assertThat(s.err()).doesNotContain("reload failed");
            assertThat(count(s.err(), "reloaded certificate")).isEqualTo(1);
            assertThat(s.err()).contains("reloaded certificate CN=reload-b, valid until ");
            assertThat(s.server.handshakeFailures()).as(s.err()).isZero();
        }
    }

    @Test
    void theReloadMethodSighupCallsSwitchesCertificatesAndKeepsTheSessionCacheAndTicketKeys() throws Exception {
        try (CliRun.Server s = server()) {
            CertificateReloader reloader = s.server.reloader();
            TlsConfig first = reloader.current();
            assertThat(first.sessionCache()).isNotNull();
            assertThat(first.ticketKeys()).isNotNull();
            assertThat(get(s.port())).isEqualTo(a.certificate().getSerialNumber());

            replaceAtomically(b);
            assertThat(reloader.reload("SIGHUP")).isTrue();
            assertThat(get(s.port())).isEqualTo(b.certificate().getSerialNumber());
            TlsConfig second = reloader.current();
            assertThat(second).isNotSameAs(first);
            assertThat(second.credentials().leaf()).isEqualTo(b.certificate());
            assertThat(second.sessionCache()).isSameAs(first.sessionCache());
            assertThat(second.ticketKeys()).isSameAs(first.ticketKeys());
            assertThat(s.err()).contains("tlskit server: reloaded certificate CN=reload-b, valid until ")
                    .contains("; SIGHUP");

            // a reload with unchanged files is harmless
            assertThat(reloader.reload("SIGHUP")).isTrue();
            assertThat(get(s.port())).isEqualTo(b.certificate().getSerialNumber());
        }
    }

    @Test
    void aBrokenKeyFileKeepsTheOldCertificateWithOneLogLine() throws Exception {
        try (CliRun.Server s = server()) {
            CertificateReloader reloader = s.server.reloader();
            BigInteger serialA = a.certificate().getSerialNumber();
            TlsConfig before = reloader.current();

            // a half-written key file
            String keyPem = PemWriter.privateKey(b.privateKey());
            replaceAtomically(keyPem.substring(0, keyPem.length() / 2), PemWriter.certificate(b.certificate()));
            assertThat(reloader.reload("SIGHUP")).isFalse();
            assertThat(reloader.current()).isSameAs(before);
            assertThat(get(s.port())).isEqualTo(serialA);
            // the watcher sees the same files: it does not report them again
            Thread.sleep(CertificateReloader.POLL_INTERVAL.toMillis() + CertificateReloader.SETTLE.toMillis() + 500);
            List<String> failed = s.err().lines().filter(l -> l.contains("reload failed")).toList();
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0)).startsWith("tlskit server: reload failed: ").endsWith("(still serving the previous certificate)");
            assertThat(get(s.port())).isEqualTo(serialA);

            // a key that does not belong to the certificate, found by the watcher
            replaceAtomically(PemWriter.privateKey(a.privateKey()), PemWriter.certificate(b.certificate()));
            long deadline = System.nanoTime() + T.toNanos();
            while (count(s.err(), "reload failed") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            failed = s.err().lines().filter(l -> l.contains("reload failed")).toList();
            assertThat(failed).hasSize(2);
            assertThat(failed.get(1)).containsIgnoringCase("key").endsWith("(still serving the previous certificate)");
            assertThat(reloader.current()).isSameAs(before);
            assertThat(get(s.port())).isEqualTo(serialA);

            // fixed: the next change is picked up
            replaceAtomically(b);
            s.awaitErr("reloaded certificate CN=reload-b", T);
            assertThat(get(s.port())).isEqualTo(b.certificate().getSerialNumber());
            assertThat(s.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aTls12SessionResumesAcrossAReload() throws Exception {
        Path openssl = Peers.require("openssl");
        try (CliRun.Server s = server()) {
            Path ca = PKI.files().resolve("ca.pem");
            for (boolean tickets : new boolean[] {true, false}) {
                Path session = tmp.resolve("session-" + tickets + ".pem");
                List<String> base = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + s.port(),
                        "-tls1_2", "-CAfile", ca.toString(), "-servername", "localhost", "-verify_return_error"));
                if (!tickets) {
                    base.add("-no_ticket"); // session ID: the server's session cache
                }
                PeerProcess.Result first = PeerProcess.run(T, concat(base, "-sess_out", session.toString()));
                assertThat(first.exitCode).as(first.output).isZero();
                assertThat(first.output).contains("New, TLSv1.2").contains("subject=CN = " + (tickets ? "reload-a" : "reload-b"));

                replaceAtomically(tickets ? b : a);
                assertThat(s.server.reloader().reload("SIGHUP")).isTrue();

                PeerProcess.Result second = PeerProcess.run(T, concat(base, "-sess_in", session.toString()));
                assertThat(second.exitCode).as(second.output).isZero();
                assertThat(second.output).as("tickets=%s", tickets).contains("Reused, TLSv1.2");
                // a new session gets the new certificate
                PeerProcess.Result fresh = PeerProcess.run(T, base.toArray(String[]::new));
                assertThat(fresh.output).contains("New, TLSv1.2").contains("subject=CN = " + (tickets ? "reload-b" : "reload-a"));
            }
        }
    }

    /**
     * The real thing in a separate JVM (signals to the test JVM would not be safe): SIGHUP reloads, -v
     * logs each request, the default log shows failed handshakes only, and SIGINT (Ctrl-C) stops the
     * server gracefully with the summary line.
     */
    @Test
    void aRealSighupReloadsAndCtrlCStopsWithTheSummary() throws Exception {
        Path kill = Peers.require("kill");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int port = Peers.freePort();
        // A JVM started with SIGHUP ignored (under nohup, as some CI runners start jobs) keeps it ignored
        // and refuses handlers for it; start the server with the default disposition, as a daemon would be.
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "--default-signal=HUP"));
        command.addAll(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "server", "-v", "--cert", cert.toString(), "--key", key.toString(), "--port", String.valueOf(port)));
        try (PeerProcess p = PeerProcess.start(command)) {
            p.awaitOutput("press Ctrl-C to stop", T);
            assertThat(get(port)).isEqualTo(a.certificate().getSerialNumber());
            p.awaitOutput("method=GET path=\"/status.json\" status=200", T); // -v: the access log

            replaceAtomically(b);
            // the file watcher may reload first ("changed on disk"); SIGHUP must still reload and say so
            assertThat(PeerProcess.run(T, kill.toString(), "-HUP", String.valueOf(p.pid())).exitCode).isZero();
            p.awaitOutput("; SIGHUP", T);
            assertThat(p.output()).contains("tlskit server: reloaded certificate CN=reload-b, valid until ");
            assertThat(get(port)).isEqualTo(b.certificate().getSerialNumber());

            assertThat(PeerProcess.run(T, kill.toString(), "-INT", String.valueOf(p.pid())).exitCode).isZero();
            p.awaitOutput("tlskit server stopped: ", T);
            p.waitFor(T);
            assertThat(p.output()).contains("tlskit server stopped: 2 connections, 2 requests, 0 failed handshakes, 0 rejected")
                    .doesNotContain("Exception");
        }

        // without -v: no access log, but a failed handshake is one line
        port = Peers.freePort();
        try (PeerProcess p = PeerProcess.start(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "server", "--cert", cert.toString(), "--key", key.toString(), "--port", String.valueOf(port))) {
            p.awaitOutput("press Ctrl-C to stop", T);
            assertThat(get(port)).isEqualTo(b.certificate().getSerialNumber());
            TlsConfig untrusting = TlsConfig.client().trustAnchors(io.tlskit.pki.TrustAnchors.of(List.of(PKI.otherCa.certificate())))
                    .resumption(false).build();
            try (TlsConnection c = TlsConnection.connect(untrusting, "localhost", port)) {
                throw new AssertionError("a client that does not trust the CA connected: " + c.handshakeInfo());
            } catch (io.tlskit.TlsException expected) {
                // CERT_UNKNOWN_CA on our side, an alert to the server
            }
            p.awaitOutput("tls failed [PEER_ALERT]", T);
            assertThat(PeerProcess.run(T, kill.toString(), "-INT", String.valueOf(p.pid())).exitCode).isZero();
            p.awaitOutput("tlskit server stopped: ", T);
            p.waitFor(T);
            assertThat(p.output()).doesNotContain("method=GET").contains("1 failed handshakes");
            assertThat(count(p.output(), "tls failed")).isEqualTo(1);
        }
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(Arrays.asList(b));
        return all.toArray(String[]::new);
    }
}

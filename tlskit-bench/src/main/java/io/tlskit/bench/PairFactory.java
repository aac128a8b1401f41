package io.tlskit.bench;

import io.tlskit.MaxFragmentLength;
import io.tlskit.PskStore;
import io.tlskit.TlsConfig;
import io.tlskit.TlsEngine;
import io.tlskit.crypto.CryptoBackend;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Makes connected client/server pairs of one implementation for one workload. Everything a real
 * application builds once (configs, SSLContexts, parsed credentials) is built here, once; what
 * {@link #newPair()} does is what the application does per connection.
 */
public abstract class PairFactory {
    /** Implementations, by their benchmark parameter name. */
    public static final String TLSKIT = "tlskit";
    public static final String TLSKIT_BC = "tlskit-bc";
    public static final String TLSKIT_JDK = "tlskit-jdk";
    public static final String JDK = "jdk-sslengine";
    public static final String BC_JCA = "bc-jca";
    public static final String BC_BC = "bc-bc";

    /** How a pair's handshake relates to the previous one. */
    public enum Resumption {
        /** Every handshake is full: the client offers nothing to resume. */
        NONE,
        /** TLS 1.2 session-ID resumption (tlskit: tickets off on both sides; raw BC: session-ID map). */
        SESSION_ID,
        /** TLS 1.2 RFC 5077 ticket resumption (tlskit defaults). */
        TICKET,
        /** The JDK's own client session cache, keyed by the host and port given to createSSLEngine. */
        JDK_CACHE
    }

    public final String impl;
    public final Scenario scenario;
    public final Resumption resumption;

    PairFactory(String impl, Scenario scenario, Resumption resumption) {
        this.impl = impl;
        this.scenario = scenario;
        this.resumption = resumption;
    }

    public abstract Pair newPair() throws Exception;

    public static PairFactory create(String impl, Scenario scenario, Resumption resumption) throws Exception {
        return create(impl, scenario, resumption, null);
    }

    public static PairFactory create(String impl, Scenario scenario, Resumption resumption, MaxFragmentLength mfl)
            throws Exception {
        switch (impl) {
            case TLSKIT:
                return new Tlskit(impl, scenario, resumption, CryptoBackend.HYBRID, mfl);
            case TLSKIT_BC:
                return new Tlskit(impl, scenario, resumption, CryptoBackend.BOUNCY_CASTLE, mfl);
            case TLSKIT_JDK:
                return new Tlskit(impl, scenario, resumption, CryptoBackend.JDK, mfl);
            case JDK:
                return new Jdk(scenario, resumption);
            case BC_JCA:
            case BC_BC:
                return new Bc(impl, scenario, resumption);
            default:
                throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }

    // ---- tlskit -------------------------------------------------------------------------------

    /**
     * tlskit's {@link TlsEngine} as users get it: the client verifies the server's chain (PKIX
     * against the bench CA) and its name (localhost) on every full handshake.
     */
    static final class Tlskit extends PairFactory {
        final TlsConfig clientConfig;
        final TlsConfig serverConfig;
        final String sessionKey;

        Tlskit(String impl, Scenario s, Resumption r, CryptoBackend backend, MaxFragmentLength mfl) {
            super(impl, s, r);
            BenchPki pki = BenchPki.get();
            TlsConfig.Builder c = TlsConfig.client().versions(s.version).cipherSuites(s.suite).cryptoBackend(backend);
            TlsConfig.Builder srv = TlsConfig.server().versions(s.version).cipherSuites(s.suite).cryptoBackend(backend);
            if (s.certificates) {
                c.trustAnchors(pki.trust);
                srv.credentials(pki.server.credentials());
            } else {
                c.psk(BenchPki.psk());
                srv.pskStore(PskStore.of(BenchPki.psk()));
            }
            if (r == Resumption.SESSION_ID) {
                c.tickets(false);
                srv.tickets(false);
            }
            if (mfl != null) {
                c.maxFragmentLength(mfl);
            }
            clientConfig = c.build();
            serverConfig = srv.build();
            // null session key: the client neither offers nor saves a session, so every handshake is full
            sessionKey = r == Resumption.NONE ? null : BenchPki.HOST + ":443";
        }

        @Override
        public Pair newPair() throws Exception {
            TlsEngine client = TlsEngine.client(clientConfig, scenario.certificates ? BenchPki.HOST : null, sessionKey);
            TlsEngine server = TlsEngine.server(serverConfig);
            return new Pair(new TlskitEndpoint(client), new TlskitEndpoint(server));
        }
    }

    // ---- JDK SSLEngine ------------------------------------------------------------------------

    /**
     * The JDK's SSLEngine, client and server from SSLContexts over the same key and chain, the
     * client with endpoint identification "HTTPS" (PKIX + hostname, like tlskit). For full
     * handshakes the client engine is created without a peer host/port (SNI names localhost, and
     * the hostname check uses it), so the JDK's client session cache is never consulted.
     */
    static final class Jdk extends PairFactory {
        final SSLContext clientContext;
        final SSLContext serverContext;

        Jdk(Scenario s, Resumption r) throws Exception {
            super(JDK, s, r);
            if (!s.certificates) {
                throw new IllegalArgumentException("the JDK SSLEngine has no PSK cipher suites");
            }
            if (r != Resumption.NONE && r != Resumption.JDK_CACHE) {
                throw new IllegalArgumentException("the JDK SSLEngine resumes through its session cache only");
            }
            BenchPki pki = BenchPki.get();
            clientContext = pki.jdkClientContext();
            serverContext = pki.jdkServerContext();
        }

        @Override
        public Pair newPair() throws Exception {
            SSLEngine client = resumption == Resumption.JDK_CACHE
                ? clientContext.createSSLEngine(BenchPki.HOST, 443) : clientContext.createSSLEngine();
            client.setUseClientMode(true);
            SSLParameters cp = client.getSSLParameters();
            cp.setProtocols(new String[] {scenario.jdkProtocol});
            cp.setCipherSuites(new String[] {scenario.suite});
            cp.setEndpointIdentificationAlgorithm("HTTPS");
            cp.setServerNames(List.of(new SNIHostName(BenchPki.HOST)));
            client.setSSLParameters(cp);
            SSLEngine server = serverContext.createSSLEngine();
            server.setUseClientMode(false);
            SSLParameters sp = server.getSSLParameters();
            sp.setProtocols(new String[] {scenario.jdkProtocol});
            sp.setCipherSuites(new String[] {scenario.suite});
            server.setSSLParameters(sp);
            return new Pair(new JdkEndpoint(client), new JdkEndpoint(server));
        }
    }

    // ---- raw BouncyCastle ---------------------------------------------------------------------

    static final class Bc extends PairFactory {
        final RawBc raw;

        Bc(String impl, Scenario s, Resumption r) throws Exception {
            super(impl, s, r);
            if (r == Resumption.TICKET || r == Resumption.JDK_CACHE) {
                throw new IllegalArgumentException("raw BC peers resume by session ID only");
            }
            raw = new RawBc(s, BC_BC.equals(impl), r == Resumption.SESSION_ID);
        }

        @Override
        public Pair newPair() throws Exception {
            return raw.newPair();
        }
    }

    // ---- checks -------------------------------------------------------------------------------

    /**
     * Proves the pairs work before anything is measured: {@code handshakes} handshakes, each
     * checked for the expected version and suite (from the implementation and from the wire),
     * for being full or resumed as asked, for tlskit's verification result, and followed by
     * 100 bytes and 16 KiB each way. Throws on any mismatch; prints one line of facts to stderr.
     */
    public void check(int handshakes, boolean expectResumed) throws Exception {
        byte[] wire = new byte[128 * 1024];
        Random random = new Random(42);
        for (int h = 0; h < handshakes; h++) {
            Pair p = newPair();
            p.serverRecording = new ByteArrayOutputStream();
            p.handshake(wire);
            WireFacts facts = WireFacts.parse(p.serverRecording.toByteArray());
            String c = p.client.describe();
            String s = p.server.describe();
            String where = impl + "/" + scenario.id + "/" + resumption + " handshake " + (h + 1);
            if (!c.startsWith(scenario.expected()) || !s.startsWith(scenario.expected())) {
                throw new IllegalStateException(where + ": expected " + scenario.expected() + ", client says '" + c
                    + "', server says '" + s + "'");
            }
            if (!facts.toString().startsWith(scenario.expected())) {
                throw new IllegalStateException(where + ": the wire says " + facts + ", expected " + scenario.expected());
            }
            boolean resumed = resumed(p, facts);
            if (resumed != expectResumed) {
                throw new IllegalStateException(where + ": expected a " + (expectResumed ? "resumed" : "full")
                    + " handshake, got a " + (resumed ? "resumed" : "full") + " one (" + c + ", " + p.serverBytes
                    + " bytes from the server, " + facts + ")");
            }
            if (p.client instanceof TlskitEndpoint && scenario.certificates && !resumed && !c.endsWith(" verified")) {
                throw new IllegalStateException(where + ": tlskit did not verify the server certificate: " + c);
            }
            byte[] small = new byte[100];
            byte[] big = new byte[16 * 1024];
            random.nextBytes(small);
            random.nextBytes(big);
            Pair.assertTransfer(p.client, p.server, small, wire, where + " 100 B client->server");
            Pair.assertTransfer(p.server, p.client, small, wire, where + " 100 B server->client");
            Pair.assertTransfer(p.client, p.server, big, wire, where + " 16 KiB client->server");
            Pair.assertTransfer(p.server, p.client, big, wire, where + " 16 KiB server->client");
            if (h == handshakes - 1) {
                System.err.printf("check ok: impl=%s scenario=%s resumption=%s | client: %s | wire: %s | "
                    + "handshake bytes c->s %d, s->c %d%n", impl, scenario.id, resumption, c, facts, p.clientBytes,
                    p.serverBytes);
            }
        }
    }

    /** Resumed or full, from the implementation where it says, else from what crossed the wire. */
    private boolean resumed(Pair p, WireFacts facts) {
        if (p.client instanceof TlskitEndpoint) {
            boolean c = ((TlskitEndpoint) p.client).resumed();
            boolean s = ((TlskitEndpoint) p.server).resumed();
            if (c != s) {
                throw new IllegalStateException("client and server disagree on resumption");
            }
            return c;
        }
        if (p.client instanceof BcEndpoint) {
            return ((BcEndpoint) p.client).resumed();
        }
        // JDK: a full handshake carries the certificate chain
        if ("TLSv1.2".equals(facts.version)) {
            return !facts.certificateMessage;
        }
        return p.serverBytes < BenchPki.get().chainDerLength;
    }
}

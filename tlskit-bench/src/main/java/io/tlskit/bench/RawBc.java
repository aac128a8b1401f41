package io.tlskit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Plain BouncyCastle TLS with the smallest possible peers: the raw protocol cost over a given
 * {@link TlsCrypto}. <b>The client does no certificate verification at all</b> (no path building,
 * no hostname check) and the server keeps a bare session-ID map; tlskit's figures include both,
 * so the gap between {@code bc-*} and {@code tlskit*} is what tlskit adds on top of BouncyCastle.
 */
public final class RawBc {
    private static final SignatureAndHashAlgorithm ECDSA_P256_SHA256 =
        SignatureScheme.getSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256);

    final Scenario scenario;
    final TlsCrypto clientCrypto;
    final TlsCrypto serverCrypto;
    final boolean resumption;
    private final TlsCertificate[] chain;
    private final Certificate tls12Certificate;
    private final Certificate tls13Certificate;
    private final AsymmetricKeyParameter bcKey;
    private final PrivateKey jcaKey;
    private final Map<String, TlsSession> serverSessions = new ConcurrentHashMap<>();
    /** Client side: the session the next client offers (resumption benchmarks only). */
    volatile TlsSession clientSession;

    /**
     * @param bcCrypto true for {@link BcTlsCrypto}, false for {@link JcaTlsCrypto} over the JDK's providers
     */
    public RawBc(Scenario scenario, boolean bcCrypto, boolean resumption) throws Exception {
        this.scenario = scenario;
        this.resumption = resumption;
        this.clientCrypto = bcCrypto ? new BcTlsCrypto(new SecureRandom()) : new JcaTlsCryptoProvider().create(new SecureRandom());
        this.serverCrypto = bcCrypto ? new BcTlsCrypto(new SecureRandom()) : new JcaTlsCryptoProvider().create(new SecureRandom());
        BenchPki pki = BenchPki.get();
        // Parsed once, as tlskit does per config: parsing per handshake would be an unfair handicap.
        List<X509Certificate> certs = pki.server.chain();
        chain = new TlsCertificate[certs.size()];
        CertificateEntry[] entries = new CertificateEntry[certs.size()];
        for (int i = 0; i < certs.size(); i++) {
            chain[i] = serverCrypto.createCertificate(certs.get(i).getEncoded());
            entries[i] = new CertificateEntry(chain[i], null);
        }
        tls12Certificate = new Certificate(chain);
        tls13Certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
        bcKey = bcCrypto ? PrivateKeyFactory.createKey(pki.server.privateKey().getEncoded()) : null;
        jcaKey = pki.server.privateKey();
    }

    /** A new connected pair (ClientHello already queued). */
    public Pair newPair() throws IOException {
        TlsClientProtocol clientProtocol = new TlsClientProtocol();
        TlsServerProtocol serverProtocol = new TlsServerProtocol();
        if (scenario.certificates) {
            Client client = new Client();
            Server server = new Server();
            serverProtocol.accept(server);
            clientProtocol.connect(client);
            return new Pair(new BcEndpoint(clientProtocol, client::ctx), new BcEndpoint(serverProtocol, server::ctx));
        }
        PskClient client = new PskClient();
        PskServer server = new PskServer();
        serverProtocol.accept(server);
        clientProtocol.connect(client);
        return new Pair(new BcEndpoint(clientProtocol, client::ctx), new BcEndpoint(serverProtocol, server::ctx));
    }

    final class Client extends DefaultTlsClient {
        Client() {
            super(clientCrypto);
        }

        org.bouncycastle.tls.TlsContext ctx() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return scenario.bcVersion.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {scenario.bcSuite};
        }

        @Override
        protected Vector getSNIServerNames() {
            Vector<ServerName> names = new Vector<>();
            names.add(new ServerName(NameType.host_name, BenchPki.HOST.getBytes(StandardCharsets.US_ASCII)));
            return names;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                    // raw BC: accepts any certificate (no PKIX path, no hostname check)
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                    return null;
                }
            };
        }

        @Override
        public TlsSession getSessionToResume() {
            return resumption ? clientSession : null;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            if (resumption) {
                TlsSession s = context.getSession();
                if (s != null && s.isResumable()) {
                    clientSession = s;
                }
            }
        }
    }

    final class Server extends DefaultTlsServer {
        Server() {
            super(serverCrypto);
        }

        org.bouncycastle.tls.TlsContext ctx() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return scenario.bcVersion.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {scenario.bcSuite};
        }

        @Override
        public TlsCredentials getCredentials() {
            Certificate certificate = TlsUtils.isTLSv13(context) ? tls13Certificate : tls12Certificate;
            TlsCryptoParameters params = new TlsCryptoParameters(context);
            if (bcKey != null) {
                return new BcDefaultTlsCredentialedSigner(params, (BcTlsCrypto) serverCrypto, bcKey, certificate, ECDSA_P256_SHA256);
            }
            return new JcaDefaultTlsCredentialedSigner(params, (JcaTlsCrypto) serverCrypto, jcaKey, certificate, ECDSA_P256_SHA256);
        }

        @Override
        public byte[] getNewSessionID() {
            if (!resumption) {
                return null;
            }
            byte[] id = new byte[32];
            context.getCrypto().getSecureRandom().nextBytes(id);
            return id;
        }

        @Override
        public TlsSession getSessionToResume(byte[] sessionID) {
            return resumption && sessionID != null ? serverSessions.get(HexFormat.of().formatHex(sessionID)) : null;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            TlsSession s = context.getSession();
            if (resumption && s != null && s.isResumable() && !context.getSecurityParametersConnection().isResumedSession()) {
                serverSessions.put(HexFormat.of().formatHex(s.getSessionID()), s);
            }
        }
    }

    final class PskClient extends PSKTlsClient {
        PskClient() {
            super(clientCrypto, BenchPki.PSK_IDENTITY.getBytes(StandardCharsets.UTF_8), BenchPki.PSK_KEY.clone());
        }

        org.bouncycastle.tls.TlsContext ctx() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return scenario.bcVersion.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {scenario.bcSuite};
        }
    }

    final class PskServer extends PSKTlsServer {
        PskServer() {
            super(serverCrypto, new TlsPSKIdentityManager() {
                private final byte[] identity = BenchPki.PSK_IDENTITY.getBytes(StandardCharsets.UTF_8);

                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] id) {
                    return java.util.Arrays.equals(identity, id) ? BenchPki.PSK_KEY.clone() : null;
                }
            });
        }

        org.bouncycastle.tls.TlsContext ctx() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return scenario.bcVersion.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {scenario.bcSuite};
        }
    }
}

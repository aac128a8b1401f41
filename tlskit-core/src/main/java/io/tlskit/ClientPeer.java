package io.tlskit;

import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NewSessionTicket;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;

/** The BouncyCastle client callbacks, answered from a {@link TlsConfig}. One per connection. */
final class ClientPeer extends AbstractTlsClient {
    private static final Integer EXT_SESSION_TICKET = 35;

    private final TlsConfig config;
    private final HandshakeObserver observer;
    private final String serverName;
    private final String sessionKey;
    private ClientSessionStore.Saved resumeFrom;
    private byte[] newTicket;

    ClientPeer(TlsConfig config, HandshakeObserver observer, String serverName, String sessionKey) {
        super(config.crypto());
        this.config = config;
        this.observer = observer;
        this.serverName = serverName;
        this.sessionKey = sessionKey;
    }

    /** The BC context, for reading the negotiated parameters once the handshake completes. */
    org.bouncycastle.tls.TlsContext tlsContext() {
        return context;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return Versions.bc(config.versions());
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return config.cipherSuites();
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        int[] groups = config.groups();
        return groups == null ? super.getSupportedGroups(namedGroupRoles) : NamedGroups.clientList(groups, getCrypto());
    }

    @Override
    public Vector getEarlyKeyShareGroups() {
        int[] groups = config.groups();
        if (groups == null) {
            return super.getEarlyKeyShareGroups();
        }
        Vector<Integer> first = new Vector<>();
        first.add(groups[0]);
        return first;
    }

    @Override
    protected Vector getSNIServerNames() {
        if (serverName == null || HostNames.isIpLiteral(serverName)) {
            return null;
        }
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    protected Vector getProtocolNames() {
        return Versions.alpn(config.alpn());
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = super.getClientExtensions();
        if (config.maxFragmentLength() != null) {
            TlsExtensionsUtils.addMaxFragmentLengthExtension(ext, config.maxFragmentLength().code());
        }
        if (config.tickets() && config.versions().contains(TlsVersion.TLS_1_2)) {
            // BC does not send session tickets itself (RFC 5077 client): we add the extension.
            byte[] ticket = resumeFrom != null && resumeFrom.ticket != null ? resumeFrom.ticket : TlsUtils.EMPTY_BYTES;
            ext.put(EXT_SESSION_TICKET, ticket);
        }
        observer.offeredSuites = config.cipherSuites();
        observer.step("ClientHello: versions {}, {} suites, SNI {}, ALPN {}, resuming {}", config.versions(),
            config.cipherSuites().length, serverName, config.alpn(), resumeFrom != null);
        return ext;
    }

    @Override
    public TlsSession getSessionToResume() {
        if (config.clientSessions() == null || sessionKey == null) {
            return null;
        }
        resumeFrom = config.clientSessions().get(sessionKey);
        if (resumeFrom == null) {
            return null;
        }
        if (resumeFrom.ticket != null) {
            // RFC 5077 3.4: a fresh session ID lets us tell from the ServerHello whether the ticket was accepted.
            byte[] id = new byte[32];
            config.random().nextBytes(id);
            return TlsUtils.importSession(id, resumeFrom.parameters);
        }
        return resumeFrom.session;
    }

    @Override
    public Vector getExternalPSKs() {
        if (config.psk() == null || !config.versions().contains(TlsVersion.TLS_1_3)) {
            return null;
        }
        Vector<BasicTlsPSKExternal> psks = new Vector<>();
        psks.add(new BasicTlsPSKExternal(config.psk().identityBytes(), getCrypto().createSecret(config.psk().key()),
            PRFAlgorithm.tls13_hkdf_sha256));
        return psks;
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        if (config.psk() == null) {
            return null;
        }
        return new TlsPSKIdentity() {
            @Override
            public void skipIdentityHint() {
            }

            @Override
            public void notifyIdentityHint(byte[] hint) {
                observer.pskHint = new String(hint, StandardCharsets.UTF_8);
                observer.step("server PSK identity hint '{}'", observer.pskHint);
            }

            @Override
            public byte[] getPSKIdentity() {
                observer.pskIdentity = config.psk().identity();
                observer.pskNegotiated = true;
                return config.psk().identityBytes();
            }

            @Override
            public byte[] getPSK() {
                return config.psk().key();
            }
        };
    }

    @Override
    public void notifySelectedCipherSuite(int suite) {
        super.notifySelectedCipherSuite(suite);
        observer.serverHelloSeen = true;
        recordServerHelloTime();
        observer.pskNegotiated |= CipherSuites.isPsk(suite);
        if (observer.pskNegotiated && config.psk() != null) {
            observer.pskIdentity = config.psk().identity();
        }
        observer.step("ServerHello: {} {}", context.getServerVersion(), CipherSuites.name(suite));
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        observer.serverHelloSeen = true;
        recordServerHelloTime();
    }

    /** The TLS 1.2 ServerHello's gmt_unix_time; BC does not call processServerExtensions for a resumed session. */
    private void recordServerHelloTime() {
        if (!TlsUtils.isTLSv13(context)) {
            byte[] random = context.getSecurityParametersHandshake().getServerRandom();
            if (random != null) {
                long seconds = TlsUtils.readUint32(random, 0);
                observer.serverHelloTime = Instant.ofEpochSecond(seconds);
            }
        }
    }

    @Override
    public void notifySelectedPSK(org.bouncycastle.tls.TlsPSK selectedPSK) throws IOException {
        super.notifySelectedPSK(selectedPSK);
        if (selectedPSK != null) {
            observer.pskNegotiated = true;
            observer.pskIdentity = config.psk() != null ? config.psk().identity() : null;
        }
    }

    @Override
    public void notifyNewSessionTicket(NewSessionTicket ticket) throws IOException {
        super.notifyNewSessionTicket(ticket);
        newTicket = ticket.getTicket();
        observer.step("received a session ticket ({} bytes, lifetime {} s)", newTicket.length, ticket.getTicketLifetimeHint());
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                verifyServer(serverCertificate);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (config.credentials() == null) {
                    observer.step("server asked for a client certificate; we have none");
                    observer.clientCertMissing = true;
                    return null;
                }
                observer.step("sending client certificate {}", config.credentials().subject());
                return config.credentialCache().signer(context, config.credentials(), request.getSupportedSignatureAlgorithms(),
                    TlsUtils.isTLSv13(context) ? request.getCertificateRequestContext() : null);
            }
        };
    }

    private void verifyServer(TlsServerCertificate serverCertificate) throws IOException {
        observer.peerChain = PeerChains.toX509(serverCertificate.getCertificate());
        if (config.verifyMode() == VerifyMode.NONE) {
            observer.step("server certificate {} accepted without verification (verify none)",
                observer.peerChain.isEmpty() ? "(none)" : observer.peerChain.get(0).getSubjectX500Principal());
            return;
        }
        VerifyResult result;
        if (config.secureTime().isPresent()) {
            observer.timeCheck = new ServerTimeCheck(config, config.secureTime().get());
            result = observer.timeCheck.verify(observer.peerChain, serverName, observer.serverHelloTime);
        } else {
            PeerVerifier verifier = new PeerVerifier(config.trustAnchors(), config.time(), config.verifyPolicy());
            result = verifier.verify(observer.peerChain, serverName, PeerVerifier.Purpose.SERVER);
        }
        observer.verifyResult = result;
        observer.step("server certificate verification: {}", result);
        if (!result.isValid() && config.verifyMode() == VerifyMode.REQUIRED) {
            throw new TlsFatalAlert(PeerChains.alertFor(result), result.explanation());
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        if (observer.timeCheck != null) {
            observer.timeCheck.handshakeCompleted();
            observer.info("secure time: {}", observer.timeCheck.report().toString().strip().replace("\n", "; "));
        }
        saveSession();
    }

    private void saveSession() {
        ClientSessionStore store = config.clientSessions();
        if (store == null || sessionKey == null || TlsUtils.isTLSv13(context)) {
            return;
        }
        TlsSession session = context.getSession();
        if (session == null) {
            return;
        }
        boolean resumed = context.getSecurityParametersConnection().isResumedSession();
        if (resumed && newTicket == null) {
            return; // what we resumed from is still stored
        }
        SessionParameters params = session.exportSessionParameters();
        if (newTicket != null && params != null) {
            store.put(sessionKey, new ClientSessionStore.Saved(null, newTicket, params, config.time().now()));
        } else if (session.isResumable()) {
            store.put(sessionKey, new ClientSessionStore.Saved(session, null, params, config.time().now()));
        }
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        observer.alertRaised(level, description, message);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        observer.alertReceived(level, description);
        if (description == AlertDescription.unknown_psk_identity || description == AlertDescription.decrypt_error) {
            observer.pskNegotiated |= config.psk() != null;
        }
    }
}

package io.tlskit;

import io.tlskit.pki.Credentials;
import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Vector;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NewSessionTicket;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;

/** The BouncyCastle server callbacks, answered from a {@link TlsConfig}. One per connection. */
final class ServerPeer extends AbstractTlsServer {
    private static final Integer EXT_SESSION_TICKET = 35;

    private final TlsConfig config;
    private final HandshakeObserver observer;
    private Credentials selected;
    private boolean clientWantsTicket;
    private TicketCodec.Decoded ticketSession;
    private boolean externalPskSelected;

    ServerPeer(TlsConfig config, HandshakeObserver observer) {
        super(config.crypto());
        this.config = config;
        this.observer = observer;
        this.selected = config.credentials();
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
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public int[] getSupportedGroups() throws IOException {
        int[] groups = config.groups();
        return groups == null ? super.getSupportedGroups() : groups;
    }

    /** TLS 1.2: BC picks the client's first curve; with configured groups, ours decide. */
    @Override
    protected int selectECDH(int minimumCurveBits) {
        int[] ours = config.groups();
        int[] theirs = context.getSecurityParametersHandshake().getClientSupportedGroups();
        if (ours == null || theirs == null) {
            return super.selectECDH(minimumCurveBits);
        }
        for (int group : ours) {
            if (org.bouncycastle.util.Arrays.contains(theirs, group)
                && org.bouncycastle.tls.NamedGroup.getCurveBits(group) >= minimumCurveBits) {
                return group;
            }
        }
        return -1;
    }

    /** TLS 1.2 records the ECDHE group here (BC sets the negotiated group only for TLS 1.3). */
    @Override
    public org.bouncycastle.tls.crypto.TlsECConfig getECDHConfig() throws IOException {
        org.bouncycastle.tls.crypto.TlsECConfig ecConfig = super.getECDHConfig();
        observer.tls12Group = ecConfig.getNamedGroup();
        return ecConfig;
    }

    @Override
    public boolean preferLocalSupportedGroups() {
        return config.groups() != null;
    }

    @Override
    protected Vector getProtocolNames() {
        return Versions.alpn(config.alpn());
    }

    @Override
    public boolean shouldUseGMTUnixTime() {
        return config.sendServerTime();
    }

    @Override
    public void notifyOfferedCipherSuites(int[] offered) throws IOException {
        super.notifyOfferedCipherSuites(offered);
        observer.peerOfferedSuites = offered;
    }

    @Override
    protected boolean isSelectableCipherSuite(int suite, int curveBits, int ffBits, Vector sigAlgs) {
        if (!super.isSelectableCipherSuite(suite, curveBits, ffBits, sigAlgs)) {
            return false;
        }
        if (CipherSuites.isPsk(suite)) {
            return config.pskStore() != null;
        }
        if (CipherSuites.isTls13(suite)) {
            return true;
        }
        return selected != null && PeerCredentialCache.keyFitsSuite(selected, suite)
            && (!CipherSuites.signsKeyExchange(suite)
                || PeerCredentialCache.canSign(selected, context.getSecurityParametersHandshake().getClientSigAlgs(), false));
    }

    @Override
    protected String getDetailMessageNoCipherSuite() {
        Vector<?> clientSigAlgs = context.getSecurityParametersHandshake().getClientSigAlgs();
        boolean schemesUnusable = selected != null && !PeerCredentialCache.canSign(selected, clientSigAlgs, false);
        return "no cipher suite in common: the client offered "
            + (observer.peerOfferedSuites == null ? "none" : CipherSuites.names(observer.peerOfferedSuites))
            + "; this server accepts " + CipherSuites.names(config.cipherSuites())
            + ": enable a suite both sides support (--ciphers on either side)"
            + (schemesUnusable ? "; also, the client's signature_algorithms allow none of the schemes our certificate's key"
                + " can make (" + selected.subject() + ")" : "");
    }

    /** Large but legal ClientHellos (many extensions, padding) fit; see {@link HandshakeLimits}. */
    @Override
    public int getMaxHandshakeMessageSize() {
        return HandshakeLimits.MAX_CLIENT_HELLO;
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context.getSecurityParametersHandshake().getNegotiatedVersion());
        if (tls13) {
            ClientHelloRules.checkTls13(clientExtensions);
        } else {
            ClientHelloRules.checkExtendedMasterSecret(clientExtensions);
        }
        super.processClientExtensions(tls13 ? ClientHelloRules.forTls13(clientExtensions) : clientExtensions);
        ServerHelloTime.stamp(context, config);
        Vector<?> names = TlsExtensionsUtils.getServerNameExtensionClient(clientExtensions);
        if (names != null) {
            for (Object o : names) {
                ServerName name = (ServerName) o;
                if (name.getNameType() == NameType.host_name) {
                    observer.sniReceived = new String(name.getNameData(), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                }
            }
        }
        if (observer.sniReceived != null && config.sniCredentials().containsKey(observer.sniReceived)) {
            selected = config.sniCredentials().get(observer.sniReceived);
        } else if (selected == null && !config.sniCredentials().isEmpty()) {
            selected = config.sniCredentials().values().iterator().next();
        }
        if (config.tickets() && clientExtensions.containsKey(EXT_SESSION_TICKET)) {
            clientWantsTicket = true;
            byte[] ticket = (byte[]) clientExtensions.get(EXT_SESSION_TICKET);
            if (ticket.length > 0) {
                byte[] plain = config.ticketKeys().open(ticket);
                ticketSession = plain == null ? null : TicketCodec.decode(plain, getCrypto());
                observer.step("client sent a session ticket: {}", ticketSession != null ? "accepted" : "not ours or expired");
            }
        }
        observer.step("ClientHello: SNI {}, certificate {}", observer.sniReceived, selected == null ? "none" : selected.subject());
        if (tls13 && !externalPskSelected) {
            checkCanAuthenticate13();
        }
    }

    /**
     * TLS 1.3 signs with our certificate only after the ServerHello is sent; failing there leaves the
     * client with an encrypted alert it may not read. Refuse before the ServerHello instead.
     */
    private void checkCanAuthenticate13() throws TlsFatalAlert {
        if (selected == null && observer.unknownPskIdentity != null) {
            // RFC 8446 §6.2: the alert for "PSK key establishment is desired but no acceptable PSK identity"
            throw new TlsFatalAlert(AlertDescription.unknown_psk_identity,
                "the client's PSK identity is unknown and this server has no certificate to fall back on");
        }
        if (selected == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                "the client did not offer our PSK and this server has no certificate to authenticate with");
        }
        Vector<?> clientSigAlgs = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (!PeerCredentialCache.canSign(selected, clientSigAlgs, true)) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client accepts none of the signature schemes"
                + " our certificate's key can make (" + selected.subject() + ")");
        }
    }

    @Override
    public TlsSession getSessionToResume(byte[] sessionId) {
        if (ticketSession != null && sessionId != null && sessionId.length > 0
            && ticketSession.issuedAt.plus(config.ticketKeys().lifetime()).isAfter(config.time().now())) {
            return TlsUtils.importSession(sessionId, ticketSession.parameters);
        }
        return config.sessionCache() == null ? null : config.sessionCache().get(sessionId);
    }

    @Override
    public byte[] getNewSessionID() {
        if (config.sessionCache() == null) {
            return null;
        }
        byte[] id = new byte[32];
        config.random().nextBytes(id);
        return id;
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = super.getServerExtensions();
        SecurityParameters sp = context.getSecurityParametersHandshake();
        // BC never sends a ticket on an abbreviated handshake, so only promise one in a full handshake.
        if (clientWantsTicket && !sp.isResumedSession() && !TlsUtils.isTLSv13(context)) {
            ext.put(EXT_SESSION_TICKET, TlsUtils.EMPTY_BYTES);
        }
        return ext;
    }

    @Override
    public NewSessionTicket getNewSessionTicket() throws IOException {
        SecurityParameters sp = context.getSecurityParametersHandshake();
        byte[] master = getCrypto().adoptSecret(sp.getMasterSecret()).extract();
        try {
            byte[] state = TicketCodec.encode(sp.getNegotiatedVersion(), sp.getCipherSuite(), sp.isExtendedMasterSecret(), master,
                sp.getPeerCertificate(), null, sp.getPSKIdentity(), config.time().now());
            observer.step("issuing a session ticket");
            return new NewSessionTicket(config.ticketKeys().lifetime().getSeconds(), config.ticketKeys().seal(state));
        } finally {
            java.util.Arrays.fill(master, (byte) 0);
        }
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        SecurityParameters sp = context.getSecurityParametersHandshake();
        int kx = sp.getKeyExchangeAlgorithm();
        if (kx == KeyExchangeAlgorithm.PSK || kx == KeyExchangeAlgorithm.ECDHE_PSK || kx == KeyExchangeAlgorithm.DHE_PSK) {
            return null;
        }
        if (selected == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                "the client did not offer our PSK and this server has no certificate to authenticate with");
        }
        boolean tls13 = TlsUtils.isTLSv13(context);
        return config.credentialCache().signer(context, selected, sp.getClientSigAlgs(), tls13 ? TlsUtils.EMPTY_BYTES : null);
    }

    @Override
    public TlsPSKIdentityManager getPSKIdentityManager() {
        if (config.pskStore() == null) {
            return null;
        }
        return new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return config.pskHint() == null ? null : config.pskHint().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return lookupPsk(identity);
            }
        };
    }

    @Override
    public TlsPSKExternal getExternalPSK(Vector identities) {
        if (config.pskStore() == null || identities == null) {
            return null;
        }
        for (Object o : identities) {
            byte[] identity = ((PskIdentity) o).getIdentity();
            byte[] key = lookupPsk(identity);
            if (key != null) {
                externalPskSelected = true;
                return new BasicTlsPSKExternal(identity, getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256);
            }
        }
        return null;
    }

    private byte[] lookupPsk(byte[] identityBytes) {
        String identity = new String(identityBytes, StandardCharsets.UTF_8);
        observer.pskNegotiated = true;
        byte[] key = config.pskStore().keyFor(identity);
        if (key == null) {
            observer.unknownPskIdentity = identity;
            observer.step("PSK identity '{}' is unknown", identity);
        } else {
            observer.pskIdentity = identity;
            observer.step("PSK identity '{}'", identity);
        }
        return key;
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        if (config.clientAuth() == ClientAuth.NONE || context.getSecurityParametersHandshake().getKeyExchangeAlgorithm() == KeyExchangeAlgorithm.PSK) {
            return null;
        }
        Vector<?> sigAlgs = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        Vector<X500Name> authorities = new Vector<>();
        for (X509Certificate ca : config.trustAnchors().certificates()) {
            authorities.add(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()));
        }
        if (TlsUtils.isTLSv13(context)) {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES, sigAlgs, null, authorities);
        }
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, sigAlgs, authorities);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        List<X509Certificate> chain = PeerChains.toX509(clientCertificate);
        if (chain.isEmpty()) {
            observer.step("client sent no certificate");
            if (config.clientAuth() == ClientAuth.REQUIRED) {
                observer.clientCertMissing = true;
                short alert = TlsUtils.isTLSv13(context) ? AlertDescription.certificate_required : AlertDescription.handshake_failure;
                throw new TlsFatalAlert(alert, "this server requires a client certificate and the client sent none");
            }
            return;
        }
        observer.peerChain = chain;
        VerifyResult result = new PeerVerifier(config.trustAnchors(), config.time(), config.verifyPolicy())
            .verify(chain, null, PeerVerifier.Purpose.CLIENT);
        observer.verifyResult = result;
        observer.step("client certificate {}: {}", chain.get(0).getSubjectX500Principal(), result);
        if (!result.isValid() && config.clientAuth() == ClientAuth.REQUIRED) {
            throw new TlsFatalAlert(PeerChains.alertFor(result), result.explanation());
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        TlsSession session = context.getSession();
        SecurityParameters sp = context.getSecurityParametersConnection();
        if (config.sessionCache() != null && session != null && session.isResumable() && !sp.isResumedSession()) {
            config.sessionCache().put(session.getSessionID(), session);
        }
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        observer.alertRaised(level, description, message);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        observer.alertReceived(level, description);
    }
}

package io.tlskit.cli.probe;

import io.tlskit.PeerChains;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateStatusRequest;
import org.bouncycastle.tls.CertificateStatusType;
import org.bouncycastle.tls.DefaultTlsDHGroupVerifier;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NewSessionTicket;
import org.bouncycastle.tls.OCSPStatusRequest;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsDHGroupVerifier;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * A BouncyCastle client that offers exactly what an {@link Attempt} says (unsupported or weak suites
 * included: the probe wants to know what the server accepts) and records what the server answers in
 * an {@link Outcome}. It verifies nothing: the probe reports the chain and checks it separately.
 */
final class ProbeClient extends AbstractTlsClient {
    private static final Integer EXT_SESSION_TICKET = 35;

    /** Thrown from a callback once the attempt has learnt what it wanted. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("probe stop", null, false, false);
        }
    }

    private final Attempt attempt;
    private final Outcome outcome;
    private final String serverName;

    ProbeClient(TlsCrypto crypto, Attempt attempt, Outcome outcome, String serverName) {
        super(crypto);
        this.attempt = attempt;
        this.outcome = outcome;
        this.serverName = serverName;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return attempt.versions.toArray(new ProtocolVersion[0]);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return attempt.suites.clone();
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        if (attempt.groups == null) {
            return super.getSupportedGroups(namedGroupRoles);
        }
        Vector<Integer> groups = new Vector<>();
        for (int g : attempt.groups) {
            groups.add(g);
        }
        return groups;
    }

    @Override
    public Vector getEarlyKeyShareGroups() {
        if (attempt.groups == null) {
            return super.getEarlyKeyShareGroups();
        }
        Vector<Integer> shares = new Vector<>();
        for (int g : attempt.groups) {
            if (getCrypto().hasNamedGroup(g)) {
                shares.add(g);
                break;
            }
        }
        return shares;
    }

    @Override
    protected Vector getSupportedSignatureAlgorithms() {
        if (attempt.signatureSchemes == null) {
            return super.getSupportedSignatureAlgorithms();
        }
        Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
        for (int scheme : attempt.signatureSchemes) {
            algs.add(SignatureScheme.getSignatureAndHashAlgorithm(scheme));
        }
        return algs;
    }

    @Override
    protected Vector getSupportedSignatureAlgorithmsCert() {
        // with signature_algorithms narrowed to one scheme, keep the certificate chain's signatures unconstrained
        return attempt.signatureSchemes == null ? null : super.getSupportedSignatureAlgorithms();
    }

    @Override
    protected Vector getSNIServerNames() {
        if (serverName == null) {
            return null;
        }
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    protected Vector getProtocolNames() {
        if (attempt.alpn == null) {
            return null;
        }
        Vector<ProtocolName> names = new Vector<>();
        for (String p : attempt.alpn) {
            names.add(ProtocolName.asUtf8Encoding(p));
        }
        return names;
    }

    @Override
    protected CertificateStatusRequest getCertificateStatusRequest() {
        return attempt.statusRequest
                ? new CertificateStatusRequest(CertificateStatusType.ocsp, new OCSPStatusRequest(new Vector<>(), null)) : null;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        @SuppressWarnings("unchecked")
        Hashtable<Integer, byte[]> ext = super.getClientExtensions();
        if (attempt.maxFragmentCode != null) {
            TlsExtensionsUtils.addMaxFragmentLengthExtension(ext, attempt.maxFragmentCode);
        }
        if (attempt.ticket != null) {
            ext.put(EXT_SESSION_TICKET, attempt.ticket); // BC's client does not add it itself
        }
        return ext;
    }

    @Override
    public TlsSession getSessionToResume() {
        return attempt.resume;
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        return attempt.pskIdentity == null ? null
                : new BasicTlsPSKIdentity(attempt.pskIdentity.getBytes(StandardCharsets.UTF_8), attempt.pskKey);
    }

    @Override
    public Vector getExternalPSKs() {
        if (attempt.pskIdentity == null || !attempt.versions.contains(ProtocolVersion.TLSv13)) {
            return null;
        }
        Vector<BasicTlsPSKExternal> psks = new Vector<>();
        psks.add(new BasicTlsPSKExternal(attempt.pskIdentity.getBytes(StandardCharsets.UTF_8),
                getCrypto().createSecret(attempt.pskKey), PRFAlgorithm.tls13_hkdf_sha256));
        return psks;
    }

    @Override
    public TlsDHGroupVerifier getDHGroupVerifier() {
        return new DefaultTlsDHGroupVerifier(1024); // report weak groups rather than refuse them
    }

    @Override
    protected boolean allowUnexpectedServerExtension(Integer extensionType, byte[] extensionData) {
        return true;
    }

    @Override
    public boolean requiresCloseNotify() {
        return false;
    }

    @Override
    public void notifyServerVersion(ProtocolVersion serverVersion) throws IOException {
        super.notifyServerVersion(serverVersion);
        outcome.version = serverVersion;
    }

    @Override
    public void notifySelectedCipherSuite(int selectedCipherSuite) {
        super.notifySelectedCipherSuite(selectedCipherSuite);
        outcome.suite = selectedCipherSuite;
        if (attempt.stopAt == Attempt.StopAt.SUITE) {
            throw new Stop();
        }
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        outcome.serverExtensions = serverExtensions;
        if (serverExtensions != null) {
            ProtocolName alpn = TlsExtensionsUtils.getALPNExtensionServer(serverExtensions);
            outcome.alpn = alpn == null ? null : alpn.getUtf8Decoding();
        }
        super.processServerExtensions(serverExtensions);
        if (attempt.stopAt == Attempt.StopAt.EXTENSIONS) {
            throw new Stop();
        }
    }

    @Override
    public void notifyNewSessionTicket(NewSessionTicket newSessionTicket) throws IOException {
        super.notifyNewSessionTicket(newSessionTicket);
        outcome.newTicket = newSessionTicket.getTicket();
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                outcome.chain = PeerChains.toX509(serverCertificate.getCertificate());
                outcome.ocspStapled = serverCertificate.getCertificateStatus() != null;
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                outcome.certificateRequested = true;
                return null;
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters sp = context.getSecurityParametersConnection();
        outcome.resumed = sp.isResumedSession();
        if (sp.getNegotiatedGroup() >= 0) {
            outcome.group = sp.getNegotiatedGroup();
        }
        if (sp.getApplicationProtocol() != null) {
            outcome.alpn = sp.getApplicationProtocol().getUtf8Decoding();
        }
        TlsSession session = context.getSession();
        if (session != null && !TlsUtils.isTLSv13(context)) {
            outcome.session = session;
            outcome.sessionParameters = session.exportSessionParameters();
        }
    }
}

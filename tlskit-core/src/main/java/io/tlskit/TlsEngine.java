package io.tlskit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerProtocol;

/**
 * One TLS connection without I/O (the rustls/mbedtls_ssl_context shape): feed it the bytes that
 * arrived with {@link #receive}, send what {@link #takeOutput} gives, and exchange application data
 * with {@link #writePlaintext} and {@link #readPlaintext}. Time enters through the config's
 * {@link TimeSource}; the driver calls {@link #checkTimeout()} to enforce the handshake timeout.
 *
 * <p>Not thread-safe: one driver thread (or event loop) per engine. After a failure every call
 * throws the same {@link TlsException}; flush {@link #takeOutput} once more so the alert reaches
 * the peer, then close the transport.
 */
public final class TlsEngine {
    private final TlsConfig config;
    private final TlsProtocol protocol;
    private final java.util.function.Supplier<TlsContext> context;
    private final HandshakeObserver observer;
    private final FailureExplainer explainer;
    private final long handshakeDeadline;
    private final String serverName;
    private HandshakeInfo info;
    private TlsException failure;
    private boolean closeNotifySent;
    private boolean eofReceived;
    private final HandshakeSlots.Slot slot;
    /** Whether BouncyCastle ever queued a byte for the peer (it queues nothing before a valid ClientHello). */
    private boolean outputQueued;
    private EarlyAlert earlyAlert;

    private TlsEngine(TlsConfig config, String serverName, String sessionKey) throws TlsException {
        this.config = config;
        this.serverName = serverName;
        this.observer = new HandshakeObserver(config.isClient(), config.isClient() ? "client " + serverName : "server", config);
        this.explainer = new FailureExplainer(config, observer);
        this.handshakeDeadline = config.time().monotonicMillis() + config.handshakeTimeout().toMillis();
        this.slot = config.handshakeSlots().acquire();
        try {
            if (config.isClient()) {
                TlsClientProtocol client = new HardenedClientProtocol();
                ClientPeer peer = new ClientPeer(config, observer, serverName, sessionKey);
                this.protocol = client;
                this.context = peer::tlsContext;
                client.connect(peer);
            } else {
                TlsServerProtocol server = new HardenedServerProtocol();
                ServerPeer peer = new ServerPeer(config, observer);
                this.protocol = server;
                this.context = peer::tlsContext;
                server.accept(peer);
            }
        } catch (IOException | RuntimeException e) {
            slot.release();
            throw explainer.explain(e, true);
        }
    }

    /** A client engine for the config's server name; sessions are saved under that name. */
    public static TlsEngine client(TlsConfig config) throws TlsException {
        return client(config, config.serverName(), config.serverName());
    }

    /**
     * A client engine for one server: {@code serverName} goes into SNI and the hostname check (it
     * may be an IP literal), {@code sessionKey} names the saved session to resume (e.g. "host:port").
     */
    public static TlsEngine client(TlsConfig config, String serverName, String sessionKey) throws TlsException {
        if (!config.isClient()) {
            throw new ConfigException("TlsEngine.client needs a config from TlsConfig.client()");
        }
        if (serverName == null && config.verifyMode() != VerifyMode.NONE && config.psk() == null) {
            throw new ConfigException("verification is required but no server name is set: give the name the server's "
                + "certificate lists (serverName(\"device.example\") or the host you connect to), or use verify none for tests");
        }
        return new TlsEngine(config, serverName, sessionKey);
    }

    public static TlsEngine server(TlsConfig config) throws TlsException {
        if (config.isClient()) {
            throw new ConfigException("TlsEngine.server needs a config from TlsConfig.server()");
        }
        return new TlsEngine(config, null, null);
    }

    public TlsConfig config() {
        return config;
    }

    /** BouncyCastle's context, for tests that need the negotiated secrets (never exposed publicly). */
    TlsContext tlsContext() {
        return context.get();
    }

    // ---- bytes from the peer ------------------------------------------------------------------

    /** Bytes that arrived from the transport. Partial records are kept until the rest arrives. */
    public void receive(byte[] data, int offset, int length) throws TlsException {
        throwIfFailed();
        if (length == 0) {
            return;
        }
        observer.recordFirstBytes(data, offset, length);
        if (observer.debug.enabled(DebugSink.WIRE)) {
            observer.log(DebugSink.WIRE, "received {} bytes: {}", length, HexFormat.of().formatHex(data, offset, offset + length));
        }
        boolean wasHandshaking = isHandshaking();
        try {
            protocol.offerInput(data, offset, length);
        } catch (IOException | RuntimeException e) {
            throw fail(e, wasHandshaking);
        }
        afterProgress();
    }

    public void receive(ByteBuffer data) throws TlsException {
        if (data.hasArray()) {
            int n = data.remaining();
            receive(data.array(), data.arrayOffset() + data.position(), n);
            data.position(data.position() + n);
        } else {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            receive(copy, 0, copy.length);
        }
    }

    /**
     * The transport reached end of stream. Fine after the peer's close_notify; otherwise the
     * connection was cut: {@link TlsError#PEER_CLOSED_DURING_HANDSHAKE} or {@link TlsError#TRUNCATED}.
     */
    public void receiveEof() throws TlsException {
        if (eofReceived) {
            return;
        }
        eofReceived = true;
        slot.release();
        if (failure != null || observer.closeNotifyReceived) {
            return;
        }
        if (isHandshaking()) {
            throw fail(explainer.closedDuringHandshake(null), true);
        }
        try {
            protocol.closeInput();
        } catch (IOException e) {
            throw fail(e, false);
        }
    }

    // ---- bytes to the peer --------------------------------------------------------------------

    /** How many bytes are waiting to be sent. */
    public int pendingOutput() {
        int queued = protocol.getAvailableOutputBytes();
        outputQueued |= queued > 0;
        return queued + (earlyAlert == null ? 0 : earlyAlert.pending());
    }

    public int takeOutput(byte[] buffer, int offset, int length) {
        int n = protocol.readOutput(buffer, offset, length);
        outputQueued |= n > 0;
        if (earlyAlert != null && n < length) {
            n += earlyAlert.take(buffer, offset + n, length - n);
        }
        if (n > 0 && observer.debug.enabled(DebugSink.WIRE)) {
            observer.log(DebugSink.WIRE, "sending {} bytes: {}", n, HexFormat.of().formatHex(buffer, offset, offset + n));
        }
        return n;
    }

    /** Moves up to {@code buffer.remaining()} waiting bytes into the buffer (heap or direct, without a copy in between). */
    public int takeOutput(ByteBuffer buffer) {
        int n = Math.min(buffer.remaining(), pendingOutput());
        if (buffer.hasArray()) {
            int read = takeOutput(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
            buffer.position(buffer.position() + read);
            return read;
        }
        int start = buffer.position();
        int read = protocol.readOutput(buffer, Math.min(n, protocol.getAvailableOutputBytes()));
        outputQueued |= read > 0;
        if (earlyAlert != null) {
            read += earlyAlert.take(buffer);
        }
        if (read > 0 && observer.debug.enabled(DebugSink.WIRE)) {
            byte[] sent = new byte[read];
            buffer.get(start, sent);
            observer.log(DebugSink.WIRE, "sending {} bytes: {}", read, HexFormat.of().formatHex(sent));
        }
        return read;
    }

    /** Everything waiting to be sent, as one array (empty when nothing waits). */
    public byte[] takeOutput() {
        byte[] out = new byte[pendingOutput()];
        takeOutput(out, 0, out.length);
        return out;
    }

    // ---- application data ---------------------------------------------------------------------

    public int availablePlaintext() {
        return protocol.getAvailableInputBytes();
    }

    /** Reads decrypted application data; returns 0 when none is buffered. */
    public int readPlaintext(byte[] buffer, int offset, int length) {
        int n = Math.min(length, protocol.getAvailableInputBytes());
        return n == 0 ? 0 : protocol.readInput(buffer, offset, n);
    }

    /**
     * Encrypts application data into records (taken with {@link #takeOutput}). Callers that care
     * about memory write at most {@link #maxPlaintextPerRecord()} bytes between two flushes:
     * BouncyCastle's output queue grows to the largest burst and never shrinks.
     */
    public void writePlaintext(byte[] data, int offset, int length) throws TlsException {
        throwIfFailed();
        if (!isEstablished()) {
            throw new TlsException(isHandshaking() ? TlsError.HANDSHAKE_FAILED : TlsError.CLOSED,
                isHandshaking() ? "cannot send application data before the handshake completes" : "the connection is closed");
        }
        try {
            protocol.writeApplicationData(data, offset, length);
        } catch (IOException | RuntimeException e) {
            throw fail(e, false);
        }
    }

    /**
     * Releases the buffer memory earlier bursts left behind (BouncyCastle's queues only grow). Call it
     * when the connection goes idle; it costs one small allocation per queue when data flows again.
     */
    public void trimBuffers() {
        BufferTrimmer.trim(protocol);
    }

    /** Queues our close_notify. BouncyCastle closes both directions: nothing more is read after it. */
    public void closeNotify() {
        if (closeNotifySent || failure != null) {
            return;
        }
        closeNotifySent = true;
        slot.release();
        try {
            protocol.close();
        } catch (IOException e) {
            // the transport is not ours to fail here: the alert simply is not queued
            observer.step("close_notify could not be queued: {}", e.getMessage());
        }
    }

    // ---- state --------------------------------------------------------------------------------

    public boolean isHandshaking() {
        return failure == null && protocol.isHandshaking() && !protocol.isClosed();
    }

    public boolean isEstablished() {
        return failure == null && protocol.isConnected() && !protocol.isHandshaking();
    }

    /** True once the peer sent close_notify (or the engine failed): no more data will arrive. */
    public boolean isInboundDone() {
        return failure != null || observer.closeNotifyReceived || protocol.isClosed();
    }

    public boolean isClosed() {
        return failure != null || protocol.isClosed();
    }

    public Optional<TlsException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Available once the handshake has completed. */
    public Optional<HandshakeInfo> handshakeInfo() {
        return Optional.ofNullable(info);
    }

    /** The most plaintext one record carries (16 KiB, or the negotiated max_fragment_length). */
    public int maxPlaintextPerRecord() {
        return isEstablished() ? protocol.getApplicationDataLimit() : 16384;
    }

    /** The monotonic time (TimeSource.monotonicMillis) at which an unfinished handshake fails. */
    public long handshakeDeadlineMillis() {
        return handshakeDeadline;
    }

    /** Fails the engine with {@link TlsError#HANDSHAKE_TIMEOUT} if the handshake is overdue. */
    public void checkTimeout() throws TlsException {
        throwIfFailed();
        if (isHandshaking() && config.time().monotonicMillis() >= handshakeDeadline) {
            TlsException timeout = new TlsException(TlsError.HANDSHAKE_TIMEOUT, "the handshake did not complete within "
                + Durations.format(config.handshakeTimeout()) + (observer.client && !observer.serverHelloSeen
                ? ": the server never answered our ClientHello (wrong port, a firewall, or not a TLS server?)"
                : !observer.client && observer.firstBytesReceived == null
                ? ": the client connected but sent nothing (a port scan, a TCP-only health check, or a client that"
                    + " expects the server to speak first, e.g. plain SMTP/FTP before STARTTLS)"
                : ": the peer stopped answering mid-handshake"));
            throw fail(timeout, true);
        }
    }

    private void throwIfFailed() throws TlsException {
        if (failure != null) {
            throw failure;
        }
    }

    private TlsException fail(Throwable cause, boolean handshaking) {
        slot.release();
        if (failure == null) {
            failure = explainer.explain(cause, handshaking);
            observer.error("failed: [{}] {}", failure.error().label(), failure.getMessage());
            if (!config.isClient()) {
                earlyAlert = EarlyAlert.forFailure(failure, outputQueued || protocol.getAvailableOutputBytes() > 0);
                if (earlyAlert != null) {
                    observer.step("BouncyCastle queued no record yet: sending the alert as a plaintext record ourselves");
                }
            }
        }
        return failure;
    }

    private void afterProgress() {
        // the security parameters of the connection exist once the handshake completed, even when the
        // peer's close_notify arrived in the same read (openssl s_client < /dev/null, health checks)
        if (info == null && failure == null && !protocol.isHandshaking() && context.get() != null
            && context.get().getSecurityParametersConnection() != null) {
            info = buildInfo();
            slot.release();
            observer.step("handshake complete: {} {}{}", info.version().displayName(), info.cipherSuite(), info.resumed() ? " (resumed)" : "");
            if (observer.debug.enabled(DebugSink.INFO)) {
                observer.info("negotiated: {}", info.toString().strip().replace("\n", "; "));
            }
        }
    }

    private HandshakeInfo buildInfo() {
        TlsContext context = this.context.get();
        SecurityParameters sp = context.getSecurityParametersConnection();
        ProtocolName alpn = sp.getApplicationProtocol();
        MaxFragmentLength mfl = MaxFragmentLength.ofCode(sp.getMaxFragmentLength());
        java.util.List<java.security.cert.X509Certificate> peerChain = observer.peerChain;
        if ((peerChain == null || peerChain.isEmpty()) && sp.isResumedSession() && sp.getPeerCertificate() != null) {
            try {
                peerChain = PeerChains.toX509(sp.getPeerCertificate());
            } catch (IOException e) {
                peerChain = null;
            }
        }
        int group = sp.getNegotiatedGroup() >= 0 ? sp.getNegotiatedGroup() : observer.tls12Group;
        return new HandshakeInfo(TlsVersion.of(sp.getNegotiatedVersion()), CipherSuites.name(sp.getCipherSuite()),
            group >= 0 ? NamedGroups.name(group) : null, peerChain,
            observer.verifyResult, config.isClient() ? (serverName != null && !HostNames.isIpLiteral(serverName) ? serverName : null)
            : observer.sniReceived, alpn == null ? null : alpn.getUtf8Decoding(), sp.isResumedSession(),
            mfl == null ? null : mfl.bytes(), observer.serverHelloTime, observer.pskNegotiated ? observer.pskIdentity : null,
            observer.pskHint, observer.timeCheck == null ? null : observer.timeCheck.report());
    }
}

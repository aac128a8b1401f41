package io.tlskit.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.tlskit.ConfigException;
import io.tlskit.Durations;
import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsEngine;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one tlskit {@link TlsEngine} inside a Netty pipeline: ciphertext {@link ByteBuf}s on the
 * network side, plaintext {@link ByteBuf}s on the application side. One instance per channel.
 *
 * <h2>Life cycle</h2>
 * The engine is created when the channel becomes active (or when the handler is added to an active
 * channel); a client sends its ClientHello at once. The handshake is bounded by
 * {@link TlsConfig#handshakeTimeout()} (a task on the channel's event loop; failure
 * {@link TlsError#HANDSHAKE_TIMEOUT}). Its end is reported three ways: {@link #handshakeFuture()},
 * a {@link TlsHandshakeCompletionEvent} through {@code userEventTriggered}, and
 * {@link #handshakeInfo()}. Writes made before that are queued and sent after it.
 *
 * <p>{@code close()} sends close_notify and closes the channel once it is written (at most
 * {@link #closeNotifyTimeout(Duration)} later). The peer's close_notify is answered and the channel
 * closed. Any {@link TlsException} from the engine flushes the alert the engine queued, fails the
 * handshake (if it was still running), logs one line {@code tls failed [CODE] message remote=...}
 * on logger {@code io.tlskit.netty} and closes the channel; end of stream in the middle of the
 * handshake or of a record ({@link TlsError#PEER_CLOSED_DURING_HANDSHAKE},
 * {@link TlsError#TRUNCATED}) is the same line at DEBUG, since scanners, health checks and browsers
 * do it all the time. I/O errors close the channel quietly (DEBUG).
 *
 * <h2>Memory and backpressure</h2>
 * BouncyCastle's record queues grow to the largest burst and never shrink, so input is fed to the
 * engine in slices of at most {@value #MAX_INPUT_SLICE} bytes and plaintext is encrypted one record
 * ({@link TlsEngine#maxPlaintextPerRecord()}) at a time; after a burst the queues are trimmed once
 * the connection has nothing in flight.
 *
 * <p>Outbound plaintext waits in a {@link PendingWriteQueue}, whose bytes count towards the
 * channel's {@code ChannelOutboundBuffer}; so {@code Channel.isWritable()} and
 * {@code channelWritabilityChanged} tell the application, as usual, when plaintext plus ciphertext
 * passes the channel's {@code WriteBufferWaterMark}. On flush the handler encrypts records only while
 * less than the high water mark of its own ciphertext is waiting to be written to the socket; when
 * it reaches the mark it stops and resumes when the socket has taken the ciphertext down to the low
 * water mark (record write completions drive this). The ciphertext in memory per connection is
 * therefore bounded by the high water mark plus one record, however much the application writes;
 * an application that honours {@code isWritable()} also bounds its plaintext.
 *
 * <p>Each write's promise completes when the last record holding its bytes has been written to the
 * socket (or fails with the cause). Small writes waiting together are coalesced into one record
 * (up to {@link TlsEngine#maxPlaintextPerRecord()} bytes of plaintext); the records made by one flush
 * are passed on as one buffer with one promise (a new one every 64 KiB), so a flush costs one write
 * and one listener however many writes and records it holds. When that write fails, every write
 * whose last bytes it held fails with the same cause.
 *
 * <p>Not {@code @Sharable}. All methods except {@link #handshakeFuture()}, {@link #handshakeInfo()}
 * and {@link #failure()} are for the channel's event loop.
 */
public final class TlsHandler extends ChannelDuplexHandler {
    static final Logger LOG = LoggerFactory.getLogger("io.tlskit.netty");

    /** Largest slice of received bytes handed to the engine at once (one full record plus headroom). */
    static final int MAX_INPUT_SLICE = 17 * 1024;
    /** A burst above this many bytes of plaintext asks for the engine's queues to be trimmed afterwards. */
    private static final int BURST_BYTES = 2048;
    /** Records are handed to the next handler in buffers of about this many bytes (one write, one promise). */
    private static final int MAX_BATCH = 64 * 1024;

    /** One copy buffer per event-loop thread, for direct buffers (the engine reads and writes byte[]). */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[MAX_INPUT_SLICE];
        }
    };

    private final TlsConfig config;
    private final boolean client;
    private final String serverName;
    private final String sessionKey;
    private final HandshakePromise handshakePromise = new HandshakePromise();

    private volatile ChannelHandlerContext ctx;
    private volatile HandshakeInfo info;
    private volatile TlsException failure;
    private long closeNotifyTimeoutMillis = 3000;

    private TlsEngine engine;
    private PendingWriteQueue pending;
    private String remote = "?";
    private ScheduledFuture<?> timeoutTask;
    private int timeoutRechecks;
    /** A flush was requested for what is in {@link #pending}. */
    private boolean flushRequested;
    /** Ciphertext written to the next handler and not yet written to the socket. */
    private long ciphertextInFlight;
    /** Encryption stopped at the high water mark; resumes at the low one. */
    private boolean paused;
    private boolean encrypting;
    private boolean started;
    /** close_notify queued, the peer's close_notify received, or failed: no more application writes. */
    private boolean outboundClosed;
    private boolean channelCloseIssued;
    /** The application asked for data (read()) and none has been delivered since. */
    private boolean readRequested;
    private boolean burst;

    private TlsHandler(TlsConfig config, boolean client, String serverName, String sessionKey) {
        if (config == null) {
            throw new NullPointerException("config");
        }
        this.config = config;
        this.client = client;
        this.serverName = serverName;
        this.sessionKey = sessionKey;
    }

    /** A server-side handler; the config comes from {@code TlsConfig.server()}. */
    public static TlsHandler server(TlsConfig config) {
        if (config.isClient()) {
            throw new ConfigException("TlsHandler.server needs a config from TlsConfig.server()");
        }
        return new TlsHandler(config, false, null, null);
    }

    /**
     * A client-side handler: {@code serverName} is sent as SNI and checked against the server's
     * certificate (an IP literal is checked against IP SANs and not sent); {@code sessionKey} names
     * the saved session to resume (for example "host:port"); either may be null to use the
     * config's server name.
     */
    public static TlsHandler client(TlsConfig config, String serverName, String sessionKey) {
        if (!config.isClient()) {
            throw new ConfigException("TlsHandler.client needs a config from TlsConfig.client()");
        }
        String name = serverName != null ? serverName : config.serverName();
        return new TlsHandler(config, true, name, sessionKey != null ? sessionKey : name);
    }

    /** A server or client handler, after the config's role; a client uses the config's server name. */
    public static TlsHandler of(TlsConfig config) {
        return config.isClient() ? client(config, null, null) : server(config);
    }

    /** How long {@code close()} waits for close_notify to be written before closing anyway (default 3 s). */
    public TlsHandler closeNotifyTimeout(Duration timeout) {
        this.closeNotifyTimeoutMillis = Math.max(0, timeout.toMillis());
        return this;
    }

    public TlsConfig config() {
        return config;
    }

    public boolean isClient() {
        return client;
    }

    /** Completes with the handshake: its {@link HandshakeInfo}, or the {@link TlsException} that ended it. */
    public Future<HandshakeInfo> handshakeFuture() {
        return handshakePromise;
    }

    /** The handshake's result once it has succeeded. Thread-safe. */
    public Optional<HandshakeInfo> handshakeInfo() {
        return Optional.ofNullable(info);
    }

    /** The error that ended this connection, if one did (during or after the handshake). Thread-safe. */
    public Optional<TlsException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The engine (null before the channel is active). Event loop only: the engine is not thread-safe. */
    public TlsEngine engine() {
        return engine;
    }

    // ---- life cycle -------------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pending = new PendingWriteQueue(ctx);
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        remote = String.valueOf(ctx.channel().remoteAddress());
        try {
            engine = client ? TlsEngine.client(config, serverName, sessionKey) : TlsEngine.server(config);
        } catch (TlsException e) {
            fail(ctx, e);
            return;
        } catch (ConfigException e) {
            fail(ctx, new TlsException(e.error(), e.getMessage(), e));
            return;
        }
        scheduleTimeout(ctx, config.handshakeTimeout().toMillis());
        ByteBuf hello = takeOutput(ctx);
        if (hello != null) {
            ctx.writeAndFlush(hello, ctx.voidPromise());
        }
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (pending != null && !pending.isEmpty()) {
            pending.removeAndFailAll(new ClosedChannelException());
        }
    }

    // ---- inbound ----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && acceptsInput()) {
                int n = Math.min(in.readableBytes(), MAX_INPUT_SLICE);
                if (in.hasArray()) {
                    engine.receive(in.array(), in.arrayOffset() + in.readerIndex(), n);
                } else {
                    byte[] scratch = SCRATCH.get();
                    in.getBytes(in.readerIndex(), scratch, 0, n);
                    engine.receive(scratch, 0, n);
                }
                in.skipBytes(n);
                afterReceive(ctx);
            }
        } catch (TlsException e) {
            fail(ctx, e);
        } finally {
            in.release();
        }
    }

    private boolean acceptsInput() {
        // after our close_notify BouncyCastle accepts nothing more; after a failure neither
        return engine != null && failure == null && !outboundClosed && !engine.isInboundDone();
    }

    /** Sends what the engine produced, reports a finished handshake, delivers plaintext, answers close_notify. */
    private void afterReceive(ChannelHandlerContext ctx) {
        ByteBuf out = takeOutput(ctx);
        if (out != null) {
            ctx.write(out, ctx.voidPromise());
        }
        if (info == null && engine.handshakeInfo().isPresent()) {
            handshakeSucceeded(ctx);
        }
        if (out != null) {
            ctx.flush();
        }
        firePlaintext(ctx);
        if (engine.isInboundDone() && failure == null && !outboundClosed) {
            peerClosed(ctx);
        }
    }

    private void handshakeSucceeded(ChannelHandlerContext ctx) {
        info = engine.handshakeInfo().get();
        cancelTimeout();
        handshakePromise.trySuccess(info);
        ctx.fireUserEventTriggered(TlsHandshakeCompletionEvent.success(info));
        if (flushRequested) {
            encryptPending(ctx, false);
            ctx.flush();
        }
    }

    private void firePlaintext(ChannelHandlerContext ctx) {
        int available;
        while ((available = engine.availablePlaintext()) > 0) {
            ByteBuf plain = ctx.alloc().heapBuffer(available);
            if (plain.hasArray()) {
                int n = engine.readPlaintext(plain.array(), plain.arrayOffset() + plain.writerIndex(), available);
                plain.writerIndex(plain.writerIndex() + n);
            } else {
                byte[] scratch = SCRATCH.get();
                int n = engine.readPlaintext(scratch, 0, Math.min(available, scratch.length));
                plain.writeBytes(scratch, 0, n);
            }
            if (available > BURST_BYTES) {
                burst = true;
            }
            readRequested = false;
            ctx.fireChannelRead(plain);
        }
    }

    /** The peer sent close_notify: BouncyCastle queued our reply; send it and close. */
    private void peerClosed(ChannelHandlerContext ctx) {
        outboundClosed = true;
        cancelTimeout();
        if (!handshakePromise.isDone()) {
            TlsException e = new TlsException(TlsError.PEER_CLOSED_DURING_HANDSHAKE,
                "the peer sent close_notify before the handshake completed");
            failure = e;
            logFailure(e);
            handshakeFailed(ctx, e);
        }
        pending.removeAndFailAll(new TlsException(TlsError.CLOSED, "the peer closed the TLS connection (close_notify)"));
        ByteBuf reply = takeOutput(ctx);
        ChannelFuture written = reply != null ? ctx.writeAndFlush(reply) : ctx.newSucceededFuture();
        closeAfter(ctx, written, ctx.newPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Without auto-read, a read that yields no plaintext (handshake messages, part of a record)
        // must not stall: read on during the handshake, and afterwards while the application's
        // read() is still unanswered. An application that stopped asking is not fed more.
        boolean readAgain = !ctx.channel().config().isAutoRead() && failure == null && !outboundClosed
            && (info == null || readRequested);
        trimIfQuiet();
        ctx.fireChannelReadComplete();
        if (readAgain && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        readRequested = true;
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        if (engine != null && failure == null && !outboundClosed) {
            try {
                engine.receiveEof();
            } catch (TlsException e) {
                failure = e;
                logFailure(e);
            }
        }
        if (!handshakePromise.isDone()) {
            handshakeFailed(ctx, failure != null ? failure : new TlsException(TlsError.CLOSED,
                "the connection was closed before the TLS handshake completed"));
        }
        outboundClosed = true;
        if (pending != null) {
            pending.removeAndFailAll(new ClosedChannelException());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof IOException) {
            LOG.debug("connection error remote={}: {}", remote, cause.toString());
            if (!handshakePromise.isDone()) {
                TlsException e = cause instanceof TlsException ? (TlsException) cause
                    : new TlsException(TlsError.IO_ERROR, "the connection failed during the handshake: " + cause.getMessage(), cause);
                failure = e;
                handshakeFailed(ctx, e);
            }
            outboundClosed = true;
            closeChannel(ctx, ctx.newPromise());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    // ---- outbound ---------------------------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.safeRelease(msg);
            promise.setFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
            return;
        }
        if (outboundClosed) {
            ReferenceCountUtil.safeRelease(msg);
            promise.setFailure(failure != null ? failure : new ClosedChannelException());
            return;
        }
        pending.add(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            flushRequested = true;
            if (info != null) {
                encryptPending(ctx, false);
            }
        }
        ctx.flush();
    }

    /**
     * Encrypts flushed plaintext while this connection's ciphertext waiting for the socket stays below
     * the channel's high water mark (or regardless of it when closing). Small writes are gathered into
     * one record (up to {@link TlsEngine#maxPlaintextPerRecord()}); the records of one pass go to the
     * next handler as one buffer with one promise (at most {@value #MAX_BATCH} bytes each), whose
     * completion completes the promises of the writes it finished.
     */
    private void encryptPending(ChannelHandlerContext ctx, boolean ignoreWaterMark) {
        if (encrypting || info == null || failure != null || engine == null) {
            return;
        }
        encrypting = true;
        ByteBuf batch = null;
        ArrayList<ChannelPromise> promises = new ArrayList<>(4);
        int recordPromisesFrom = 0;
        try {
            int high = ctx.channel().config().getWriteBufferHighWaterMark();
            int maxRecord = Math.min(engine.maxPlaintextPerRecord(), MAX_INPUT_SLICE);
            while (flushRequested) {
                Object msg = pending.current();
                if (msg == null) {
                    flushRequested = false;
                    break;
                }
                if (!ctx.channel().isActive()) {
                    break; // channelInactive fails what is left
                }
                if (!ignoreWaterMark && ciphertextInFlight >= high) {
                    paused = true;
                    break;
                }
                recordPromisesFrom = promises.size();
                ByteBuf plain = (ByteBuf) msg;
                int readable = plain.readableBytes();
                int chunk;
                if (readable >= maxRecord || readable == 0 || pending.size() == 1) {
                    // one buffer's bytes (or the first record's worth of them) as they are
                    chunk = Math.min(readable, maxRecord);
                    if (chunk > 0) {
                        if (plain.hasArray()) {
                            engine.writePlaintext(plain.array(), plain.arrayOffset() + plain.readerIndex(), chunk);
                        } else {
                            byte[] scratch = SCRATCH.get();
                            plain.getBytes(plain.readerIndex(), scratch, 0, chunk);
                            engine.writePlaintext(scratch, 0, chunk);
                        }
                        plain.skipBytes(chunk);
                    }
                    if (!plain.isReadable()) {
                        promises.add(pending.remove()); // remove() releases plain
                    }
                } else {
                    // several small writes: gather them into one record
                    byte[] scratch = SCRATCH.get();
                    chunk = 0;
                    while (chunk < maxRecord && (msg = pending.current()) != null) {
                        plain = (ByteBuf) msg;
                        int n = Math.min(plain.readableBytes(), maxRecord - chunk);
                        plain.getBytes(plain.readerIndex(), scratch, chunk, n);
                        plain.skipBytes(n);
                        chunk += n;
                        if (plain.isReadable()) {
                            break;
                        }
                        promises.add(pending.remove());
                    }
                    engine.writePlaintext(scratch, 0, chunk);
                }
                recordPromisesFrom = promises.size();
                if (chunk > BURST_BYTES) {
                    burst = true;
                }
                int n = engine.pendingOutput();
                if (n > 0) {
                    if (batch == null) {
                        long estimate = Math.min(pending.bytes(), MAX_BATCH) + n + 256;
                        batch = ctx.alloc().directBuffer((int) Math.min(estimate, MAX_BATCH + 17 * 1024));
                    }
                    batch.ensureWritable(n);
                    int got = engine.takeOutput(batch.internalNioBuffer(batch.writerIndex(), n));
                    batch.writerIndex(batch.writerIndex() + got);
                    ciphertextInFlight += got;
                }
                if (batch != null && batch.readableBytes() >= MAX_BATCH) {
                    writeBatch(ctx, batch, promises);
                    batch = null;
                    promises = new ArrayList<>(4);
                    recordPromisesFrom = 0;
                }
            }
        } catch (TlsException e) {
            // the writes whose bytes did not become a record fail; the records made so far go out first
            for (int i = recordPromisesFrom; i < promises.size(); i++) {
                promises.get(i).tryFailure(e);
            }
            promises.subList(recordPromisesFrom, promises.size()).clear();
            writeBatch(ctx, batch, promises);
            batch = null;
            encrypting = false;
            fail(ctx, e);
        } finally {
            if (encrypting) {
                encrypting = false;
                writeBatch(ctx, batch, promises);
            }
        }
    }

    /** Writes one batch of records (or nothing but the promises, to keep their place in the write order). */
    private void writeBatch(ChannelHandlerContext ctx, ByteBuf batch, ArrayList<ChannelPromise> promises) {
        if (batch == null && promises.isEmpty()) {
            return;
        }
        int size = batch == null ? 0 : batch.readableBytes();
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(new RecordsWritten(ctx, size, promises));
        ctx.write(batch == null ? Unpooled.EMPTY_BUFFER : batch, promise);
    }

    /** Completes the application's promises and resumes encryption once the socket took enough. */
    private final class RecordsWritten implements ChannelFutureListener {
        private final ChannelHandlerContext ctx;
        private final int size;
        private final ArrayList<ChannelPromise> userPromises;

        RecordsWritten(ChannelHandlerContext ctx, int size, ArrayList<ChannelPromise> userPromises) {
            this.ctx = ctx;
            this.size = size;
            this.userPromises = userPromises;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            ciphertextInFlight -= size;
            Throwable cause = future.cause();
            for (int i = 0, n = userPromises.size(); i < n; i++) {
                ChannelPromise userPromise = userPromises.get(i);
                if (cause == null) {
                    userPromise.trySuccess();
                } else {
                    userPromise.tryFailure(cause);
                }
            }
            if (paused && cause == null && ciphertextInFlight <= ctx.channel().config().getWriteBufferLowWaterMark()) {
                paused = false;
                encryptPending(ctx, false);
                ctx.flush();
            }
            if (ciphertextInFlight == 0) {
                trimIfQuiet();
            }
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (channelCloseIssued || outboundClosed || engine == null || failure != null || !ctx.channel().isActive()) {
            outboundClosed = true;
            if (pending != null) {
                pending.removeAndFailAll(new ClosedChannelException());
            }
            closeChannel(ctx, promise);
            return;
        }
        if (info != null && !pending.isEmpty()) {
            // what was written before close() still goes out, ahead of close_notify
            flushRequested = true;
            encryptPending(ctx, true);
        }
        outboundClosed = true;
        pending.removeAndFailAll(new ClosedChannelException());
        cancelTimeout();
        engine.closeNotify();
        ByteBuf closeNotify = takeOutput(ctx);
        ChannelFuture written;
        if (closeNotify != null) {
            written = ctx.writeAndFlush(closeNotify);
        } else {
            ctx.flush();
            written = ctx.newSucceededFuture();
        }
        closeAfter(ctx, written, promise);
    }

    // ---- failure and closing ----------------------------------------------------------------------

    private void fail(ChannelHandlerContext ctx, TlsException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        outboundClosed = true;
        cancelTimeout();
        logFailure(e);
        ByteBuf alert = engine != null ? takeOutput(ctx) : null;
        if (!handshakePromise.isDone()) {
            handshakeFailed(ctx, e);
        }
        if (pending != null) {
            pending.removeAndFailAll(e);
        }
        if (channelCloseIssued) {
            ReferenceCountUtil.safeRelease(alert);
            return;
        }
        ChannelFuture written = alert != null ? ctx.writeAndFlush(alert) : ctx.newSucceededFuture();
        closeAfter(ctx, written, ctx.newPromise());
    }

    private void handshakeFailed(ChannelHandlerContext ctx, TlsException e) {
        cancelTimeout();
        if (handshakePromise.tryFailure(e)) {
            ctx.fireUserEventTriggered(TlsHandshakeCompletionEvent.failure(e));
        }
    }

    private void logFailure(TlsException e) {
        String message = oneLine(e.getMessage());
        if (e.error() == TlsError.TRUNCATED || e.error() == TlsError.PEER_CLOSED_DURING_HANDSHAKE) {
            LOG.debug("tls failed [{}] {} remote={}", e.error(), message, remote);
        } else {
            LOG.info("tls failed [{}] {} remote={}", e.error(), message, remote);
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }

    /** Closes the channel once {@code written} completes, or after the close_notify timeout. */
    private void closeAfter(ChannelHandlerContext ctx, ChannelFuture written, ChannelPromise promise) {
        if (written.isDone()) {
            closeChannel(ctx, promise);
            return;
        }
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> closeChannel(ctx, promise), closeNotifyTimeoutMillis, TimeUnit.MILLISECONDS);
        written.addListener(f -> {
            deadline.cancel(false);
            closeChannel(ctx, promise);
        });
    }

    private void closeChannel(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (channelCloseIssued) {
            if (!promise.isVoid()) {
                ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            }
            return;
        }
        channelCloseIssued = true;
        ctx.close(promise);
    }

    // ---- handshake timeout ------------------------------------------------------------------------

    private void scheduleTimeout(ChannelHandlerContext ctx, long delayMillis) {
        timeoutTask = ctx.executor().schedule(() -> onTimeout(ctx), Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        timeoutTask = null;
        if (info != null || failure != null || engine == null || !engine.isHandshaking()) {
            return;
        }
        try {
            engine.checkTimeout();
        } catch (TlsException e) {
            fail(ctx, e);
            return;
        }
        // the engine's clock (the config's TimeSource) does not see the deadline yet: wait for it a
        // few times, then trust the event loop's clock
        long remaining = engine.handshakeDeadlineMillis() - config.time().monotonicMillis();
        if (remaining > 0 && remaining < config.handshakeTimeout().toMillis() && timeoutRechecks++ < 3) {
            scheduleTimeout(ctx, remaining);
        } else {
            fail(ctx, new TlsException(TlsError.HANDSHAKE_TIMEOUT, "the handshake did not complete within "
                + Durations.format(config.handshakeTimeout())));
        }
    }

    private void cancelTimeout() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * Everything the engine wants to send, in one buffer, or null. The buffer is direct: the socket
     * needs direct memory, and filling it here spares Netty a heap buffer and a copy per record.
     */
    private ByteBuf takeOutput(ChannelHandlerContext ctx) {
        int n = engine.pendingOutput();
        if (n <= 0) {
            return null;
        }
        ByteBuf out = ctx.alloc().directBuffer(n);
        int got = engine.takeOutput(out.internalNioBuffer(out.writerIndex(), n));
        out.writerIndex(out.writerIndex() + got);
        return out;
    }

    /** Ciphertext handed to the socket side and not yet written (for tests and diagnostics; event loop only). */
    long ciphertextQueued() {
        return ciphertextInFlight;
    }

    /** After a burst, give BouncyCastle's grown queues back once nothing is in flight. */
    private void trimIfQuiet() {
        if (burst && engine != null && ciphertextInFlight == 0 && (pending == null || pending.isEmpty())
            && engine.pendingOutput() == 0 && engine.availablePlaintext() == 0) {
            burst = false;
            engine.trimBuffers();
        }
    }

    /** The handshake promise; its executor is the channel's event loop once the handler is added. */
    private final class HandshakePromise extends DefaultPromise<HandshakeInfo> {
        @Override
        protected EventExecutor executor() {
            ChannelHandlerContext c = ctx;
            return c == null ? GlobalEventExecutor.INSTANCE : c.executor();
        }

        @Override
        protected void checkDeadLock() {
            if (ctx != null) {
                super.checkDeadLock();
            }
        }
    }
}

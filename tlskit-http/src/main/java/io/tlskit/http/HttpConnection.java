package io.tlskit.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.tlskit.HandshakeInfo;
import io.tlskit.netty.TlsHandler;
import io.tlskit.netty.TlsHandshakeCompletionEvent;
import io.tlskit.netty.TlsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection, behind the TlsHandler: parses requests, runs them, writes the responses
 * in request order. Event loop only.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements RequestParser.Sink {
    /** Requests parsed and not yet answered, per connection, before the server stops reading. */
    static final int MAX_PIPELINED = 16;
    /**
     * After an error response the connection reads and drops input until the client has been quiet
     * for {@value #LINGER_QUIET_MILLIS} ms, at most {@value #LINGER_MILLIS} ms, then closes; closing
     * at once with unread input would reset the connection and could destroy the response before
     * the client reads it.
     */
    static final long LINGER_MILLIS = 2000;
    static final long LINGER_QUIET_MILLIS = 250;
    /** Bodies up to this size go out in one buffer with the head (one TLS record when it fits). */
    private static final int INLINE_BODY = 16 * 1024 - 512;
    private static final int FILE_CHUNK = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A request from its head to its response being written. */
    private static final class Exchange {
        final RequestParser.Head head;
        final int number;
        final long startNanos;
        byte[] body;
        int bodyLength;
        boolean continueWanted;
        boolean dispatched;
        HttpRequest request;
        HttpResponse response;
        boolean closeAfter;
        boolean linger;
        long bytesSent;

        Exchange(RequestParser.Head head, int number) {
            this.head = head;
            this.number = number;
            this.startNanos = System.nanoTime();
        }
    }

    private final HttpsServer server;
    private final long id;
    private final RequestParser parser;
    private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ByteBuf buffer;
    private Exchange receiving;
    private HandshakeInfo info;
    private InetSocketAddress remote;
    private int requests;
    /** No further requests are parsed (close requested, error, shutdown, request limit). */
    private boolean noMoreRequests;
    private boolean draining;
    private boolean paused;
    private boolean closed;
    private boolean closing;
    private boolean discarding;
    private boolean processing;
    private long lingerStartNanos;
    private long lastInputNanos;
    private ScheduledFuture<?> headDeadline;
    private long headDeadlineFor;

    HttpConnection(HttpsServer server, long id) {
        this.server = server;
        this.id = id;
        this.parser = new RequestParser(server.maxUriLength, server.maxHeaderBytes, server.maxBodyBytes);
    }

    /** The server is running a handler for this connection (the idle rule does not apply). */
    boolean awaitingApplication() {
        for (Exchange x : queue) {
            if (x.dispatched && x.response == null) {
                return true;
            }
        }
        return false;
    }

    // ---- life cycle -----------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            remote = (InetSocketAddress) ctx.channel().remoteAddress();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof TlsHandshakeCompletionEvent) {
            ((TlsHandshakeCompletionEvent) evt).info().ifPresent(i -> info = i);
        } else if (evt == TlsServer.SHUTDOWN_REQUESTED) {
            draining = true;
            if (quiet()) {
                close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        cancelHeadDeadline();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        queue.clear();
        receiving = null;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            HttpsServer.LOG.debug("connection {} error remote={}: {}", id, remote, cause.toString());
        } else {
            HttpsServer.LOG.warn("connection {} failed remote={}", id, remote, cause);
        }
        close();
    }

    private void close() {
        if (!closing) {
            closing = true;
            cancelHeadDeadline();
            ctx.close();
        }
    }

    /** Nothing in progress: no request being received or answered. */
    private boolean quiet() {
        return queue.isEmpty() && receiving == null && parser.idle();
    }

    // ---- input ----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        lastInputNanos = System.nanoTime();
        if (closed || closing || discarding || noMoreRequests && receiving == null) {
            in.release();
            return;
        }
        buffer = buffer == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buffer, in);
        process();
    }

    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (buffer != null && buffer.isReadable() && !closed && !closing && !discarding) {
                if (noMoreRequests && receiving == null) {
                    buffer.skipBytes(buffer.readableBytes());
                    break;
                }
                if (receiving == null && parser.idle() && queue.size() >= MAX_PIPELINED) {
                    pause();
                    break;
                }
                boolean progressed;
                try {
                    progressed = parser.step(buffer, this);
                } catch (RequestParser.HttpError e) {
                    refuse(e.status, e.getMessage(), true);
                    break;
                }
                if (!progressed) {
                    break;
                }
            }
        } finally {
            processing = false;
        }
        if (buffer != null) {
            if (!buffer.isReadable()) {
                buffer.release();
                buffer = null;
            } else {
                buffer.discardSomeReadBytes();
            }
        }
        updateHeadDeadline();
    }

    private void pause() {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resume() {
        if (paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
            ctx.executor().execute(this::process);
        }
    }

    @Override
    public void head(RequestParser.Head head) {
        requests++;
        server.requests.increment();
        Exchange x = new Exchange(head, requests);
        if (head.contentLength > 0) {
            x.body = new byte[(int) head.contentLength];
        } else if (head.chunked) {
            x.body = new byte[(int) Math.min(8192, server.maxBodyBytes)];
        }
        x.continueWanted = head.expectContinue;
        if (!head.keepAlive || requests >= server.maxRequestsPerConnection || draining) {
            x.closeAfter = true;
            noMoreRequests = true;
        }
        queue.add(x);
        receiving = x;
        flushResponses(); // sends 100 Continue if it is this request's turn
    }

    @Override
    public void body(ByteBuf in, int length) {
        Exchange x = receiving;
        x.continueWanted = false;
        if (x.bodyLength + length > x.body.length) {
            long grown = Math.max((long) x.body.length * 2, (long) x.bodyLength + length);
            x.body = Arrays.copyOf(x.body, (int) Math.min(grown, server.maxBodyBytes));
        }
        in.getBytes(in.readerIndex(), x.body, x.bodyLength, length);
        x.bodyLength += length;
    }

    @Override
    public void end() {
        Exchange x = receiving;
        receiving = null;
        x.continueWanted = false;
        dispatch(x);
    }

    private void dispatch(Exchange x) {
        byte[] body = x.body == null ? new byte[0] : x.bodyLength == x.body.length ? x.body : Arrays.copyOf(x.body, x.bodyLength);
        x.body = null;
        HandshakeInfo tls = handshakeInfo();
        RequestParser.Head h = x.head;
        x.request = new HttpRequest(h.method, h.target, h.version, h.headers, body, tls, remote, id, x.number);
        x.dispatched = true;
        CompletionStage<HttpResponse> stage;
        if (tls == null) {
            stage = CompletableFuture.completedFuture(HttpResponse.error(500)); // cannot happen: no plaintext before the handshake
        } else {
            try {
                stage = server.respond(x.request);
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e); // answered with a 500, logged in complete()
            }
        }
        stage.whenComplete((response, error) -> {
            if (ctx.executor().inEventLoop()) {
                complete(x, response, error);
            } else {
                try {
                    ctx.executor().execute(() -> complete(x, response, error));
                } catch (RejectedExecutionException stopped) {
                    // the server is gone
                }
            }
        });
    }

    private void complete(Exchange x, HttpResponse response, Throwable error) {
        if (closed) {
            return;
        }
        if (error != null || response == null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            HttpsServer.LOG.warn("handler for {} {} failed", x.head.method, x.request.path(),
                cause != null ? cause : new NullPointerException("the handler returned no response"));
            response = HttpResponse.error(500);
        }
        x.response = response;
        flushResponses();
    }

    private HandshakeInfo handshakeInfo() {
        if (info == null) {
            TlsHandler tls = ctx.pipeline().get(TlsHandler.class);
            if (tls != null) {
                info = tls.handshakeInfo().orElse(null);
            }
        }
        return info;
    }

    /** Answers a malformed or oversized request (or a head timeout) and closes the connection after it. */
    private void refuse(int status, String message, boolean linger) {
        server.rejectedRequests.increment();
        HttpsServer.LOG.debug("connection {} remote={}: {} {}", id, remote, status, message);
        noMoreRequests = true;
        Exchange x = receiving;
        if (x == null) {
            x = new Exchange(null, ++requests);
            queue.add(x);
        }
        receiving = null;
        x.continueWanted = false;
        x.body = null;
        x.closeAfter = true;
        x.linger = linger;
        x.response = HttpResponse.error(status, message);
        if (buffer != null) {
            buffer.skipBytes(buffer.readableBytes());
        }
        flushResponses();
    }

    // ---- head deadline --------------------------------------------------------------------------

    private void updateHeadDeadline() {
        if (parser.headInProgress() && !closed && !closing && !discarding && !noMoreRequests) {
            long start = parser.headStartNanos();
            if (headDeadline == null || headDeadlineFor != start) {
                cancelHeadDeadline();
                headDeadlineFor = start;
                long delay = TimeUnit.MILLISECONDS.toNanos(server.headerTimeoutMillis) - (System.nanoTime() - start);
                headDeadline = ctx.executor().schedule(() -> headTimedOut(start), Math.max(0, delay), TimeUnit.NANOSECONDS);
            }
        } else {
            cancelHeadDeadline();
        }
    }

    private void cancelHeadDeadline() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    private void headTimedOut(long start) {
        headDeadline = null;
        if (closed || closing || !parser.headInProgress() || parser.headStartNanos() != start) {
            return;
        }
        server.headerTimeouts.increment();
        refuse(408, "the request head did not arrive within " + server.headerTimeoutMillis + " ms", false);
    }

    // ---- output ---------------------------------------------------------------------------------

    /** Writes every response whose turn it is; sends 100 Continue when a waiting request's turn comes. */
    private void flushResponses() {
        if (closed || closing) {
            return;
        }
        boolean wrote = false;
        while (!queue.isEmpty()) {
            Exchange x = queue.peek();
            if (x.response == null) {
                if (x == receiving && x.continueWanted) {
                    x.continueWanted = false;
                    ctx.write(Unpooled.wrappedBuffer(CONTINUE));
                    wrote = true;
                }
                break;
            }
            queue.poll();
            if (draining && queue.isEmpty() && receiving == null && parser.idle()) {
                x.closeAfter = true;
                noMoreRequests = true;
            }
            write(x);
            wrote = true;
            if (x.closeAfter) {
                queue.clear();
                break;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (paused && queue.size() < MAX_PIPELINED && !noMoreRequests) {
            resume();
        }
        if (draining && !closing && quiet()) {
            close();
        }
    }

    private void write(Exchange x) {
        HttpResponse r = x.response;
        boolean headRequest = x.head != null && x.head.method.equals("HEAD");
        boolean sendBody = !headRequest && !r.bodyless();
        FileChannel file = null;
        if (sendBody && r.isFile() && r.contentLength() > 0) {
            try {
                file = FileChannel.open(r.file(), StandardOpenOption.READ);
            } catch (IOException e) {
                HttpsServer.LOG.warn("cannot open {}: {}", r.file(), e.toString());
                r = HttpResponse.error(500);
                x.response = r;
            }
        }
        long length = r.contentLength();
        // a small file goes out with its head in one write: one TLS record instead of two
        boolean inlineFile = file != null && length <= INLINE_BODY;
        ByteBuf head = server.heads.encode(ctx.alloc(), r, !x.closeAfter, length, inlineFile ? (int) length : r.isFile() || length > INLINE_BODY ? 0 : (int) length);
        ChannelFuture done;
        if (!sendBody || length == 0) {
            done = ctx.write(head);
        } else if (inlineFile) {
            try {
                int read = 0;
                while (read < length) {
                    int n = head.writeBytes(file, r.fileOffset() + read, (int) length - read);
                    if (n < 0) {
                        throw new IOException("the file shrank while being sent");
                    }
                    read += n;
                }
                done = ctx.write(head);
            } catch (IOException e) {
                head.release();
                HttpsServer.LOG.warn("cannot read {}: {}", r.file(), e.toString());
                x.closeAfter = true;
                done = ctx.newFailedFuture(e);
            } finally {
                closeQuietly(file);
            }
        } else if (file != null) {
            ctx.write(head);
            ChannelProgressivePromise promise = ctx.newProgressivePromise();
            promise.addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                    x.bytesSent = progress;
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture future) {
                    // finished() below
                }
            });
            try {
                ensureChunkedWriter();
                done = ctx.write(new ChunkedNioFile(file, r.fileOffset(), length, FILE_CHUNK), promise);
            } catch (IOException e) {
                closeQuietly(file);
                HttpsServer.LOG.warn("cannot read {}: {}", r.file(), e.toString());
                x.closeAfter = true;
                done = promise.setFailure(e);
            }
        } else if (length <= INLINE_BODY) {
            head.writeBytes(r.body());
            done = ctx.write(head);
        } else {
            ctx.write(head);
            done = ctx.write(Unpooled.wrappedBuffer(r.body()));
        }
        long bodyLength = sendBody ? length : 0;
        done.addListener(f -> finished(x, f.isSuccess(), bodyLength));
    }

    /**
     * Adds the ChunkedWriteHandler that streams large files in front of this handler, the first time
     * one is sent: it queues every write it sees, which is wasted work for the small responses
     * most connections only ever send.
     */
    private void ensureChunkedWriter() {
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            ctx.pipeline().addBefore(ctx.name(), "chunked", new ChunkedWriteHandler());
        }
    }

    private void finished(Exchange x, boolean ok, long bodyLength) {
        long bytes = ok ? bodyLength : x.response.isFile() ? x.bytesSent : 0;
        if (server.logsAccess()) {
            logAccess(x, bytes);
        }
        if (!ok) {
            close();
        } else if (x.closeAfter) {
            if (x.linger) {
                linger();
            } else {
                close();
            }
        }
    }

    private void logAccess(Exchange x, long bytes) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - x.startNanos);
        HandshakeInfo tls = info;
        server.log(new AccessLogEntry(StatusPage.address(remote),
            x.head == null ? "-" : x.head.method,
            x.head == null ? "-" : x.request != null ? x.request.path() : pathOf(x.head.target),
            x.response.status(), bytes, millis,
            tls == null ? null : tls.version().displayName(),
            tls == null ? null : tls.cipherSuite(),
            tls != null && tls.resumed(),
            tls == null ? null : tls.peerCertificate().map(StatusPage::subject).orElse(null)));
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** Reads and drops input for a while before closing, so the client can read the error response. */
    private void linger() {
        if (closed || closing) {
            return;
        }
        discarding = true;
        cancelHeadDeadline();
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        lingerStartNanos = System.nanoTime();
        lastInputNanos = Math.min(lastInputNanos, lingerStartNanos);
        ctx.executor().schedule(this::lingerCheck, LINGER_QUIET_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void lingerCheck() {
        if (closed || closing) {
            return;
        }
        long now = System.nanoTime();
        long quietFor = TimeUnit.NANOSECONDS.toMillis(now - Math.max(lastInputNanos, lingerStartNanos));
        long total = TimeUnit.NANOSECONDS.toMillis(now - lingerStartNanos);
        if (quietFor >= LINGER_QUIET_MILLIS || total >= LINGER_MILLIS) {
            close();
        } else {
            long next = Math.min(LINGER_QUIET_MILLIS - quietFor, LINGER_MILLIS - total);
            ctx.executor().schedule(this::lingerCheck, Math.max(1, next), TimeUnit.MILLISECONDS);
        }
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "HttpConnection(" + id + ", " + remote + ")";
    }
}

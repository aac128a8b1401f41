package io.tlskit.http;

import io.netty.channel.ChannelHandlerContext;
import io.tlskit.netty.NoProgressHandler;

/**
 * The no-progress rule (lwIP httpd: close after a while without data), on the network side of the
 * TLS handler so handshake bytes and ciphertext written to the socket count as progress. It does not
 * close a connection whose request the server is still working on.
 */
final class IdleCloser extends NoProgressHandler {
    private final HttpsServer server;
    private final HttpConnection connection;
    private final long timeoutMillis;

    IdleCloser(HttpsServer server, HttpConnection connection, long timeoutMillis) {
        super(timeoutMillis);
        this.server = server;
        this.connection = connection;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void noProgress(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen() || connection.awaitingApplication()) {
            return;
        }
        server.idleClosed.increment();
        HttpsServer.LOG.debug("no progress for {} ms: closing remote={}", timeoutMillis, ctx.channel().remoteAddress());
        ctx.channel().close();
    }
}

package io.tlskit.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsVersion;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/** Shared pieces of the tlskit-netty tests. */
final class NettyTesting {
    static final TestPki PKI = TestPki.INSTANCE;
    static final Duration DEADLINE = Duration.ofSeconds(15);

    private NettyTesting() {
    }

    static TlsConfig.Builder serverConfig() {
        return TlsConfig.server().credentials(PKI.serverEcCredentials());
    }

    static TlsConfig.Builder clientConfig(TlsVersion... versions) {
        TlsConfig.Builder b = TlsConfig.client().trustAnchors(PKI.trust()).serverName("localhost");
        return versions.length == 0 ? b : b.versions(versions);
    }

    static String pki(String file) {
        return PKI.files().resolve(file).toString();
    }

    /** Echoes every buffer; stops reading while the channel is not writable (backpressure). */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** Records every handshake completion event with the event loop it happened on. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object[]> events;

        Recorder(BlockingQueue<Object[]> events) {
            this.events = events;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof TlsHandshakeCompletionEvent) {
                events.add(new Object[] {ctx.channel().eventLoop(), evt});
            }
            ctx.fireUserEventTriggered(evt);
        }

        static BlockingQueue<Object[]> queue() {
            return new LinkedBlockingQueue<>();
        }

        static HandshakeInfo info(Object[] record) {
            return ((TlsHandshakeCompletionEvent) record[1]).info().orElseThrow();
        }
    }

    /** Sends a line and reads the line that comes back. */
    static String exchangeLine(TlsConnection connection, String line) throws IOException {
        connection.readTimeout(DEADLINE);
        connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return readLine(connection);
    }

    static String readLine(TlsConnection connection) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (true) {
            int n = connection.read(one, 0, 1);
            if (n < 0) {
                throw new IOException("closed before a full line; got: " + reply.toString(StandardCharsets.UTF_8));
            }
            if (one[0] == '\n') {
                return reply.toString(StandardCharsets.UTF_8);
            }
            reply.write(one[0]);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

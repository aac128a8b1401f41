package io.tlskit.netty;

import static io.tlskit.netty.NettyTesting.DEADLINE;
import static io.tlskit.netty.NettyTesting.await;
import static io.tlskit.netty.NettyTesting.clientConfig;
import static io.tlskit.netty.NettyTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One 16 MiB write to a client that does not read at first: the handler keeps at most the high water
 * mark (plus one record) of ciphertext queued, the channel reports unwritable meanwhile, the write's
 * promise completes only after the client has taken everything, and every byte arrives intact.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackpressureTest {
    private TlsServer server;
    private final BlockingQueue<Object> exceptions = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownGracefully(Duration.ZERO);
        }
    }

    @Test
    void bigWriteIsEncryptedOnlyAsFastAsTheSocketTakesIt() throws Exception {
        int size = 16 * 1024 * 1024;
        byte[] data = new byte[size];
        new Random(3).nextBytes(data);
        AtomicLong maxQueued = new AtomicLong();
        AtomicBoolean sawUnwritable = new AtomicBoolean();
        AtomicReference<ChannelFuture> write = new AtomicReference<>();
        AtomicReference<Integer> highWaterMark = new AtomicReference<>();

        server = TlsServer.builder().bind("127.0.0.1", 0).config(serverConfig().build())
            .childHandler(ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof TlsHandshakeCompletionEvent && ((TlsHandshakeCompletionEvent) evt).isSuccess()) {
                        TlsHandler tls = ctx.pipeline().get(TlsHandler.class);
                        highWaterMark.set(ctx.channel().config().getWriteBufferHighWaterMark());
                        write.set(ctx.writeAndFlush(Unpooled.wrappedBuffer(data)));
                        sample(ctx, tls);
                    }
                    ctx.fireUserEventTriggered(evt);
                }

                private void sample(ChannelHandlerContext ctx, TlsHandler tls) {
                    maxQueued.accumulateAndGet(tls.ciphertextQueued(), Math::max);
                    if (!ctx.channel().isWritable()) {
                        sawUnwritable.set(true);
                    }
                    if (!write.get().isDone()) {
                        ctx.executor().schedule(() -> sample(ctx, tls), 2, TimeUnit.MILLISECONDS);
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    exceptions.add(cause);
                }
            })).start();

        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        try (TlsConnection connection = TlsConnection.client(clientConfig().build(), new SocketTransport(socket), "localhost")) {
            connection.handshake();
            connection.readTimeout(DEADLINE);
            await("the write started", DEADLINE, () -> write.get() != null);
            Thread.sleep(300); // not reading: socket buffers fill, the handler must stop encrypting
            assertThat(write.get().isDone()).as("write promise before the client read anything").isFalse();
            assertThat(sawUnwritable).isTrue();

            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            while (total < size) {
                int n = connection.read(buffer, 0, buffer.length);
                if (n < 0) {
                    throw new IOException("closed after " + total);
                }
                digest.update(buffer, 0, n);
                total += n;
            }
            assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            await("write promise", DEADLINE, () -> write.get().isDone());
            assertThat(write.get().isSuccess()).isTrue();
        }
        assertThat(maxQueued.get()).as("ciphertext queued at most").isPositive()
            .isLessThanOrEqualTo(highWaterMark.get() + 16384 + 256);
        assertThat(exceptions).isEmpty();
    }

    /** A peer that resets the connection: closed quietly, nothing reaches the application's exceptionCaught. */
    @Test
    void connectionResetClosesQuietly() throws Exception {
        server = TlsServer.builder().bind("127.0.0.1", 0).config(serverConfig().build())
            .childHandler(ch -> ch.pipeline().addLast(new NettyTesting.Echo(), new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    exceptions.add(cause);
                }
            })).start();
        Socket socket = new Socket("127.0.0.1", server.port());
        TlsConnection connection = TlsConnection.client(clientConfig().build(), new SocketTransport(socket), "localhost");
        connection.handshake();
        assertThat(NettyTesting.exchangeLine(connection, "before reset")).isEqualTo("before reset");
        // a big write the server is still echoing when the reset comes
        connection.write(new byte[200_000]);
        socket.setSoLinger(true, 0);
        socket.close();
        await("closed", DEADLINE, () -> server.stats().active() == 0);
        Thread.sleep(100);
        assertThat(exceptions).isEmpty();
        assertThat(server.stats().handshakesOk()).isEqualTo(1);
    }
}

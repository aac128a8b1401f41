package io.tlskit.netty;

import static io.tlskit.netty.NettyTesting.clientConfig;
import static io.tlskit.netty.NettyTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two TlsHandlers on EmbeddedChannels, bytes shuttled by hand: the handler's contract without sockets
 * (events, queued writes, record chunking, promises, close_notify, failures).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TlsHandlerTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    /** Records user events; plaintext lands in the channel's inbound queue. */
    static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private EmbeddedChannel channel(TlsHandler tls, Events events) {
        EmbeddedChannel ch = new EmbeddedChannel(tls, events);
        channels.add(ch);
        return ch;
    }

    /** Moves ciphertext both ways until nothing moves; returns the record sizes seen from a to b. */
    private static List<Integer> pump(EmbeddedChannel a, EmbeddedChannel b) {
        List<Integer> recordsAtoB = new ArrayList<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            ByteBuf out;
            while ((out = a.readOutbound()) != null) {
                recordLengths(out, recordsAtoB);
                if (b.isOpen()) {
                    b.writeInbound(out);
                } else {
                    out.release();
                }
                moved = true;
            }
            while ((out = b.readOutbound()) != null) {
                if (a.isOpen()) {
                    a.writeInbound(out);
                } else {
                    out.release();
                }
                moved = true;
            }
            a.runPendingTasks();
            b.runPendingTasks();
        }
        return recordsAtoB;
    }

    private static void recordLengths(ByteBuf buf, List<Integer> into) {
        int i = buf.readerIndex();
        while (i + 5 <= buf.writerIndex()) {
            into.add(buf.getUnsignedShort(i + 3));
            i += 5 + buf.getUnsignedShort(i + 3);
        }
    }

    private static String drainText(EmbeddedChannel ch) {
        StringBuilder text = new StringBuilder();
        ByteBuf in;
        while ((in = ch.readInbound()) != null) {
            text.append(in.toString(StandardCharsets.UTF_8));
            in.release();
        }
        return text.toString();
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void handshakeEventsAndQueuedWrites(TlsVersion version) {
        Events clientEvents = new Events();
        Events serverEvents = new Events();
        TlsHandler client = TlsHandler.client(clientConfig(version).build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel c = channel(client, clientEvents);
        EmbeddedChannel s = channel(server, serverEvents);

        // written before the handshake: queued, sent afterwards, promise completes then
        ChannelFuture early = c.writeAndFlush(Unpooled.copiedBuffer("early\n", StandardCharsets.UTF_8));
        assertThat(early.isDone()).isFalse();
        assertThat(client.handshakeFuture().isDone()).isFalse();

        pump(c, s);

        assertThat(client.handshakeFuture().isSuccess()).isTrue();
        assertThat(server.handshakeFuture().isSuccess()).isTrue();
        HandshakeInfo info = client.handshakeInfo().orElseThrow();
        assertThat(info.version()).isEqualTo(version);
        assertThat(server.handshakeInfo().orElseThrow().cipherSuite()).isEqualTo(info.cipherSuite());
        assertThat(clientEvents.events).hasSize(1);
        assertThat(((TlsHandshakeCompletionEvent) clientEvents.events.get(0)).isSuccess()).isTrue();
        assertThat(((TlsHandshakeCompletionEvent) serverEvents.events.get(0)).info()).contains(server.handshakeInfo().get());
        assertThat(early.isSuccess()).isTrue();
        assertThat(drainText(s)).isEqualTo("early\n");

        s.writeAndFlush(Unpooled.copiedBuffer("reply\n", StandardCharsets.UTF_8));
        pump(c, s);
        assertThat(drainText(c)).isEqualTo("reply\n");
    }

    @Test
    void largeWriteIsChunkedIntoRecordsAndItsPromiseCompletesOnce() {
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel c = channel(client, new Events());
        EmbeddedChannel s = channel(server, new Events());
        pump(c, s);

        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        // a direct buffer exercises the copy path, a heap one the array path
        ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
        ChannelFuture write = c.writeAndFlush(direct);
        List<Integer> records = pump(c, s);

        assertThat(write.isSuccess()).isTrue();
        assertThat(records).hasSizeGreaterThanOrEqualTo(data.length / 16384);
        assertThat(records).allSatisfy(len -> assertThat(len).isLessThanOrEqualTo(16384 + 256));
        ByteBuf received = Unpooled.buffer();
        ByteBuf in;
        while ((in = s.readInbound()) != null) {
            received.writeBytes(in);
            in.release();
        }
        assertThat(received.readableBytes()).isEqualTo(data.length);
        byte[] got = new byte[data.length];
        received.readBytes(got);
        received.release();
        assertThat(got).isEqualTo(data);
        assertThat(direct.refCnt()).isZero();
    }

    @Test
    void manySmallWritesThenOneFlushArriveInOrderInFewRecordsAndEveryPromiseCompletes() {
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel c = channel(client, new Events());
        EmbeddedChannel s = channel(server, new Events());

        // before the handshake: queued, then sent in order after it
        StringBuilder expected = new StringBuilder();
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "early " + i + "\n";
            expected.append(text);
            writes.add(c.write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        }
        c.flush();
        pump(c, s);
        assertThat(client.handshakeFuture().isSuccess()).isTrue();
        assertThat(writes).allSatisfy(f -> assertThat(f.isSuccess()).isTrue());
        assertThat(drainText(s)).isEqualTo(expected.toString());

        // after it: small writes (some with the void promise, one empty), a big one in the middle, one flush
        expected.setLength(0);
        writes.clear();
        char[] big = new char[40_000];
        java.util.Arrays.fill(big, 'b');
        for (int i = 0; i < 60; i++) {
            String text = i == 30 ? new String(big) : i == 45 ? "" : "line " + i + "\n";
            expected.append(text);
            ByteBuf buf = i % 2 == 0 ? Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)
                : Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
            if (i % 7 == 3) {
                c.write(buf, c.voidPromise());
            } else {
                writes.add(c.write(buf));
            }
        }
        assertThat(writes).allSatisfy(f -> assertThat(f.isDone()).isFalse());
        c.flush();
        List<Integer> records = pump(c, s);
        assertThat(writes).allSatisfy(f -> assertThat(f.isSuccess()).isTrue());
        assertThat(drainText(s)).isEqualTo(expected.toString());
        // coalesced: about as many records as 16 KiB pieces, not one per write
        assertThat(records).hasSizeLessThanOrEqualTo(expected.length() / 16384 + 2);
        assertThat(client.ciphertextQueued()).isZero();
    }

    @Test
    void aFailedWriteFailsTheWritesItHeldAndOnlyThose() {
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        java.util.concurrent.atomic.AtomicBoolean failWrites = new java.util.concurrent.atomic.AtomicBoolean();
        java.io.IOException boom = new java.io.IOException("boom");
        io.netty.channel.ChannelOutboundHandlerAdapter socket = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                if (failWrites.get()) {
                    io.netty.util.ReferenceCountUtil.release(msg);
                    promise.setFailure(boom);
                } else {
                    ctx.write(msg, promise);
                }
            }
        };
        EmbeddedChannel c = new EmbeddedChannel(socket, client, new Events());
        channels.add(c);
        EmbeddedChannel s = channel(server, new Events());
        pump(c, s);
        assertThat(client.handshakeFuture().isSuccess()).isTrue();

        ChannelFuture ok = c.writeAndFlush(Unpooled.copiedBuffer("ok\n", StandardCharsets.UTF_8));
        failWrites.set(true);
        ChannelFuture a = c.write(Unpooled.copiedBuffer("a\n", StandardCharsets.UTF_8));
        ChannelFuture b = c.write(Unpooled.copiedBuffer("b\n", StandardCharsets.UTF_8));
        c.flush();
        failWrites.set(false);
        ChannelFuture later = c.writeAndFlush(Unpooled.copiedBuffer("later\n", StandardCharsets.UTF_8));

        assertThat(ok.isSuccess()).isTrue();
        assertThat(a.cause()).isSameAs(boom);
        assertThat(b.cause()).isSameAs(boom);
        assertThat(later.isSuccess()).isTrue();
        assertThat(client.ciphertextQueued()).isZero();
    }

    @Test
    void closeSendsCloseNotifyAndThePeerClosesToo() {
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel c = channel(client, new Events());
        EmbeddedChannel s = channel(server, new Events());
        pump(c, s);

        c.write(Unpooled.copiedBuffer("last words\n", StandardCharsets.UTF_8));
        ChannelFuture closed = c.close();
        pump(c, s);

        assertThat(closed.isSuccess()).isTrue();
        assertThat(drainText(s)).isEqualTo("last words\n");
        assertThat(s.isOpen()).isFalse();
        assertThat(server.failure()).isEmpty();
        assertThat(client.failure()).isEmpty();
        // writes after close fail
        assertThat(c.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)).isSuccess()).isFalse();
    }

    @Test
    void garbageFailsTheHandshakeWithProtocolErrorAndCloses() {
        Events events = new Events();
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel s = channel(server, events);
        s.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        s.runPendingTasks();

        assertThat(server.handshakeFuture().isDone()).isTrue();
        TlsException cause = (TlsException) server.handshakeFuture().cause();
        assertThat(cause.error()).isEqualTo(TlsError.PROTOCOL_ERROR);
        assertThat(events.events).singleElement().satisfies(e -> assertThat(((TlsHandshakeCompletionEvent) e).cause()).contains(cause));
        assertThat(s.isOpen()).isFalse();
    }

    @Test
    void endOfStreamDuringTheHandshakeIsPeerClosedDuringHandshake() {
        TlsHandler server = TlsHandler.server(serverConfig().build());
        Events events = new Events();
        EmbeddedChannel s = channel(server, events);
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        EmbeddedChannel c = channel(client, new Events());
        ByteBuf hello = c.readOutbound();
        s.writeInbound(hello); // the ClientHello, then the client vanishes:
        s.pipeline().context(server).close(); // closes below the TlsHandler, like a TCP FIN
        assertThat(((TlsException) server.handshakeFuture().cause()).error()).isEqualTo(TlsError.PEER_CLOSED_DURING_HANDSHAKE);
        assertThat(events.events).singleElement().satisfies(e -> assertThat(((TlsHandshakeCompletionEvent) e).isSuccess()).isFalse());
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsTruncated() {
        TlsHandler client = TlsHandler.client(clientConfig().build(), "localhost", "test");
        TlsHandler server = TlsHandler.server(serverConfig().build());
        EmbeddedChannel c = channel(client, new Events());
        EmbeddedChannel s = channel(server, new Events());
        pump(c, s);
        s.pipeline().context(server).close();
        assertThat(server.handshakeFuture().isSuccess()).isTrue();
        assertThat(server.failure()).hasValueSatisfying(e -> assertThat(e.error()).isEqualTo(TlsError.TRUNCATED));
    }

    @Test
    void handshakeTimeoutFiresOnTheEventLoop() throws Exception {
        TlsConfig config = serverConfig().handshakeTimeout(Duration.ofMillis(100)).build();
        TlsHandler server = TlsHandler.server(config);
        Events events = new Events();
        EmbeddedChannel s = channel(server, events);
        Thread.sleep(150);
        s.runPendingTasks();
        assertThat(((TlsException) server.handshakeFuture().cause()).error()).isEqualTo(TlsError.HANDSHAKE_TIMEOUT);
        assertThat(s.isOpen()).isFalse();
    }
}

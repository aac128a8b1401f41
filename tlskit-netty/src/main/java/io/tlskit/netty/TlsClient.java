package io.tlskit.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Opens TLS connections over Netty: TCP connect, then a {@link TlsHandler} (named {@value TlsServer#TLS})
 * followed by the application's handlers; the returned channel is ready once the handshake succeeded.
 *
 * <pre>{@code
 * try (TlsClient client = TlsClient.create(clientConfig)) {
 *     Channel ch = client.connectSync("broker.local", 8883, c -> c.pipeline().addLast(new MyHandler()));
 *     ch.pipeline().get(TlsHandler.class).handshakeInfo();
 * }
 * }</pre>
 *
 * <p>SNI and the certificate check use the config's server name if it has one, else the host;
 * sessions are saved under "name:port", like {@code TlsConnection.connect}, so a second connect with
 * the same config resumes.
 */
public final class TlsClient implements AutoCloseable {
    private final TlsConfig config;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private Duration connectTimeout = Duration.ofSeconds(10);

    private TlsClient(TlsConfig config, EventLoopGroup group, boolean ownGroup) {
        if (!config.isClient()) {
            throw new IllegalArgumentException("TlsClient needs a config from TlsConfig.client()");
        }
        this.config = config;
        this.group = group;
        this.ownGroup = ownGroup;
    }

    /** A client with its own single I/O thread, stopped by {@link #close()}. */
    public static TlsClient create(TlsConfig config) {
        return new TlsClient(config, new NioEventLoopGroup(1, new DefaultThreadFactory("tlskit-client-io", true)), true);
    }

    /** A client on an existing event loop group (NIO), which {@link #close()} leaves running. */
    public static TlsClient create(TlsConfig config, EventLoopGroup group) {
        return new TlsClient(config, Objects.requireNonNull(group, "group"), false);
    }

    public TlsClient connectTimeout(Duration timeout) {
        this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    public TlsConfig config() {
        return config;
    }

    /**
     * Connects; the future completes with the channel after a successful handshake, or fails with
     * the connect error or the handshake's {@link TlsException} (the channel is then closed).
     */
    public Future<Channel> connect(String host, int port, ChannelSetup initializer) {
        String name = config.serverName() != null ? config.serverName() : host;
        TlsHandler tls = TlsHandler.client(config, name, name + ":" + port);
        Promise<Channel> result = group.next().newPromise();
        Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) throws Exception {
                    ch.pipeline().addLast(TlsServer.TLS, tls);
                    if (initializer != null) {
                        initializer.initChannel(ch);
                    }
                }
            });
        ChannelFuture connected = bootstrap.connect(host, port);
        connected.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    result.trySuccess(f.channel());
                } else {
                    result.tryFailure(h.cause());
                    f.channel().close();
                }
            });
        });
        return result;
    }

    public Future<Channel> connect(String host, int port) {
        return connect(host, port, null);
    }

    /** {@link #connect} and wait (connect timeout plus handshake timeout at most). */
    public Channel connectSync(String host, int port, ChannelSetup initializer) throws IOException {
        Future<Channel> future = connect(host, port, initializer);
        long waitMillis = connectTimeout.toMillis() + config.handshakeTimeout().toMillis() + 1000;
        if (!future.awaitUninterruptibly(waitMillis, TimeUnit.MILLISECONDS)) {
            future.cancel(false);
            throw new TlsException(TlsError.HANDSHAKE_TIMEOUT, "no TLS connection to " + host + ":" + port + " within " + waitMillis + " ms");
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new TlsException(TlsError.IO_ERROR, "cannot connect to " + host + ":" + port + ": " + cause, cause);
        }
        return future.getNow();
    }

    public Channel connectSync(String host, int port) throws IOException {
        return connectSync(host, port, null);
    }

    /** Stops the client's own event loop (not a group passed in). */
    @Override
    public void close() {
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

package io.tlskit.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A TLS server on Netty: accepts TCP connections and runs each through
 * {@code ConnectionLimiter → idle policy → TlsHandler → application handlers}.
 *
 * <p>On Linux with the native epoll transport, every event loop has its own listening socket on
 * the port (SO_REUSEPORT, as nginx's {@code reuseport}): the kernel spreads new connections over
 * them and each loop accepts, handshakes and serves its own, with no accept thread and no hand-off
 * (and wake-up) between threads per connection. With NIO one acceptor thread hands connections to
 * the loops.
 *
 * <pre>{@code
 * TlsServer server = TlsServer.builder()
 *     .bind("127.0.0.1", 8443)
 *     .config(tlsConfig)                      // or .configSupplier(reloadable::current)
 *     .idleTimeout(Duration.ofSeconds(8))
 *     .maxConnections(64)
 *     .childHandler(ch -> ch.pipeline().addLast(new MyHandler()))
 *     .build();
 * int port = server.start();
 * ...
 * server.shutdownGracefully(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The config is fetched from the supplier once per new connection, so swapping it (certificate
 * reload) affects new connections only. Session cache and ticket keys live in the config, so every
 * event loop shares them.
 *
 * <p>Pipeline names: {@value #LIMITER}, {@value #IDLE} (absent when the idle timeout is zero),
 * {@value #TLS}. A child channel's TlsHandler: {@code ch.pipeline().get(TlsHandler.class)}.
 */
public final class TlsServer implements AutoCloseable {
    public static final String LIMITER = "limiter";
    public static final String IDLE = "idle";
    public static final String TLS = "tls";

    /**
     * Fired through {@code userEventTriggered} in every open connection when
     * {@link #shutdownGracefully} starts: a good moment to close keep-alive connections that are
     * between requests.
     */
    public static final Object SHUTDOWN_REQUESTED = new Object() {
        @Override
        public String toString() {
            return "TlsServer.SHUTDOWN_REQUESTED";
        }
    };

    private final String host;
    private final int requestedPort;
    private final Supplier<TlsConfig> configSupplier;
    private final IdlePolicy idlePolicy;
    private final ConnectionLimiter limiter;
    private final ChannelSetup childInitializer;
    private final int eventLoopThreads;
    private final boolean preferEpoll;

    private final LongAdder handshakesOk = new LongAdder();
    private final Map<TlsError, LongAdder> handshakeFailures = new ConcurrentHashMap<>();
    private final ChannelGroup children = new DefaultChannelGroup("tlskit-server-children", GlobalEventExecutor.INSTANCE);

    private EventLoopGroup bossGroup;
    private volatile String ioTransport = "none";
    private EventLoopGroup workerGroup;
    private List<Channel> listeners;
    private volatile int port = -1;

    private TlsServer(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.configSupplier = b.configSupplier;
        this.idlePolicy = b.idleTimeout.isZero() ? null : IdlePolicy.of(b.idleTimeout);
        this.limiter = new ConnectionLimiter(b.maxConnections);
        this.childInitializer = b.childInitializer;
        this.eventLoopThreads = b.eventLoopThreads;
        this.preferEpoll = b.preferEpoll;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting; returns the bound port (useful with port 0). */
    public synchronized int start() throws IOException {
        if (listeners != null) {
            throw new IllegalStateException("already started");
        }
        TlsConfig first = configSupplier.get();
        if (first == null || first.isClient()) {
            throw new IllegalArgumentException("TlsServer needs a server config (TlsConfig.server()), got "
                + (first == null ? "null" : "a client config"));
        }
        Class<? extends ServerChannel> channelClass = preferEpoll ? Epoll.serverChannelClass() : null;
        List<Channel> bound;
        if (channelClass != null) {
            workerGroup = Epoll.newGroup(eventLoopThreads, new DefaultThreadFactory("tlskit-io", true));
            ioTransport = "epoll";
            bound = bindOnEveryLoop(channelClass);
        } else {
            bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("tlskit-accept", true));
            workerGroup = new NioEventLoopGroup(eventLoopThreads, new DefaultThreadFactory("tlskit-io", true));
            ioTransport = "nio";
            bound = List.of(bind(bootstrap(bossGroup, workerGroup, NioServerSocketChannel.class), requestedPort));
        }
        listeners = bound;
        port = ((InetSocketAddress) bound.get(0).localAddress()).getPort();
        TlsHandler.LOG.debug("listening on {}:{} ({}, {} listening socket(s), max {} connections, idle timeout {})", host, port,
            ioTransport, bound.size(),
            limiter.maxConnections(), idlePolicy == null ? "off" : idlePolicy.timeout().toMillis() + " ms");
        return port;
    }

    private ServerBootstrap bootstrap(EventLoopGroup acceptor, EventLoopGroup children, Class<? extends ServerChannel> channelClass) {
        return new ServerBootstrap()
            .group(acceptor, children)
            .channel(channelClass)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) throws Exception {
                    initChild(ch);
                }
            });
    }

    /** Binds one listening socket; on failure stops the event loops and says which address failed. */
    private Channel bind(ServerBootstrap bootstrap, int onPort) throws IOException {
        ChannelFuture f = bootstrap.bind(host, onPort).awaitUninterruptibly();
        if (f.isSuccess()) {
            return f.channel();
        }
        shutdownGroups();
        Throwable cause = f.cause();
        throw cause instanceof IOException ? (IOException) cause
            : new IOException("cannot listen on " + host + ":" + onPort + ": " + cause, cause);
    }

    /** One SO_REUSEPORT listening socket per event loop, each accepting for its own loop only. */
    private List<Channel> bindOnEveryLoop(Class<? extends ServerChannel> channelClass) throws IOException {
        if (requestedPort != 0) {
            refuseIfTaken(requestedPort);
        }
        ChannelOption<Boolean> reusePort = Epoll.reusePortOption();
        List<Channel> bound = new ArrayList<>();
        int onPort = requestedPort;
        try {
            for (EventExecutor executor : workerGroup) {
                EventLoop loop = (EventLoop) executor;
                Channel listening = bind(bootstrap(loop, loop, channelClass).option(reusePort, true), onPort);
                bound.add(listening);
                onPort = ((InetSocketAddress) listening.localAddress()).getPort(); // port 0: the rest join the first
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        return bound;
    }

    /**
     * SO_REUSEPORT would let us share a port with another server of the same user that listens with
     * it too, splitting that server's connections with ours: a plain bind first fails as usual when
     * anything listens there.
     */
    private void refuseIfTaken(int onPort) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, onPort));
        } catch (BindException e) {
            shutdownGroups();
            throw new BindException("cannot listen on " + host + ":" + onPort + ": " + e.getMessage());
        }
    }

    private void initChild(SocketChannel ch) throws Exception {
        ch.pipeline().addLast(LIMITER, limiter);
        if (!ch.isOpen()) {
            return; // over the limit: closed before any TLS work
        }
        TlsConfig config;
        try {
            config = Objects.requireNonNull(configSupplier.get(), "the config supplier returned null");
        } catch (RuntimeException e) {
            TlsHandler.LOG.warn("no TLS config for a new connection, closing it: {}", e.toString());
            ch.close();
            return;
        }
        children.add(ch);
        if (idlePolicy != null) {
            ch.pipeline().addLast(IDLE, idlePolicy.newHandler());
        }
        TlsHandler tls = TlsHandler.server(config);
        tls.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                handshakesOk.increment();
            } else {
                TlsError code = f.cause() instanceof TlsException ? ((TlsException) f.cause()).error() : TlsError.INTERNAL;
                handshakeFailures.computeIfAbsent(code, k -> new LongAdder()).increment();
            }
        });
        ch.pipeline().addLast(TLS, tls);
        if (childInitializer != null) {
            childInitializer.initChannel(ch);
        }
    }

    /** The socket layer in use once started: "epoll" (Linux native, when on the class path and asked for) or "nio". */
    public String ioTransport() {
        return ioTransport;
    }

    /** The bound port, or -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** The idle policy, or null when idle closing is off. */
    public IdlePolicy idlePolicy() {
        return idlePolicy;
    }

    public Stats stats() {
        Map<TlsError, Long> failures = new EnumMap<>(TlsError.class);
        handshakeFailures.forEach((code, n) -> failures.put(code, n.sum()));
        return new Stats(limiter.accepted(), limiter.active(), limiter.rejected(), handshakesOk.sum(), failures,
            idlePolicy == null ? 0 : idlePolicy.closed());
    }

    /**
     * Stops accepting at once (new connects are refused), tells open connections
     * ({@link #SHUTDOWN_REQUESTED}), waits up to {@code deadline} for them to finish, then closes what
     * is left (with close_notify) and stops the event loops. Returns true if every connection
     * finished on its own before the deadline.
     */
    public boolean shutdownGracefully(Duration deadline) {
        List<Channel> listening;
        synchronized (this) {
            listening = listeners;
            listeners = null;
        }
        if (listening == null) {
            return true;
        }
        listening.forEach(l -> l.close().awaitUninterruptibly());
        for (Channel child : children) {
            child.eventLoop().execute(() -> child.pipeline().fireUserEventTriggered(SHUTDOWN_REQUESTED));
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (!children.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean clean = children.isEmpty();
        if (!clean) {
            TlsHandler.LOG.info("shutdown: closing {} connections still open after {} ms", children.size(), deadline.toMillis());
            children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        shutdownGroups();
        return clean;
    }

    private void shutdownGroups() {
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** {@link #shutdownGracefully} with a one second deadline. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ofSeconds(1));
    }

    /** Counters since the start; a snapshot. */
    public static final class Stats {
        private final long accepted;
        private final int active;
        private final long rejected;
        private final long handshakesOk;
        private final Map<TlsError, Long> handshakeFailures;
        private final long idleClosed;

        Stats(long accepted, int active, long rejected, long handshakesOk, Map<TlsError, Long> handshakeFailures, long idleClosed) {
            this.accepted = accepted;
            this.active = active;
            this.rejected = rejected;
            this.handshakesOk = handshakesOk;
            this.handshakeFailures = Collections.unmodifiableMap(handshakeFailures);
            this.idleClosed = idleClosed;
        }

        /** Connections admitted (under the connection limit). */
        public long accepted() {
            return accepted;
        }

        /** Admitted connections open now. */
        public int active() {
            return active;
        }

        /** Connections closed at once because the limit was reached. */
        public long rejected() {
            return rejected;
        }

        public long handshakesOk() {
            return handshakesOk;
        }

        public long handshakesFailed() {
            return handshakeFailures.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Failed handshakes by error code (codes that never occurred are absent). */
        public Map<TlsError, Long> handshakeFailures() {
            return handshakeFailures;
        }

        public long handshakeFailures(TlsError code) {
            return handshakeFailures.getOrDefault(code, 0L);
        }

        /** Connections the idle policy closed. */
        public long idleClosed() {
            return idleClosed;
        }

        @Override
        public String toString() {
            return "accepted=" + accepted + " active=" + active + " rejected=" + rejected + " handshakes ok=" + handshakesOk
                + " failed=" + handshakeFailures + " idleClosed=" + idleClosed;
        }
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port;
        private Supplier<TlsConfig> configSupplier;
        private Duration idleTimeout = IdlePolicy.DEFAULT_TIMEOUT;
        private int maxConnections = Integer.MAX_VALUE;
        private ChannelSetup childInitializer;
        private int eventLoopThreads;
        private boolean preferEpoll;

        private Builder() {
        }

        /** Address and port to listen on (port 0: any free port, see {@link #start()}). */
        public Builder bind(String bindHost, int bindPort) {
            if (bindPort < 0 || bindPort > 65535) {
                throw new IllegalArgumentException("port out of range: " + bindPort);
            }
            this.host = Objects.requireNonNull(bindHost, "host");
            this.port = bindPort;
            return this;
        }

        /** One config for every connection. */
        public Builder config(TlsConfig config) {
            Objects.requireNonNull(config, "config");
            return configSupplier(() -> config);
        }

        /** Asked once per new connection: replace what it returns to reload certificates for new connections. */
        public Builder configSupplier(Supplier<TlsConfig> supplier) {
            this.configSupplier = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /** Close connections without progress for this long (default 8 s; zero turns it off). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must be zero (off) or positive, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** At most this many connections at once (default unlimited). */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, was " + max);
            }
            this.maxConnections = max;
            return this;
        }

        public Builder childHandler(ChannelSetup initializer) {
            this.childInitializer = initializer;
            return this;
        }

        /** I/O threads for connections (0, the default: Netty's default of twice the processors). */
        public Builder eventLoopThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("eventLoopThreads must be >= 0, was " + threads);
            }
            this.eventLoopThreads = threads;
            return this;
        }

        /**
         * Use Linux epoll instead of NIO when Netty's native epoll transport is on the class path
         * (netty-transport-native-epoll with its linux classifier) and loads; otherwise NIO (the default).
         */
        public Builder preferEpoll(boolean prefer) {
            this.preferEpoll = prefer;
            return this;
        }

        public TlsServer build() {
            if (configSupplier == null) {
                throw new IllegalStateException("TlsServer needs config(...) or configSupplier(...)");
            }
            return new TlsServer(this);
        }

        /** Builds and starts; the server's port is {@link TlsServer#port()}. */
        public TlsServer start() throws IOException {
            TlsServer server = build();
            server.start();
            return server;
        }
    }
}

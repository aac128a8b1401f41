package io.tlskit.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The "Netty on the JDK's own TLS" baseline of {@code scripts/bench-load}: an HTTPS/1.1 server with
 * {@code SslProvider.JDK} (SunJSSE, no OpenSSL, no BouncyCastle), {@link HttpServerCodec} and a handler
 * that serves the regular files at the top of a directory from memory, with keep-alive. Listens on
 * 127.0.0.1 only. Not a general web server: GET/HEAD of {@code /NAME} only, everything else 404/405.
 *
 * <pre>
 * java -cp tlskit-bench/target/tlskit-benchmarks.jar io.tlskit.bench.load.JdkTlsNettyServer \
 *     --cert server.pem --key server.key --www DIR --port 8443 [--threads N] [--tls 1.2,1.3]
 * </pre>
 *
 * Prints {@code listening on https://127.0.0.1:PORT/} once bound; stops on SIGTERM.
 */
public final class JdkTlsNettyServer {
    private JdkTlsNettyServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path cert = Path.of(required(opts, "--cert"));
        Path key = Path.of(required(opts, "--key"));
        Path www = Path.of(required(opts, "--www"));
        int port = Integer.parseInt(required(opts, "--port"));
        int threads = Integer.parseInt(opts.getOrDefault("--threads", "0")); // 0: Netty's default, 2 x cores
        String[] protocols = Stream.of(opts.getOrDefault("--tls", "1.2,1.3").split(","))
                .map(v -> "TLSv" + v.trim()).toArray(String[]::new);

        Map<String, byte[]> files = load(www);
        SslContext ssl = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(protocols)
                .build();

        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(threads);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }, "jdk-tls-netty-stop"));

        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("tls", ssl.newHandler(ch.alloc()))
                                .addLast("http", new HttpServerCodec())
                                .addLast("files", new FileHandler(files));
                    }
                });
        Channel server = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        int bound = ((InetSocketAddress) server.localAddress()).getPort();
        System.out.println("JdkTlsNettyServer (" + ssl.getClass().getSimpleName() + ", " + String.join("+", protocols) + ", "
                + files.size() + " files) listening on https://127.0.0.1:" + bound + "/");
        System.out.flush();
        server.closeFuture().sync();
    }

    /** Every regular file at the top of {@code dir}, keyed by "/" + its name. */
    static Map<String, byte[]> load(Path dir) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put("/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static final class FileHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Map<String, ByteBuf> files = new HashMap<>();

        FileHandler(Map<String, byte[]> data) {
            data.forEach((k, v) -> files.put(k, Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(v))));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest)) {
                return; // request body chunks (none expected for GET): dropped
            }
            HttpRequest req = (HttpRequest) msg;
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            FullHttpResponse res;
            boolean head = HttpMethod.HEAD.equals(req.method());
            if (!HttpMethod.GET.equals(req.method()) && !head) {
                res = text(req, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or HEAD\n");
                res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                ByteBuf body = files.get(path);
                if (body == null) {
                    res = text(req, HttpResponseStatus.NOT_FOUND, "not found\n");
                } else {
                    res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                            head ? Unpooled.EMPTY_BUFFER : body.duplicate());
                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType(path));
                    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                }
            }
            res.headers().set(HttpHeaderNames.SERVER, "netty-jdk-tls");
            if (keepAlive) {
                if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse text(HttpRequest req, HttpResponseStatus status, String body) {
            FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status,
                    Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            return res;
        }

        private static String contentType(String path) {
            String p = path.toLowerCase(Locale.ROOT);
            if (p.endsWith(".html")) {
                return "text/html; charset=utf-8";
            }
            if (p.endsWith(".txt")) {
                return "text/plain; charset=utf-8";
            }
            return "application/octet-stream";
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // handshake failures, resets: close quietly, as a benchmark server should
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                opts.put(a.substring(0, eq), a.substring(eq + 1));
            } else if (a.startsWith("--") && i + 1 < args.length) {
                opts.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
        }
        return opts;
    }

    static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }
}

package io.tlskit.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.Future;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.netty.TlsClient;
import io.tlskit.pki.TrustAnchors;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM holding N idle TLS connections to a server, so the server's JVM can measure what
 * those connections cost it alone. Args: port, count, CA file. Prints "READY n" once all
 * handshakes are done, closes everything when stdin says "close" (or ends), prints "CLOSED".
 *
 * <p>TLS 1.2 with the session ticket from the first connection: the other connections resume, which
 * keeps 2,000 handshakes cheap; what a connection holds once established is the same.
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        TlsConfig config = TlsConfig.client().versions(TlsVersion.TLS_1_2).trustAnchors(TrustAnchors.fromFile(Path.of(args[2])))
            .serverName("localhost").handshakeTimeout(Duration.ofSeconds(20)).build();
        EventLoopGroup group = new NioEventLoopGroup(4);
        List<Channel> channels = new ArrayList<>(count);
        try (TlsClient client = TlsClient.create(config, group)) {
            channels.add(client.connectSync("127.0.0.1", port)); // full handshake; the rest resume its session
            int batch = 200;
            while (channels.size() < count) {
                List<Future<Channel>> pending = new ArrayList<>();
                for (int i = 0; i < batch && channels.size() + pending.size() < count; i++) {
                    pending.add(client.connect("127.0.0.1", port));
                }
                for (Future<Channel> f : pending) {
                    if (!f.awaitUninterruptibly(30, TimeUnit.SECONDS) || !f.isSuccess()) {
                        System.out.println("FAILED " + f.cause());
                        System.exit(2);
                    }
                    channels.add(f.getNow());
                }
            }
            System.out.println("READY " + channels.size());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("close")) {
                // wait
            }
            for (Channel ch : channels) {
                ch.close();
            }
            for (Channel ch : channels) {
                ch.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            System.out.println("CLOSED");
            System.out.flush();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

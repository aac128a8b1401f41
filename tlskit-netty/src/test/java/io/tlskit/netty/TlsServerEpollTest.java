package io.tlskit.netty;

import static io.tlskit.netty.NettyTesting.DEADLINE;
import static io.tlskit.netty.NettyTesting.await;
import static io.tlskit.netty.NettyTesting.clientConfig;
import static io.tlskit.netty.NettyTesting.exchangeLine;
import static io.tlskit.netty.NettyTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoop;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TlsServer on Linux's native epoll: one SO_REUSEPORT listening socket per event loop, no acceptor thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsServerEpollTest {
    private TlsServer server;
    private TlsServer second;

    @BeforeEach
    void epollLoads() {
        assumeTrue(Epoll.serverChannelClass() != null, "native epoll does not load on this platform");
    }

    @AfterEach
    void stop() {
        for (TlsServer s : new TlsServer[] {server, second}) {
            if (s != null) {
                s.shutdownGracefully(Duration.ZERO);
            }
        }
    }

    private TlsServer.Builder epollEcho(Set<EventLoop> servedOn) {
        return TlsServer.builder().config(serverConfig().build()).preferEpoll(true).eventLoopThreads(2)
            .childHandler(ch -> {
                servedOn.add(ch.eventLoop());
                ch.pipeline().addLast(new NettyTesting.Echo());
            });
    }

    @Test
    void everyEventLoopAcceptsItsOwnConnections() throws Exception {
        Set<EventLoop> servedOn = ConcurrentHashMap.newKeySet();
        server = epollEcho(servedOn).bind("127.0.0.1", 0).start();
        assertThat(server.ioTransport()).isEqualTo("epoll");
        TlsConfig client = clientConfig().build();
        int clients = 24;
        for (int i = 0; i < clients; i++) {
            try (TlsConnection c = TlsConnection.connect(client, "127.0.0.1", server.port())) {
                assertThat(exchangeLine(c, "client " + i)).isEqualTo("client " + i);
                c.closeNotify();
            }
        }
        // the kernel spreads connections over both listeners by their addresses: 24 all on one of two
        // loops would happen with probability 2^-23
        assertThat(servedOn).hasSize(2);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("tlskit-accept"));
        await("all closed", DEADLINE, () -> server.stats().active() == 0);
        assertThat(server.stats().accepted()).isEqualTo(clients);
        assertThat(server.stats().handshakesOk()).isEqualTo(clients);
    }

    @Test
    void aSecondServerOnTheSamePortIsRefusedNotMergedIn() throws Exception {
        server = epollEcho(ConcurrentHashMap.newKeySet()).bind("127.0.0.1", 0).start();
        // SO_REUSEPORT alone would let this one bind too and take half of the first one's connections
        assertThatThrownBy(() -> second = epollEcho(ConcurrentHashMap.newKeySet()).bind("127.0.0.1", server.port()).start())
            .isInstanceOf(BindException.class).hasMessageContaining(String.valueOf(server.port()));
        second = null;
        try (TlsConnection c = TlsConnection.connect(clientConfig().build(), "127.0.0.1", server.port())) {
            assertThat(exchangeLine(c, "still mine")).isEqualTo("still mine");
        }
    }

    @Test
    void aPortTakenByAnyListenerIsRefused() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> server = epollEcho(ConcurrentHashMap.newKeySet()).bind("127.0.0.1", taken.getLocalPort()).start())
                .isInstanceOf(BindException.class);
            server = null;
        }
    }

    @Test
    void shutdownClosesEveryListener() throws Exception {
        server = epollEcho(ConcurrentHashMap.newKeySet()).bind("127.0.0.1", 0).start();
        int port = server.port();
        server.shutdownGracefully(Duration.ZERO);
        server = null;
        // all listeners are gone: the port can be bound without SO_REUSEPORT again
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(again.isBound()).isTrue();
        }
    }
}

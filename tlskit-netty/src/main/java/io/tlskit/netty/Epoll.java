package io.tlskit.netty;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Netty's native epoll transport, found by reflection so that tlskit-netty needs no dependency on
 * it: available only when the application puts netty-transport-native-epoll on the class path.
 */
final class Epoll {
    private Epoll() {
    }

    /** EpollServerSocketChannel if the native transport is present and loads, else null. */
    @SuppressWarnings("unchecked")
    static Class<? extends ServerChannel> serverChannelClass() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                Object cause = epoll.getMethod("unavailabilityCause").invoke(null);
                TlsHandler.LOG.debug("epoll unavailable, using NIO: {}", cause);
                return null;
            }
            return (Class<? extends ServerChannel>) Class.forName("io.netty.channel.epoll.EpollServerSocketChannel");
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            TlsHandler.LOG.debug("epoll not on the class path, using NIO: {}", e.toString());
            return null;
        }
    }

    static EventLoopGroup newGroup(int threads, ThreadFactory factory) {
        try {
            return (EventLoopGroup) Class.forName("io.netty.channel.epoll.EpollEventLoopGroup")
                .getConstructor(int.class, ThreadFactory.class).newInstance(threads, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create an epoll event loop group", e);
        }
    }

    /** EpollChannelOption.SO_REUSEPORT. */
    @SuppressWarnings("unchecked")
    static ChannelOption<Boolean> reusePortOption() {
        try {
            return (ChannelOption<Boolean>) Class.forName("io.netty.channel.epoll.EpollChannelOption")
                .getField("SO_REUSEPORT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("epoll is loaded but has no SO_REUSEPORT option", e);
        }
    }
}

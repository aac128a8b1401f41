package io.tlskit.netty;

import io.netty.channel.socket.SocketChannel;

/**
 * Adds the application's handlers to a new TLS channel; the {@link TlsHandler} (named
 * {@value TlsServer#TLS}) is already in the pipeline, so handlers added with {@code addLast} see
 * plaintext.
 */
@FunctionalInterface
public interface ChannelSetup {
    void initChannel(SocketChannel channel) throws Exception;
}

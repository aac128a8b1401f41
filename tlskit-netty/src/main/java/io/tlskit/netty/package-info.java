/**
 * Netty runtime for tlskit: {@link io.tlskit.netty.TlsHandler} drives the sans-I/O
 * {@link io.tlskit.TlsEngine} in a pipeline; {@link io.tlskit.netty.TlsServer} and
 * {@link io.tlskit.netty.TlsClient} put it on TCP with a connection limit
 * ({@link io.tlskit.netty.ConnectionLimiter}), an idle policy ({@link io.tlskit.netty.IdlePolicy})
 * and a handshake timeout. Logger: {@code io.tlskit.netty}.
 */
package io.tlskit.netty;

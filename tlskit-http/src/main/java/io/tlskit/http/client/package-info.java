/**
 * An HTTPS/1.1 client over a {@link io.tlskit.TlsConnection} on any {@link io.tlskit.Transport}
 * (TCP, a serial line, a modem): {@link io.tlskit.http.client.HttpsClient}. Blocking, no Netty,
 * keep-alive reuse, chunked and Content-Length bodies, redirects off unless asked for.
 */
package io.tlskit.http.client;

/**
 * An HTTPS/1.1 server on tlskit-netty: {@link io.tlskit.http.HttpsServer} with routes
 * ({@link io.tlskit.http.HttpHandler}, {@link io.tlskit.http.AsyncHttpHandler}), static files, the
 * tlskit status page, keep-alive and pipelining, request limits, the lwIP-style idle rule and an
 * access log ({@link io.tlskit.http.AccessLogEntry}).
 */
package io.tlskit.http;

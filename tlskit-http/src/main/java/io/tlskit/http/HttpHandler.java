package io.tlskit.http;

/**
 * Answers a request. Runs on the server's handler executor (see
 * {@link HttpsServer.Builder#handlerExecutor}), so it may block. A thrown exception becomes a 500
 * (logged with the stack trace; the client sees no details).
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}

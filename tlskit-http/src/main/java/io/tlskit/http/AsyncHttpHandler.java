package io.tlskit.http;

import java.util.concurrent.CompletionStage;

/**
 * Answers a request later: called on the connection's I/O thread, so it must not block; it starts
 * the work and returns a stage that completes with the response (on any thread). Responses on one
 * connection still go out in request order, whatever order the stages complete in. A stage that
 * completes exceptionally (or a null response) becomes a 500.
 */
@FunctionalInterface
public interface AsyncHttpHandler {
    CompletionStage<HttpResponse> handle(HttpRequest request) throws Exception;
}

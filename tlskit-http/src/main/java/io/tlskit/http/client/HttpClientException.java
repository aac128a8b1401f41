package io.tlskit.http.client;

import java.io.IOException;

/** The server's answer is not HTTP/1.1 this client can read, or exceeds a limit; the message says which and what to do. */
public class HttpClientException extends IOException {
    private static final long serialVersionUID = 1L;

    public HttpClientException(String message) {
        super(message);
    }
}

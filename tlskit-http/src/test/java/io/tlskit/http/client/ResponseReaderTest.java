package io.tlskit.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response parser on canned bytes: framings, limits and malformed input. */
class ResponseReaderTest {
    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunksWithExtensionsAndTrailers() throws Exception {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n");
        ResponseReader.Head head = ResponseReader.readHead(in);
        assertThat(head.status).isEqualTo(200);
        assertThat(head.header("x-a")).isEqualTo("1");
        assertThat(head.keepAlive()).isTrue();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        assertThat(ResponseReader.readBody(in, head, false, body, 100).length).isEqualTo(12);
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello, world");
        assertThat(ResponseReader.readHead(in)).isNull();
    }

    @Test
    void limitsAndMalformedHeads() throws Exception {
        InputStream big = bytes("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n");
        ResponseReader.Head h = ResponseReader.readHead(big);
        assertThatThrownBy(() -> ResponseReader.readBody(big, h, false, new ByteArrayOutputStream(), 10))
            .isInstanceOf(HttpClientException.class).hasMessageContaining("exceeds the limit of 10 bytes");
        String huge = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseReader.MAX_HEAD_BYTES) + "\r\n\r\n";
        assertThatThrownBy(() -> ResponseReader.readHead(bytes(huge))).hasMessageContaining("longer than");
        assertThatThrownBy(() -> ResponseReader.readHead(bytes("HTTP/1.1 2x0 OK\r\n\r\n"))).hasMessageContaining("bad status code");
        assertThatThrownBy(() -> ResponseReader.readHead(bytes("HTTP/1.1 200 OK\r\n folded\r\n\r\n"))).hasMessageContaining("folding");
        assertThatThrownBy(() -> ResponseReader.readBody(bytes("zz\r\n"), ResponseReader.readHead(
            bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")), false, new ByteArrayOutputStream(), 100))
            .hasMessageContaining("bad chunk size 'zz'");
        assertThat(ResponseReader.readHead(bytes("HTTP/1.0 200 OK\r\n\r\n")).keepAlive()).isFalse();
        assertThat(ResponseReader.readHead(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")).keepAlive()).isFalse();
    }

    @Test
    void aBodyShorterThanItsLengthIsTruncated() throws Exception {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        ResponseReader.Head h = ResponseReader.readHead(in);
        assertThatThrownBy(() -> ResponseReader.readBody(in, h, false, new ByteArrayOutputStream(), 100))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.TRUNCATED))
            .hasMessageContaining("after 3 of 10 body bytes");
    }
}

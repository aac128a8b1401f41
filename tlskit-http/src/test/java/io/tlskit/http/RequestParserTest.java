package io.tlskit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser alone: any split of the input gives the same requests; limits and framing errors. */
class RequestParserTest {
    private static final String PIPELINE = "\r\nGET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n"
        + "POST /b HTTP/1.1\nHost: h\nContent-Length: 5\n\nhello"
        + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\nT: 1\r\n\r\n"
        + "GET /d HTTP/1.0\r\n\r\n";

    /** Records what the parser reports. */
    private static final class Recorder implements RequestParser.Sink {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void head(RequestParser.Head h) {
            events.add(h.method + " " + h.target + " " + h.version + " keepAlive=" + h.keepAlive + " multi=" + h.headers.all("X-Multi"));
        }

        @Override
        public void body(ByteBuf in, int length) {
            byte[] b = new byte[length];
            in.getBytes(in.readerIndex(), b);
            body.writeBytes(b);
        }

        @Override
        public void end() {
            events.add("end body=" + body.toString(StandardCharsets.ISO_8859_1));
            body.reset();
        }
    }

    private static List<String> parse(String input, int[] cuts) throws RequestParser.HttpError {
        RequestParser parser = new RequestParser(8192, 16384, 1 << 20);
        Recorder sink = new Recorder();
        ByteBuf buffer = Unpooled.buffer();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int cut : cuts) {
            buffer.writeBytes(bytes, from, cut - from);
            from = cut;
            while (parser.step(buffer, sink)) {
                // as far as it goes
            }
            buffer.discardSomeReadBytes();
        }
        buffer.writeBytes(bytes, from, bytes.length - from);
        while (parser.step(buffer, sink)) {
            // to the end
        }
        assertThat(parser.idle()).isTrue();
        return sink.events;
    }

    @Test
    void everySplitGivesTheSameRequests() throws Exception {
        List<String> whole = parse(PIPELINE, new int[0]);
        assertThat(whole).containsExactly(
            "GET /a?x=1 HTTP/1.1 keepAlive=true multi=[1, 2]", "end body=",
            "POST /b HTTP/1.1 keepAlive=true multi=[]", "end body=hello",
            "POST /c HTTP/1.1 keepAlive=true multi=[]", "end body=wikipedia",
            "GET /d HTTP/1.0 keepAlive=false multi=[]", "end body=");
        int length = PIPELINE.length();
        int[] everyByte = new int[length - 1];
        for (int i = 1; i < length; i++) {
            everyByte[i - 1] = i;
        }
        assertThat(parse(PIPELINE, everyByte)).isEqualTo(whole);
        Random random = new Random(1);
        for (int round = 0; round < 200; round++) {
            int[] cuts = random.ints(random.nextInt(8), 1, length).sorted().distinct().toArray();
            assertThat(parse(PIPELINE, cuts)).isEqualTo(whole);
        }
    }

    @Test
    void limitsAndFramingErrors() {
        assertStatus("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
        assertStatus("GET /" + "a".repeat(20000), 414); // no end of line yet: refused early
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nX: " + "b".repeat(17000) + "\r\n\r\n", 431);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nX: " + "b".repeat(17000), 431); // incomplete, already too large
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n", 413); // before any body byte
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413);
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400);
        assertStatus("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n", 417);
        assertStatus("GET /\u0001 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertStatus("GET / HTTP/3\r\n\r\n", 505);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\nX: a:b\r\n\r\n", 400); // the next line's colon does not count
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\n: no name\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0001b\r\n\r\n", 400);
        assertStatus("GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(RequestParser.MAX_HEADER_FIELDS) + "\r\n", 431);
    }

    private static void assertStatus(String input, int status) {
        assertThatThrownBy(() -> parse(input, new int[0])).as(input.length() > 60 ? input.substring(0, 60) : input)
            .isInstanceOfSatisfying(RequestParser.HttpError.class, e -> assertThat(e.status).isEqualTo(status));
    }
}

package io.tlskit.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes response heads as bytes: status lines, the Server line and a response's own fields are
 * encoded once and copied after that, the Date line once a second. Thread-safe.
 */
final class ResponseHeadEncoder {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");
    /** "HTTP/1.1 200 OK\r\n" and so on, by status - 200 (statuses are 200-599). */
    private static final byte[][] STATUS_LINES = new byte[400][];

    static {
        for (int status = 200; status < 600; status++) {
            STATUS_LINES[status - 200] = ascii("HTTP/1.1 " + status + " " + HttpStatus.reason(status) + "\r\n");
        }
    }

    private final byte[] serverLine;
    private volatile DateLine date = new DateLine(-1, new byte[0]);

    /** The Date line of one second. */
    private static final class DateLine {
        final long second;
        final byte[] bytes;

        DateLine(long second, byte[] bytes) {
            this.second = second;
            this.bytes = bytes;
        }
    }

    ResponseHeadEncoder(String serverHeader) {
        this.serverLine = ascii("Server: " + serverHeader + "\r\n");
    }

    /**
     * The head of {@code r} with Date, Server, Content-Length {@code length} (not for 204 and 304)
     * and Connection, in a heap buffer with room for {@code extra} more bytes (a body sent along).
     */
    ByteBuf encode(ByteBufAllocator alloc, HttpResponse r, boolean keepAlive, long length, int extra) {
        byte[] status = STATUS_LINES[r.status() - 200];
        byte[] dateLine = dateLine();
        byte[] fields = r.encodedHeaders();
        boolean withLength = r.status() != 204 && r.status() != 304;
        byte[] connection = keepAlive ? KEEP_ALIVE : CLOSE;
        int size = status.length + dateLine.length + serverLine.length + fields.length
            + (withLength ? CONTENT_LENGTH.length + 20 + CRLF.length : 0) + connection.length;
        ByteBuf buf = alloc.heapBuffer(size + extra);
        buf.writeBytes(status).writeBytes(dateLine).writeBytes(serverLine).writeBytes(fields);
        if (withLength) {
            buf.writeBytes(CONTENT_LENGTH);
            writeDecimal(buf, length);
            buf.writeBytes(CRLF);
        }
        buf.writeBytes(connection);
        return buf;
    }

    private byte[] dateLine() {
        long now = System.currentTimeMillis() / 1000;
        DateLine d = date;
        if (d.second != now) {
            d = new DateLine(now, ascii("Date: " + StaticFiles.HTTP_DATE.format(Instant.ofEpochSecond(now)) + "\r\n"));
            date = d;
        }
        return d.bytes;
    }

    private static void writeDecimal(ByteBuf buf, long value) {
        if (value == 0) {
            buf.writeByte('0');
            return;
        }
        int start = buf.writerIndex();
        for (long v = value; v > 0; v /= 10) {
            buf.writeByte((int) ('0' + v % 10));
        }
        for (int i = start, j = buf.writerIndex() - 1; i < j; i++, j--) {
            byte t = buf.getByte(i);
            buf.setByte(i, buf.getByte(j));
            buf.setByte(j, t);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}

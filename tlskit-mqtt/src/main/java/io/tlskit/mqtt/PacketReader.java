package io.tlskit.mqtt;

/**
 * Reads MQTT primitives from one packet's body. Every read checks the packet boundary, so a
 * length field that points past the end becomes LENGTH_OVERFLOW instead of reading the next packet.
 */
final class PacketReader {
    private final byte[] buf;
    private final PacketType type;
    private final String peer;
    private int pos;
    private int limit;

    PacketReader(byte[] buf, int off, int len, PacketType type, String peer) {
        this.buf = buf;
        this.peer = peer;
        this.pos = off;
        this.limit = off + len;
        this.type = type;
    }

    int remaining() {
        return limit - pos;
    }

    int u8(String what) throws MqttProtocolException {
        need(1, what);
        return buf[pos++] & 0xFF;
    }

    int u16(String what) throws MqttProtocolException {
        need(2, what);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String what) throws MqttProtocolException {
        need(4, what);
        long v = ((long) (buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    int varint(String what) throws MqttProtocolException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = u8(what);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new MqttProtocolException(MqttError.MALFORMED_PACKET,
                "the " + peer + " sent a " + type + " whose " + what + " (a variable byte integer) is longer than 4 bytes");
    }

    String utf8(String what) throws MqttProtocolException {
        int len = u16(what + " length");
        need(len, what);
        String s = Utf8.decode(buf, pos, len);
        if (s == null) {
            throw new MqttProtocolException(MqttError.INVALID_UTF8, "the " + peer + " sent a " + type + " whose " + what
                    + " is not valid UTF-8 (or contains U+0000); MQTT requires well-formed UTF-8 strings");
        }
        pos += len;
        return s;
    }

    byte[] binary(String what) throws MqttProtocolException {
        int len = u16(what + " length");
        return bytes(len, what);
    }

    byte[] bytes(int len, String what) throws MqttProtocolException {
        need(len, what);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    /** Limits reading to the next n bytes (a property block); returns the outer limit to restore. */
    int narrow(int n, String what) throws MqttProtocolException {
        need(n, what);
        int outer = limit;
        limit = pos + n;
        return outer;
    }

    void widen(int outer) {
        limit = outer;
    }

    PacketType type() {
        return type;
    }

    String peer() {
        return peer;
    }

    void expectEnd() throws MqttProtocolException {
        if (pos != limit) {
            throw new MqttProtocolException(MqttError.LENGTH_OVERFLOW, "the " + peer + " sent a " + type + " with "
                    + (limit - pos) + " bytes left over after its last field; its remaining length does not match its content");
        }
    }

    private void need(int n, String what) throws MqttProtocolException {
        if (n > limit - pos) {
            throw new MqttProtocolException(MqttError.LENGTH_OVERFLOW, "the " + peer + " sent a " + type + " whose " + what
                    + " needs " + n + " bytes but only " + (limit - pos) + " remain in the packet: a length field overflows the packet");
        }
    }
}

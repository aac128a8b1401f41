package io.tlskit.mqtt.fake;

import io.tlskit.mqtt.MqttVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Broker-to-client packets crafted byte by byte, independent of tlskit's {@code MqttEncoder}, so a
 * test does not trust the code under test to produce what it feeds back.
 */
public final class Packets {
    private Packets() {
    }

    /** The ints as bytes (each 0..255). */
    public static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 0xFF) {
                throw new IllegalArgumentException("not a byte: " + values[i]);
            }
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** MQTT's variable byte integer (1..4 bytes). */
    public static byte[] varint(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int v = value;
        do {
            int b = v & 0x7F;
            v >>>= 7;
            out.write(v > 0 ? b | 0x80 : b);
        } while (v > 0);
        return out.toByteArray();
    }

    /** A fixed header (first byte, remaining length) followed by the body. */
    public static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        out.writeBytes(varint(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A UTF-8 string with its two-byte length. */
    public static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(bytes(b.length >>> 8, b.length & 0xFF), b);
    }

    public static byte[] u16(int v) {
        return bytes(v >>> 8, v & 0xFF);
    }

    /** CONNACK accepting the connection (3.1.1: 20 02 SP 00; 5: 20 03 SP 00 00). */
    public static byte[] connack(MqttVersion v, boolean sessionPresent) {
        int sp = sessionPresent ? 1 : 0;
        return v == MqttVersion.V5 ? bytes(0x20, 0x03, sp, 0x00, 0x00) : bytes(0x20, 0x02, sp, 0x00);
    }

    /** PUBACK success, short form (both versions). */
    public static byte[] puback(int packetId) {
        return concat(bytes(0x40, 0x02), u16(packetId));
    }

    public static byte[] pubrec(int packetId) {
        return concat(bytes(0x50, 0x02), u16(packetId));
    }

    /** PUBREL (fixed-header flags 0x2). */
    public static byte[] pubrel(int packetId) {
        return concat(bytes(0x62, 0x02), u16(packetId));
    }

    public static byte[] pubcomp(int packetId) {
        return concat(bytes(0x70, 0x02), u16(packetId));
    }

    /** A well-formed SUBSCRIBE (what only clients send): one filter at the given QoS. */
    public static byte[] subscribe(MqttVersion v, int packetId, String filter, int qos) {
        byte[] props = v == MqttVersion.V5 ? bytes(0x00) : new byte[0];
        return packet(0x82, concat(u16(packetId), props, utf8(filter), bytes(qos)));
    }

    /** A well-formed CONNECT (what only clients send): clean start, keep-alive 60, the given client id. */
    public static byte[] connect(MqttVersion v, String clientId) {
        byte[] props = v == MqttVersion.V5 ? bytes(0x00) : new byte[0];
        return packet(0x10, concat(utf8("MQTT"), bytes(v.level(), 0x02), u16(60), props, utf8(clientId)));
    }
}

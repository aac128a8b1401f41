package io.tlskit.mqtt;

import java.util.Arrays;

/** A growable byte buffer with MQTT's primitive encodings (big-endian integers, varints, prefixed strings). */
final class PacketWriter {
    /** One TLS record's worth: what a writer keeps between batches. */
    static final int RETAINED_BYTES = 16 * 1024;

    private byte[] buf = new byte[64];
    private int size;

    int size() {
        return size;
    }

    PacketWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    PacketWriter u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    PacketWriter u32(long v) {
        return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
    }

    PacketWriter varint(int v) {
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            u8(v > 0 ? digit | 0x80 : digit);
        } while (v > 0);
        return this;
    }

    /** A two-byte-length-prefixed UTF-8 string; the caller has validated it. */
    PacketWriter utf8(String s) {
        byte[] b = checkedUtf8(s);
        return u16(b.length).bytes(b, 0, b.length);
    }

    /** The string's UTF-8, or the exception {@link #utf8} throws for a string MQTT cannot carry. */
    static byte[] checkedUtf8(String s) {
        String problem = Utf8.problem(s);
        if (problem != null) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "string " + problem);
        }
        byte[] b = Utf8.encode(s);
        if (b.length > 0xFFFF) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "an MQTT string is at most 65535 bytes, not " + b.length);
        }
        return b;
    }

    /** Two-byte-length-prefixed binary data. */
    PacketWriter binary(byte[] b) {
        if (b.length > 0xFFFF) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "MQTT binary data is at most 65535 bytes, not " + b.length);
        }
        return u16(b.length).bytes(b, 0, b.length);
    }

    PacketWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    PacketWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    PacketWriter bytes(PacketWriter other) {
        return bytes(other.buf, 0, other.size);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The backing array, valid up to {@link #size()}. */
    byte[] buffer() {
        return buf;
    }

    /**
     * Empties the writer. The buffer stays for the next batch, unless it grew past
     * {@value #RETAINED_BYTES} bytes for a burst and this batch used less than an eighth of it: a
     * client that went quiet after a burst (its next batch is a PINGREQ at the latest) does not keep
     * the burst's buffer, and one that keeps bursting does not regrow it every batch.
     */
    void reset() {
        if (buf.length > RETAINED_BYTES && size < buf.length / 8) {
            buf = new byte[RETAINED_BYTES];
        }
        size = 0;
    }

    /** Makes room for n more bytes at once. */
    void reserve(int n) {
        ensure(n);
    }

    static int varintSize(int v) {
        return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}

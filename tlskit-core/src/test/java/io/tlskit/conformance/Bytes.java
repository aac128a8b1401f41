package io.tlskit.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** A small big-endian byte writer for hand-made TLS messages, with the length-prefixed vectors TLS uses. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Bytes of() {
        return new Bytes();
    }

    Bytes u8(int v) {
        out.write(v & 0xff);
        return this;
    }

    Bytes u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    Bytes u24(int v) {
        return u8(v >>> 16).u16(v);
    }

    Bytes raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    Bytes zeros(int n) {
        return raw(new byte[n]);
    }

    /** A vector with a one-byte length. */
    Bytes vec8(byte[] b) {
        return u8(b.length).raw(b);
    }

    Bytes vec16(byte[] b) {
        return u16(b.length).raw(b);
    }

    Bytes vec24(byte[] b) {
        return u24(b.length).raw(b);
    }

    /** A list of 16-bit values (cipher suites, groups, schemes) as a vector with a two-byte length. */
    Bytes u16List(int... values) {
        u16(values.length * 2);
        for (int v : values) {
            u16(v);
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        Bytes b = new Bytes();
        for (byte[] p : parts) {
            b.raw(p);
        }
        return b.bytes();
    }

    static byte[] head(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}

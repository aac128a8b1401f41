package io.tlskit.conformance;

import java.util.ArrayList;
import java.util.List;

/** TLS framing for the raw peers: records and handshake headers (RFC 8446 §5.1, §4). */
final class Wire {
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;
    static final int TLS12 = 0x0303;
    static final int TLS13 = 0x0304;

    private Wire() {
    }

    static byte[] record(int type, int version, byte[] fragment) {
        return Bytes.of().u8(type).u16(version).vec16(fragment).bytes();
    }

    static byte[] record(int type, byte[] fragment) {
        return record(type, TLS12, fragment);
    }

    /** The fragment split into records of at most {@code size} bytes. */
    static byte[] records(int type, byte[] fragment, int size) {
        Bytes out = Bytes.of();
        for (int off = 0; off < fragment.length; off += size) {
            int n = Math.min(size, fragment.length - off);
            byte[] part = new byte[n];
            System.arraycopy(fragment, off, part, 0, n);
            out.raw(record(type, TLS12, part));
        }
        return out.bytes();
    }

    static byte[] handshake(int type, byte[] body) {
        return Bytes.of().u8(type).vec24(body).bytes();
    }

    /** One received record. */
    record Record(int type, int version, byte[] fragment) {
        boolean isAlert() {
            return type == ALERT && fragment.length == 2;
        }

        int alertLevel() {
            return fragment[0] & 0xff;
        }

        int alertDescription() {
            return fragment[1] & 0xff;
        }

        int handshakeType() {
            return type == HANDSHAKE && fragment.length > 0 ? fragment[0] & 0xff : -1;
        }

        @Override
        public String toString() {
            return isAlert() ? "alert(" + alertLevel() + "," + alertDescription() + ")"
                : "record(type " + type + ", " + fragment.length + " bytes" + (type == HANDSHAKE ? ", msg " + handshakeType() : "") + ")";
        }
    }

    /** Splits bytes into whole records; a trailing partial record is returned separately as {@code rest}. */
    static List<Record> parse(byte[] data, int[] consumed) {
        List<Record> records = new ArrayList<>();
        int off = 0;
        while (data.length - off >= 5) {
            int len = ((data[off + 3] & 0xff) << 8) | (data[off + 4] & 0xff);
            if (data.length - off - 5 < len) {
                break;
            }
            byte[] fragment = new byte[len];
            System.arraycopy(data, off + 5, fragment, 0, len);
            records.add(new Record(data[off] & 0xff, ((data[off + 1] & 0xff) << 8) | (data[off + 2] & 0xff), fragment));
            off += 5 + len;
        }
        consumed[0] = off;
        return records;
    }
}

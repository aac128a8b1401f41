package io.tlskit;

/** RFC 6066 max_fragment_length: smaller records for devices with little RAM. */
public enum MaxFragmentLength {
    BYTES_512(512, (short) 1),
    BYTES_1024(1024, (short) 2),
    BYTES_2048(2048, (short) 3),
    BYTES_4096(4096, (short) 4);

    private final int bytes;
    private final short code;

    MaxFragmentLength(int bytes, short code) {
        this.bytes = bytes;
        this.code = code;
    }

    public int bytes() {
        return bytes;
    }

    short code() {
        return code;
    }

    public static MaxFragmentLength ofBytes(int bytes) {
        for (MaxFragmentLength m : values()) {
            if (m.bytes == bytes) {
                return m;
            }
        }
        throw new ConfigException("max fragment length " + bytes + " is not allowed: use 512, 1024, 2048 or 4096");
    }

    static MaxFragmentLength ofCode(short code) {
        for (MaxFragmentLength m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        return null;
    }
}

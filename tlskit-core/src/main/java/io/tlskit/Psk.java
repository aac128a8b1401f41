package io.tlskit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** A pre-shared key and its identity. The key never appears in toString or logs. */
public final class Psk {
    private final String identity;
    private final byte[] key;

    private Psk(String identity, byte[] key) {
        if (identity == null || identity.isEmpty()) {
            throw new ConfigException("PSK identity is empty: give the identity the server knows, e.g. --psk device1:00112233…");
        }
        if (key == null || key.length == 0) {
            throw new ConfigException("PSK for identity '" + identity + "' is empty: give at least 16 bytes of key");
        }
        this.identity = identity;
        this.key = key.clone();
    }

    public static Psk of(String identity, byte[] key) {
        return new Psk(identity, key);
    }

    /** Parses "IDENTITY:HEXKEY" as given on the command line. */
    public static Psk parse(String identityColonHex) {
        int colon = identityColonHex.lastIndexOf(':');
        if (colon <= 0 || colon == identityColonHex.length() - 1) {
            throw new ConfigException("PSK must be IDENTITY:HEXKEY, e.g. device1:000102030405060708090a0b0c0d0e0f");
        }
        return new Psk(identityColonHex.substring(0, colon), hex(identityColonHex.substring(colon + 1)));
    }

    static byte[] hex(String text) {
        try {
            return HexFormat.of().parseHex(text.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("PSK key is not valid hex (use an even number of 0-9a-f digits)");
        }
    }

    public String identity() {
        return identity;
    }

    public byte[] identityBytes() {
        return identity.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Psk && ((Psk) o).identity.equals(identity) && Arrays.equals(((Psk) o).key, key);
    }

    @Override
    public int hashCode() {
        return identity.hashCode();
    }

    @Override
    public String toString() {
        return "Psk[identity=" + identity + ", key=(" + key.length + " bytes, hidden)]";
    }
}

package io.tlskit.bench;

import java.io.ByteArrayOutputStream;

/**
 * What the server's plaintext handshake records say, read off the wire the same way for every
 * implementation: the negotiated version and cipher suite (ServerHello), the key-exchange group
 * (TLS 1.3 key_share, TLS 1.2 ServerKeyExchange) and whether a plaintext Certificate message was
 * sent (TLS 1.2 full handshakes only; TLS 1.3 encrypts it).
 */
public final class WireFacts {
    public String version = "?";
    public String suite = "?";
    public String group = "none";
    public boolean certificateMessage;

    public static WireFacts parse(byte[] serverBytes) {
        WireFacts f = new WireFacts();
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        int i = 0;
        while (i + 5 <= serverBytes.length) {
            int type = serverBytes[i] & 0xFF;
            int len = u16(serverBytes, i + 3);
            if (type != 22 || i + 5 + len > serverBytes.length) {
                break; // ChangeCipherSpec or encrypted records: the plaintext part is over
            }
            hs.write(serverBytes, i + 5, len);
            i += 5 + len;
        }
        byte[] m = hs.toByteArray();
        int p = 0;
        while (p + 4 <= m.length) {
            int msgType = m[p] & 0xFF;
            int len = ((m[p + 1] & 0xFF) << 16) | u16(m, p + 2);
            int body = p + 4;
            if (body + len > m.length) {
                break;
            }
            if (msgType == 2) {
                f.serverHello(m, body, len);
            } else if (msgType == 11) {
                f.certificateMessage = true;
            } else if (msgType == 12 && len >= 3 && (m[body] & 0xFF) == 3) {
                f.group = groupName(u16(m, body + 1));
            }
            p = body + len;
        }
        return f;
    }

    private void serverHello(byte[] m, int p, int len) {
        int end = p + len;
        int legacy = u16(m, p);
        p += 2 + 32;
        p += 1 + (m[p] & 0xFF);
        suite = Scenario.suiteName(u16(m, p));
        p += 3;
        version = legacy == 0x0303 ? "TLSv1.2" : String.format("0x%04X", legacy);
        if (p + 2 > end) {
            return;
        }
        int extEnd = p + 2 + u16(m, p);
        p += 2;
        while (p + 4 <= extEnd) {
            int type = u16(m, p);
            int elen = u16(m, p + 2);
            if (type == 43 && elen == 2) {
                version = u16(m, p + 4) == 0x0304 ? "TLSv1.3" : String.format("0x%04X", u16(m, p + 4));
            } else if (type == 51 && elen >= 2) {
                group = groupName(u16(m, p + 4));
            }
            p += 4 + elen;
        }
    }

    static String groupName(int g) {
        switch (g) {
            case 0x0017: return "secp256r1";
            case 0x0018: return "secp384r1";
            case 0x0019: return "secp521r1";
            case 0x001D: return "x25519";
            case 0x001E: return "x448";
            default: return String.format("0x%04X", g);
        }
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    @Override
    public String toString() {
        return version + " " + suite + " group=" + group + (certificateMessage ? " cert-msg" : "");
    }
}

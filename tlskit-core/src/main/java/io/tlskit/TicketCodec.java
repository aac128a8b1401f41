package io.tlskit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Hashtable;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** Serialises the TLS 1.2 session state we put inside our own (sealed) session tickets. */
final class TicketCodec {
    private static final int FORMAT = 1;

    private TicketCodec() {
    }

    static byte[] encode(ProtocolVersion version, int suite, boolean ems, byte[] masterSecret, Certificate peer,
                         Hashtable<?, ?> serverExtensions, byte[] pskIdentity, Instant issuedAt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(FORMAT);
        out.writeShort(version.getFullVersion());
        out.writeShort(suite);
        out.writeBoolean(ems);
        out.writeLong(issuedAt.getEpochSecond());
        writeBlock(out, masterSecret);
        int peerCount = peer == null ? 0 : peer.getLength();
        out.writeShort(peerCount);
        for (int i = 0; i < peerCount; i++) {
            writeBlock(out, peer.getCertificateAt(i).getEncoded());
        }
        int extCount = serverExtensions == null ? 0 : serverExtensions.size();
        out.writeShort(extCount);
        if (serverExtensions != null) {
            for (Enumeration<?> keys = serverExtensions.keys(); keys.hasMoreElements();) {
                Integer type = (Integer) keys.nextElement();
                out.writeShort(type);
                writeBlock(out, (byte[]) serverExtensions.get(type));
            }
        }
        writeBlock(out, pskIdentity == null ? new byte[0] : pskIdentity);
        return bytes.toByteArray();
    }

    /** Decoded session state, or null when the bytes are not ours. */
    static Decoded decode(byte[] plaintext, TlsCrypto crypto) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext));
            if (in.readUnsignedByte() != FORMAT) {
                return null;
            }
            int fullVersion = in.readUnsignedShort();
            ProtocolVersion version = ProtocolVersion.get(fullVersion >>> 8, fullVersion & 0xFF);
            int suite = in.readUnsignedShort();
            boolean ems = in.readBoolean();
            Instant issuedAt = Instant.ofEpochSecond(in.readLong());
            byte[] master = readBlock(in);
            int peerCount = in.readUnsignedShort();
            TlsCertificate[] chain = new TlsCertificate[peerCount];
            for (int i = 0; i < peerCount; i++) {
                chain[i] = crypto.createCertificate(readBlock(in));
            }
            int extCount = in.readUnsignedShort();
            Hashtable<Integer, byte[]> ext = new Hashtable<>();
            for (int i = 0; i < extCount; i++) {
                int type = in.readUnsignedShort();
                ext.put(type, readBlock(in));
            }
            byte[] psk = readBlock(in);
            SessionParameters.Builder params = new SessionParameters.Builder()
                .setNegotiatedVersion(version)
                .setCipherSuite(suite)
                .setExtendedMasterSecret(ems)
                .setMasterSecret(crypto.createSecret(master))
                .setPeerCertificate(peerCount == 0 ? Certificate.EMPTY_CHAIN : new Certificate(chain))
                .setServerExtensions(ext);
            if (psk.length > 0) {
                params.setPSKIdentity(psk);
            }
            java.util.Arrays.fill(master, (byte) 0);
            return new Decoded(params.build(), issuedAt);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void writeBlock(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 65536) {
            throw new IOException("bad ticket block length");
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return data;
    }

    static final class Decoded {
        final SessionParameters parameters;
        final Instant issuedAt;

        Decoded(SessionParameters parameters, Instant issuedAt) {
            this.parameters = parameters;
            this.issuedAt = issuedAt;
        }
    }
}

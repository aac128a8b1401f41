package io.tlskit.cli.probe;

import java.util.List;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsSession;

/**
 * What one probing ClientHello offers, and how far the handshake goes. Immutable; the {@code with*}
 * methods return changed copies. Null lists mean "BouncyCastle's default".
 */
public final class Attempt {
    /** Where a probe stops once it has learnt what it wanted: earlier is cheaper. */
    public enum StopAt {
        /** After the ServerHello's cipher suite (or the HelloRetryRequest's). */
        SUITE,
        /** After the server's extensions (ServerHello in TLS 1.2, EncryptedExtensions in 1.3). */
        EXTENSIONS,
        /** The whole handshake. */
        COMPLETE
    }

    final List<ProtocolVersion> versions;
    final int[] suites;
    final int[] groups;
    final int[] signatureSchemes;
    final List<String> alpn;
    final Short maxFragmentCode;
    final boolean statusRequest;
    /** null: no session_ticket extension; empty: ask for a ticket; else the ticket to resume with. */
    final byte[] ticket;
    final TlsSession resume;
    final String pskIdentity;
    final byte[] pskKey;
    final StopAt stopAt;

    private Attempt(List<ProtocolVersion> versions, int[] suites, int[] groups, int[] signatureSchemes, List<String> alpn,
                    Short maxFragmentCode, boolean statusRequest, byte[] ticket, TlsSession resume, String pskIdentity,
                    byte[] pskKey, StopAt stopAt) {
        this.versions = List.copyOf(versions);
        this.suites = suites.clone();
        this.groups = groups == null ? null : groups.clone();
        this.signatureSchemes = signatureSchemes == null ? null : signatureSchemes.clone();
        this.alpn = alpn == null ? null : List.copyOf(alpn);
        this.maxFragmentCode = maxFragmentCode;
        this.statusRequest = statusRequest;
        this.ticket = ticket;
        this.resume = resume;
        this.pskIdentity = pskIdentity;
        this.pskKey = pskKey;
        this.stopAt = stopAt;
    }

    /** The given versions and suites, default groups and signature schemes, a full handshake. */
    public static Attempt of(List<ProtocolVersion> versions, int[] suites) {
        return new Attempt(versions, suites, null, null, null, null, false, null, null, null, null, StopAt.COMPLETE);
    }

    public Attempt withSuites(int[] s) {
        return new Attempt(versions, s, groups, signatureSchemes, alpn, maxFragmentCode, statusRequest, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withGroups(int... g) {
        return new Attempt(versions, suites, g, signatureSchemes, alpn, maxFragmentCode, statusRequest, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withSignatureSchemes(int... s) {
        return new Attempt(versions, suites, groups, s, alpn, maxFragmentCode, statusRequest, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withAlpn(List<String> protocols) {
        return new Attempt(versions, suites, groups, signatureSchemes, protocols, maxFragmentCode, statusRequest, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withMaxFragment(Short code) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, code, statusRequest, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withStatusRequest(boolean on) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, maxFragmentCode, on, ticket, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withTicket(byte[] t) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, maxFragmentCode, statusRequest, t, resume, pskIdentity, pskKey, stopAt);
    }

    public Attempt withResume(TlsSession session) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, maxFragmentCode, statusRequest, ticket, session, pskIdentity, pskKey, stopAt);
    }

    public Attempt withPsk(String identity, byte[] key) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, maxFragmentCode, statusRequest, ticket, resume, identity, key, stopAt);
    }

    public Attempt stopAt(StopAt where) {
        return new Attempt(versions, suites, groups, signatureSchemes, alpn, maxFragmentCode, statusRequest, ticket, resume, pskIdentity, pskKey, where);
    }
}

package io.tlskit.conformance;

import static io.tlskit.conformance.ClientHelloBuilder.ALPN;
import static io.tlskit.conformance.ClientHelloBuilder.EC_POINT_FORMATS;
import static io.tlskit.conformance.ClientHelloBuilder.ENCRYPT_THEN_MAC;
import static io.tlskit.conformance.ClientHelloBuilder.EXTENDED_MASTER_SECRET;
import static io.tlskit.conformance.ClientHelloBuilder.KEY_SHARE;
import static io.tlskit.conformance.ClientHelloBuilder.PADDING;
import static io.tlskit.conformance.ClientHelloBuilder.PSK_KEY_EXCHANGE_MODES;
import static io.tlskit.conformance.ClientHelloBuilder.RENEGOTIATION_INFO;
import static io.tlskit.conformance.ClientHelloBuilder.SECP256R1;
import static io.tlskit.conformance.ClientHelloBuilder.SERVER_NAME;
import static io.tlskit.conformance.ClientHelloBuilder.SIGNATURE_ALGORITHMS;
import static io.tlskit.conformance.ClientHelloBuilder.STATUS_REQUEST;
import static io.tlskit.conformance.ClientHelloBuilder.SUPPORTED_GROUPS;
import static io.tlskit.conformance.ClientHelloBuilder.SUPPORTED_VERSIONS;
import static io.tlskit.conformance.ClientHelloBuilder.TLS12_AEAD_SUITES;
import static io.tlskit.conformance.ClientHelloBuilder.TLS12_CBC_SUITES;
import static io.tlskit.conformance.ClientHelloBuilder.X25519;
import static io.tlskit.conformance.ClientHelloBuilder.X25519_SHARE;
import static io.tlskit.conformance.ClientHelloBuilder.tls12;
import static io.tlskit.conformance.ClientHelloBuilder.tls13;
import static io.tlskit.conformance.Expect.CLOSE;
import static io.tlskit.conformance.Expect.DECODE_ERROR;
import static io.tlskit.conformance.Expect.HANDSHAKE_FAILURE;
import static io.tlskit.conformance.Expect.ILLEGAL_PARAMETER;
import static io.tlskit.conformance.Expect.MISSING_EXTENSION;
import static io.tlskit.conformance.Expect.PROTOCOL_VERSION;
import static io.tlskit.conformance.Expect.RECORD_OVERFLOW;
import static io.tlskit.conformance.Expect.TLS12;
import static io.tlskit.conformance.Expect.TLS13;
import static io.tlskit.conformance.Expect.UNEXPECTED_MESSAGE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first flights a hostile or broken client sends a tlskit server, each with the answer RFC 8446
 * and RFC 5246 ask for. Grouped as in issue 11: version negotiation, framing and truncation,
 * messages out of order, sizes, extension encodings, extensions that TLS 1.3 ignores, signature
 * schemes and suites.
 */
final class ServerProbes {
    private final List<Probe> probes = new ArrayList<>();

    private ServerProbes() {
    }

    static List<Probe> all() {
        ServerProbes p = new ServerProbes();
        p.baseline();
        p.legacyVersion();
        p.framing();
        p.outOfOrder();
        p.sizes();
        p.extensionEncodings();
        p.tls12OnlyExtensions();
        p.suitesAndSchemes();
        return p.probes;
    }

    /** The TLS 1.3 ClientHello cut after every byte, its length fields fixed up: each is a complete but truncated message. */
    static List<Probe> truncations() {
        ClientHelloBuilder hello = tls13().remove(SERVER_NAME).remove(EC_POINT_FORMATS).remove(PSK_KEY_EXCHANGE_MODES);
        byte[] body = hello.body();
        int noExtensions = hello.extensionsOffset();
        List<Probe> list = new ArrayList<>();
        for (int length = 0; length < body.length; length++) {
            byte[] cut = Bytes.head(body, length);
            // cut right after the compression methods, it is a valid TLS 1.2 hello without extensions
            // (which this server refuses without renegotiation_info, RFC 5746 §4.3)
            Expect expect = length == noExtensions ? HANDSHAKE_FAILURE : DECODE_ERROR;
            list.add(Probe.of(String.format(Locale.ROOT, "ClientHello cut to %3d of %d bytes", length, body.length),
                Wire.record(Wire.HANDSHAKE, Wire.handshake(1, cut)), expect));
        }
        return list;
    }

    /**
     * What a client sends after a good TLS 1.2 ClientHello and the server's plaintext flight (the
     * suite is ECDHE-ECDSA over x25519): the ClientKeyExchange broken, or messages out of order.
     */
    static List<Probe> secondFlights() {
        byte[] share = ClientHelloBuilder.X25519_SHARE;
        List<Probe> list = new ArrayList<>();
        list.add(Probe.of("ClientKeyExchange whose point length runs past the message", hs(16, Bytes.of().u8(32).zeros(10).bytes()),
            DECODE_ERROR));
        list.add(Probe.of("ClientKeyExchange with no body", hs(16, new byte[0]), DECODE_ERROR));
        list.add(Probe.of("ClientKeyExchange with a byte after the point", hs(16, Bytes.of().vec8(share).u8(0).bytes()), DECODE_ERROR));
        list.add(Probe.of("ClientKeyExchange with a 31-byte x25519 point", hs(16, Bytes.of().vec8(Bytes.head(share, 31)).bytes()),
            ILLEGAL_PARAMETER));
        list.add(Probe.of("ClientKeyExchange with an all-zero x25519 point (zero shared secret, RFC 8422 §5.11)",
            hs(16, Bytes.of().vec8(new byte[32]).bytes()), HANDSHAKE_FAILURE));
        list.add(Probe.of("Finished before the ClientKeyExchange", hs(20, new byte[12]), UNEXPECTED_MESSAGE));
        list.add(Probe.of("ChangeCipherSpec before the ClientKeyExchange", Wire.record(Wire.CHANGE_CIPHER_SPEC, new byte[] {1}),
            UNEXPECTED_MESSAGE));
        list.add(Probe.of("a second ClientHello instead of the ClientKeyExchange", tls12().flight(), UNEXPECTED_MESSAGE));
        list.add(Probe.of("a client Certificate nobody asked for", hs(11, Bytes.of().vec24(new byte[0]).bytes()), UNEXPECTED_MESSAGE));
        list.add(Probe.of("CertificateVerify before the ClientKeyExchange", hs(15, Bytes.of().u16(0x0403).vec16(new byte[8]).bytes()),
            UNEXPECTED_MESSAGE));
        list.add(Probe.of("application data before the handshake completes", Wire.record(Wire.APPLICATION_DATA, new byte[20]),
            UNEXPECTED_MESSAGE));
        list.add(Probe.of("KeyUpdate in TLS 1.2", hs(24, new byte[] {0}), UNEXPECTED_MESSAGE));
        list.add(Probe.of("ServerHelloDone from the client", hs(14, new byte[0]), UNEXPECTED_MESSAGE));
        list.add(Probe.of("ClientKeyExchange of 40 KiB (over the 32 KiB limit for messages other than the ClientHello)",
            Wire.records(Wire.HANDSHAKE, Wire.handshake(16, new byte[40 * 1024]), 16384),
            Expect.alert(org.bouncycastle.tls.AlertDescription.internal_error)));
        return list;
    }

    private static byte[] hs(int type, byte[] body) {
        return Wire.record(Wire.HANDSHAKE, Wire.handshake(type, body));
    }

    private void add(String name, ClientHelloBuilder hello, Expect expect) {
        probes.add(Probe.of(name, hello, expect));
    }

    private void add(String name, byte[] flight, Expect expect) {
        probes.add(Probe.of(name, flight, expect));
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "0x%04x", v);
    }

    private static byte[] versions(int... versions) {
        Bytes list = Bytes.of();
        for (int v : versions) {
            list.u16(v);
        }
        return Bytes.of().vec8(list.bytes()).bytes();
    }

    private void baseline() {
        add("TLS 1.3 ClientHello", tls13(), TLS13);
        add("TLS 1.2 ClientHello", tls12(), TLS12);
        add("TLS 1.3 ClientHello in 1-byte records", Wire.records(Wire.HANDSHAKE, tls13().message(), 1), TLS13);
        add("TLS 1.3 ClientHello in 2 records", Wire.records(Wire.HANDSHAKE, tls13().message(), 100), TLS13);
        add("TLS 1.3 ClientHello in a record versioned 0x0301", Wire.record(Wire.HANDSHAKE, 0x0301, tls13().message()), TLS13);
        add("TLS 1.3 ClientHello in a record versioned 0x0000", Wire.record(Wire.HANDSHAKE, 0x0000, tls13().message()), TLS13);
        add("TLS 1.3 ClientHello without a session ID", tls13().sessionId(new byte[0]), TLS13);
        add("TLS 1.3 ClientHello with a 1-byte session ID", tls13().sessionId(new byte[1]), TLS13);
        add("TLS 1.3 ClientHello with an x25519 and a P-256 group but no key share (HelloRetryRequest)",
            tls13().set(KEY_SHARE, Bytes.of().vec16(new byte[0]).bytes()), TLS13);
        add("TLS 1.3 ClientHello with extensions in reverse order", reversedExtensions(), TLS13);
        add("TLS 1.2 ClientHello without extensions (no renegotiation_info: RFC 5746 lets us refuse)", tls12().noExtensionsBlock(),
            HANDSHAKE_FAILURE);
        add("TLS 1.2 ClientHello with an empty extensions block (no renegotiation_info)", tls12().remove(SERVER_NAME).remove(SUPPORTED_GROUPS)
            .remove(EC_POINT_FORMATS).remove(SIGNATURE_ALGORITHMS).remove(EXTENDED_MASTER_SECRET).remove(RENEGOTIATION_INFO),
            HANDSHAKE_FAILURE);
        add("TLS 1.2 ClientHello with renegotiation_info only", tls12().remove(SERVER_NAME).remove(SUPPORTED_GROUPS)
            .remove(EC_POINT_FORMATS).remove(EXTENDED_MASTER_SECRET), TLS12);
        add("TLS 1.2 ClientHello without supported_groups (any curve, RFC 8422)", tls12().remove(SUPPORTED_GROUPS), TLS12);
        add("TLS 1.2 ClientHello with the renegotiation SCSV", tls12(0xc02b, 0x00ff).remove(RENEGOTIATION_INFO), TLS12);
    }

    private static ClientHelloBuilder reversedExtensions() {
        return tls13().remove(KEY_SHARE).remove(SUPPORTED_VERSIONS).remove(SUPPORTED_GROUPS)
            .ext(SUPPORTED_VERSIONS, versions(Wire.TLS13)).ext(KEY_SHARE, ClientHelloBuilder.keyShare(X25519, X25519_SHARE))
            .ext(SUPPORTED_GROUPS, Bytes.of().u16List(X25519).bytes());
    }

    /** RFC 8446 §4.2.1: with supported_versions, legacy_version is ignored; RFC 5246 §E.1 without it. */
    private void legacyVersion() {
        for (int v : new int[] {0x0000, 0x0002, 0x0102, 0x0200, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0400, 0x7f7f, 0xffff}) {
            add("legacy_version " + hex(v) + " with supported_versions [TLS 1.3, TLS 1.2]", tls13().version(v), TLS13);
        }
        add("legacy_version 0x0200 with supported_versions [TLS 1.2]", tls13().version(0x0200)
            .set(SUPPORTED_VERSIONS, versions(Wire.TLS12)).ext(RENEGOTIATION_INFO, new byte[1]), TLS12);
        add("legacy_version 0x0400 with supported_versions [TLS 1.2]", tls13().version(0x0400)
            .set(SUPPORTED_VERSIONS, versions(Wire.TLS12)).ext(RENEGOTIATION_INFO, new byte[1]), TLS12);
        for (int v : new int[] {0x0002, 0x0102, 0x0200, 0x0300, 0x0301, 0x0302}) {
            add("legacy_version " + hex(v) + " without supported_versions", tls12().version(v), PROTOCOL_VERSION);
        }
        for (int v : new int[] {0x0303, 0x0304, 0x0305, 0x03ff, 0x0400, 0x7f7f, 0xffff}) {
            add("legacy_version " + hex(v) + " without supported_versions", tls12().version(v), TLS12);
        }
        add("supported_versions [TLS 1.1, TLS 1.0]", tls13().set(SUPPORTED_VERSIONS, versions(0x0302, 0x0301)), PROTOCOL_VERSION);
        add("supported_versions [SSL 3.0]", tls13().set(SUPPORTED_VERSIONS, versions(0x0300)), PROTOCOL_VERSION);
        add("supported_versions [draft 0x7f1c]", tls13().set(SUPPORTED_VERSIONS, versions(0x7f1c)), PROTOCOL_VERSION);
        add("supported_versions [TLS 1.4, TLS 1.3]", tls13().set(SUPPORTED_VERSIONS, versions(0x0305, Wire.TLS13)), TLS13);
        add("supported_versions [GREASE 0x0a0a, TLS 1.3]", tls13().set(SUPPORTED_VERSIONS, versions(0x0a0a, Wire.TLS13)), TLS13);
        add("supported_versions [TLS 1.2, TLS 1.3] (client prefers 1.2)", tls13().set(SUPPORTED_VERSIONS, versions(Wire.TLS12, Wire.TLS13))
            .ext(RENEGOTIATION_INFO, new byte[1]), TLS12);
        add("supported_versions with an empty list", tls13().set(SUPPORTED_VERSIONS, Bytes.of().vec8(new byte[0]).bytes()), DECODE_ERROR);
        add("supported_versions with an odd list length", tls13().set(SUPPORTED_VERSIONS, Bytes.of().vec8(new byte[] {3, 4, 3}).bytes()),
            DECODE_ERROR);
        add("supported_versions whose list length exceeds the extension", tls13().set(SUPPORTED_VERSIONS, new byte[] {4, 3, 4}),
            DECODE_ERROR);
        add("supported_versions with a byte after the list", tls13().set(SUPPORTED_VERSIONS, new byte[] {2, 3, 4, 0}), DECODE_ERROR);
    }

    private void framing() {
        byte[] hello = tls13().message();
        for (int n : new int[] {33, 40, 255}) {
            add("session ID of " + n + " bytes", tls13().sessionId(new byte[n]), DECODE_ERROR);
        }
        add("session ID length 32 with only 16 bytes left in the message", Wire.record(Wire.HANDSHAKE, Wire.handshake(1,
            Bytes.of().u16(Wire.TLS12).zeros(32).u8(32).zeros(16).bytes())), DECODE_ERROR);
        add("no cipher suites", tls13().suites(), DECODE_ERROR);
        add("cipher suites list of odd length", sslBody(tls13(), b -> b.u16(3).u16(0x1301).u8(0x13)), DECODE_ERROR);
        add("no compression methods", tls13().compression(), DECODE_ERROR);
        add("compression methods without null (TLS 1.2)", tls12().compression(1), HANDSHAKE_FAILURE);
        add("extensions block length one byte too long", tls13().extensionsLengthOff(1), DECODE_ERROR);
        add("extensions block length one byte too short", tls13().extensionsLengthOff(-1), DECODE_ERROR);
        add("a byte after the extensions block", Wire.record(Wire.HANDSHAKE, Wire.handshake(1, Bytes.concat(tls13().body(), new byte[1]))),
            DECODE_ERROR);
        byte[] body = tls13().body();
        add("ClientHello whose last byte comes in a second record, one byte more than its fields", Bytes.concat(
            Wire.record(Wire.HANDSHAKE, Bytes.of().u8(1).u24(body.length + 1).raw(body).bytes()),
            Wire.record(Wire.HANDSHAKE, new byte[1])), DECODE_ERROR);
        for (int n : new int[] {1, 5, 50}) {
            byte[] partial = Bytes.head(Wire.record(Wire.HANDSHAKE, hello), n);
            probes.add(Probe.thenEof("first " + n + " bytes of the ClientHello record, then end of stream", partial, CLOSE));
        }
        probes.add(Probe.thenEof("nothing, then end of stream", new byte[0], CLOSE));
        add("SSLv2-format ClientHello offering TLS 1.0", sslv2Hello(0x0301), UNEXPECTED_MESSAGE);
        add("SSLv2-format ClientHello offering TLS 1.2", sslv2Hello(0x0303), UNEXPECTED_MESSAGE);
        add("SSLv2-format ClientHello offering SSL 2.0", sslv2Hello(0x0002), UNEXPECTED_MESSAGE);
        add("empty handshake record before the ClientHello", Bytes.concat(Wire.record(Wire.HANDSHAKE, new byte[0]),
            Wire.record(Wire.HANDSHAKE, hello)), ILLEGAL_PARAMETER);
        add("ClientHello record of 16385 bytes (one over the plaintext limit)", recordOfLength(16385), RECORD_OVERFLOW);
        add("ClientHello record of 18433 bytes", recordOfLength(18433), RECORD_OVERFLOW);
        add("ClientHello record of 65535 bytes", recordOfLength(65535), RECORD_OVERFLOW);
        add("ClientHello in a record of 16384 bytes (exactly the limit)", Wire.record(Wire.HANDSHAKE, tls13()
            .ext(PADDING, new byte[16384 - 4 - tls13().body().length - 4]).message()), TLS13);
        probes.add(new Probe("TLS 1.2 ClientHello followed by a second ClientHello in the same record", Wire.record(Wire.HANDSHAKE,
            Bytes.concat(tls12().message(), tls12().message())), false, Expect.helloThenAlert(UNEXPECTED_MESSAGE),
            Expect.helloThenAlert(UNEXPECTED_MESSAGE)));
    }

    private interface BodyTail {
        void write(Bytes b);
    }

    /** A hello whose cipher-suite field and everything after it come from {@code tail}. */
    private static byte[] sslBody(ClientHelloBuilder unused, BodyTail tail) {
        Bytes b = Bytes.of().u16(Wire.TLS12).zeros(32).u8(0);
        tail.write(b);
        b.vec8(new byte[] {0}).u16(0);
        return Wire.record(Wire.HANDSHAKE, Wire.handshake(1, b.bytes()));
    }

    private static byte[] sslv2Hello(int version) {
        byte[] body = Bytes.of().u8(1).u16(version).u16(6).u16(0).u16(16).u24(0x00002f).u24(0x000035)
            .raw(new byte[16]).bytes();
        return Bytes.of().u16(0x8000 | body.length).raw(body).bytes();
    }

    private static byte[] recordOfLength(int length) {
        byte[] hello = tls13().ext(PADDING, new byte[length - 4 - tls13().body().length - 4]).message();
        return Wire.record(Wire.HANDSHAKE, hello);
    }

    /** RFC 8446 §5 / RFC 5246 §7.4: the first message must be a ClientHello; anything else is unexpected_message. */
    private void outOfOrder() {
        add("application data before the ClientHello", Wire.record(Wire.APPLICATION_DATA, new byte[] {1, 2, 3}), UNEXPECTED_MESSAGE);
        add("empty application data record before the ClientHello", Wire.record(Wire.APPLICATION_DATA, new byte[0]), UNEXPECTED_MESSAGE);
        add("application data then the ClientHello", Bytes.concat(Wire.record(Wire.APPLICATION_DATA, new byte[10]),
            tls13().flight()), UNEXPECTED_MESSAGE);
        add("ChangeCipherSpec before the ClientHello", Wire.record(Wire.CHANGE_CIPHER_SPEC, new byte[] {1}), UNEXPECTED_MESSAGE);
        add("heartbeat record before the ClientHello", Wire.record(24, new byte[] {1, 0, 16}), UNEXPECTED_MESSAGE);
        for (int type : new int[] {0, 25, 99, 127, 255}) {
            add("record of unknown content type " + type, Wire.record(type, new byte[] {1, 0, 0, 0}), UNEXPECTED_MESSAGE);
        }
        int[][] messages = {{0, 0}, {2, 40}, {4, 20}, {5, 0}, {8, 2}, {11, 4}, {12, 20}, {13, 4}, {14, 0}, {15, 8},
            {16, 33}, {20, 12}, {24, 1}, {254, 32}};
        String[] names = {"HelloRequest", "ServerHello", "NewSessionTicket", "EndOfEarlyData", "EncryptedExtensions",
            "Certificate", "ServerKeyExchange", "CertificateRequest", "ServerHelloDone", "CertificateVerify",
            "ClientKeyExchange", "Finished", "KeyUpdate", "message_hash"};
        for (int i = 0; i < messages.length; i++) {
            add(names[i] + " instead of a ClientHello", Wire.record(Wire.HANDSHAKE, Wire.handshake(messages[i][0],
                new byte[messages[i][1]])), UNEXPECTED_MESSAGE);
        }
        for (int type : new int[] {3, 99, 200}) {
            add("handshake message of unknown type " + type, Wire.record(Wire.HANDSHAKE, Wire.handshake(type, new byte[4])),
                UNEXPECTED_MESSAGE);
        }
        add("warning alert (user_canceled) then the ClientHello", Bytes.concat(Wire.record(Wire.ALERT, new byte[] {1, 90}),
            tls13().flight()), TLS13);
        add("close_notify before the ClientHello", Wire.record(Wire.ALERT, new byte[] {1, 0}),
            Expect.alert(org.bouncycastle.tls.AlertDescription.handshake_failure));
    }

    /** Large but legal: RFC 8446 §4.1.2 lets a ClientHello reach about 128 KiB. */
    private void sizes() {
        for (int kib : new int[] {17, 33, 63}) {
            add("ClientHello with " + kib + " KiB of padding", tls13().ext(PADDING, new byte[kib * 1024]), TLS13);
        }
        add("ClientHello with 2000 unknown empty extensions", manyExtensions(2000), TLS13);
        add("ClientHello with 10000 unknown empty extensions", manyExtensions(10000), TLS13);
        int[] schemes = new int[32000 - 200];
        for (int i = 0; i < schemes.length; i++) {
            schemes[i] = 0x0e00 + (i % 200) + ((i / 200) << 8) % 0x7000;
        }
        schemes[schemes.length - 1] = 0x0403;
        add("signature_algorithms with 31800 entries, the usable one last", tls13().set(SIGNATURE_ALGORITHMS,
            Bytes.of().u16List(schemes).bytes()), TLS13);
        int[] suites = new int[32000];
        for (int i = 0; i < suites.length; i++) {
            suites[i] = 0x5a00 + i;
        }
        suites[suites.length - 1] = 0x1301;
        add("32000 cipher suites, the usable one last", tls13().suites(suites), TLS13);
        add("largest legal TLS 1.3 ClientHello: 32767 suites and 64 KiB of extensions", largestHello(tls13(), 1), TLS13);
        add("largest legal TLS 1.2 ClientHello: 32767 suites, 255 compression methods, 64 KiB of extensions",
            largestHello(tls12(), 255), TLS12);
    }

    private static ClientHelloBuilder manyExtensions(int n) {
        ClientHelloBuilder b = tls13();
        for (int i = 0; i < n; i++) {
            b.ext(0x4000 + i, new byte[0]);
        }
        return b;
    }

    private static ClientHelloBuilder largestHello(ClientHelloBuilder hello, int compressionMethods) {
        int[] suites = new int[32767];
        for (int i = 0; i < suites.length; i++) {
            suites[i] = 0x5a00 + i;
        }
        suites[0] = 0x1301;
        suites[1] = 0xc02b;
        ClientHelloBuilder b = hello.suites(suites).compression(new int[compressionMethods]);
        int used = b.body().length - b.extensionsOffset() - 2;
        return b.ext(PADDING, new byte[65535 - used - 4]);
    }

    /** Inner lengths that disagree with the extension's own length: decode_error (RFC 8446 §6.2). */
    private void extensionEncodings() {
        badInner("server_name", SERVER_NAME, ClientHelloBuilder.serverName("localhost"));
        badInner("supported_groups", SUPPORTED_GROUPS, Bytes.of().u16List(X25519, SECP256R1).bytes());
        badInner("signature_algorithms", SIGNATURE_ALGORITHMS, Bytes.of().u16List(ClientHelloBuilder.SIGNATURE_SCHEMES).bytes());
        badInner("key_share", KEY_SHARE, ClientHelloBuilder.keyShare(X25519, X25519_SHARE));
        badInner("ALPN", ALPN, Bytes.of().vec16(Bytes.of().vec8("h2".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).bytes()).bytes());
        badInner8("ec_point_formats", EC_POINT_FORMATS, new byte[] {0});
        badInner8("psk_key_exchange_modes", PSK_KEY_EXCHANGE_MODES, new byte[] {1});
        add("signature_algorithms of odd length", tls13().set(SIGNATURE_ALGORITHMS, new byte[] {0, 3, 4, 3, 8}), DECODE_ERROR);
        add("supported_groups of odd length", tls13().set(SUPPORTED_GROUPS, new byte[] {0, 3, 0, 29, 0}), DECODE_ERROR);
        add("key_share entry with a 31-byte x25519 key", tls13().set(KEY_SHARE, ClientHelloBuilder.keyShare(X25519,
            Bytes.head(X25519_SHARE, 31))), ILLEGAL_PARAMETER);
        add("key_share for a group not in supported_groups", tls13().set(SUPPORTED_GROUPS, Bytes.of().u16List(SECP256R1).bytes()),
            ILLEGAL_PARAMETER);
        add("supported_groups [P-256, x25519] with an x25519 key share", tls13().set(SUPPORTED_GROUPS,
            Bytes.of().u16List(SECP256R1, X25519).bytes()), TLS13);
        add("key_share with two entries for x25519", tls13().set(KEY_SHARE, Bytes.of().vec16(Bytes.concat(
            Bytes.of().u16(X25519).vec16(X25519_SHARE).bytes(), Bytes.of().u16(X25519).vec16(X25519_SHARE).bytes())).bytes()),
            ILLEGAL_PARAMETER);
        add("supported_groups twice", tls13().ext(SUPPORTED_GROUPS, Bytes.of().u16List(X25519).bytes()), ILLEGAL_PARAMETER);
        add("signature_algorithms twice", tls13().ext(SIGNATURE_ALGORITHMS, Bytes.of().u16List(0x0403).bytes()), ILLEGAL_PARAMETER);
        add("server_name twice", tls13().ext(SERVER_NAME, ClientHelloBuilder.serverName("localhost")), ILLEGAL_PARAMETER);
        add("server_name with two host names", tls13().set(SERVER_NAME, Bytes.of().vec16(Bytes.concat(
            Bytes.of().u8(0).vec16("a.example".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).bytes(),
            Bytes.of().u8(0).vec16("b.example".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).bytes())).bytes()), ILLEGAL_PARAMETER);
        add("padding with non-zero bytes", tls13().ext(PADDING, new byte[] {0, 1, 0}), ILLEGAL_PARAMETER);
        add("max_fragment_length of value 0", tls13().ext(1, new byte[] {0}), ILLEGAL_PARAMETER);
        add("max_fragment_length of value 5", tls13().ext(1, new byte[] {5}), ILLEGAL_PARAMETER);
        add("max_fragment_length of 2 bytes", tls13().ext(1, new byte[] {1, 1}), DECODE_ERROR);
        add("status_request with a truncated responder list", tls13().ext(STATUS_REQUEST, new byte[] {1, 0, 4, 0}), DECODE_ERROR);
        add("TLS 1.3 without signature_algorithms", tls13().remove(SIGNATURE_ALGORITHMS), MISSING_EXTENSION);
        add("TLS 1.3 without key_share", tls13().remove(KEY_SHARE), MISSING_EXTENSION);
        add("TLS 1.3 without supported_groups", tls13().remove(SUPPORTED_GROUPS), MISSING_EXTENSION);
        add("renegotiation_info that is not empty (TLS 1.2)", tls12().set(RENEGOTIATION_INFO, new byte[] {1, 0}), HANDSHAKE_FAILURE);
        add("extended_master_secret with one byte (TLS 1.2)", tls12().set(EXTENDED_MASTER_SECRET, new byte[] {0}), DECODE_ERROR);
        add("extended_master_secret with 32 bytes (TLS 1.2)", tls12().set(EXTENDED_MASTER_SECRET, new byte[32]), DECODE_ERROR);
        add("extended_master_secret with one byte (TLS 1.3: ignored)", tls13().set(EXTENDED_MASTER_SECRET, new byte[] {0}), TLS13);
        add("encrypt_then_mac and extended_master_secret empty (TLS 1.2)", tls12().ext(ENCRYPT_THEN_MAC, new byte[0]), TLS12);
        add("unknown extension with 1000 random bytes", tls13().ext(0x7777, Bytes.filled(1000, 0x5a)), TLS13);
        add("GREASE extension 0x0a0a", tls13().ext(0x0a0a, new byte[0]), TLS13);
    }

    /** Four ways to break a vector with a two-byte length inside an extension. */
    private void badInner(String name, int type, byte[] good) {
        byte[] longer = good.clone();
        int inner = ((good[0] & 0xff) << 8) | (good[1] & 0xff);
        longer[0] = (byte) ((inner + 1) >>> 8);
        longer[1] = (byte) (inner + 1);
        byte[] shorter = good.clone();
        shorter[0] = (byte) ((inner - 1) >>> 8);
        shorter[1] = (byte) (inner - 1);
        add(name + " whose list length is one byte too long", tls13().set(type, longer), DECODE_ERROR);
        add(name + " whose list length is one byte too short", tls13().set(type, shorter), DECODE_ERROR);
        add(name + " with no data", tls13().set(type, new byte[0]), DECODE_ERROR);
        add(name + " with a byte after the list", tls13().set(type, Bytes.concat(good, new byte[1])), DECODE_ERROR);
    }

    private void badInner8(String name, int type, byte[] good) {
        add(name + " whose list length is one byte too long", tls13().set(type, Bytes.of().u8(good.length + 1).raw(good).bytes()),
            DECODE_ERROR);
        add(name + " with no data", tls13().set(type, new byte[0]), DECODE_ERROR);
        add(name + " with a byte after the list", tls13().set(type, Bytes.concat(Bytes.of().vec8(good).bytes(), new byte[1])),
            DECODE_ERROR);
    }

    /** RFC 8446 §4.2: a TLS 1.3 server ignores extensions that TLS 1.3 does not define. */
    private void tls12OnlyExtensions() {
        int[] types = {3, 4, 6, 17};
        String[] names = {"trusted_ca_keys", "truncated_hmac", "user_mapping", "status_request_v2"};
        byte[][] payloads = {new byte[0], new byte[] {(byte) 0xff}, Bytes.filled(40, 0xa5), new byte[] {0, 1, 0}};
        String[] payloadNames = {"empty", "one byte", "40 random bytes", "a short vector"};
        for (int i = 0; i < types.length; i++) {
            for (int j = 0; j < payloads.length; j++) {
                add(names[i] + " (" + payloadNames[j] + ") in a TLS 1.3 ClientHello", tls13().ext(types[i], payloads[j]), TLS13);
            }
        }
        add("truncated_hmac with one byte in a TLS 1.2 ClientHello", tls12().ext(4, new byte[] {1}), ILLEGAL_PARAMETER);
        add("trusted_ca_keys with a bad length in a TLS 1.2 ClientHello", tls12().ext(3, new byte[] {0, 9, 1}), DECODE_ERROR);
        add("status_request_v2 with a bad length in a TLS 1.2 ClientHello", tls12().ext(17, new byte[] {0, 9, 1}), DECODE_ERROR);
    }

    /** Signature schemes and suites are settled before the ServerHello: a clean handshake_failure as the first flight. */
    private void suitesAndSchemes() {
        int[][] unusable13 = {{0x0401}, {0x0503}, {0x0603}, {0x0807}, {0x0804}, {0x0201}, {0x0203}, {0xfefe}};
        String[] names13 = {"rsa_pkcs1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ed25519", "rsa_pss_rsae_sha256",
            "rsa_pkcs1_sha1", "ecdsa_sha1", "unknown 0xfefe"};
        for (int i = 0; i < unusable13.length; i++) {
            add("TLS 1.3 with only " + names13[i] + " for our P-256 key", tls13().set(SIGNATURE_ALGORITHMS,
                Bytes.of().u16List(unusable13[i]).bytes()), HANDSHAKE_FAILURE);
        }
        add("TLS 1.2 with only rsa_pkcs1_sha256 for our P-256 key", tls12().set(SIGNATURE_ALGORITHMS,
            Bytes.of().u16List(0x0401).bytes()), HANDSHAKE_FAILURE);
        add("TLS 1.2 with only ecdsa_sha1", tls12().set(SIGNATURE_ALGORITHMS, Bytes.of().u16List(0x0203).bytes()), HANDSHAKE_FAILURE);
        add("TLS 1.2 with only ecdsa_secp521r1_sha512", tls12().set(SIGNATURE_ALGORITHMS, Bytes.of().u16List(0x0603).bytes()),
            HANDSHAKE_FAILURE);
        add("TLS 1.3 with only TLS_AES_128_CCM_8_SHA256", tls13().suites(0x1305), HANDSHAKE_FAILURE);
        add("only the renegotiation SCSV", tls13().suites(0x00ff), HANDSHAKE_FAILURE);
        add("only unknown cipher suites", tls13().suites(0x5a5a, 0x6b6b), HANDSHAKE_FAILURE);
        add("TLS 1.2 with only RSA suites for our EC key", tls12(0xc02f, 0xc030), HANDSHAKE_FAILURE);
        add("TLS 1.2 with only 3DES and RC4", tls12(0xc008, 0xc007, 0x000a), HANDSHAKE_FAILURE);
        probes.add(Probe.byPolicy("TLS 1.2 with only ECDHE-ECDSA CBC suites", tls12(TLS12_CBC_SUITES), HANDSHAKE_FAILURE, TLS12));
        probes.add(Probe.byPolicy("TLS 1.2 with CBC suites first, then GCM", tls12(ClientHelloBuilder.concat(TLS12_CBC_SUITES,
            TLS12_AEAD_SUITES)), TLS12, TLS12));
        add("TLS 1.2 with only TLS 1.3 suites", tls12(0x1301, 0x1302), HANDSHAKE_FAILURE);
        add("TLS 1.3 with only TLS 1.2 suites", tls13().suites(TLS12_AEAD_SUITES).set(SUPPORTED_VERSIONS, versions(Wire.TLS13)),
            HANDSHAKE_FAILURE);
        add("TLS 1.3 with only ffdhe2048 offered as group, no key share (HelloRetryRequest)", tls13()
            .set(SUPPORTED_GROUPS, Bytes.of().u16List(0x0100).bytes()).set(KEY_SHARE, Bytes.of().vec16(new byte[0]).bytes()), TLS13);
        add("TLS 1.3 with only unknown groups", tls13().set(SUPPORTED_GROUPS, Bytes.of().u16List(0x7a7a).bytes())
            .set(KEY_SHARE, Bytes.of().vec16(new byte[0]).bytes()), HANDSHAKE_FAILURE);
        add("compression methods [deflate, null] (TLS 1.3 needs exactly null)", tls13().compression(1, 0), ILLEGAL_PARAMETER);
        add("TLS 1.2 with compression methods [deflate, null]", tls12().compression(1, 0), TLS12);
        add("TLS_FALLBACK_SCSV with supported_versions [TLS 1.2] (we support 1.3)", tls13().suites(0xc02b, 0x5600)
            .set(SUPPORTED_VERSIONS, versions(Wire.TLS12)), Expect.alert(org.bouncycastle.tls.AlertDescription.inappropriate_fallback));
    }
}

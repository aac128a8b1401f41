package io.tlskit.conformance;

import static io.tlskit.conformance.ServerFlights.certificateBody;
import static io.tlskit.conformance.ServerFlights.flight;
import static io.tlskit.conformance.ServerFlights.helloRetryRequest;
import static io.tlskit.conformance.ServerFlights.hrrExtensions;
import static io.tlskit.conformance.ServerFlights.serverHello12Body;
import static org.bouncycastle.tls.AlertDescription.decode_error;
import static org.bouncycastle.tls.AlertDescription.handshake_failure;
import static org.bouncycastle.tls.AlertDescription.illegal_parameter;
import static org.bouncycastle.tls.AlertDescription.unexpected_message;
import static org.bouncycastle.tls.AlertDescription.unsupported_extension;

import io.tlskit.testing.TestPki;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a broken or hostile server sends a tlskit client, with the alert RFC 8446 / RFC 5246 have
 * the client answer: truncated and inconsistent ServerHellos, certificate messages of the wrong
 * length, bad key exchanges, HelloRetryRequest loops.
 */
final class ClientProbes {
    private static final int SERVER_HELLO = 2;
    private static final int CERTIFICATE = 11;
    private static final int SERVER_KEY_EXCHANGE = 12;
    private static final int SERVER_HELLO_DONE = 14;

    private final List<ClientProbe> probes = new ArrayList<>();

    private ClientProbes() {
    }

    static List<ClientProbe> all() {
        ClientProbes p = new ClientProbes();
        p.serverHello();
        p.certificateMessages();
        p.keyExchange();
        p.retryRequests();
        return p.probes;
    }

    /** The TLS 1.2 ServerHello cut after every byte, lengths fixed up. */
    static List<ClientProbe> truncatedServerHellos() {
        byte[] body = serverHello12Body();
        int noExtensions = 2 + 32 + 1 + 32 + 2 + 1;
        List<ClientProbe> list = new ArrayList<>();
        for (int length = 0; length < body.length; length++) {
            // cut right after the compression method it is a ServerHello without renegotiation_info: RFC 5746 §3.4 refusal
            short alert = length == noExtensions ? handshake_failure : decode_error;
            list.add(new ClientProbe(String.format(Locale.ROOT, "ServerHello cut to %2d of %d bytes", length, body.length), alert,
                List.of(MaliciousServer.Answer.of(flight(Wire.handshake(SERVER_HELLO, Bytes.head(body, length)))))));
        }
        return list;
    }

    private void add(String name, short alert, byte[]... answers) {
        List<MaliciousServer.Answer> list = new ArrayList<>();
        for (byte[] answer : answers) {
            list.add(MaliciousServer.Answer.of(answer));
        }
        probes.add(new ClientProbe(name, alert, list));
    }

    /** Answers that echo the client's session ID, as a TLS 1.3 HelloRetryRequest must. */
    private void addEchoing(String name, short alert, HrrBody... answers) {
        List<MaliciousServer.Answer> list = new ArrayList<>();
        for (HrrBody answer : answers) {
            list.add(hello -> flight(answer.with(MaliciousServer.sessionId(hello))));
        }
        probes.add(new ClientProbe(name, alert, list));
    }

    private interface HrrBody {
        byte[] with(byte[] sessionId);
    }

    private static HrrBody hrr(byte[] extensions) {
        return id -> helloRetryRequest(id, 0x1301, extensions);
    }

    private static byte[] hello(int version, int suite, int compression, byte[] extensions) {
        return Wire.handshake(SERVER_HELLO, serverHello12Body(version, suite, compression, extensions));
    }

    private static byte[] goodHello() {
        return Wire.handshake(SERVER_HELLO, serverHello12Body());
    }

    private static byte[] secureRenegotiation() {
        return Bytes.of().u16(0xff01).vec16(new byte[1]).bytes();
    }

    private static byte[] certificate() {
        return Wire.handshake(CERTIFICATE, certificateBody(TestPki.INSTANCE.serverEc.chain()));
    }

    private void serverHello() {
        add("ServerHello choosing a suite we did not offer (0x5a5a)", illegal_parameter,
            flight(hello(Wire.TLS12, 0x5a5a, 0, secureRenegotiation())));
        add("TLS 1.2 ServerHello choosing a TLS 1.3 suite", illegal_parameter,
            flight(hello(Wire.TLS12, 0x1301, 0, secureRenegotiation())));
        add("ServerHello for TLS 1.1", org.bouncycastle.tls.AlertDescription.protocol_version,
            flight(hello(0x0302, 0xc02b, 0, secureRenegotiation())));
        add("ServerHello for SSL 3.0", org.bouncycastle.tls.AlertDescription.protocol_version,
            flight(hello(0x0300, 0xc02b, 0, secureRenegotiation())));
        add("ServerHello with compression method 1", illegal_parameter, flight(hello(Wire.TLS12, 0xc02b, 1, secureRenegotiation())));
        add("ServerHello with an unsolicited extension 0x7777", unsupported_extension,
            flight(hello(Wire.TLS12, 0xc02b, 0, Bytes.concat(secureRenegotiation(), Bytes.of().u16(0x7777).vec16(new byte[0]).bytes()))));
        add("ServerHello with an unsolicited ALPN", unsupported_extension, flight(hello(Wire.TLS12, 0xc02b, 0, Bytes.concat(
            secureRenegotiation(), Bytes.of().u16(16).vec16(Bytes.of().vec16(Bytes.of().vec8(new byte[] {'h', '2'}).bytes()).bytes())
                .bytes()))));
        add("ServerHello with renegotiation_info twice", illegal_parameter,
            flight(hello(Wire.TLS12, 0xc02b, 0, Bytes.concat(secureRenegotiation(), secureRenegotiation()))));
        add("ServerHello with a non-empty renegotiation_info", handshake_failure,
            flight(hello(Wire.TLS12, 0xc02b, 0, Bytes.of().u16(0xff01).vec16(new byte[] {1, 0}).bytes())));
        add("ServerHello with an extensions length one byte too long", decode_error, flight(Wire.handshake(SERVER_HELLO,
            Bytes.concat(Bytes.head(serverHello12Body(), 2 + 32 + 33 + 3), Bytes.of().u16(6).raw(secureRenegotiation()).bytes()))));
        add("ServerHello with a byte after its extensions", decode_error,
            flight(Wire.handshake(SERVER_HELLO, Bytes.concat(serverHello12Body(), new byte[1]))));
        add("ServerHello with a 33-byte session ID", decode_error, flight(Wire.handshake(SERVER_HELLO, Bytes.of().u16(Wire.TLS12)
            .zeros(32).vec8(new byte[33]).u16(0xc02b).u8(0).vec16(secureRenegotiation()).bytes())));
        add("ServerHello whose supported_versions picks TLS 1.1", illegal_parameter, flight(hello(Wire.TLS12, 0x1301, 0,
            Bytes.of().u16(43).vec16(Bytes.of().u16(0x0302).bytes()).bytes())));
        add("TLS 1.2 ServerHello with the TLS 1.3 downgrade sentinel", illegal_parameter, flight(Wire.handshake(SERVER_HELLO,
            Bytes.of().u16(Wire.TLS12).zeros(24).raw("DOWNGRD".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).u8(1)
                .vec8(new byte[0]).u16(0xc02b).u8(0).vec16(secureRenegotiation()).bytes())));
        add("ServerHelloDone instead of a ServerHello", unexpected_message, flight(Wire.handshake(SERVER_HELLO_DONE, new byte[0])));
        add("Certificate instead of a ServerHello", unexpected_message, flight(certificate()));
        add("application data instead of a ServerHello", unexpected_message, Wire.record(Wire.APPLICATION_DATA, new byte[16]));
        add("ServerHello then ServerHelloDone without a Certificate", unexpected_message,
            flight(goodHello(), Wire.handshake(SERVER_HELLO_DONE, new byte[0])));
        add("two ServerHellos", unexpected_message, flight(goodHello(), goodHello()));
    }

    /** RFC 5246 §7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
    private void certificateMessages() {
        byte[] good = certificateBody(TestPki.INSTANCE.serverEc.chain());
        byte[] listTooLong = good.clone();
        listTooLong[2]++;
        byte[] listTooShort = good.clone();
        listTooShort[2]--;
        byte[] entryTooLong = good.clone();
        entryTooLong[5]++;
        add("Certificate whose list length is one byte too long", decode_error, flight(goodHello(), Wire.handshake(CERTIFICATE,
            listTooLong)));
        add("Certificate whose list length is one byte too short", decode_error, flight(goodHello(), Wire.handshake(CERTIFICATE,
            listTooShort)));
        add("Certificate whose first entry is one byte longer than the list (a corrupt certificate)",
            org.bouncycastle.tls.AlertDescription.bad_certificate, flight(goodHello(),
            Wire.handshake(CERTIFICATE, entryTooLong)));
        add("Certificate with a byte after the list", decode_error, flight(goodHello(), Wire.handshake(CERTIFICATE,
            Bytes.concat(good, new byte[1]))));
        add("Certificate message with no body", decode_error, flight(goodHello(), Wire.handshake(CERTIFICATE, new byte[0])));
        add("Certificate message of two bytes", decode_error, flight(goodHello(), Wire.handshake(CERTIFICATE, new byte[2])));
        add("Certificate whose entry is not DER", org.bouncycastle.tls.AlertDescription.bad_certificate, flight(goodHello(),
            Wire.handshake(CERTIFICATE, Bytes.of().vec24(Bytes.of().vec24(Bytes.filled(40, 0x41)).bytes()).bytes())));
        add("Certificate with an empty entry", decode_error, flight(goodHello(),
            Wire.handshake(CERTIFICATE, Bytes.of().vec24(Bytes.of().vec24(new byte[0]).bytes()).bytes())));
    }

    /** RFC 8422 §5.4: ServerECDHParams then the signature. */
    private void keyExchange() {
        byte[] x25519Params = Bytes.of().u8(3).u16(29).vec8(ClientHelloBuilder.X25519_SHARE).bytes();
        add("ServerKeyExchange whose point is cut short", decode_error, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_KEY_EXCHANGE, Bytes.head(x25519Params, 20))));
        add("ServerKeyExchange without a signature", decode_error, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_KEY_EXCHANGE, x25519Params)));
        add("ServerKeyExchange with a signature length past the message", decode_error, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_KEY_EXCHANGE, Bytes.concat(x25519Params, Bytes.of().u16(0x0403).u16(70).zeros(10).bytes()))));
        add("ServerKeyExchange with no body", decode_error, flight(goodHello(), certificate(), Wire.handshake(SERVER_KEY_EXCHANGE,
            new byte[0])));
        add("ServerKeyExchange with a bad signature", org.bouncycastle.tls.AlertDescription.decrypt_error, flight(goodHello(),
            certificate(), Wire.handshake(SERVER_KEY_EXCHANGE, Bytes.concat(x25519Params, Bytes.of().u16(0x0403)
                .vec16(Bytes.of().u8(0x30).u8(6).u8(2).u8(1).u8(1).u8(2).u8(1).u8(1).bytes()).bytes()))));
        add("ServerKeyExchange for a group we did not offer (0x7a7a)", illegal_parameter, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_KEY_EXCHANGE, Bytes.of().u8(3).u16(0x7a7a).vec8(new byte[32]).u16(0x0403).vec16(new byte[8]).bytes())));
        add("ServerKeyExchange with explicit curve parameters (unsupported, RFC 8422 §5.1.1)", handshake_failure, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_KEY_EXCHANGE, Bytes.of().u8(1).zeros(40).bytes())));
        add("Certificate then ServerHelloDone without a ServerKeyExchange", unexpected_message, flight(goodHello(), certificate(),
            Wire.handshake(SERVER_HELLO_DONE, new byte[0])));
    }

    /** RFC 8446 §4.1.4. */
    private void retryRequests() {
        int p256 = 23;
        addEchoing("HelloRetryRequest twice", unexpected_message, hrr(hrrExtensions(p256)), hrr(hrrExtensions(p256)));
        addEchoing("HelloRetryRequest asking for the group we already sent a key share for (x25519)", illegal_parameter,
            hrr(hrrExtensions(29)));
        addEchoing("HelloRetryRequest asking for a group we did not offer (0x7a7a)", illegal_parameter, hrr(hrrExtensions(0x7a7a)));
        addEchoing("HelloRetryRequest that would change nothing", illegal_parameter,
            hrr(Bytes.of().u16(43).vec16(Bytes.of().u16(Wire.TLS13).bytes()).bytes()));
        addEchoing("HelloRetryRequest choosing a suite we did not offer", illegal_parameter,
            id -> helloRetryRequest(id, 0x5a5a, hrrExtensions(p256)));
        addEchoing("HelloRetryRequest not echoing our session ID", illegal_parameter, id -> helloRetryRequest(new byte[32], 0x1301,
            hrrExtensions(p256)));
        addEchoing("HelloRetryRequest without supported_versions (a TLS 1.2 ServerHello with the HRR random)",
            org.bouncycastle.tls.AlertDescription.missing_extension,
            hrr(Bytes.of().u16(51).vec16(Bytes.of().u16(p256).bytes()).bytes()));
        addEchoing("HelloRetryRequest with a key_share of three bytes", decode_error, hrr(Bytes.of()
            .u16(43).vec16(Bytes.of().u16(Wire.TLS13).bytes()).u16(51).vec16(new byte[3]).bytes()));
        addEchoing("HelloRetryRequest with an empty cookie", decode_error, hrr(Bytes.concat(hrrExtensions(p256),
            Bytes.of().u16(44).vec16(Bytes.of().u16(0).bytes()).bytes())));
        addEchoing("HelloRetryRequest with a cookie length past the extension", decode_error, hrr(Bytes.concat(hrrExtensions(p256),
            Bytes.of().u16(44).vec16(Bytes.of().u16(9).u8(1).bytes()).bytes())));
        addEchoing("HelloRetryRequest then a ServerHello for TLS 1.2", illegal_parameter, hrr(hrrExtensions(p256)),
            id -> goodHello());
    }
}

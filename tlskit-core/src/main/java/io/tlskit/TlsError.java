package io.tlskit;

import java.util.Locale;
import java.util.Optional;

/**
 * Stable error codes: the role of mbedTLS's error numbers and {@code mbedtls_strerror}. Programs
 * switch on the constant or its {@link #code() number}; people read the exception message, which
 * names the cause and the fix, and {@code tlskit error CODE} for the general advice.
 *
 * <p>Every constant carries its number explicitly, so a constant added later (in any order, by any
 * module) gets a number of its own and no existing number moves. Numbers never change meaning
 * once released; a retired constant's number is never reused. Ranges: 1xx configuration and
 * credentials, 2xx peer verification, 3xx negotiation, 4xx connection lifetime, 5xx device
 * resources (handshake slots, entropy, clock, serial line).
 */
public enum TlsError {
    // configuration and credentials (thrown from build() and the loaders)
    CONFIG_INVALID(100, "invalid configuration",
        "read the sentence: it names the setting; fix it and build the configuration again"),
    MALFORMED_PEM(101, "malformed PEM or DER data",
        "check that the file is the certificate or key you meant (openssl x509 -in FILE -text) and is not truncated"),
    KEY_PASSWORD_REQUIRED(102, "the private key is encrypted and no password was given",
        "give the key's password (--key-password-file FILE)"),
    KEY_PASSWORD_WRONG(103, "the password does not decrypt the private key",
        "give the password the key was encrypted with"),
    KEY_CERT_MISMATCH(104, "the private key does not belong to the certificate",
        "pair the certificate with its own key (tlskit cert check --cert C --key K)"),
    UNSUPPORTED_KEY(105, "unsupported key type or size",
        "use an EC P-256/P-384 or RSA 2048+ key"),
    UNKNOWN_CIPHER_SUITE(106, "unknown or unavailable cipher suite",
        "use an IANA suite name such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    FILE_UNREADABLE(107, "a file cannot be read",
        "check the path and its permissions"),

    // peer verification (the PAL order of the flags lives in VerifyFlag)
    CERT_VERIFY_FAILED(200, "the peer's certificate failed verification for several reasons",
        "read each reason in the message; every one must be fixed"),
    CERT_UNKNOWN_CA(201, "the peer's certificate is not issued by a trusted CA",
        "pass the CA that issued it (--ca FILE), or give the peer a certificate from a CA you trust"),
    CERT_EXPIRED(202, "a certificate in the peer's chain has expired",
        "renew the certificate; if it is not expired, the device clock is ahead: set it or use secure time"),
    CERT_NOT_YET_VALID(203, "a certificate in the peer's chain is not valid yet",
        "the device clock is probably behind: set it, or use secure time with a TLS 1.2 server that sends its clock"),
    CERT_HOSTNAME_MISMATCH(204, "the peer's certificate is for another name",
        "connect with a name the certificate lists (--server-name), or reissue it with that name (--san)"),
    CERT_WEAK_SIGNATURE(205, "a certificate is signed with a broken hash (MD5, SHA-1)",
        "reissue the certificate with SHA-256"),
    CERT_WEAK_KEY(206, "a certificate's key is too small",
        "reissue the certificate with EC P-256 or RSA 2048+"),
    CERT_BAD_KEY_TYPE(207, "a certificate's key type is not accepted",
        "reissue the certificate with an EC or RSA key, or widen the VerifyPolicy"),
    CLIENT_CERT_REQUIRED(208, "the server requires a client certificate",
        "pass a client certificate and key its CA issued (--cert, --key)"),

    // handshake negotiation
    NO_COMMON_CIPHER_SUITE(300, "no cipher suite in common",
        "enable a suite both sides support (--ciphers); PSK suites need --psk on both sides"),
    NO_COMMON_PROTOCOL(301, "no TLS version in common",
        "tlskit speaks TLS 1.2 and 1.3: enable one of them on the peer (--tls)"),
    PSK_IDENTITY_UNKNOWN(302, "the server has no key for our PSK identity",
        "use an identity the server knows, or add its key on the server"),
    PSK_KEY_MISMATCH(303, "the PSK keys of client and server differ",
        "give both sides the same key for the identity"),
    HANDSHAKE_FAILED(304, "the handshake failed",
        "read the sentence and the peer's log; run with --debug 3 to see each step"),
    HANDSHAKE_TIMEOUT(305, "the handshake did not finish in time",
        "check that the peer speaks TLS on that port; raise --handshake-timeout on slow links"),
    PEER_ALERT(306, "the peer ended the connection with a fatal alert",
        "the alert's name says why; the peer's log has the detail"),

    // connection lifetime
    PROTOCOL_ERROR(400, "the peer broke the TLS protocol",
        "check that both ends speak TLS (not plain text) and that nothing rewrites the bytes in between"),
    PEER_CLOSED_DURING_HANDSHAKE(401, "the peer closed the connection during the handshake",
        "the peer refused something without an alert: read its log"),
    TRUNCATED(402, "the connection ended without close_notify: data may be missing",
        "treat the data as incomplete; a crashed peer, a dropped link or a hung-up modem causes this"),
    CLOSED(403, "the connection is closed",
        "open a new connection"),
    READ_TIMEOUT(404, "no data arrived in time",
        "raise the read timeout, or check that the peer is still sending"),
    IO_ERROR(405, "the transport failed",
        "check the network, serial line or modem the connection runs over"),
    INTERNAL(499, "internal error",
        "report it with the message and the --debug 3 output"),

    // device resources
    RESOURCE(500, "no handshake slot free (maxConcurrentHandshakes reached)",
        "wait for a running handshake to finish, or raise maxConcurrentHandshakes"),
    ENTROPY_FAILED(501, "an entropy source failed, so no random numbers can be produced",
        "fix or replace the named source (a stuck TRNG, an ADC that returns a constant); the DRBG refuses output until then"),
    CLOCK_FILE_CORRUPT(502, "the secure-time file cannot be read",
        "restore the file from a backup or delete it (the device then waits for a server to give it the time)"),
    CLOCK_FILE_UNWRITABLE(503, "the secure-time file cannot be written",
        "make its directory writable, or choose another path"),
    SERIAL_LINE_UNAVAILABLE(504, "the serial device cannot be opened or configured",
        "check the device path (ls /dev/tty*), its permissions (group dialout) and that nothing else holds it"),
    MODEM_CHAT_FAILED(505, "the modem did not answer the chat script as expected",
        "check the modem's replies with --debug 3, its power and SIM, and the expected strings in the chat script");

    private final int code;
    private final String text;
    private final String remedy;

    TlsError(int code, String text, String remedy) {
        this.code = code;
        this.text = text;
        this.remedy = remedy;
    }

    /** The stable number, e.g. 202 for {@link #CERT_EXPIRED}. */
    public int code() {
        return code;
    }

    /** A short description, like mbedtls_strerror's. */
    public String text() {
        return text;
    }

    /** What to do about it in general (the exception message says what to do in the case at hand). */
    public String remedy() {
        return remedy;
    }

    /** "E202 CERT_EXPIRED": how the CLI prints the code next to a message. */
    public String label() {
        return "E" + code + " " + name();
    }

    /** The constant with this number. */
    public static Optional<TlsError> byCode(int code) {
        for (TlsError e : values()) {
            if (e.code == code) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Accepts "202", "E202", "e202", "CERT_EXPIRED" or "cert-expired". */
    public static Optional<TlsError> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        String digits = t.startsWith("E") || t.startsWith("e") ? t.substring(1) : t;
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 6) {
            return byCode(Integer.parseInt(digits));
        }
        String name = t.toUpperCase(Locale.ROOT).replace('-', '_');
        for (TlsError e : values()) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}

package io.tlskit.conformance;

import org.bouncycastle.tls.AlertDescription;

/** What a server must answer to one probe. */
sealed interface Expect {
    /** A fatal alert with this description as the first record, then the close. */
    record Alert(short description) implements Expect {
        @Override
        public String toString() {
            return AlertDescription.getText(description);
        }
    }

    /** A ServerHello (or HelloRetryRequest) that negotiates this version. */
    record Hello(int version) implements Expect {
        @Override
        public String toString() {
            return "ServerHello " + (version == Wire.TLS13 ? "TLS 1.3" : "TLS 1.2");
        }
    }

    /** Nothing sent, connection closed: for a client that went away mid-record (no alert is owed to it). */
    record Close() implements Expect {
        @Override
        public String toString() {
            return "close";
        }
    }

    /** A plaintext TLS 1.2 server flight, then this fatal alert and the close. */
    record HelloThenAlert(Alert alert) implements Expect {
        @Override
        public String toString() {
            return "ServerHello flight, then " + alert;
        }
    }

    static Expect helloThenAlert(Expect alert) {
        return new HelloThenAlert((Alert) alert);
    }

    static Expect alert(short description) {
        return new Alert(description);
    }

    Expect TLS13 = new Hello(Wire.TLS13);
    Expect TLS12 = new Hello(Wire.TLS12);
    Expect CLOSE = new Close();
    Expect DECODE_ERROR = alert(AlertDescription.decode_error);
    Expect UNEXPECTED_MESSAGE = alert(AlertDescription.unexpected_message);
    Expect ILLEGAL_PARAMETER = alert(AlertDescription.illegal_parameter);
    Expect HANDSHAKE_FAILURE = alert(AlertDescription.handshake_failure);
    Expect PROTOCOL_VERSION = alert(AlertDescription.protocol_version);
    Expect RECORD_OVERFLOW = alert(AlertDescription.record_overflow);
    Expect MISSING_EXTENSION = alert(AlertDescription.missing_extension);
}

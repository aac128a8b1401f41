package io.tlskit.conformance;

/**
 * One malformed or edge-case first flight and what a tlskit server answers with the default cipher
 * policy and with CBC suites enabled (they differ only where the offered suites decide).
 */
record Probe(String name, byte[] flight, boolean halfClose, Expect onDefault, Expect onCbc) {
    static Probe of(String name, byte[] flight, Expect expect) {
        return new Probe(name, flight, false, expect, expect);
    }

    static Probe of(String name, ClientHelloBuilder hello, Expect expect) {
        return of(name, hello.flight(), expect);
    }

    static Probe byPolicy(String name, ClientHelloBuilder hello, Expect onDefault, Expect onCbc) {
        return new Probe(name, hello.flight(), false, onDefault, onCbc);
    }

    /** Sends the flight, then ends the stream. */
    static Probe thenEof(String name, byte[] flight, Expect expect) {
        return new Probe(name, flight, true, expect, expect);
    }

    Expect expected(boolean cbc) {
        return cbc ? onCbc : onDefault;
    }

    @Override
    public String toString() {
        return name;
    }
}

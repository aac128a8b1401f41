package io.tlskit.conformance;

import java.util.List;

/** What a malicious server answers to each ClientHello, and the fatal alert a tlskit client must send back. */
record ClientProbe(String name, short alert, List<MaliciousServer.Answer> answers) {
    @Override
    public String toString() {
        return name;
    }
}

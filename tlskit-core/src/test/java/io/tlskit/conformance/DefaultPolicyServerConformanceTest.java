package io.tlskit.conformance;

import io.tlskit.TlsConfig;

/** The conformance probes against a server with tlskit's default policy (TLS 1.2/1.3, AEAD suites only). */
class DefaultPolicyServerConformanceTest extends ServerConformanceSuite {
    @Override
    TlsConfig.Builder policy(TlsConfig.Builder server) {
        return server;
    }

    @Override
    boolean cbc() {
        return false;
    }
}

package io.tlskit.conformance;

import io.tlskit.TlsConfig;

/** The conformance probes against a server that also accepts ECDHE-ECDSA CBC suites, so cipher policy plays no part. */
class CbcPolicyServerConformanceTest extends ServerConformanceSuite {
    @Override
    TlsConfig.Builder policy(TlsConfig.Builder server) {
        return server.cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
    }

    @Override
    boolean cbc() {
        return true;
    }
}

package io.tlskit.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle provider instance of this package. Passed explicitly to every JCA call that
 * needs it, so tlskit never depends on (or changes) the process-wide provider list.
 */
final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}

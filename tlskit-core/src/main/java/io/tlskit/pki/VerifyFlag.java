package io.tlskit.pki;

import io.tlskit.TlsError;

/**
 * Why a peer's certificate was rejected. Declaration order is the PAL's reporting order; the bit
 * values are mbedTLS's {@code MBEDTLS_X509_BADCERT_*} so results compare with C devices' logs.
 */
public enum VerifyFlag {
    NOT_TRUSTED(0x08, TlsError.CERT_UNKNOWN_CA),
    BAD_KEY(0x10000, TlsError.CERT_WEAK_KEY),
    BAD_PK(0x8000, TlsError.CERT_BAD_KEY_TYPE),
    BAD_MD(0x4000, TlsError.CERT_WEAK_SIGNATURE),
    FUTURE(0x200, TlsError.CERT_NOT_YET_VALID),
    EXPIRED(0x01, TlsError.CERT_EXPIRED),
    CN_MISMATCH(0x04, TlsError.CERT_HOSTNAME_MISMATCH);

    private final int mbedtlsBit;
    private final TlsError error;

    VerifyFlag(int mbedtlsBit, TlsError error) {
        this.mbedtlsBit = mbedtlsBit;
        this.error = error;
    }

    public int mbedtlsBit() {
        return mbedtlsBit;
    }

    public TlsError error() {
        return error;
    }
}

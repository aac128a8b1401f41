package io.tlskit.time;

/** How far the device may trust its clock (the PAL's weak and strong time). */
public enum TimeStrength {
    /** The clock has never been set: it reads 1970 and every certificate looks "not yet valid". */
    UNSET,
    /** Set from a saved time, a real-time clock or a server that is not the trusted time server. */
    WEAK,
    /** Set from the trusted time server (identified by its CA certificate). */
    STRONG
}

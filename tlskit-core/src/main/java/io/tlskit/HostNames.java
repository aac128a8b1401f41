package io.tlskit;

/** Small facts about host strings. */
final class HostNames {
    private HostNames() {
    }

    /** IPv4 dotted quad or an IPv6 literal (with or without brackets): never sent as SNI (RFC 6066 3). */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}

package io.tlskit.cli;

import java.util.Map;

/** The versions of what is actually on the class path, for {@code tlskit --version} (not what the build asked for). */
final class RuntimeVersions {
    private RuntimeVersions() {
    }

    /** The BouncyCastle provider's own version ("1.87"). */
    static String bouncyCastle() {
        try {
            return new org.bouncycastle.jce.provider.BouncyCastleProvider().getVersionStr();
        } catch (LinkageError e) {
            return "unknown";
        }
    }

    /** Netty's version as its jars record it (META-INF/io.netty.versions.properties). */
    static String netty() {
        try {
            Map<String, io.netty.util.Version> versions = io.netty.util.Version.identify();
            return versions.isEmpty() ? "unknown" : versions.values().iterator().next().artifactVersion();
        } catch (LinkageError e) {
            return "unknown";
        }
    }

    static String java() {
        return "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}

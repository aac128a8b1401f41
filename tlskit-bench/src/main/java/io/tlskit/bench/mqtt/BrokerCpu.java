package io.tlskit.bench.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) the broker process has used, read from Linux's /proc/PID/stat. The
 * broker is single-threaded Mosquitto on the same machine, so its CPU per message is the ceiling
 * of any client's throughput: at most 1 / (broker CPU per message) messages per second.
 */
final class BrokerCpu {
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on every Linux we run on

    private BrokerCpu() {
    }

    /** Nanoseconds of CPU the process has used, or 0 when pid is 0 or the platform does not tell. */
    static long nanos(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
            // fields after "(comm) ": state is field 3, utime 14, stime 15 (man 5 proc)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

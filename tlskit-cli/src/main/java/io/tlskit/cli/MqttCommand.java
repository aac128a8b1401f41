package io.tlskit.cli;

import io.tlskit.Durations;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttMessage;
import io.tlskit.mqtt.MqttUsageException;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tlskit mqtt pub} and {@code tlskit mqtt sub}: MQTT 3.1.1/5 over TLS (or TLS-PSK, or plain TCP). */
@Command(name = "mqtt", mixinStandardHelpOptions = true,
        description = {"Publish or subscribe over MQTT with TLS (like mosquitto_pub / mosquitto_sub).",
            "Brokers are mqtts://HOST:PORT (TLS, default port 8883) or mqtt://HOST:PORT (plain TCP)."},
        subcommands = {MqttCommand.Pub.class, MqttCommand.Sub.class})
final class MqttCommand implements java.util.concurrent.Callable<Integer>, Cli.Aware {
    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(cli.out);
        return Main.EXIT_USAGE;
    }

    /** The options pub and sub share. */
    abstract static class Base implements java.util.concurrent.Callable<Integer>, Cli.Aware {
        @Option(names = "--broker", paramLabel = "URI", required = true,
                description = "Broker, e.g. mqtts://localhost:8883; repeat for failover (tried in order).")
        List<String> brokers = new ArrayList<>();

        @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true, description = "Topic (pub) or topic filter (sub).")
        String topic;

        @Option(names = {"-q", "--qos"}, paramLabel = "0|1|2", defaultValue = "0", description = "QoS (default 0).")
        int qos;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                description = "Give up after this long, e.g. 500ms, 10s (default 30s).")
        String timeout;

        @Option(names = {"-i", "--client-id"}, paramLabel = "ID", description = "Client identifier (default: tlskit-<random>).")
        String clientId;

        @Option(names = {"-u", "--username"}, paramLabel = "NAME", description = "User name.")
        String username;

        @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password.")
        Path passwordFile;

        @Option(names = "--mqtt", paramLabel = "3.1.1|5", defaultValue = "5", description = "MQTT version (default 5).")
        String mqtt;

        @Option(names = "--keep-alive", paramLabel = "SECONDS", defaultValue = "60", description = "Keep-alive interval (default 60).")
        int keepAlive;

        @Option(names = "--store", paramLabel = "DIR",
                description = "Durable session store: unacknowledged QoS 1/2 messages survive a crash and are sent by the next run "
                        + "on the same DIR (implies a persistent session; give --client-id).")
        Path store;

        @Mixin
        TlsOptions tls;

        Cli cli;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        Duration timeout() {
            return Durations.parse(timeout);
        }

        MqttVersion version() {
            switch (mqtt.trim()) {
                case "3.1.1":
                case "311":
                case "3":
                case "4":
                    return MqttVersion.V3_1_1;
                case "5":
                case "5.0":
                    return MqttVersion.V5;
                default:
                    throw new CliException("--mqtt " + mqtt + " is not a version tlskit speaks: use 3.1.1 or 5");
            }
        }

        MqttClient client(Duration timeout) {
            if (qos < 0 || qos > 2) {
                throw new CliException("--qos " + qos + " is not a QoS: use 0, 1 or 2");
            }
            if (store != null && clientId == null) {
                throw new CliException("--store needs --client-id: the broker finds the session (and the store its messages) by identifier");
            }
            MqttVersion version = version();
            MqttConnectOptions.Builder o = MqttConnectOptions.builder().version(version)
                    .clientId(clientId != null ? clientId : "tlskit-" + Long.toHexString(System.nanoTime() & 0xFFFFFFFFL))
                    .keepAliveSeconds(keepAlive);
            if (username != null) {
                o.username(username);
            }
            if (passwordFile != null) {
                if (username == null && version == MqttVersion.V3_1_1) {
                    throw new CliException("--password-file needs --username in MQTT 3.1.1");
                }
                char[] pw = TlsOptions.readPasswordFile(passwordFile);
                byte[] bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pw)).array();
                int len = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pw)).limit();
                o.password(Arrays.copyOf(bytes, len));
                Arrays.fill(pw, '\0');
                Arrays.fill(bytes, (byte) 0);
            }
            if (store != null) {
                o.cleanStart(false);
                if (version == MqttVersion.V5) {
                    o.sessionExpiryInterval(24 * 3600);
                }
            }
            MqttConnectOptions options;
            try {
                options = o.build();
            } catch (MqttUsageException e) {
                throw new CliException(e.getMessage(), e);
            }
            MqttClient.Builder b = MqttClient.builder()
                    .options(options)
                    .connectTimeout(timeout)
                    .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
            try {
                for (String uri : brokers) {
                    b.broker(uri);
                }
            } catch (MqttUsageException e) {
                throw new CliException(e.getMessage(), e);
            }
            TlsConfig.Builder t = tls.client();
            if (!tls.psk.isEmpty() && tls.tls.isEmpty()) {
                t.versions(TlsVersion.TLS_1_2); // brokers (OpenSSL) offer PSK suites in TLS 1.2
            }
            b.tls(t.build());
            if (store != null) {
                try {
                    b.store(FileSessionStore.open(store));
                } catch (IllegalStateException | java.io.UncheckedIOException e) {
                    throw new CliException(e.getMessage(), e);
                }
            }
            return b.build();
        }

        /** Waits for a future within the deadline; failures become the one-line error. */
        static <T> T await(CompletableFuture<T> f, long deadlineNanos, String what) throws Exception {
            long left = deadlineNanos - System.nanoTime();
            try {
                return f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new CliException("timed out " + what + " (raise --timeout, or check that the broker is reachable and answering)");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }
    }

    @Command(name = "pub", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Publish --message, or each line of standard input as one message.",
                "Exits 0 once the broker acknowledged every message (QoS 0: once written)."})
    static final class Pub extends Base {
        @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "The message (default: read lines from standard input).")
        String message;

        @Option(names = {"-r", "--retain"}, description = "Ask the broker to retain the message.")
        boolean retain;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Publish --message N times (default 1).")
        int count;

        @Override
        public Integer call() throws Exception {
            Duration timeout = timeout();
            long deadline = System.nanoTime() + timeout.toNanos();
            try (MqttClient client = client(timeout)) {
                await(client.connect(), deadline, "connecting to " + String.join(", ", brokers));
                List<CompletableFuture<PublishResult>> results = new ArrayList<>();
                if (message != null) {
                    for (int i = 0; i < count; i++) {
                        results.add(client.publish(MqttMessage.of(topic, message.getBytes(StandardCharsets.UTF_8), qos, retain)));
                    }
                } else {
                    BufferedReader in = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
                    String line;
                    while ((line = in.readLine()) != null) {
                        results.add(client.publish(MqttMessage.of(topic, line.getBytes(StandardCharsets.UTF_8), qos, retain)));
                    }
                }
                for (CompletableFuture<PublishResult> r : results) {
                    await(r, deadline, "waiting for the broker to acknowledge " + results.size() + " message(s)");
                }
                await(client.disconnect(), deadline, "disconnecting");
                if (cli.verbose) {
                    cli.err.println("published " + results.size() + " message(s) to " + topic);
                }
                return 0;
            } catch (MqttUsageException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
    }

    @Command(name = "sub", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Subscribe and print one message per line (payload, or JSON with --json).",
                "With --count N, exits 0 after N messages (non-zero if --timeout passes first); without it, runs until --timeout."})
    static final class Sub extends Base {
        @Option(names = {"-C", "--count"}, paramLabel = "N", description = "Exit after N messages.")
        Integer count;

        @Option(names = "--json", description = "Print {\"topic\",\"qos\",\"retain\",\"payload\",\"base64\"} per message; "
                + "payloads that are not UTF-8 text are base64 with \"base64\":true.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Duration timeout = timeout();
            long deadline = System.nanoTime() + timeout.toNanos();
            LinkedBlockingQueue<MqttMessage> queue = new LinkedBlockingQueue<>();
            try (MqttClient client = client(timeout)) {
                await(client.connect(), deadline, "connecting to " + String.join(", ", brokers));
                await(client.subscribe(topic, qos, queue::add), deadline, "waiting for the broker to confirm the subscription");
                int received = 0;
                while (count == null || received < count) {
                    long left = deadline - System.nanoTime();
                    MqttMessage m = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (m == null) {
                        if (count == null) {
                            break;
                        }
                        throw new CliException("timed out after " + timeout.toMillis() + " ms with " + received + " of " + count
                                + " message(s) on " + topic + " (raise --timeout, or check that something publishes there)");
                    }
                    print(m);
                    received++;
                }
                client.disconnect().get(2, TimeUnit.SECONDS);
                return 0;
            } catch (MqttUsageException e) {
                throw new CliException(e.getMessage(), e);
            }
        }

        private void print(MqttMessage m) {
            if (json) {
                cli.out.println(MqttJson.message(m));
            } else {
                cli.out.write(m.payload(), 0, m.payload().length);
                cli.out.println();
            }
            cli.out.flush();
        }
    }
}

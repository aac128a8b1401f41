package io.tlskit.cli;

import io.tlskit.Durations;
import io.tlskit.TicketKeyFile;
import io.tlskit.TicketKeys;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.http.HttpHandler;
import io.tlskit.http.HttpResponse;
import io.tlskit.http.HttpsServer;
import io.tlskit.pki.Credentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a local HTTPS server.",
            "With no options it makes (first run) or reuses a local CA and a certificate for localhost, 127.0.0.1 and ::1 "
                + "in ~/.tlskit, listens on https://localhost:8443/ and answers / with a page that says how you connected "
                + "(/status.json: the same as JSON; POST /echo returns the request body).",
            "--cert/--key replace the local certificate; --ca with --client-auth asks clients for certificates.",
            "The certificate is reloaded without dropping connections on SIGHUP and when its files change "
                + "(checked every 2 s); a reload that fails keeps the previous certificate.",
            "Failed handshakes are logged one line each; -v also logs every request."})
final class ServerCommand implements Callable<Integer>, Cli.Aware {
    /** How long a ticket sealed with a --ticket-keys key resumes (the in-process keys' rotation period). */
    static final Duration TICKET_LIFETIME = Duration.ofHours(12);

    @Option(names = "--home", paramLabel = "DIR", description = "Where the local CA and server certificate live (default ~/.tlskit).")
    Path home;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8443", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--www", paramLabel = "DIR", description = "Serve the files in DIR (index.html for /).")
    Path www;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "8s", description = "Close connections idle this long (default ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000", description = "Connections open at once; more are closed at once (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-requests-per-connection", paramLabel = "N", defaultValue = "1000",
            description = "Requests served on one keep-alive connection before the server closes it (default ${DEFAULT-VALUE}).")
    int maxRequestsPerConnection;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Event loop threads that handshake and serve connections (default 0: one per CPU core; "
                    + "TLS work is CPU-bound, so more threads than cores only add context switches).")
    int threads;

    @Option(names = "--io", paramLabel = "auto|epoll|nio", defaultValue = "auto",
            description = "Socket layer: Linux's native epoll when it loads (auto, the default), or Java NIO.")
    String io;

    @Option(names = "--ticket-keys", paramLabel = "FILE",
            description = "Session-ticket keys shared by a fleet of servers (write one with 'tlskit cert ticket-keys'): "
                    + "the first key seals, all open; re-read on SIGHUP and when the file changes. "
                    + "Default: random keys made in this process, rotated every 12 h.")
    Path ticketKeys;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read options from a YAML file: one 'key: value' per line, the keys are these long options without "
                    + "'--' (port: 8443, ciphers: [A, B]); options on the command line win. On SIGHUP or when it changes, "
                    + "its TLS settings (certificates, keys, CA, PSKs, suites, handshake timeout) and the ticket keys reload; "
                    + "the other keys take effect at the next start. See docs/operations.md.")
    Path config;

    @Mixin
    TlsOptions tls;

    @Spec
    CommandSpec spec;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            applyConfig(this);
        }
        if (port < 0 || port > 65535) {
            throw new CliException("--port " + port + " is not a port number (0 to 65535)");
        }
        if (maxConnections < 1) {
            throw new CliException("--max-connections must be at least 1");
        }
        Duration idle = Durations.parse(idleTimeout);
        if (idle.isZero() || idle.isNegative()) {
            throw new CliException("--idle-timeout must be positive, e.g. 8s");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(stripBrackets(bind));
        } catch (UnknownHostException e) {
            throw new CliException("--bind " + bind + " is not an address of this machine: use e.g. 127.0.0.1, ::1 or 0.0.0.0");
        }

        if (www != null && !Files.isDirectory(www)) {
            throw new CliException("--www " + www + " is not a directory");
        }

        LocalPki pki = null;
        Credentials defaults = null;
        if (!tls.hasOwnCertificate()) {
            pki = new LocalPki(home != null ? home : LocalPki.defaultHome());
            defaults = pki.ensure(TimeSource.system(), new SecureRandom());
        }
        TicketKeys sharedKeys = ticketKeys == null ? null
                : TicketKeyFile.load(ticketKeys, new SecureRandom(), TimeSource.system(), TICKET_LIFETIME);
        TlsConfig initial = serverConfig(defaults).ticketKeys(sharedKeys).build();
        LocalPki local = pki;
        // a reload reads the same files again; the local PKI's server certificate is reloaded as it is, never reissued
        // (a half-written file must fail the reload, not be replaced)
        Supplier<TlsConfig.Builder> source = () -> settings().serverConfig(local == null ? null : Credentials.load(local.serverPem, local.serverKey, null));
        List<Path> watched = new ArrayList<>();
        if (pki != null) {
            watched.add(pki.serverPem);
            watched.add(pki.serverKey);
        } else {
            watched.add(tls.cert);
            watched.add(tls.key);
            watched.add(tls.keyPasswordFile);
        }
        watched.add(tls.ca);
        watched.add(config);
        CertificateReloader reloader = new CertificateReloader(initial, source, watched, ticketKeys, cli.err);

        HttpHandler echo = request -> HttpResponse.bytes(200,
                request.header("Content-Type").orElse("application/octet-stream"), request.body());
        HttpsServer.Builder builder = HttpsServer.builder()
                .bind(address.getHostAddress(), port)
                .tls(reloader::current)
                .route("POST", "/echo", echo)
                .route("PUT", "/echo", echo)
                .idleTimeout(idle)
                .maxConnections(maxConnections)
                .maxRequestsPerConnection(maxRequestsPerConnection)
                .preferEpoll(preferEpoll())
                .eventLoopThreads(eventLoopThreads())
                .serverHeader("tlskit/" + Main.Version.version());
        if (!cli.verbose) {
            // with -v the default access log: INFO on io.tlskit.http.access, which Cli.configureLogging shows
            builder.accessLog(null);
        }
        if (www != null) {
            builder.staticFiles(www.toRealPath());
        }
        HttpsServer http = builder.build();
        try {
            http.start();
        } catch (IOException e) {
            http.shutdownGracefully(Duration.ZERO);
            throw new java.net.BindException(address.getHostAddress() + " port " + port + ": " + e.getMessage());
        }
        RunningServer server = new RunningServer(http, reloader);
        reloader.watch(CertificateReloader.POLL_INTERVAL);
        reloader.handleSighup();

        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            try {
                reported.await(2, TimeUnit.SECONDS); // let the summary line out before the JVM halts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tlskit-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String url = "https://" + urlHost(address) + ":" + server.port() + "/";
            if (pki != null) {
                if (pki.caNote != null) {
                    cli.out.println(pki.caNote);
                }
                if (pki.serverNote != null) {
                    cli.out.println(pki.serverNote);
                }
            }
            if (io.equalsIgnoreCase("epoll") && !server.ioTransport().equals("epoll")) {
                throw new CliException("--io epoll: Netty's native epoll transport does not load here (not Linux x86_64, "
                        + "or the jar lacks it); use --io auto or --io nio");
            }
            cli.out.println("tlskit server listening on " + url + " (" + server.ioTransport() + ")");
            if (pki != null) {
                cli.out.println("trust this CA: " + pki.caPem);
                cli.out.println("curl --cacert " + pki.caPem + " " + url);
            } else {
                cli.out.println("serving the certificate " + initial.credentials().subject());
            }
            cli.out.println("press Ctrl-C to stop");
            cli.out.flush();
            cli.onServerStarted.accept(server);
            server.awaitStopped();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
        cli.err.println("tlskit server stopped: " + server.connections() + " connections, " + server.requests() + " requests, "
                + server.handshakeFailures() + " failed handshakes, " + server.rejected() + " rejected (--max-connections)");
        cli.err.flush();
        reported.countDown();
        return 0;
    }

    /** Sets what the --config file says on {@code command} (its spec and parse result) where the command line is silent. */
    private void applyConfig(ServerCommand command) {
        Set<String> applied = ServerConfigFile.read(config).applyTo(command.spec, command.spec.commandLine().getParseResult());
        if (applied.contains("verbose") && !cli.verbose && Boolean.TRUE.equals(command.spec.findOption("--verbose").getValue())) {
            cli.verbose = true;
            Cli.configureLogging(true);
        }
    }

    /**
     * The settings a reload builds from: these, or with --config the command line parsed again and
     * the file read again. Keys that cannot change while serving are reported, not applied.
     */
    private ServerCommand settings() {
        if (config == null) {
            return this;
        }
        CommandLine root = Main.commandLine(cli);
        CommandLine.ParseResult again = root.parseArgs(spec.root().commandLine().getParseResult().originalArgs().toArray(String[]::new));
        ServerCommand next = (ServerCommand) again.subcommand().commandSpec().userObject();
        next.spec = again.subcommand().commandSpec();
        next.config = config;
        ServerConfigFile.read(config).applyTo(next.spec, again.subcommand());
        List<String> restartOnly = new ArrayList<>();
        Set<String> live = new java.util.HashSet<>();
        spec.mixins().get("tls").options().forEach(o -> live.add(o.longestName()));
        for (OptionSpec option : spec.options()) {
            OptionSpec changed = next.spec.findOption(option.longestName());
            if (changed != null && !live.contains(option.longestName()) && !java.util.Objects.equals(option.getValue(), changed.getValue())) {
                restartOnly.add(option.longestName().replaceFirst("^-+", ""));
            }
        }
        if (!restartOnly.isEmpty()) {
            cli.err.println("tlskit server: " + config + ": " + String.join(", ", restartOnly)
                    + " changed: applied at the next start (only TLS settings and ticket keys change while serving)");
            cli.err.flush();
        }
        return next;
    }

    /** A server config builder from the options; {@code defaults} when no --cert/--key was given. */
    private TlsConfig.Builder serverConfig(Credentials defaults) {
        TlsConfig.Builder builder = tls.server(defaults);
        if (tls.alpn.isEmpty()) {
            builder.alpn("http/1.1");
        }
        return builder;
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** "localhost" for loopback and wildcard addresses (the certificate names it), else the literal. */
    static String urlHost(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return "localhost";
        }
        String literal = address.getHostAddress();
        return literal.indexOf(':') >= 0 ? "[" + literal + "]" : literal;
    }

    private int eventLoopThreads() {
        if (threads < 0) {
            throw new CliException("--threads must be 0 (one per CPU core) or more, was " + threads);
        }
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    private boolean preferEpoll() {
        switch (io.toLowerCase(java.util.Locale.ROOT)) {
            case "auto":
            case "epoll":
                return true;
            case "nio":
                return false;
            default:
                throw new CliException("--io must be auto, epoll or nio, was '" + io + "'");
        }
    }
}

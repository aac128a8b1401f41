package io.tlskit.cli;

import io.tlskit.TlsConfig;
import io.tlskit.http.client.ClientRequest;
import io.tlskit.http.client.ClientResponse;
import io.tlskit.http.client.HttpClientException;
import io.tlskit.http.client.HttpsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlskit get} and {@code tlskit post}: one HTTPS/1.1 request with the library's {@link HttpsClient}. */
final class HttpCommands {
    /** curl's exit code for --fail on an HTTP error. */
    static final int EXIT_HTTP_ERROR = 22;

    private HttpCommands() {
    }

    abstract static class Base implements Callable<Integer>, Cli.Aware {
        @Parameters(index = "0", paramLabel = "URL", description = "https://host[:port]/path")
        String url;

        @Option(names = {"-f", "--fail"}, description = "Exit with code 22 and no body output when the status is not 2xx.")
        boolean fail;

        @Option(names = {"-H", "--header"}, paramLabel = "NAME: VALUE", description = "Extra request header (repeatable).")
        List<String> headers = new ArrayList<>();

        @Option(names = "--via", paramLabel = "serial:DEVICE[,BAUD][,chat=FILE]",
                description = "Reach the server over a serial line (a UART or a modem dialled by the chat script) instead of TCP.")
        String via;

        @Mixin
        TlsOptions tls;

        Cli cli;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        int exchange(String method, byte[] body, String contentType) throws IOException {
            Target target = Target.parse(url);
            TlsConfig.Builder builder = tls.client();
            if (tls.alpn.isEmpty()) {
                builder.alpn("http/1.1");
            }
            Via line = Via.parse(via);
            HttpsClient.Builder client = HttpsClient.builder(builder.build()).keepAlive(false)
                .maxResponseBytes(fail ? 64L * 1024 * 1024 : Long.MAX_VALUE).userAgent("tlskit/" + Main.Version.version());
            if (line != null) {
                client.transport((host, port, timeout) -> line.open(host, port));
            }
            if (cli.verbose) {
                client.trace(l -> {
                    cli.err.println(l.startsWith("* ") ? l.substring(2) : l);
                    cli.err.flush();
                });
            }
            ClientRequest request = request(method, body, contentType);
            try (HttpsClient http = client.build()) {
                ClientResponse response;
                if (fail) {
                    response = http.send(request);
                    if (!response.isSuccess()) {
                        cli.error("HTTP " + response.status() + " " + response.reason() + " from " + url);
                        return EXIT_HTTP_ERROR;
                    }
                    cli.out.write(response.body());
                } else {
                    response = http.send(request, cli.out);
                }
                cli.out.flush();
                if (response.endedWithoutCloseNotify() && cli.verbose) {
                    cli.warn(target.authority() + " ended the body by closing TCP without close_notify");
                }
                return 0;
            } catch (HttpClientException e) {
                throw new CliException("bad HTTP response from " + target.authority() + ": " + e.getMessage(), e);
            }
        }

        private ClientRequest request(String method, byte[] body, String contentType) {
            ClientRequest request;
            try {
                request = body == null ? ClientRequest.of(method, url, null) : ClientRequest.post(url, contentType, body);
                for (String h : headers) {
                    int colon = h.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("header '" + h + "' must look like 'Name: value'");
                    }
                    request = request.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
                }
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            return request;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"HTTPS GET: print the response body to stdout (-v: handshake and headers to stderr).",
                "The URL's host is the name the server certificate must match (override with --server-name)."})
    static final class Get extends Base {
        @Option(names = {"-I", "--head"}, description = "Send HEAD instead of GET (use -v to see the headers).")
        boolean head;

        @Override
        public Integer call() throws Exception {
            return exchange(head ? "HEAD" : "GET", null, null);
        }
    }

    @Command(name = "post", mixinStandardHelpOptions = true, sortOptions = false,
            description = "HTTPS POST: send --data, print the response body to stdout (-v: handshake and headers to stderr).")
    static final class Post extends Base {
        @Option(names = {"-d", "--data"}, required = true, paramLabel = "TEXT|@FILE", description = "The request body: text, @FILE for a file's bytes, @- for standard input.")
        String data;

        @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/x-www-form-urlencoded",
                description = "Content-Type of the body (default ${DEFAULT-VALUE}).")
        String contentType;

        @Override
        public Integer call() throws Exception {
            return exchange("POST", body(), contentType);
        }

        private byte[] body() throws IOException {
            if (!data.startsWith("@")) {
                return data.getBytes(StandardCharsets.UTF_8);
            }
            String name = data.substring(1);
            if ("-".equals(name)) {
                return cli.in.readAllBytes();
            }
            Path file = Path.of(name);
            if (!Files.isReadable(file)) {
                throw new CliException("cannot read " + file + " given to --data @FILE: check the path");
            }
            return Files.readAllBytes(file);
        }
    }

    /** The parts of an https URL the CLI prints; parsing is the client's ({@link ClientRequest}). */
    static final class Target {
        final String host;
        final int port;
        final String pathAndQuery;

        private Target(ClientRequest request) {
            this.host = request.host();
            this.port = request.port();
            this.pathAndQuery = request.pathAndQuery();
        }

        static Target parse(String url) {
            try {
                return new Target(ClientRequest.get(url));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }

        String authority() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port == 443 ? h : h + ":" + port;
        }
    }
}

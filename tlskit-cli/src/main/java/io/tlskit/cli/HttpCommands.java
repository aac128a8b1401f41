package io.tlskit.cli;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlskit get} and {@code tlskit post}: one HTTPS/1.1 request over a {@link TlsConnection}. */
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
            TlsConfig config = builder.build();
            TlsConnection connection = TlsConnection.connect(config, target.host, target.port);
            try {
                HandshakeInfo info = connection.handshakeInfo();
                if (cli.verbose) {
                    cli.err.print("connected to " + target.authority() + "\n" + info);
                }
                StringBuilder request = new StringBuilder(256);
                request.append(method).append(' ').append(target.pathAndQuery).append(" HTTP/1.1\r\n");
                request.append("Host: ").append(target.authority()).append("\r\n");
                request.append("User-Agent: tlskit/").append(Main.Version.version()).append("\r\n");
                request.append("Accept: */*\r\n");
                for (String h : headers) {
                    int colon = h.indexOf(':');
                    if (colon <= 0 || h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0) {
                        throw new CliException("header '" + h + "' must look like 'Name: value'");
                    }
                    request.append(h.substring(0, colon).trim()).append(": ").append(h.substring(colon + 1).trim()).append("\r\n");
                }
                if (body != null) {
                    request.append("Content-Type: ").append(contentType).append("\r\n");
                    request.append("Content-Length: ").append(body.length).append("\r\n");
                }
                request.append("Connection: close\r\n\r\n");
                if (cli.verbose) {
                    printHead("> ", request.toString());
                }
                byte[] headBytes = request.toString().getBytes(StandardCharsets.UTF_8);
                if (body == null || body.length + headBytes.length > 64 * 1024) {
                    connection.write(headBytes);
                    if (body != null) {
                        connection.write(body);
                    }
                } else {
                    byte[] all = new byte[headBytes.length + body.length];
                    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
                    System.arraycopy(body, 0, all, headBytes.length, body.length);
                    connection.write(all);
                }

                TolerantEof raw = new TolerantEof(connection.getInputStream());
                InputStream in = new BufferedInputStream(raw, 16 * 1024);
                Http.Head response;
                int status;
                do {
                    response = Http.readHead(in);
                    if (response == null) {
                        throw new CliException(target.authority() + " closed the connection without an HTTP response");
                    }
                    status = statusOf(response);
                    if (cli.verbose) {
                        printHead("< ", response.text());
                    }
                } while (status >= 100 && status < 200 && status != 101);

                boolean ok = status >= 200 && status < 300;
                if (fail && !ok) {
                    cli.error("HTTP " + response.startLine.substring(response.startLine.indexOf(' ') + 1) + " from " + url);
                    return EXIT_HTTP_ERROR;
                }
                boolean noBody = "HEAD".equals(method) || status == 204 || status == 304;
                if (!noBody) {
                    raw.tolerateTruncation = !response.chunked() && response.contentLength() < 0;
                    Http.copyBody(in, response, cli.out, Long.MAX_VALUE, true);
                    cli.out.flush();
                    if (raw.truncated && cli.verbose) {
                        cli.warn(target.authority() + " ended the body by closing TCP without close_notify");
                    }
                }
                return 0;
            } catch (Http.ProtocolException e) {
                throw new CliException("bad HTTP response from " + target.authority() + ": " + e.getMessage(), e);
            } finally {
                connection.close();
            }
        }

        private void printHead(String prefix, String head) {
            for (String line : head.split("\r\n")) {
                cli.err.println(prefix + line);
            }
            cli.err.flush();
        }

        private static int statusOf(Http.Head response) throws Http.ProtocolException {
            String[] parts = response.startLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new Http.ProtocolException(0, "not an HTTP status line: " + Http.abbreviate(response.startLine));
            }
            try {
                return Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new Http.ProtocolException(0, "bad status code in '" + Http.abbreviate(response.startLine) + "'");
            }
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

    /** The parts of an https URL the request needs. */
    static final class Target {
        final String host;
        final int port;
        final String pathAndQuery;

        Target(String host, int port, String pathAndQuery) {
            this.host = host;
            this.port = port;
            this.pathAndQuery = pathAndQuery;
        }

        static Target parse(String url) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new CliException("'" + url + "' is not a URL (" + e.getReason() + "): write e.g. https://localhost:8443/");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"https".equals(scheme)) {
                throw new CliException("'" + url + "' is not an https:// URL: tlskit speaks HTTP only over TLS");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) {
                throw new CliException("'" + url + "' has no host: write e.g. https://localhost:8443/");
            }
            host = ServerCommand.stripBrackets(host);
            int port = uri.getPort() < 0 ? 443 : uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            return new Target(host, port, path);
        }

        String authority() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port == 443 ? h : h + ":" + port;
        }
    }

    /**
     * Turns a TCP close without close_notify into end of stream when the body is delimited by the
     * close (many servers end that way); anywhere else the TRUNCATED error stands.
     */
    static final class TolerantEof extends FilterInputStream {
        volatile boolean tolerateTruncation;
        boolean truncated;

        TolerantEof(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (TlsException e) {
                if (tolerateTruncation && e.error() == TlsError.TRUNCATED) {
                    truncated = true;
                    return -1;
                }
                throw e;
            }
        }
    }
}

package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tlskit server --config FILE}: every option is a key, errors name the line, the command line wins, SIGHUP reloads. */
class ServerConfigFileTest {
    private static final Path PKI = TestPki.INSTANCE.files();
    @TempDir
    Path tmp;

    private static CommandLine root() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return Main.commandLine(new Cli(new ByteArrayInputStream(new byte[0]), nowhere, nowhere));
    }

    /** A value picocli accepts for the option's type; the test fails on a type it does not know, so a new option type is noticed. */
    private static String sample(OptionSpec option) {
        Class<?> type = option.isMultiValue() ? option.auxiliaryTypes()[0] : option.type();
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "7";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true";
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0].toString();
        }
        if (type == String.class || type == Path.class || type == java.io.File.class) {
            return "x";
        }
        if (type == Duration.class) {
            return "PT5S";
        }
        throw new AssertionError("no sample value for " + option.longestName() + " of type " + type + ": add one here");
    }

    @Test
    void everyOptionOfTlskitServerIsAKeyOfTheFile() throws Exception {
        CommandLine server = root().getSubcommands().get("server");
        Map<String, OptionSpec> keys = ServerConfigFile.keys(server.getCommandSpec());
        // derived from picocli's model: the options of ServerCommand, its TlsOptions mixin and the inherited --verbose
        assertThat(keys.keySet()).contains("port", "bind", "www", "max-connections", "ticket-keys", "cert", "key", "ciphers", "psk",
                "handshake-timeout", "client-auth", "verbose").doesNotContain("config", "help", "version", "server-name", "verify");
        StringBuilder yaml = new StringBuilder("# every option of tlskit server\n");
        for (Map.Entry<String, OptionSpec> k : keys.entrySet()) {
            String value = sample(k.getValue());
            yaml.append(k.getKey()).append(": ").append(k.getValue().isMultiValue() ? "[" + value + "]" : value).append('\n');
        }
        Path file = tmp.resolve("all.yaml");
        Files.writeString(file, yaml);

        CommandLine fresh = root();
        CommandLine.ParseResult parsed = fresh.parseArgs("server");
        CommandSpec spec = parsed.subcommand().commandSpec();
        assertThat(ServerConfigFile.read(file).applyTo(spec, parsed.subcommand())).containsExactlyInAnyOrderElementsOf(keys.keySet());
        for (String key : keys.keySet()) {
            OptionSpec option = spec.findOption("--" + key);
            Object value = option.getValue();
            String expected = sample(option);
            String actual = value instanceof List ? String.valueOf(((List<?>) value).get(0)) : String.valueOf(value);
            assertThat(actual).as(key).isEqualTo(expected.equals("PT5S") ? "PT5S" : expected);
        }
    }

    @Test
    void aTypoedKeyIsOneLineWithTheLineAndTheLikelyKey() throws Exception {
        Path file = write("# test\nbind: 127.0.0.1\nprot: 8443\n");
        CliRun r = CliRun.run("server", "--config", file.toString()).assertOneLineError();
        assertThat(r.err).contains(file + " line 3: unknown key 'prot' (did you mean 'port'?)").contains("without '--'");
    }

    @Test
    void aWrongTypeIsOneLineWithTheLineAndTheOption() throws Exception {
        CliRun notInt = CliRun.run("server", "--config", write("port: 0\nmax-connections: many\n").toString()).assertOneLineError();
        assertThat(notInt.err).contains("line 2: 'max-connections': Invalid value for option '--max-connections': 'many' is not an int")
                .contains("fix the value of 'max-connections'");
        CliRun list = CliRun.run("server", "--config", write("port: [1, 2]\n").toString()).assertOneLineError();
        assertThat(list.err).contains("line 1: 'port' takes one value, not a list");
        CliRun map = CliRun.run("server", "--config", write("ciphers:\n  a: b\n").toString()).assertOneLineError();
        assertThat(map.err).contains("line 1: 'ciphers' takes a value or a list, not a mapping");
        CliRun yaml = CliRun.run("server", "--config", write("port: 1\n  bind: [x\n").toString()).assertOneLineError();
        assertThat(yaml.err).contains("line 2: not valid YAML");
        CliRun twice = CliRun.run("server", "--config", write("port: 1\nport: 2\n").toString()).assertOneLineError();
        assertThat(twice.err).contains("line 2: 'port' is set twice (first on line 1)");
        CliRun missing = CliRun.run("server", "--config", tmp.resolve("nope.yaml").toString()).assertOneLineError();
        assertThat(missing.err).contains("cannot read the config file").contains("--config");
    }

    @Test
    void theFileSetsWhatTheCommandLineDoesNotAndTheCommandLineWins() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "from the config file\n");
        int filePort = Peers.freePort();
        Path file = write("port: " + filePort + "\nwww: " + www + "\ncert: " + PKI.resolve("server-ec.pem") + "\nkey: "
                + PKI.resolve("server-ec.key") + "\ntls: [1.2]\nmax-connections: 5\n");
        try (CliRun.Server s = new CliRun.Server("--config", file.toString(), "--port", "0")) {
            assertThat(s.port()).isNotEqualTo(filePort);
            TlsConfig client = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build();
            try (TlsConnection c = TlsConnection.connect(client, "localhost", s.port())) {
                assertThat(c.handshakeInfo().version().displayName()).isEqualTo("TLSv1.2");
                c.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
                c.readTimeout(Duration.ofSeconds(30));
                assertThat(new String(c.getInputStream().readAllBytes())).contains("from the config file");
            }
        }
    }

    @Test
    void sighupRereadsTheFileSwitchesTheCertificateAndNamesWhatWaitsForARestart() throws Exception {
        var b = TestPki.INSTANCE.issue(io.tlskit.pki.CertificateSpec.builder().subject("from-config-b")
                .sans("DNS:localhost").usage(io.tlskit.pki.CertificateSpec.Usage.SERVER).build());
        TestPki.writePair(tmp, "b", b);
        Path file = write("cert: " + PKI.resolve("server-ec.pem") + "\nkey: " + PKI.resolve("server-ec.key") + "\nmax-connections: 50\n");
        try (CliRun.Server s = new CliRun.Server("--config", file.toString(), "--port", "0")) {
            assertThat(serial(s.port())).isEqualTo(TestPki.INSTANCE.serverEc.certificate().getSerialNumber());

            Files.writeString(file, "cert: " + tmp.resolve("b.pem") + "\nkey: " + tmp.resolve("b.key") + "\nmax-connections: 60\n");
            assertThat(s.server.reloader().reload("SIGHUP")).isTrue();
            assertThat(serial(s.port())).isEqualTo(b.certificate().getSerialNumber());
            assertThat(s.err()).contains(file + ": max-connections changed: applied at the next start");

            Files.writeString(file, "cert: " + PKI.resolve("server-ec.pem") + "\nkey: " + PKI.resolve("server-ec.key") + "\nmax-conections: 60\n");
            assertThat(s.server.reloader().reload("SIGHUP")).isFalse();
            assertThat(s.err()).contains("reload failed: " + file + " line 3: unknown key 'max-conections' (did you mean 'max-connections'?)");
            assertThat(serial(s.port())).as("the previous certificate stays").isEqualTo(b.certificate().getSerialNumber());
        }
    }

    private static BigInteger serial(int port) throws Exception {
        TlsConfig client = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build();
        try (TlsConnection c = TlsConnection.connect(client, "localhost", port)) {
            return c.handshakeInfo().peerCertificate().orElseThrow().getSerialNumber();
        }
    }

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(tmp, "server", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}

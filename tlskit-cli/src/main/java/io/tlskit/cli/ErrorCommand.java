package io.tlskit.cli;

import io.tlskit.TlsError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tlskit error [CODE]}: what a stable error code means and what to do (mbedtls_strerror's role). */
@Command(name = "error", mixinStandardHelpOptions = true,
        description = {"Explain an error code that tlskit printed, e.g. 'tlskit error 202' or 'tlskit error CERT_EXPIRED'.",
            "Without a code, list every code. The numbers never change between releases."})
final class ErrorCommand implements Callable<Integer>, Cli.Aware {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CODE", description = "A number (202, E202) or a name (CERT_EXPIRED).")
    String code;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() {
        if (code == null) {
            for (TlsError e : TlsError.values()) {
                cli.out.printf("%-6s %-30s %s%n", "E" + e.code(), e.name(), e.text());
            }
            return 0;
        }
        TlsError error = TlsError.parse(code).orElseThrow(() -> new CliException("'" + code
            + "' is not a tlskit error code: run 'tlskit error' for the list"));
        cli.out.println(error.label() + ": " + error.text());
        cli.out.println("what to do: " + error.remedy());
        cli.out.println("(the message printed with the code names the certificate, file or setting involved)");
        return 0;
    }
}

package io.tlskit.cli;

import io.tlskit.ChatScript;
import io.tlskit.SerialTransport;
import io.tlskit.TlsException;
import io.tlskit.Transport;
import java.nio.file.Path;

/**
 * {@code --via serial:/dev/ttyX[,BAUD][,chat=FILE]}: run the connection over a serial line instead
 * of TCP, optionally through a modem that a chat script dials ($HOST and $PORT are the target's).
 */
final class Via {
    final Path device;
    final Integer baud;
    final Path chat;

    private Via(Path device, Integer baud, Path chat) {
        this.device = device;
        this.baud = baud;
        this.chat = chat;
    }

    static Via parse(String text) {
        if (text == null) {
            return null;
        }
        if (!text.startsWith("serial:") || text.length() == "serial:".length()) {
            throw new CliException("--via " + text + " is not serial:DEVICE[,BAUD][,chat=FILE], e.g. serial:/dev/ttyUSB0,115200,chat=sim800.chat");
        }
        String[] parts = text.substring("serial:".length()).split(",");
        Integer baud = null;
        Path chat = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("chat=")) {
                chat = Path.of(p.substring(5));
            } else if (p.matches("\\d{3,7}")) {
                baud = Integer.parseInt(p);
            } else {
                throw new CliException("--via: '" + p + "' is neither a baud rate (e.g. 115200) nor chat=FILE");
            }
        }
        return new Via(Path.of(parts[0].trim()), baud, chat);
    }

    /** Opens the line and runs the chat script toward host:port. */
    Transport open(String host, int port) throws TlsException {
        ChatScript script = chat == null ? null : ChatScript.load(chat);
        return SerialTransport.open(device, baud, script, host, port);
    }
}

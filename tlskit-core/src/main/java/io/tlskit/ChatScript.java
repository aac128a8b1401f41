package io.tlskit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A modem dialogue before TLS starts (like pppd's chat): send/expect pairs that bring a modem into
 * transparent data mode, and how to hang it up afterwards. One line per step:
 *
 * <pre>
 * # SIM800: open a TCP connection and switch to transparent mode
 * timeout 5s                                   # default wait for each answer
 * abort ERROR                                  # answers that end the chat at once (repeatable)
 * abort CONNECT FAIL
 * AT -&gt; OK
 * ATE0 -&gt; OK
 * AT+CIPMODE=1 -&gt; OK
 * AT+CIPSTART="TCP","$HOST",$PORT -&gt; CONNECT within 60s
 * hangup-on CLOSED                             # what the modem prints when the link drops (repeatable)
 * hangup ATH                                   # sent after +++ on close (default ATH)
 * guard 1s                                     # silence before and after +++ (default 1 s)
 * </pre>
 *
 * An expected answer matches a whole line the modem prints. $HOST and $PORT are replaced by the
 * target of the connection. Immutable.
 */
public final class ChatScript {
    /** One send and the line expected back. */
    public record Step(String send, String expect, Duration within) {
    }

    private final List<Step> steps;
    private final List<String> aborts;
    private final List<String> hangupOn;
    private final String hangup;
    private final Duration guard;
    private final String source;

    private ChatScript(List<Step> steps, List<String> aborts, List<String> hangupOn, String hangup, Duration guard, String source) {
        this.steps = List.copyOf(steps);
        this.aborts = List.copyOf(aborts);
        this.hangupOn = List.copyOf(hangupOn);
        this.hangup = hangup;
        this.guard = guard;
        this.source = source;
    }

    /** Reads a chat script file; a line it cannot read is a ConfigException naming the line. */
    public static ChatScript load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ConfigException(TlsError.FILE_UNREADABLE, "cannot read the chat script " + file + " ("
                + e.getClass().getSimpleName() + "): check the path given with chat=FILE", e);
        }
    }

    public static ChatScript parse(String text, String sourceName) {
        List<Step> steps = new ArrayList<>();
        List<String> aborts = new ArrayList<>();
        List<String> hangupOn = new ArrayList<>();
        String hangup = "ATH";
        Duration guard = Duration.ofSeconds(1);
        Duration timeout = Duration.ofSeconds(5);
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = sourceName + " line " + (i + 1) + " '" + line + "'";
            int arrow = line.indexOf("->");
            if (arrow >= 0) {
                String send = line.substring(0, arrow).strip();
                String expect = line.substring(arrow + 2).strip();
                Duration within = timeout;
                int w = expect.lastIndexOf(" within ");
                if (w >= 0) {
                    within = duration(expect.substring(w + 8).strip(), where);
                    expect = expect.substring(0, w).strip();
                }
                if (send.isEmpty() || expect.isEmpty()) {
                    throw new ConfigException(where + " needs a command and an answer: write e.g. 'AT -> OK'");
                }
                steps.add(new Step(send, expect, within));
                continue;
            }
            int space = line.indexOf(' ');
            String word = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            if (rest.isEmpty()) {
                throw new ConfigException(where + " needs a value: write e.g. 'timeout 5s' or 'AT -> OK'");
            }
            switch (word) {
                case "timeout":
                    timeout = duration(rest, where);
                    break;
                case "abort":
                    aborts.add(rest);
                    break;
                case "hangup-on":
                    hangupOn.add(rest);
                    break;
                case "hangup":
                    hangup = rest;
                    break;
                case "guard":
                    guard = duration(rest, where);
                    break;
                default:
                    throw new ConfigException(where + " is neither 'COMMAND -> ANSWER' nor timeout/abort/hangup/hangup-on/guard");
            }
        }
        if (steps.isEmpty()) {
            throw new ConfigException("the chat script " + sourceName + " has no 'COMMAND -> ANSWER' step: add e.g. 'AT -> OK'");
        }
        if (hangupOn.isEmpty()) {
            hangupOn.add("CLOSED");
            hangupOn.add("NO CARRIER");
        }
        return new ChatScript(steps, aborts, hangupOn, hangup, guard, sourceName);
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static Duration duration(String text, String where) {
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) {
            throw new ConfigException(where + ": '" + text + "' is not a duration such as 500ms, 5s or 1m");
        }
    }

    /** The steps with $HOST and $PORT replaced. */
    public ChatScript forTarget(String host, int port) {
        Map<String, String> values = Map.of("$HOST", host == null ? "" : host, "$PORT", String.valueOf(port));
        List<Step> replaced = new ArrayList<>();
        for (Step s : steps) {
            String send = s.send();
            for (Map.Entry<String, String> v : values.entrySet()) {
                send = send.replace(v.getKey(), v.getValue());
            }
            replaced.add(new Step(send, s.expect(), s.within()));
        }
        return new ChatScript(replaced, aborts, hangupOn, hangup, guard, source);
    }

    public List<Step> steps() {
        return steps;
    }

    public List<String> aborts() {
        return aborts;
    }

    /** Lines the modem prints in data mode when the connection drops (SIM800: CLOSED). */
    public List<String> hangupOn() {
        return hangupOn;
    }

    /** The command that hangs up after +++ (ATH; AT+CIPCLOSE on a SIM800). */
    public String hangup() {
        return hangup;
    }

    public Duration guard() {
        return guard;
    }

    public String source() {
        return source;
    }
}

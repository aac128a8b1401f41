package io.tlskit.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tlskit server --config FILE}: a YAML mapping whose keys are the command's long options
 * without "--" ({@code port: 8443}, {@code ciphers: [A, B]}, {@code psk: [id1:00.., id2:11..]}). The
 * accepted keys are read from picocli's model of the command, so an option added to {@code tlskit
 * server} is a key at once. Values go through picocli's own converters; options given on the command
 * line win. Errors name the file, the line and the fix, in one line.
 *
 * <p>YAML is composed to nodes, never constructed into objects: every scalar stays the text written
 * ({@code tls: 1.2} is "1.2", {@code verify: no} is "no"), each key and value keeps its line, and no
 * type in the file can instantiate a Java class.
 */
final class ServerConfigFile {
    /** Options that are not settings: they are never keys. */
    private static final Set<String> NOT_KEYS = Set.of("help", "version", "config");

    /** One key of the file: its text values and the line it is on. */
    static final class Entry {
        final String key;
        final List<String> values;
        final boolean list;
        final int line;

        Entry(String key, List<String> values, boolean list, int line) {
            this.key = key;
            this.values = values;
            this.list = list;
            this.line = line;
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;

    private ServerConfigFile(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Reads and checks the file's syntax and shape (a flat mapping of scalars and lists of scalars). */
    static ServerConfigFile read(Path file) {
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported below, with both lines
            options.setMaxAliasesForCollections(0);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new CliException(file + " line " + line + ": not valid YAML (" + e.getProblem()
                    + "): write one 'key: value' per line, lists as [a, b]");
        } catch (YAMLException e) {
            throw new CliException(file + ": not valid YAML (" + e.getMessage() + "): write one 'key: value' per line");
        } catch (IOException e) {
            throw new CliException("cannot read the config file " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): check the path given to --config");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (root == null) {
            return new ServerConfigFile(file, entries); // an empty file sets nothing
        }
        if (!(root instanceof MappingNode)) {
            throw new CliException(file + " line " + line(root) + ": the file must be a mapping of 'key: value' lines, e.g. 'port: 8443'");
        }
        for (NodeTuple tuple : ((MappingNode) root).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                throw new CliException(file + " line " + line(keyNode) + ": a key must be a plain word such as 'port'");
            }
            String key = ((ScalarNode) keyNode).getValue();
            Entry earlier = entries.get(key);
            if (earlier != null) {
                throw new CliException(file + " line " + line(keyNode) + ": '" + key + "' is set twice (first on line " + earlier.line
                        + "): keep one");
            }
            entries.put(key, entry(file, key, tuple.getValueNode(), line(keyNode)));
        }
        return new ServerConfigFile(file, entries);
    }

    private static Entry entry(Path file, String key, Node value, int line) {
        if (value instanceof ScalarNode) {
            String text = ((ScalarNode) value).getValue();
            if (text.isEmpty() && ((ScalarNode) value).getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) {
                throw new CliException(file + " line " + line + ": '" + key + "' has no value: write '" + key + ": VALUE' or remove the line");
            }
            return new Entry(key, List.of(text), false, line);
        }
        if (value instanceof SequenceNode) {
            List<String> values = new ArrayList<>();
            for (Node item : ((SequenceNode) value).getValue()) {
                if (!(item instanceof ScalarNode)) {
                    throw new CliException(file + " line " + line(item) + ": the list of '" + key + "' may hold only plain values");
                }
                values.add(((ScalarNode) item).getValue());
            }
            return new Entry(key, values, true, line);
        }
        throw new CliException(file + " line " + line + ": '" + key + "' takes a value or a list, not a mapping");
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /** The keys a file may hold for this command: its long options without "--". */
    static Map<String, OptionSpec> keys(CommandSpec spec) {
        Map<String, OptionSpec> keys = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String name = option.longestName().replaceFirst("^-+", "");
            if (!NOT_KEYS.contains(name) && !option.usageHelp() && !option.versionHelp()) {
                keys.put(name, option);
            }
        }
        return keys;
    }

    /**
     * Sets every option the file names and the command line does not (so the command line wins).
     * Values are converted by picocli exactly as if typed; a wrong key or value fails naming the line.
     *
     * @param spec the command being run; {@code parsed} its parse result (which options the user typed)
     * @return the keys that were set from the file
     */
    Set<String> applyTo(CommandSpec spec, CommandLine.ParseResult parsed) {
        Map<String, OptionSpec> keys = keys(spec);
        List<String> args = new ArrayList<>();
        Set<String> applied = new TreeSet<>();
        for (Entry e : entries.values()) {
            OptionSpec option = keys.get(e.key);
            if (option == null) {
                throw new CliException(file + " line " + e.line + ": unknown key '" + e.key + "'" + suggestion(e.key, keys.keySet())
                        + ": the keys are the long options of '" + spec.qualifiedName() + "' without '--' (see --help)");
            }
            if (parsed.hasMatchedOption(option)) {
                continue; // the command line overrides the file
            }
            if (e.list && !option.isMultiValue()) {
                throw new CliException(file + " line " + e.line + ": '" + e.key + "' takes one value, not a list: write '" + e.key
                        + ": VALUE'");
            }
            if (option.arity().max() == 0) {
                String v = e.values.size() == 1 ? e.values.get(0) : "";
                if (!v.equals("true") && !v.equals("false")) {
                    throw new CliException(file + " line " + e.line + ": '" + e.key + "' is a switch: write '" + e.key + ": true' or '"
                            + e.key + ": false', not '" + v + "'");
                }
                if (option.inherited()) {
                    option.setValue(Boolean.valueOf(v)); // a switch of the parent command (--verbose): not on the standalone command
                    applied.add(e.key);
                    continue;
                }
                if (v.equals("true")) {
                    args.add(option.longestName());
                }
            } else {
                for (String value : e.values) {
                    args.add(option.longestName() + "=" + value);
                }
            }
            applied.add(e.key);
        }
        CommandLine fresh = new CommandLine(spec.userObject().getClass());
        fresh.setCaseInsensitiveEnumValuesAllowed(true);
        fresh.setExpandAtFiles(false);
        try {
            fresh.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException ex) {
            Entry culprit = culprit(ex, keys);
            throw new CliException(file + (culprit == null ? "" : " line " + culprit.line + ": '" + culprit.key + "'") + ": "
                    + ex.getMessage() + (culprit == null ? "" : ": fix the value of '" + culprit.key + "'"));
        }
        for (String key : applied) {
            OptionSpec target = keys.get(key);
            OptionSpec source = fresh.getCommandSpec().findOption(target.longestName());
            if (source != null && !target.inherited()) {
                target.setValue(source.getValue());
            }
        }
        return applied;
    }

    private Entry culprit(CommandLine.ParameterException ex, Map<String, OptionSpec> keys) {
        if (ex.getArgSpec() instanceof OptionSpec) {
            String name = ((OptionSpec) ex.getArgSpec()).longestName().replaceFirst("^-+", "");
            return entries.get(name);
        }
        return null;
    }

    /** " (did you mean 'port'?)" for a key one or two edits from a real one. */
    static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package io.tlskit.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP header fields: names compared case-insensitively, order and repetition kept as received.
 * Values are ISO-8859-1 strings without surrounding whitespace. Immutable once handed to a handler.
 */
public final class HttpHeaders {
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private boolean frozen;

    HttpHeaders() {
    }

    /** An empty, unmodifiable instance. */
    static HttpHeaders empty() {
        HttpHeaders h = new HttpHeaders();
        h.frozen = true;
        return h;
    }

    void add(String name, String value) {
        if (frozen) {
            throw new UnsupportedOperationException("headers are read-only");
        }
        names.add(name);
        values.add(value);
    }

    /** Removes every field with this name. */
    void remove(String name) {
        if (frozen) {
            throw new UnsupportedOperationException("headers are read-only");
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    HttpHeaders freeze() {
        frozen = true;
        return this;
    }

    /** The first value of the field, if present. */
    public Optional<String> first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return Optional.of(values.get(i));
            }
        }
        return Optional.empty();
    }

    /** Every value of the field, in order (empty if absent). */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** How many times the field occurs. */
    int count(String name) {
        int n = 0;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * Whether a comma-separated field (Connection, Expect, Transfer-Encoding, ...) lists the token,
     * case-insensitively, over all occurrences of the field.
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                for (String part : values.get(i).split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Distinct field names, lower-cased, in first-seen order. */
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(out);
    }

    /** Number of fields (a repeated field counts each time). */
    public int size() {
        return names.size();
    }

    String nameAt(int i) {
        return names.get(i);
    }

    String valueAt(int i) {
        return values.get(i);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            s.append(names.get(i)).append(": ").append(values.get(i)).append('\n');
        }
        return s.toString();
    }
}

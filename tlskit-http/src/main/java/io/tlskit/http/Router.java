package io.tlskit.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routes by method and path: exact paths ("/api/items") and prefixes ("/api/*", which also matches
 * "/api"). Exact paths win, then the longest prefix. HEAD falls back to the GET handler (the body
 * is dropped). Paths are compared as sent, still percent-encoded.
 */
final class Router {
    /** A found route: the handler ({@link HttpHandler} or {@link AsyncHttpHandler}), or null with the allowed methods (405). */
    static final class Match {
        final Object handler;
        final Set<String> allow;

        Match(Object handler, Set<String> allow) {
            this.handler = handler;
            this.allow = allow;
        }
    }

    private static final class Prefix {
        final String base;
        final String prefix;
        final Map<String, Object> methods = new LinkedHashMap<>();

        Prefix(String base) {
            this.base = base;
            this.prefix = base.endsWith("/") ? base : base + "/";
        }

        boolean matches(String path) {
            return path.equals(base) || path.startsWith(prefix);
        }
    }

    private final Map<String, Map<String, Object>> exact = new LinkedHashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();

    void add(String method, String pattern, Object handler) {
        if (method == null || !HttpStatus.isToken(method)) {
            throw new IllegalArgumentException("not a valid method: " + method);
        }
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route path starts with '/': " + pattern);
        }
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        Map<String, Object> methods;
        if (pattern.endsWith("/*")) {
            String base = pattern.substring(0, pattern.length() - 2);
            String key = base.isEmpty() ? "/" : base;
            Prefix p = prefixes.stream().filter(x -> x.base.equals(key)).findFirst().orElse(null);
            if (p == null) {
                p = new Prefix(key);
                prefixes.add(p);
                prefixes.sort(Comparator.comparingInt((Prefix x) -> x.prefix.length()).reversed());
            }
            methods = p.methods;
        } else {
            if (pattern.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'*' is only allowed as a final \"/*\": " + pattern);
            }
            methods = exact.computeIfAbsent(pattern, k -> new LinkedHashMap<>());
        }
        if (methods.putIfAbsent(method, handler) != null) {
            throw new IllegalArgumentException("a route for " + method + " " + pattern + " already exists");
        }
    }

    /** The route for this request, a 405 (handler null), or null when no route covers the path. */
    Match find(String method, String path) {
        Map<String, Object> methods = exact.get(path);
        if (methods == null) {
            for (Prefix p : prefixes) {
                if (p.matches(path)) {
                    methods = p.methods;
                    break;
                }
            }
        }
        if (methods == null) {
            return null;
        }
        Object handler = methods.get(method);
        if (handler == null && method.equals("HEAD")) {
            handler = methods.get("GET");
        }
        if (handler != null) {
            return new Match(handler, null);
        }
        Set<String> allow = new TreeSet<>(methods.keySet());
        if (allow.contains("GET")) {
            allow.add("HEAD");
        }
        return new Match(null, allow);
    }
}

package io.tlskit.mqtt;

/**
 * Topic name and topic filter rules (spec §4.7). Names carry no wildcards; in filters '+' fills a
 * whole level and '#' is the last level. "$share/{group}/{filter}" is a shared subscription.
 */
public final class Topics {
    static final int MAX_BYTES = 0xFFFF;
    private static final String SHARE_PREFIX = "$share/";

    private Topics() {
    }

    /** Why a topic name is invalid, as a sentence, or null if it is valid. */
    public static String nameProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "a topic name must not be empty";
        }
        String common = common(topic);
        if (common != null) {
            return common;
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return "topic name '" + topic + "' contains a wildcard ('+' or '#'); wildcards belong in subscription filters only";
        }
        return null;
    }

    /** Why a topic filter is invalid, as a sentence, or null if it is valid. */
    public static String filterProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "a topic filter must not be empty";
        }
        String common = common(filter);
        if (common != null) {
            return common;
        }
        String plain = filter;
        if (filter.startsWith(SHARE_PREFIX)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0 || slash == SHARE_PREFIX.length()) {
                return "shared subscription '" + filter + "' must look like $share/{group}/{filter} with a non-empty group";
            }
            String group = filter.substring(SHARE_PREFIX.length(), slash);
            if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
                return "the share group '" + group + "' must not contain '+' or '#'";
            }
            plain = filter.substring(slash + 1);
            if (plain.isEmpty()) {
                return "shared subscription '" + filter + "' has no topic filter after the group";
            }
        }
        String[] levels = plain.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            int hash = level.indexOf('#');
            if (hash >= 0 && (level.length() != 1 || i != levels.length - 1)) {
                return "in filter '" + filter + "' '#' must be the whole last level (like a/# or #)";
            }
            if (level.indexOf('+') >= 0 && level.length() != 1) {
                return "in filter '" + filter + "' '+' must fill a whole level (like a/+/c), not '" + level + "'";
            }
        }
        return null;
    }

    /** True for "$share/group/filter". */
    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX);
    }

    static void requireValidName(String topic) {
        String p = nameProblem(topic);
        if (p != null) {
            throw new MqttUsageException(MqttError.INVALID_TOPIC, p);
        }
    }

    static void requireValidFilter(String filter) {
        String p = filterProblem(filter);
        if (p != null) {
            throw new MqttUsageException(MqttError.INVALID_TOPIC_FILTER, p);
        }
    }

    private static String common(String s) {
        String utf = Utf8.problem(s);
        if (utf != null) {
            return "topic '" + s.replace('\u0000', '?') + "' " + utf;
        }
        if (s.length() <= MAX_BYTES / 3) {
            return null; // at most 3 UTF-8 bytes per char: it fits without encoding it to count
        }
        int bytes = Utf8.encode(s).length;
        if (bytes > MAX_BYTES) {
            return "a topic is at most 65535 bytes of UTF-8; this one is " + bytes;
        }
        return null;
    }
}

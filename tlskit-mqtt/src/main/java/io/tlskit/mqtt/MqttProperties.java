package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The MQTT 5 properties of one packet (or of a will), immutable, with a typed accessor for each.
 * Absent properties read as empty; the spec's defaults are applied by the session, not here, so a
 * caller can tell "the broker said 65535" from "the broker said nothing".
 */
public final class MqttProperties {
    public static final MqttProperties EMPTY = new Builder().build();

    // One value per single-valued property: Integer (byte, two-byte, varint), Long (four-byte), String, byte[].
    private final EnumMap<MqttProperty, Object> values;
    private final List<Integer> subscriptionIdentifiers;
    private final List<UserProperty> userProperties;

    private MqttProperties(Builder b) {
        this.values = new EnumMap<>(b.values);
        this.subscriptionIdentifiers = List.copyOf(b.subscriptionIdentifiers);
        this.userProperties = List.copyOf(b.userProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        b.userProperties.addAll(userProperties);
        return b;
    }

    public boolean isEmpty() {
        return values.isEmpty() && subscriptionIdentifiers.isEmpty() && userProperties.isEmpty();
    }

    /** Every property present, user properties and subscription identifiers included. */
    public Set<MqttProperty> present() {
        Set<MqttProperty> s = java.util.EnumSet.noneOf(MqttProperty.class);
        s.addAll(values.keySet());
        if (!subscriptionIdentifiers.isEmpty()) {
            s.add(MqttProperty.SUBSCRIPTION_IDENTIFIER);
        }
        if (!userProperties.isEmpty()) {
            s.add(MqttProperty.USER_PROPERTY);
        }
        return s;
    }

    public boolean has(MqttProperty p) {
        return present().contains(p);
    }

    // ---- typed accessors, in identifier order ----

    public OptionalInt payloadFormatIndicator() { return integer(MqttProperty.PAYLOAD_FORMAT_INDICATOR); }
    public OptionalLong messageExpiryInterval() { return longValue(MqttProperty.MESSAGE_EXPIRY_INTERVAL); }
    public Optional<String> contentType() { return string(MqttProperty.CONTENT_TYPE); }
    public Optional<String> responseTopic() { return string(MqttProperty.RESPONSE_TOPIC); }
    public Optional<byte[]> correlationData() { return binary(MqttProperty.CORRELATION_DATA); }
    public List<Integer> subscriptionIdentifiers() { return subscriptionIdentifiers; }
    public OptionalLong sessionExpiryInterval() { return longValue(MqttProperty.SESSION_EXPIRY_INTERVAL); }
    public Optional<String> assignedClientIdentifier() { return string(MqttProperty.ASSIGNED_CLIENT_IDENTIFIER); }
    public OptionalInt serverKeepAlive() { return integer(MqttProperty.SERVER_KEEP_ALIVE); }
    public Optional<String> authenticationMethod() { return string(MqttProperty.AUTHENTICATION_METHOD); }
    public Optional<byte[]> authenticationData() { return binary(MqttProperty.AUTHENTICATION_DATA); }
    public Optional<Boolean> requestProblemInformation() { return flag(MqttProperty.REQUEST_PROBLEM_INFORMATION); }
    public OptionalLong willDelayInterval() { return longValue(MqttProperty.WILL_DELAY_INTERVAL); }
    public Optional<Boolean> requestResponseInformation() { return flag(MqttProperty.REQUEST_RESPONSE_INFORMATION); }
    public Optional<String> responseInformation() { return string(MqttProperty.RESPONSE_INFORMATION); }
    public Optional<String> serverReference() { return string(MqttProperty.SERVER_REFERENCE); }
    public Optional<String> reasonString() { return string(MqttProperty.REASON_STRING); }
    public OptionalInt receiveMaximum() { return integer(MqttProperty.RECEIVE_MAXIMUM); }
    public OptionalInt topicAliasMaximum() { return integer(MqttProperty.TOPIC_ALIAS_MAXIMUM); }
    public OptionalInt topicAlias() { return integer(MqttProperty.TOPIC_ALIAS); }
    public OptionalInt maximumQos() { return integer(MqttProperty.MAXIMUM_QOS); }
    public Optional<Boolean> retainAvailable() { return flag(MqttProperty.RETAIN_AVAILABLE); }
    public List<UserProperty> userProperties() { return userProperties; }
    public OptionalLong maximumPacketSize() { return longValue(MqttProperty.MAXIMUM_PACKET_SIZE); }
    public Optional<Boolean> wildcardSubscriptionAvailable() { return flag(MqttProperty.WILDCARD_SUBSCRIPTION_AVAILABLE); }
    public Optional<Boolean> subscriptionIdentifierAvailable() { return flag(MqttProperty.SUBSCRIPTION_IDENTIFIER_AVAILABLE); }
    public Optional<Boolean> sharedSubscriptionAvailable() { return flag(MqttProperty.SHARED_SUBSCRIPTION_AVAILABLE); }

    /** The raw value of a single-valued property (Integer, Long, String or byte[]), or null. */
    Object raw(MqttProperty p) {
        return values.get(p);
    }

    Map<MqttProperty, Object> singleValued() {
        return Collections.unmodifiableMap(values);
    }

    private OptionalInt integer(MqttProperty p) {
        Object v = values.get(p);
        return v == null ? OptionalInt.empty() : OptionalInt.of((Integer) v);
    }

    private OptionalLong longValue(MqttProperty p) {
        Object v = values.get(p);
        return v == null ? OptionalLong.empty() : OptionalLong.of((Long) v);
    }

    private Optional<String> string(MqttProperty p) {
        return Optional.ofNullable((String) values.get(p));
    }

    private Optional<byte[]> binary(MqttProperty p) {
        byte[] v = (byte[]) values.get(p);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    private Optional<Boolean> flag(MqttProperty p) {
        Object v = values.get(p);
        return v == null ? Optional.empty() : Optional.of((Integer) v != 0);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttProperties other)) {
            return false;
        }
        if (!values.keySet().equals(other.values.keySet())) {
            return false;
        }
        for (Map.Entry<MqttProperty, Object> e : values.entrySet()) {
            Object a = e.getValue();
            Object b = other.values.get(e.getKey());
            boolean same = a instanceof byte[] ba ? Arrays.equals(ba, (byte[]) b) : a.equals(b);
            if (!same) {
                return false;
            }
        }
        return subscriptionIdentifiers.equals(other.subscriptionIdentifiers)
                && userProperties.equals(other.userProperties);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(values.keySet(), subscriptionIdentifiers, userProperties);
        for (Object v : values.values()) {
            h = 31 * h + (v instanceof byte[] b ? Arrays.hashCode(b) : v.hashCode());
        }
        return h;
    }

    /** Lists the properties; authentication data is hidden because it may be a secret. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<MqttProperty, Object> e : values.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=');
            Object v = e.getValue();
            if (e.getKey() == MqttProperty.AUTHENTICATION_DATA) {
                sb.append("(hidden)");
            } else if (v instanceof byte[] b) {
                sb.append(b.length).append(" bytes");
            } else {
                sb.append(v);
            }
        }
        if (!subscriptionIdentifiers.isEmpty()) {
            sb.append(sb.length() > 1 ? ", " : "").append("SUBSCRIPTION_IDENTIFIER=").append(subscriptionIdentifiers);
        }
        for (UserProperty u : userProperties) {
            sb.append(sb.length() > 1 ? ", " : "").append(u.name()).append('=').append(u.value());
        }
        return sb.append('}').toString();
    }

    /** Builds properties; setters check the value fits the property's wire type. */
    public static final class Builder {
        private final EnumMap<MqttProperty, Object> values = new EnumMap<>(MqttProperty.class);
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();
        private final List<UserProperty> userProperties = new ArrayList<>();

        private Builder() {
        }

        public Builder payloadFormatIndicator(int v) { return set(MqttProperty.PAYLOAD_FORMAT_INDICATOR, v); }
        /** 1 means the payload is UTF-8 text. */
        public Builder payloadIsUtf8(boolean utf8) { return set(MqttProperty.PAYLOAD_FORMAT_INDICATOR, utf8 ? 1 : 0); }
        public Builder messageExpiryInterval(long seconds) { return set(MqttProperty.MESSAGE_EXPIRY_INTERVAL, seconds); }
        public Builder contentType(String v) { return set(MqttProperty.CONTENT_TYPE, v); }
        public Builder responseTopic(String v) { return set(MqttProperty.RESPONSE_TOPIC, v); }
        public Builder correlationData(byte[] v) { return set(MqttProperty.CORRELATION_DATA, v); }
        public Builder subscriptionIdentifier(int v) { return set(MqttProperty.SUBSCRIPTION_IDENTIFIER, v); }
        public Builder sessionExpiryInterval(long seconds) { return set(MqttProperty.SESSION_EXPIRY_INTERVAL, seconds); }
        public Builder assignedClientIdentifier(String v) { return set(MqttProperty.ASSIGNED_CLIENT_IDENTIFIER, v); }
        public Builder serverKeepAlive(int seconds) { return set(MqttProperty.SERVER_KEEP_ALIVE, seconds); }
        public Builder authenticationMethod(String v) { return set(MqttProperty.AUTHENTICATION_METHOD, v); }
        public Builder authenticationData(byte[] v) { return set(MqttProperty.AUTHENTICATION_DATA, v); }
        public Builder requestProblemInformation(boolean v) { return set(MqttProperty.REQUEST_PROBLEM_INFORMATION, v ? 1 : 0); }
        public Builder willDelayInterval(long seconds) { return set(MqttProperty.WILL_DELAY_INTERVAL, seconds); }
        public Builder requestResponseInformation(boolean v) { return set(MqttProperty.REQUEST_RESPONSE_INFORMATION, v ? 1 : 0); }
        public Builder responseInformation(String v) { return set(MqttProperty.RESPONSE_INFORMATION, v); }
        public Builder serverReference(String v) { return set(MqttProperty.SERVER_REFERENCE, v); }
        public Builder reasonString(String v) { return set(MqttProperty.REASON_STRING, v); }
        public Builder receiveMaximum(int v) { return set(MqttProperty.RECEIVE_MAXIMUM, v); }
        public Builder topicAliasMaximum(int v) { return set(MqttProperty.TOPIC_ALIAS_MAXIMUM, v); }
        public Builder topicAlias(int v) { return set(MqttProperty.TOPIC_ALIAS, v); }
        public Builder maximumQos(int v) { return set(MqttProperty.MAXIMUM_QOS, v); }
        public Builder retainAvailable(boolean v) { return set(MqttProperty.RETAIN_AVAILABLE, v ? 1 : 0); }
        public Builder userProperty(String name, String value) { userProperties.add(new UserProperty(name, value)); return this; }
        public Builder maximumPacketSize(long v) { return set(MqttProperty.MAXIMUM_PACKET_SIZE, v); }
        public Builder wildcardSubscriptionAvailable(boolean v) { return set(MqttProperty.WILDCARD_SUBSCRIPTION_AVAILABLE, v ? 1 : 0); }
        public Builder subscriptionIdentifierAvailable(boolean v) { return set(MqttProperty.SUBSCRIPTION_IDENTIFIER_AVAILABLE, v ? 1 : 0); }
        public Builder sharedSubscriptionAvailable(boolean v) { return set(MqttProperty.SHARED_SUBSCRIPTION_AVAILABLE, v ? 1 : 0); }

        public Builder userProperties(List<UserProperty> list) {
            userProperties.addAll(list);
            return this;
        }

        public Builder remove(MqttProperty p) {
            values.remove(p);
            if (p == MqttProperty.SUBSCRIPTION_IDENTIFIER) {
                subscriptionIdentifiers.clear();
            } else if (p == MqttProperty.USER_PROPERTY) {
                userProperties.clear();
            }
            return this;
        }

        /** Sets any property by its wire type: Integer/Long for numbers, String, byte[]; UserProperty for user properties. */
        public Builder set(MqttProperty p, Object value) {
            Objects.requireNonNull(value, p.name());
            switch (p.type()) {
                case BYTE -> checkRange(p, number(p, value), p.isZeroOrOne() ? 1 : 255);
                case TWO_BYTE -> checkRange(p, number(p, value), 0xFFFF);
                case FOUR_BYTE -> checkRange(p, number(p, value), 0xFFFF_FFFFL);
                case VARINT -> {
                    long n = number(p, value);
                    if (n < 1 || n > 268_435_455) {
                        throw new MqttUsageException(MqttError.INVALID_ARGUMENT,
                                p + " must be 1..268435455, not " + n);
                    }
                }
                case UTF8 -> {
                    if (!(value instanceof String)) {
                        throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " takes a string");
                    }
                }
                case BINARY -> {
                    if (!(value instanceof byte[] b)) {
                        throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " takes bytes");
                    }
                    if (b.length > 0xFFFF) {
                        throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " is limited to 65535 bytes");
                    }
                    value = b.clone();
                }
                case UTF8_PAIR -> {
                    if (!(value instanceof UserProperty u)) {
                        throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " takes a UserProperty");
                    }
                    userProperties.add(u);
                    return this;
                }
            }
            if (p.type() == MqttProperty.Type.FOUR_BYTE) {
                value = ((Number) value).longValue();
            } else if (value instanceof Number n) {
                value = n.intValue();
            }
            if (p == MqttProperty.SUBSCRIPTION_IDENTIFIER) {
                subscriptionIdentifiers.add((Integer) value);
            } else {
                values.put(p, value);
            }
            return this;
        }

        boolean has(MqttProperty p) {
            return values.containsKey(p);
        }

        private static long number(MqttProperty p, Object value) {
            if (!(value instanceof Integer || value instanceof Long)) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " takes a number");
            }
            return ((Number) value).longValue();
        }

        private static void checkRange(MqttProperty p, long v, long max) {
            if (v < 0 || v > max) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " must be 0.." + max + ", not " + v);
            }
        }

        public MqttProperties build() {
            return new MqttProperties(this);
        }
    }
}

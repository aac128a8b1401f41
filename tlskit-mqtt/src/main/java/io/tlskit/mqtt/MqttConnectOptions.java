package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything CONNECT says plus the session's own limits. Immutable; build with {@link #builder()}.
 * The password is kept as bytes, never logged, and hidden by toString.
 */
public final class MqttConnectOptions {
    private final MqttVersion version;
    private final String clientId;
    private final int keepAliveSeconds;
    private final boolean cleanStart;
    private final long sessionExpiryInterval;
    private final MqttWill will;
    private final String username;
    private final byte[] password;
    private final int receiveMaximum;
    private final long maximumPacketSize;
    private final int topicAliasMaximum;
    private final int maxInflight;
    private final boolean autoAck;
    private final List<UserProperty> userProperties;
    private final String authenticationMethod;
    private final byte[] authenticationData;
    private final Boolean requestProblemInformation;
    private final Boolean requestResponseInformation;

    private MqttConnectOptions(Builder b) {
        this.version = b.version;
        this.clientId = b.clientId;
        this.keepAliveSeconds = b.keepAliveSeconds;
        this.cleanStart = b.cleanStart;
        this.sessionExpiryInterval = b.sessionExpiryInterval;
        this.will = b.will;
        this.username = b.username;
        this.password = b.password == null ? null : b.password.clone();
        this.receiveMaximum = b.receiveMaximum;
        this.maximumPacketSize = b.maximumPacketSize;
        this.topicAliasMaximum = b.topicAliasMaximum;
        this.maxInflight = b.maxInflight;
        this.autoAck = b.autoAck;
        this.userProperties = List.copyOf(b.userProperties);
        this.authenticationMethod = b.authenticationMethod;
        this.authenticationData = b.authenticationData == null ? null : b.authenticationData.clone();
        this.requestProblemInformation = b.requestProblemInformation;
        this.requestResponseInformation = b.requestResponseInformation;
    }

    public static Builder builder() {
        return new Builder();
    }

    public MqttVersion version() { return version; }
    public String clientId() { return clientId; }
    public int keepAliveSeconds() { return keepAliveSeconds; }
    public boolean cleanStart() { return cleanStart; }
    /** MQTT 5 Session Expiry Interval in seconds (0: the session ends with the connection; 0xFFFFFFFF: never). */
    public long sessionExpiryInterval() { return sessionExpiryInterval; }
    public MqttWill will() { return will; }
    public String username() { return username; }
    /** A copy of the password, or null. */
    public byte[] password() { return password == null ? null : password.clone(); }
    /** How many unacknowledged QoS 1/2 messages we accept from the broker (MQTT 5 Receive Maximum). */
    public int receiveMaximum() { return receiveMaximum; }
    /** The largest packet we accept; announced in MQTT 5, enforced in both versions. */
    public long maximumPacketSize() { return maximumPacketSize; }
    /** How many topic aliases the broker may define towards us (MQTT 5). */
    public int topicAliasMaximum() { return topicAliasMaximum; }
    /** Our own cap on outgoing QoS 1/2 messages in flight; the broker's Receive Maximum may lower it. */
    public int maxInflight() { return maxInflight; }
    /** Acknowledge incoming QoS 1/2 messages as soon as takeEvents() hands them out. */
    public boolean autoAck() { return autoAck; }
    public List<UserProperty> userProperties() { return userProperties; }

    /** The CONNECT properties these options announce (MQTT 5); defaults are left out to save bytes. */
    MqttProperties connectProperties() {
        MqttProperties.Builder p = MqttProperties.builder();
        if (sessionExpiryInterval != 0) {
            p.sessionExpiryInterval(sessionExpiryInterval);
        }
        if (receiveMaximum != 65_535) {
            p.receiveMaximum(receiveMaximum);
        }
        if (maximumPacketSize < MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE) {
            p.maximumPacketSize(maximumPacketSize);
        }
        if (topicAliasMaximum != 0) {
            p.topicAliasMaximum(topicAliasMaximum);
        }
        if (requestResponseInformation != null) {
            p.requestResponseInformation(requestResponseInformation);
        }
        if (requestProblemInformation != null) {
            p.requestProblemInformation(requestProblemInformation);
        }
        if (authenticationMethod != null) {
            p.authenticationMethod(authenticationMethod);
        }
        if (authenticationData != null) {
            p.authenticationData(authenticationData);
        }
        p.userProperties(userProperties);
        return p.build();
    }

    /** Same options, another clean-start choice (the client layer reconnects with cleanStart=false). */
    public MqttConnectOptions withCleanStart(boolean clean) {
        Builder b = toBuilder();
        b.cleanStart = clean;
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.version = version;
        b.clientId = clientId;
        b.keepAliveSeconds = keepAliveSeconds;
        b.cleanStart = cleanStart;
        b.sessionExpiryInterval = sessionExpiryInterval;
        b.will = will;
        b.username = username;
        b.password = password;
        b.receiveMaximum = receiveMaximum;
        b.maximumPacketSize = maximumPacketSize;
        b.topicAliasMaximum = topicAliasMaximum;
        b.maxInflight = maxInflight;
        b.autoAck = autoAck;
        b.userProperties.addAll(userProperties);
        b.authenticationMethod = authenticationMethod;
        b.authenticationData = authenticationData;
        b.requestProblemInformation = requestProblemInformation;
        b.requestResponseInformation = requestResponseInformation;
        return b;
    }

    @Override
    public String toString() {
        return "MqttConnectOptions[" + version + ", clientId=" + clientId + ", keepAlive=" + keepAliveSeconds
                + ", cleanStart=" + cleanStart + ", sessionExpiry=" + sessionExpiryInterval
                + (username != null ? ", username=" + username : "") + (password != null ? ", password=(hidden)" : "")
                + (will != null ? ", will=" + will : "") + ", receiveMaximum=" + receiveMaximum
                + ", maximumPacketSize=" + maximumPacketSize + ", topicAliasMaximum=" + topicAliasMaximum
                + ", maxInflight=" + maxInflight + ", autoAck=" + autoAck + "]";
    }

    public static final class Builder {
        private MqttVersion version = MqttVersion.V5;
        private String clientId = "";
        private int keepAliveSeconds = 60;
        private boolean cleanStart = true;
        private long sessionExpiryInterval;
        private MqttWill will;
        private String username;
        private byte[] password;
        private int receiveMaximum = 65_535;
        private long maximumPacketSize = MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE;
        private int topicAliasMaximum;
        private int maxInflight = 65_535;
        private boolean autoAck = true;
        private final List<UserProperty> userProperties = new ArrayList<>();
        private String authenticationMethod;
        private byte[] authenticationData;
        private Boolean requestProblemInformation;
        private Boolean requestResponseInformation;

        private Builder() {
        }

        public Builder version(MqttVersion v) { this.version = Objects.requireNonNull(v); return this; }
        public Builder clientId(String id) { this.clientId = Objects.requireNonNull(id); return this; }
        public Builder keepAliveSeconds(int s) { this.keepAliveSeconds = s; return this; }
        public Builder cleanStart(boolean c) { this.cleanStart = c; return this; }
        public Builder sessionExpiryInterval(long s) { this.sessionExpiryInterval = s; return this; }
        public Builder will(MqttWill w) { this.will = w; return this; }
        public Builder username(String u) { this.username = u; return this; }
        public Builder password(byte[] p) { this.password = p == null ? null : p.clone(); return this; }
        public Builder receiveMaximum(int n) { this.receiveMaximum = n; return this; }
        public Builder maximumPacketSize(long n) { this.maximumPacketSize = n; return this; }
        public Builder topicAliasMaximum(int n) { this.topicAliasMaximum = n; return this; }
        public Builder maxInflight(int n) { this.maxInflight = n; return this; }
        public Builder autoAck(boolean a) { this.autoAck = a; return this; }
        public Builder userProperty(String name, String value) { userProperties.add(new UserProperty(name, value)); return this; }
        public Builder authenticationMethod(String m) { this.authenticationMethod = m; return this; }
        public Builder authenticationData(byte[] d) { this.authenticationData = d == null ? null : d.clone(); return this; }
        public Builder requestProblemInformation(boolean r) { this.requestProblemInformation = r; return this; }
        public Builder requestResponseInformation(boolean r) { this.requestResponseInformation = r; return this; }

        public MqttConnectOptions build() {
            boolean v5 = version == MqttVersion.V5;
            check(keepAliveSeconds >= 0 && keepAliveSeconds <= 0xFFFF, "keepAliveSeconds must be 0..65535");
            check(receiveMaximum >= 1 && receiveMaximum <= 0xFFFF, "receiveMaximum must be 1..65535");
            check(maxInflight >= 1 && maxInflight <= 0xFFFF, "maxInflight must be 1..65535");
            check(topicAliasMaximum >= 0 && topicAliasMaximum <= 0xFFFF, "topicAliasMaximum must be 0..65535");
            check(maximumPacketSize >= 16 && maximumPacketSize <= MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE,
                    "maximumPacketSize must be 16..268435460 bytes");
            check(sessionExpiryInterval >= 0 && sessionExpiryInterval <= 0xFFFF_FFFFL, "sessionExpiryInterval must be 0..4294967295");
            String idProblem = Utf8.problem(clientId);
            check(idProblem == null, "client identifier " + idProblem);
            check(Utf8.encode(clientId).length <= 0xFFFF, "client identifier is longer than 65535 bytes");
            if (!v5) {
                check(!clientId.isEmpty() || cleanStart,
                        "MQTT 3.1.1 needs a client identifier when cleanStart is false (the broker cannot find a session for an empty one)");
                check(password == null || username != null, "MQTT 3.1.1 sends a password only together with a user name");
                check(sessionExpiryInterval == 0 && topicAliasMaximum == 0 && receiveMaximum == 65_535
                                && userProperties.isEmpty() && authenticationMethod == null && authenticationData == null
                                && requestProblemInformation == null && requestResponseInformation == null,
                        "session expiry, topic aliases, receive maximum, user properties, enhanced authentication and "
                                + "problem/response information exist only in MQTT 5");
                check(will == null || will.properties().isEmpty(), "will properties exist only in MQTT 5");
            }
            check(authenticationData == null || authenticationMethod != null, "authentication data needs an authentication method");
            return new MqttConnectOptions(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, message);
            }
        }
    }
}

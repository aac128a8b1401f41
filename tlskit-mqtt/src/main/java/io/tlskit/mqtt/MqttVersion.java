package io.tlskit.mqtt;

/** The MQTT protocol versions the session speaks; the level is the byte sent in CONNECT. */
public enum MqttVersion {
    V3_1_1(4, "3.1.1"),
    V5(5, "5.0");

    private final int level;
    private final String label;

    MqttVersion(int level, String label) {
        this.level = level;
        this.label = label;
    }

    /** The Protocol Level byte of CONNECT. */
    public int level() {
        return level;
    }

    /** The version by its Protocol Level byte, or null if tlskit does not speak it. */
    public static MqttVersion ofLevel(int level) {
        for (MqttVersion v : values()) {
            if (v.level == level) {
                return v;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "MQTT " + label;
    }
}

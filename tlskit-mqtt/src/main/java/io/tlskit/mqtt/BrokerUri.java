package io.tlskit.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** mqtts://host:port (TLS, default port 8883) or mqtt://host:port (plain TCP, 1883); also ssl:// and tcp://. */
record BrokerUri(String text, String host, int port, boolean tls) {

    static BrokerUri parse(String text) {
        String t = text.trim();
        if (!t.contains("://")) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "broker '" + text
                    + "' needs a scheme: write mqtts://HOST:PORT (TLS) or mqtt://HOST:PORT (plain TCP)");
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "broker '" + text + "' is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "mqtts":
            case "ssl":
            case "tls":
                tls = true;
                break;
            case "mqtt":
            case "tcp":
                tls = false;
                break;
            default:
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "broker '" + text + "' has scheme " + scheme
                        + "; use mqtts:// (TLS) or mqtt:// (plain TCP)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "broker '" + text + "' has no host: write e.g. mqtts://localhost:8883");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883;
        return new BrokerUri(t, host, port, tls);
    }

    @Override
    public String toString() {
        return text;
    }
}

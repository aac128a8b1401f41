package io.tlskit;

import io.tlskit.crypto.CryptoBackend;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.pki.VerifyPolicy;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * One immutable, validated configuration for a TLS client or server. Built with {@link #client()}
 * or {@link #server()}; {@link Builder#build()} checks everything that can be checked before a
 * byte is sent and fails with a {@link ConfigException} that says what to change.
 *
 * <p>A config is shared by any number of connections; the crypto backend, session cache and
 * ticket keys live here so that all connections of one server share them.
 */
public final class TlsConfig {
    /** Which end of the connection this config is for. */
    public enum Role { CLIENT, SERVER }

    private final Role role;
    private final Set<TlsVersion> versions;
    private final int[] cipherSuites;
    private final int[] groups;
    private final Credentials credentials;
    private final Map<String, Credentials> sniCredentials;
    private final TrustAnchors trustAnchors;
    private final VerifyMode verifyMode;
    private final VerifyPolicy verifyPolicy;
    private final ClientAuth clientAuth;
    private final String serverName;
    private final List<String> alpn;
    private final Psk psk;
    private final PskStore pskStore;
    private final String pskHint;
    private final boolean resumption;
    private final boolean tickets;
    private final SessionCache sessionCache;
    private final TicketKeys ticketKeys;
    private final ClientSessionStore clientSessions;
    private final MaxFragmentLength maxFragmentLength;
    private final Duration handshakeTimeout;
    private final TimeSource time;
    private final SecureRandom random;
    private final CryptoBackend backend;
    private final TlsCrypto crypto;
    private final boolean sendServerTime;
    private final PeerCredentialCache credentialCache;
    private final HandshakeSlots handshakeSlots;
    private final io.tlskit.time.SecureTime secureTime;
    private final int debugThreshold;
    private final DebugSink debugSink;

    private TlsConfig(Builder b, Set<TlsVersion> versions, int[] suites, TrustAnchors anchors, SecureRandom random, TlsCrypto crypto) {
        this.role = b.role;
        this.versions = Collections.unmodifiableSet(versions);
        this.cipherSuites = suites;
        this.groups = b.groupNames.isEmpty() ? null : NamedGroups.parse(b.groupNames, crypto);
        this.credentials = b.credentials;
        this.sniCredentials = Collections.unmodifiableMap(new LinkedHashMap<>(b.sniCredentials));
        this.trustAnchors = anchors;
        this.verifyMode = b.verifyMode;
        this.verifyPolicy = b.verifyPolicy;
        this.clientAuth = b.clientAuth;
        this.serverName = b.serverName;
        this.alpn = List.copyOf(b.alpn);
        this.psk = b.psk;
        this.pskStore = b.pskStore;
        this.pskHint = b.pskHint;
        this.resumption = b.resumption;
        this.tickets = b.tickets && b.resumption;
        this.sessionCache = b.role == Role.SERVER && b.resumption
            ? (b.sessionCache != null ? b.sessionCache : new SessionCache(1024, Duration.ofHours(1), b.time)) : null;
        this.ticketKeys = b.role == Role.SERVER && this.tickets
            ? (b.ticketKeys != null ? b.ticketKeys : new TicketKeys(random, b.time, Duration.ofHours(12))) : null;
        this.clientSessions = b.role == Role.CLIENT && b.resumption
            ? (b.clientSessions != null ? b.clientSessions : new ClientSessionStore(256, Duration.ofHours(12), b.time)) : null;
        this.maxFragmentLength = b.maxFragmentLength;
        this.handshakeTimeout = b.handshakeTimeout;
        this.time = b.time;
        this.random = random;
        this.backend = b.backend;
        this.crypto = crypto;
        this.sendServerTime = b.sendServerTime;
        this.credentialCache = new PeerCredentialCache(crypto);
        this.handshakeSlots = new HandshakeSlots(b.maxConcurrentHandshakes);
        this.secureTime = b.secureTime;
        this.debugThreshold = b.debugThreshold;
        this.debugSink = b.debugSink;
    }

    public static Builder client() {
        return new Builder(Role.CLIENT);
    }

    public static Builder server() {
        return new Builder(Role.SERVER);
    }

    public Role role() {
        return role;
    }

    public boolean isClient() {
        return role == Role.CLIENT;
    }

    public Set<TlsVersion> versions() {
        return versions;
    }

    /** The suites this config offers or accepts, in preference order. */
    public List<String> cipherSuiteNames() {
        return CipherSuites.names(cipherSuites);
    }

    int[] cipherSuites() {
        return cipherSuites.clone();
    }

    /** Key-exchange groups in preference order, or null for BouncyCastle's defaults (x25519 first). */
    int[] groups() {
        return groups == null ? null : groups.clone();
    }

    public List<String> groupNames() {
        return groups == null ? List.of() : NamedGroups.names(groups);
    }

    public Credentials credentials() {
        return credentials;
    }

    public Map<String, Credentials> sniCredentials() {
        return sniCredentials;
    }

    public TrustAnchors trustAnchors() {
        return trustAnchors;
    }

    public VerifyMode verifyMode() {
        return verifyMode;
    }

    public VerifyPolicy verifyPolicy() {
        return verifyPolicy;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    public String serverName() {
        return serverName;
    }

    public List<String> alpn() {
        return alpn;
    }

    public Psk psk() {
        return psk;
    }

    public PskStore pskStore() {
        return pskStore;
    }

    public String pskHint() {
        return pskHint;
    }

    public boolean resumption() {
        return resumption;
    }

    public boolean tickets() {
        return tickets;
    }

    public SessionCache sessionCache() {
        return sessionCache;
    }

    public TicketKeys ticketKeys() {
        return ticketKeys;
    }

    public ClientSessionStore clientSessions() {
        return clientSessions;
    }

    public MaxFragmentLength maxFragmentLength() {
        return maxFragmentLength;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public TimeSource time() {
        return time;
    }

    public SecureRandom random() {
        return random;
    }

    public CryptoBackend backend() {
        return backend;
    }

    TlsCrypto crypto() {
        return crypto;
    }

    boolean sendServerTime() {
        return sendServerTime;
    }

    PeerCredentialCache credentialCache() {
        return credentialCache;
    }

    /** How many handshakes of this config may run at once; 0 for no limit. */
    public int maxConcurrentHandshakes() {
        return handshakeSlots.limit();
    }

    HandshakeSlots handshakeSlots() {
        return handshakeSlots;
    }

    /** The debug threshold 0-4, or -1 when the SLF4J configuration decides. */
    public int debugThreshold() {
        return debugThreshold;
    }

    /** The debug sink, or null for SLF4J. */
    public DebugSink debugSink() {
        return debugSink;
    }

    /** The client's secure time, when its clock follows the servers' (the PAL's secure time). */
    public java.util.Optional<io.tlskit.time.SecureTime> secureTime() {
        return java.util.Optional.ofNullable(secureTime);
    }

    /** Builder for {@link TlsConfig}. Setters only record; {@link #build()} validates. */
    public static final class Builder {
        private final Role role;
        private final Set<TlsVersion> versions = EnumSet.noneOf(TlsVersion.class);
        private final List<String> cipherSuiteNames = new ArrayList<>();
        private final List<String> groupNames = new ArrayList<>();
        private Credentials credentials;
        private final Map<String, Credentials> sniCredentials = new LinkedHashMap<>();
        private TrustAnchors trustAnchors;
        private VerifyMode verifyMode = VerifyMode.REQUIRED;
        private VerifyPolicy verifyPolicy = VerifyPolicy.defaults();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private String serverName;
        private final List<String> alpn = new ArrayList<>();
        private Psk psk;
        private PskStore pskStore;
        private String pskHint;
        private boolean resumption = true;
        private boolean tickets = true;
        private SessionCache sessionCache;
        private TicketKeys ticketKeys;
        private ClientSessionStore clientSessions;
        private MaxFragmentLength maxFragmentLength;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private TimeSource time = TimeSource.system();
        private SecureRandom random;
        private CryptoBackend backend = CryptoBackend.HYBRID;
        private boolean sendServerTime;
        private int maxConcurrentHandshakes;
        private final List<io.tlskit.crypto.EntropySource> entropySources = new ArrayList<>();
        private io.tlskit.crypto.EntropyPool entropyPool;
        private io.tlskit.time.SecureTime secureTime;
        private int debugThreshold = -1;
        private DebugSink debugSink;

        private Builder(Role role) {
            this.role = role;
        }

        /** Versions to enable; default TLS 1.2 and 1.3. */
        public Builder versions(TlsVersion... enabled) {
            versions.clear();
            Collections.addAll(versions, enabled);
            return this;
        }

        /** Restrict to these suites (IANA names), in preference order. */
        public Builder cipherSuites(String... names) {
            cipherSuiteNames.clear();
            Collections.addAll(cipherSuiteNames, names);
            return this;
        }

        public Builder cipherSuites(List<String> names) {
            cipherSuiteNames.clear();
            cipherSuiteNames.addAll(names);
            return this;
        }

        /** Key-exchange groups, preferred first, e.g. "secp256r1" or "x25519"; default x25519, x448, P-256, P-384. */
        public Builder groups(String... names) {
            groupNames.clear();
            Collections.addAll(groupNames, names);
            return this;
        }

        /** Our own certificate chain and private key. */
        public Builder credentials(Credentials own) {
            this.credentials = own;
            return this;
        }

        /** Server: a certificate to present when the client asks for this host name (SNI). */
        public Builder credentials(String hostName, Credentials own) {
            sniCredentials.put(hostName.toLowerCase(Locale.ROOT), own);
            return this;
        }

        public Builder trustAnchors(TrustAnchors anchors) {
            this.trustAnchors = anchors;
            return this;
        }

        public Builder verifyMode(VerifyMode mode) {
            this.verifyMode = mode;
            return this;
        }

        public Builder verifyPolicy(VerifyPolicy policy) {
            this.verifyPolicy = policy;
            return this;
        }

        public Builder clientAuth(ClientAuth mode) {
            this.clientAuth = mode;
            return this;
        }

        /** Client: the name sent in SNI and checked against the server certificate. */
        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        public Builder alpn(String... protocols) {
            alpn.clear();
            Collections.addAll(alpn, protocols);
            return this;
        }

        /** Client: the PSK identity and key to offer. */
        public Builder psk(Psk clientPsk) {
            this.psk = clientPsk;
            return this;
        }

        /** Server: the keys of the PSK identities it accepts, and an optional identity hint. */
        public Builder pskStore(PskStore store) {
            this.pskStore = store;
            return this;
        }

        public Builder pskHint(String hint) {
            this.pskHint = hint;
            return this;
        }

        /** TLS 1.2 session resumption (session IDs and tickets); on by default. */
        public Builder resumption(boolean enabled) {
            this.resumption = enabled;
            return this;
        }

        /** RFC 5077 session tickets (TLS 1.2); on by default when resumption is on. */
        public Builder tickets(boolean enabled) {
            this.tickets = enabled;
            return this;
        }

        /** Server: share a session cache between configs (e.g. across a certificate reload). */
        public Builder sessionCache(SessionCache cache) {
            this.sessionCache = cache;
            return this;
        }

        /** Server: share ticket keys between configs or servers. */
        public Builder ticketKeys(TicketKeys keys) {
            this.ticketKeys = keys;
            return this;
        }

        /** Client: where saved sessions and tickets are kept between connections. */
        public Builder sessionStore(ClientSessionStore store) {
            this.clientSessions = store;
            return this;
        }

        /** Client: ask the server for records of at most this many plaintext bytes. */
        public Builder maxFragmentLength(MaxFragmentLength length) {
            this.maxFragmentLength = length;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /** Where time comes from (tests pin it); replaces a {@link #secureTime} set before. */
        public Builder timeSource(TimeSource source) {
            this.time = source;
            this.secureTime = null;
            return this;
        }

        /**
         * Client: verify with this device clock and correct it from the servers' TLS 1.2 ServerHello
         * times under the PAL's rules (see {@link io.tlskit.time.SecureTime}). Also the config's time source.
         */
        public Builder secureTime(io.tlskit.time.SecureTime clock) {
            if (clock == null) {
                throw new ConfigException("secureTime(null): pass SecureTime.open(file, TimeSource.system()) or leave it unset");
            }
            this.secureTime = clock;
            this.time = clock;
            return this;
        }

        /**
         * Adds an entropy source to the operating system's (mbedtls_entropy_add_source): build()
         * seeds this config's own DRBG from both, after the sources pass their start-up health tests.
         * A null source is a {@link ConfigException} at once.
         */
        public Builder entropySource(io.tlskit.crypto.EntropySource source) {
            if (source == null) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "entropySource(null): pass a real source, e.g. a TRNG"
                    + " driver wrapped with EntropySources.of(name, strong, fill)");
            }
            entropySources.add(source);
            return this;
        }

        /** Exactly these entropy sources (a device without an OS generator): the DRBG is seeded from this pool only. */
        public Builder entropy(io.tlskit.crypto.EntropyPool pool) {
            if (pool == null) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "entropy(null): pass an EntropyPool, e.g. EntropyPool.of(trng)");
            }
            this.entropyPool = pool;
            return this;
        }

        /** The randomness for keys and nonces; default an SP 800-90A DRBG seeded by the OS. */
        public Builder random(SecureRandom secureRandom) {
            this.random = secureRandom;
            return this;
        }

        public Builder cryptoBackend(CryptoBackend cryptoBackend) {
            this.backend = cryptoBackend;
            return this;
        }

        /** Server: put the real time in the ServerHello random (TLS 1.2), for clients without a clock. */
        public Builder sendServerTime(boolean enabled) {
            this.sendServerTime = enabled;
            return this;
        }

        /**
         * Debug output threshold like mbedtls_debug_set_threshold: 0 off, 1 errors, 2 state changes,
         * 3 informational, 4 full wire dump. Unset, the SLF4J configuration decides (io.tlskit.wire
         * at TRACE gives 4, io.tlskit.handshake at DEBUG 3); with a {@link #debugSink} it is 1.
         */
        public Builder debug(int threshold) {
            this.debugThreshold = threshold;
            return this;
        }

        /** Sends debug output to this callback instead of SLF4J (a device printing on a UART). */
        public Builder debugSink(DebugSink sink) {
            if (sink == null) {
                throw new ConfigException("debugSink(null): pass a callback, or leave it unset for SLF4J");
            }
            this.debugSink = sink;
            return this;
        }

        /**
         * At most this many handshakes of this config at once (the PAL's one-context limit is 1);
         * one more fails at once with {@link TlsError#RESOURCE}. 0, the default, means no limit.
         */
        public Builder maxConcurrentHandshakes(int limit) {
            this.maxConcurrentHandshakes = limit;
            return this;
        }

        public TlsConfig build() {
            return new ConfigValidator(this).validate();
        }

        int maxConcurrentHandshakes() {
            return maxConcurrentHandshakes;
        }

        int debugThreshold() {
            return debugThreshold;
        }

        io.tlskit.time.SecureTime secureTimeClock() {
            return secureTime;
        }

        /** The pool for this config's own DRBG, or null for the shared default one. */
        io.tlskit.crypto.EntropyPool entropyPool() {
            if (entropyPool != null) {
                return entropySources.isEmpty() ? entropyPool : addAll(entropyPool);
            }
            return entropySources.isEmpty() ? null : addAll(io.tlskit.crypto.EntropyPool.system());
        }

        private io.tlskit.crypto.EntropyPool addAll(io.tlskit.crypto.EntropyPool pool) {
            io.tlskit.crypto.EntropyPool all = pool;
            for (io.tlskit.crypto.EntropySource s : entropySources) {
                all = all.with(s);
            }
            return all;
        }

        // read by ConfigValidator
        Role role() {
            return role;
        }

        Set<TlsVersion> versionsSet() {
            return versions;
        }

        List<String> cipherSuiteNames() {
            return cipherSuiteNames;
        }

        Credentials credentials() {
            return credentials;
        }

        Map<String, Credentials> sniCredentialsMap() {
            return sniCredentials;
        }

        TrustAnchors trustAnchors() {
            return trustAnchors;
        }

        VerifyMode verifyMode() {
            return verifyMode;
        }

        ClientAuth clientAuth() {
            return clientAuth;
        }

        String serverName() {
            return serverName;
        }

        List<String> alpnList() {
            return alpn;
        }

        Psk psk() {
            return psk;
        }

        PskStore pskStore() {
            return pskStore;
        }

        MaxFragmentLength maxFragmentLength() {
            return maxFragmentLength;
        }

        Duration handshakeTimeout() {
            return handshakeTimeout;
        }

        TimeSource time() {
            return time;
        }

        CryptoBackend backend() {
            return backend;
        }

        SecureRandom random() {
            return random;
        }

        TlsConfig create(Set<TlsVersion> finalVersions, int[] suites, TrustAnchors anchors, SecureRandom chosenRandom, TlsCrypto tlsCrypto) {
            return new TlsConfig(this, finalVersions, suites, anchors, chosenRandom, tlsCrypto);
        }
    }
}

package io.tlskit;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal RFC 5077 session tickets: AES-256-GCM. Share one instance between servers
 * that should resume each other's sessions. Ticket layout: key name (16) | IV (12) | ciphertext+tag.
 *
 * <p>Two kinds: {@linkplain #TicketKeys(SecureRandom, TimeSource, Duration) rotating} keys made in
 * the process (rotated on a schedule, the previous key kept so tickets issued just before a rotation
 * still open), or {@linkplain #of(List, SecureRandom, TimeSource, Duration) given} keys, e.g. from a
 * {@link TicketKeyFile} shared by a fleet: the first seals, all open, and {@link #replace(List)}
 * swaps them without a restart (nginx's {@code ssl_session_ticket_key}, HAProxy's {@code tls-ticket-keys}).
 */
public final class TicketKeys {
    /** Bytes of one key: a 16-byte name followed by a 32-byte AES-256 key. */
    public static final int KEY_LENGTH = 48;
    private static final int NAME_LENGTH = 16;
    private static final int IV_LENGTH = 12;

    private final SecureRandom random;
    private final TimeSource time;
    /** Rotation period of in-process keys; null for given keys. */
    private final Duration rotation;
    private final Duration lifetime;
    /** keys[0] seals; every key opens (a rotated-out key only until its {@code openUntil}). */
    private volatile List<Key> keys;

    /** Keys made in this process: a new one every {@code rotation}, tickets valid as long. */
    public TicketKeys(SecureRandom random, TimeSource time, Duration rotation) {
        this.random = random;
        this.time = time;
        this.rotation = rotation;
        this.lifetime = rotation;
        this.keys = List.of(newKey());
    }

    private TicketKeys(List<byte[]> given, SecureRandom random, TimeSource time, Duration lifetime) {
        this.random = random;
        this.time = time;
        this.rotation = null;
        this.lifetime = lifetime;
        this.keys = toKeys(given);
    }

    /**
     * Given keys ({@link #KEY_LENGTH} bytes each, at least one): the first seals new tickets, all of
     * them open tickets for up to {@code lifetime}.
     */
    public static TicketKeys of(List<byte[]> keys, SecureRandom random, TimeSource time, Duration lifetime) {
        return new TicketKeys(keys, random, time, lifetime);
    }

    /** Replaces given keys (e.g. the key file was rewritten); tickets sealed by a dropped key stop opening. */
    public void replace(List<byte[]> given) {
        if (rotation != null) {
            throw new IllegalStateException("these ticket keys rotate in-process; only given keys can be replaced");
        }
        keys = toKeys(given);
    }

    /** True for in-process keys on a schedule, false for given keys. */
    public boolean rotating() {
        return rotation != null;
    }

    /** How many keys open tickets right now. */
    public int count() {
        return keys.size();
    }

    /** How long a ticket stays valid. */
    public Duration lifetime() {
        return lifetime;
    }

    byte[] seal(byte[] plaintext) {
        Key key = currentKey();
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.secret, "AES"), new GCMParameterSpec(128, iv));
            cipher.updateAAD(key.name);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] ticket = new byte[NAME_LENGTH + IV_LENGTH + sealed.length];
            System.arraycopy(key.name, 0, ticket, 0, NAME_LENGTH);
            System.arraycopy(iv, 0, ticket, NAME_LENGTH, IV_LENGTH);
            System.arraycopy(sealed, 0, ticket, NAME_LENGTH + IV_LENGTH, sealed.length);
            return ticket;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable for session tickets", e);
        }
    }

    /** The plaintext, or null when the ticket is foreign, too old or tampered with. */
    byte[] open(byte[] ticket) {
        if (ticket == null || ticket.length < NAME_LENGTH + IV_LENGTH + 16) {
            return null;
        }
        byte[] name = Arrays.copyOf(ticket, NAME_LENGTH);
        Key key = keyNamed(name);
        if (key == null) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.secret, "AES"),
                new GCMParameterSpec(128, ticket, NAME_LENGTH, IV_LENGTH));
            cipher.updateAAD(name);
            return cipher.doFinal(ticket, NAME_LENGTH + IV_LENGTH, ticket.length - NAME_LENGTH - IV_LENGTH);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private Key currentKey() {
        List<Key> now = keys;
        if (rotation == null || !now.get(0).createdAt.plus(rotation).isBefore(time.now())) {
            return now.get(0);
        }
        synchronized (this) {
            Key current = keys.get(0);
            if (current.createdAt.plus(rotation).isBefore(time.now())) {
                Key previous = new Key(current.name, current.secret, current.createdAt, current.createdAt.plus(rotation.multipliedBy(2)));
                keys = List.of(newKey(), previous);
            }
            return keys.get(0);
        }
    }

    private Key keyNamed(byte[] name) {
        currentKey();
        Instant now = null;
        for (Key key : keys) {
            if (Arrays.equals(key.name, name)) {
                if (key.openUntil != null) {
                    now = now == null ? time.now() : now;
                    return key.openUntil.isAfter(now) ? key : null;
                }
                return key;
            }
        }
        return null;
    }

    private Key newKey() {
        byte[] name = new byte[NAME_LENGTH];
        byte[] secret = new byte[32];
        random.nextBytes(name);
        random.nextBytes(secret);
        return new Key(name, secret, time.now(), null);
    }

    private List<Key> toKeys(List<byte[]> given) {
        if (given == null || given.isEmpty()) {
            throw new ConfigException("session-ticket keys: at least one key is needed");
        }
        List<Key> list = new ArrayList<>(given.size());
        for (byte[] k : given) {
            if (k == null || k.length != KEY_LENGTH) {
                throw new ConfigException("a session-ticket key is " + KEY_LENGTH + " bytes (16 name + 32 AES-256), not "
                    + (k == null ? 0 : k.length));
            }
            list.add(new Key(Arrays.copyOf(k, NAME_LENGTH), Arrays.copyOfRange(k, NAME_LENGTH, KEY_LENGTH), time.now(), null));
        }
        return List.copyOf(list);
    }

    private static final class Key {
        final byte[] name;
        final byte[] secret;
        final Instant createdAt;
        /** When a rotated-out key stops opening tickets; null: while it is in the list. */
        final Instant openUntil;

        Key(byte[] name, byte[] secret, Instant createdAt, Instant openUntil) {
            this.name = name;
            this.secret = secret;
            this.createdAt = createdAt;
            this.openUntil = openUntil;
        }
    }
}

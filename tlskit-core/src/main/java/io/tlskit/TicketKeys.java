package io.tlskit;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal RFC 5077 session tickets: AES-256-GCM, rotated on a schedule, the previous key
 * kept so tickets issued just before a rotation still open. Share one instance between servers
 * that should resume each other's sessions. Ticket layout: key name (16) | IV (12) | ciphertext+tag.
 */
public final class TicketKeys {
    private static final int NAME_LENGTH = 16;
    private static final int IV_LENGTH = 12;

    private final SecureRandom random;
    private final TimeSource time;
    private final Duration rotation;
    private Key current;
    private Key previous;

    public TicketKeys(SecureRandom random, TimeSource time, Duration rotation) {
        this.random = random;
        this.time = time;
        this.rotation = rotation;
        this.current = newKey();
    }

    /** How long a ticket stays valid: two rotation periods at most. */
    public Duration lifetime() {
        return rotation;
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

    private synchronized Key currentKey() {
        if (current.createdAt.plus(rotation).isBefore(time.now())) {
            previous = current;
            current = newKey();
        }
        return current;
    }

    private synchronized Key keyNamed(byte[] name) {
        currentKey();
        if (Arrays.equals(current.name, name)) {
            return current;
        }
        if (previous != null && Arrays.equals(previous.name, name)
            && previous.createdAt.plus(rotation.multipliedBy(2)).isAfter(time.now())) {
            return previous;
        }
        return null;
    }

    private Key newKey() {
        byte[] name = new byte[NAME_LENGTH];
        byte[] secret = new byte[32];
        random.nextBytes(name);
        random.nextBytes(secret);
        return new Key(name, secret, time.now());
    }

    private static final class Key {
        final byte[] name;
        final byte[] secret;
        final Instant createdAt;

        Key(byte[] name, byte[] secret, Instant createdAt) {
            this.name = name;
            this.secret = secret;
            this.createdAt = createdAt;
        }
    }
}

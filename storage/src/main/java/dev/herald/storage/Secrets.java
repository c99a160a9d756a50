package dev.herald.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Credentials at rest. Two kinds, two hashes:
 * <ul>
 *   <li>generated tokens (API keys, mailbox passwords Herald makes) carry 192+ bits of entropy, so a
 *   fast SHA-256 is enough and lets a login find the key by its hash in one indexed lookup;</li>
 *   <li>passwords chosen by a person are guessable, so they get PBKDF2-HMAC-SHA256 with a random
 *   salt and a high iteration count (OWASP 2023: 600,000).</li>
 * </ul>
 * Stored forms are self-describing: {@code sha256$<hex>} and {@code pbkdf2-sha256$<iter>$<salt>$<hash>}.
 */
public final class Secrets {
    public static final String API_KEY_PREFIX = "hk_";
    static final int PBKDF2_ITERATIONS = 600_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** A random URL-safe token of {@code bytes} random bytes. */
    public static String randomToken(int bytes) {
        var buf = new byte[bytes];
        RANDOM.nextBytes(buf);
        return URL_SAFE.encodeToString(buf);
    }

    /** A new API key: {@code hk_} and 32 random bytes (256 bits). */
    public static String newApiKey() {
        return API_KEY_PREFIX + randomToken(32);
    }

    /**
     * A new generated mailbox password: 24 random bytes (192 bits), 32 characters. Never one that
     * starts with '-': command-line clients (swaks, curl) would take it for an option.
     */
    public static String newMailboxPassword() {
        while (true) {
            var password = randomToken(24);
            if (password.charAt(0) != '-') {
                return password;
            }
        }
    }

    /** The hex SHA-256 of a token; the indexed lookup key for API keys. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Stored form of a generated (high-entropy) token. */
    public static String hashToken(String token) {
        return "sha256$" + sha256Hex(token);
    }

    /** Stored form of a password a person chose. Deliberately slow. */
    public static String hashPassword(String password) {
        var salt = new byte[16];
        RANDOM.nextBytes(salt);
        var hash = pbkdf2(password, salt, PBKDF2_ITERATIONS);
        var b64 = Base64.getEncoder();
        return "pbkdf2-sha256$" + PBKDF2_ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Checks a candidate against either stored form, in time independent of where they differ. */
    public static boolean verify(String stored, String candidate) {
        if (stored == null || candidate == null) {
            return false;
        }
        var parts = stored.split("\\$");
        if (parts.length == 2 && parts[0].equals("sha256")) {
            return MessageDigest.isEqual(parts[1].getBytes(StandardCharsets.US_ASCII),
                    sha256Hex(candidate).getBytes(StandardCharsets.US_ASCII));
        }
        if (parts.length == 4 && parts[0].equals("pbkdf2-sha256")) {
            var dec = Base64.getDecoder();
            var expected = dec.decode(parts[3]);
            var actual = pbkdf2(candidate, dec.decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual);
        }
        return false;
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

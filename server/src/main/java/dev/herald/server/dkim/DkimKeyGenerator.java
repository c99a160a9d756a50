package dev.herald.server.dkim;

import dev.herald.storage.model.NewDkimKey;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Makes a domain's DKIM keys: RSA 2048 (what RFC 8301 requires verifiers to accept and what every
 * receiver handles), two selectors so that rotation is a flip to a key already in DNS.
 */
public final class DkimKeyGenerator {
    /** The two selectors every domain gets; the first one signs until the first rotation. */
    public static final List<String> SELECTORS = List.of("herald1", "herald2");
    private static final int RSA_BITS = 2048;

    private DkimKeyGenerator() {
    }

    public static List<NewDkimKey> forNewDomain() {
        return List.of(pair(SELECTORS.get(0), true), pair(SELECTORS.get(1), false));
    }

    public static NewDkimKey pair(String selector, boolean active) {
        try {
            var gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(RSA_BITS);
            var kp = gen.generateKeyPair();
            return new NewDkimKey(selector, kp.getPrivate().getEncoded(), kp.getPublic().getEncoded(), active);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }
}

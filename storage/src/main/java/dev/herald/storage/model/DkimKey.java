package dev.herald.storage.model;

import java.time.Instant;

/**
 * One DKIM selector of a domain. Each domain has two, one active: rotation moves signing to the
 * standby selector whose public key is already published, so no mail is ever signed with a key
 * that DNS does not know.
 *
 * @param privateKey PKCS#8 DER
 * @param publicKey  X.509 SubjectPublicKeyInfo DER, exactly what the DNS record's {@code p=} carries
 */
public record DkimKey(long id, long domainId, String selector, byte[] privateKey, byte[] publicKey,
                      boolean active, Instant createdAt) {
}

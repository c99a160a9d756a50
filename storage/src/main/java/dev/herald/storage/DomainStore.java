package dev.herald.storage;

import dev.herald.storage.model.DkimKey;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.NewDkimKey;
import java.util.List;
import java.util.Optional;

public interface DomainStore {
    /** Creates the domain with its DKIM keys in one transaction. @throws DuplicateException when hosted already */
    Domain create(long tenantId, String name, List<NewDkimKey> keys);

    Optional<Domain> byName(String name);

    /**
     * The domain, its tenant and the tenant's workspace named {@code workspace} (empty when the
     * tenant has none of that name), in one read: the hot path of mailbox provisioning.
     */
    Optional<dev.herald.storage.model.Placement> placement(String domain, String workspace);

    Optional<Domain> byId(long id);

    /** Every domain, or one tenant's, in name order. */
    List<Domain> list(Optional<Long> tenantId);

    /** The domain's DKIM keys in selector order. */
    List<DkimKey> dkimKeys(long domainId);

    /** Makes {@code selector} the only active one. @return false when the domain has no such selector */
    boolean activateSelector(long domainId, String selector);

    /** Replaces the key pair of a selector that is not active (after a rotation, to retire the old key). */
    boolean replaceKey(long domainId, String selector, byte[] privateKey, byte[] publicKey);

    /** Pauses or resumes the domain as a sender (its circuit breaker, or an admin). */
    boolean setStatus(long domainId, dev.herald.storage.model.Status status);

    long mailboxCount(long domainId);

    boolean delete(long domainId);
}

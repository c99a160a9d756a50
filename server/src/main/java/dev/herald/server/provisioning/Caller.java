package dev.herald.server.provisioning;

import dev.herald.storage.model.Scope;
import java.util.Optional;

/**
 * Who is calling, from the API key they presented. A tenant key carries its tenant; a mailbox key
 * carries its mailbox and that mailbox's tenant.
 */
public record Caller(Scope scope, Optional<Long> tenantId, Optional<Long> mailboxId, String keyId) {

    public boolean isAdmin() {
        return scope == Scope.ADMIN;
    }

    /** Whether this caller may see and manage things of {@code tenantId}; a mailbox key manages nothing. */
    public boolean manages(long tenantId) {
        return isAdmin() || (scope == Scope.TENANT && this.tenantId.orElse(-1L) == tenantId);
    }

    public void requireAdmin(String what) {
        if (!isAdmin()) {
            throw ProvisioningException.forbidden(what + " needs an admin key; this is a " + scope.wire() + " key");
        }
    }

    /** Tenant-level work: an admin or a tenant key, never a mailbox key. */
    public void requireTenantOrAdmin(String what) {
        if (scope == Scope.MAILBOX) {
            throw ProvisioningException.forbidden(what + " needs a tenant or admin key; this is a mailbox key");
        }
    }
}

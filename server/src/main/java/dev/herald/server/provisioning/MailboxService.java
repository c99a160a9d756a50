package dev.herald.server.provisioning;

import dev.herald.server.config.Units;
import dev.herald.storage.DuplicateException;
import dev.herald.storage.Secrets;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.MailboxFilter;
import dev.herald.storage.model.NewMailbox;
import dev.herald.storage.model.Status;
import dev.herald.storage.model.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class MailboxService {
    /** Passwords a person picks must be at least this long; generated ones are 32 characters. */
    static final int MIN_PASSWORD_LENGTH = 12;
    static final int MAX_PAGE = 1000;

    public record NewMailboxRequest(String address, Optional<String> workspace, Optional<String> ttl,
                                    Optional<String> password, Optional<String> displayName) {
    }

    /** A created mailbox and, when Herald generated it, its password (shown this once, never stored). */
    public record Created(Mailbox mailbox, Optional<String> generatedPassword) {
    }

    public record ListRequest(Optional<String> tenant, Optional<String> workspace, Optional<String> domain,
                              Optional<String> after, int limit) {
    }

    private final Stores stores;
    private final Lookups lookups;
    private final Clock clock;
    private final Duration maxTtl;

    private final dev.herald.server.policy.Breakers breakers;

    public MailboxService(Stores stores, Lookups lookups, Clock clock, Duration maxTtl, dev.herald.server.policy.Breakers breakers) {
        this.breakers = breakers;
        this.stores = stores;
        this.lookups = lookups;
        this.clock = clock;
        this.maxTtl = maxTtl;
    }

    public Created create(Caller caller, NewMailboxRequest req) {
        caller.requireTenantOrAdmin("creating a mailbox");
        var address = Names.address(req.address());
        var domainName = Names.domainOf(address);
        var workspaceName = req.workspace().map(w -> w.trim().toLowerCase(java.util.Locale.ROOT)).orElse(Workspace.DEFAULT);
        var placement = stores.domains().placement(domainName, workspaceName)
                .filter(p -> caller.manages(p.tenant().id()))
                .orElseThrow(() -> ProvisioningException.notFound("domain '" + domainName + "' not found"));
        var domain = placement.domain();
        var tenant = placement.tenant();
        var workspace = placement.workspace().orElseThrow(() -> ProvisioningException.notFound(
                "workspace '" + workspaceName + "' not found in tenant " + tenant.name()));
        var expiresAt = req.ttl().map(this::expiry);
        var generated = req.password().isEmpty() ? Optional.of(Secrets.newMailboxPassword()) : Optional.<String>empty();
        var hash = generated.map(Secrets::hashToken).orElseGet(() -> Secrets.hashPassword(chosenPassword(req.password().get())));
        var displayName = req.displayName().map(String::trim).filter(s -> !s.isEmpty());
        if (displayName.isPresent() && displayName.get().length() > 200) {
            throw ProvisioningException.invalid("display name is longer than 200 characters");
        }
        var row = new NewMailbox(tenant.id(), workspace.id(), domain.id(), address, displayName.orElse(null), hash, expiresAt);
        var now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        long id;
        try {
            id = stores.mailboxes().create(row, now);
        } catch (DuplicateException e) {
            // An ephemeral mailbox that expired but was not reaped yet frees its address at once.
            var existing = stores.mailboxes().byAddress(address).filter(m -> m.expiredAt(now))
                    .orElseThrow(() -> ProvisioningException.conflict("mailbox '" + address + "' already exists"));
            stores.mailboxes().delete(existing.id());
            id = stores.mailboxes().create(row, now);
        }
        var mailbox = new Mailbox(id, tenant.id(), tenant.name(), workspace.id(), workspace.name(), domain.id(), address,
                row.displayName(), hash, Status.ACTIVE, expiresAt, now);
        return new Created(mailbox, generated);
    }

    private Instant expiry(String ttl) {
        Duration d;
        try {
            d = Units.duration(ttl);
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.invalid("bad ttl: " + e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw ProvisioningException.invalid("bad ttl '" + ttl + "': it must be positive");
        }
        if (d.compareTo(maxTtl) > 0) {
            throw ProvisioningException.invalid("bad ttl '" + ttl + "': the longest allowed is " + maxTtl.toDays() + " days");
        }
        return clock.instant().plus(d);
    }

    private static String chosenPassword(String password) {
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw ProvisioningException.invalid("password is too short: use at least " + MIN_PASSWORD_LENGTH
                    + " characters, or omit it to get a generated one");
        }
        return password;
    }

    public Mailbox show(Caller caller, String address) {
        return lookups.mailbox(caller, address);
    }

    public List<Mailbox> list(Caller caller, ListRequest req) {
        caller.requireTenantOrAdmin("listing mailboxes");
        if (req.limit() < 1 || req.limit() > MAX_PAGE) {
            throw ProvisioningException.invalid("limit must be between 1 and " + MAX_PAGE);
        }
        Optional<Long> tenantId = Optional.empty();
        Optional<Long> workspaceId = Optional.empty();
        Optional<Long> domainId = Optional.empty();
        if (req.tenant().isPresent() || !caller.isAdmin() || req.workspace().isPresent()) {
            var tenant = lookups.tenantOrOwn(caller, req.tenant(), "listing mailboxes by workspace");
            tenantId = Optional.of(tenant.id());
            if (req.workspace().isPresent()) {
                workspaceId = Optional.of(lookups.workspace(tenant, req.workspace().get()).id());
            }
        }
        if (req.domain().isPresent()) {
            domainId = Optional.of(lookups.domain(caller, req.domain().get()).id());
        }
        var now = clock.instant();
        return stores.mailboxes().list(new MailboxFilter(tenantId, workspaceId, domainId, req.after(), req.limit()))
                .stream().filter(m -> !m.expiredAt(now)).toList();
    }

    public Mailbox setStatus(Caller caller, String address, Status status) {
        caller.requireTenantOrAdmin((status == Status.PAUSED ? "pausing" : "resuming") + " a mailbox");
        var mailbox = lookups.mailbox(caller, address);
        if (status == Status.ACTIVE && breakers.pausedMailbox(mailbox.id()) && !caller.isAdmin()) {
            throw ProvisioningException.forbidden("mailbox " + mailbox.address() + " was paused by its circuit breaker; an admin resumes it");
        }
        stores.mailboxes().setStatus(mailbox.id(), status);
        if (status == Status.ACTIVE) {
            breakers.resumedMailbox(mailbox.tenantId(), mailbox.id());
        }
        return stores.mailboxes().byId(mailbox.id()).orElseThrow();
    }

    public void delete(Caller caller, String address) {
        caller.requireTenantOrAdmin("deleting a mailbox");
        stores.mailboxes().delete(lookups.mailbox(caller, address).id());
    }

    /** Deletes expired ephemeral mailboxes. @return their addresses */
    public List<String> reapExpired() {
        return stores.mailboxes().deleteExpired(clock.instant());
    }
}

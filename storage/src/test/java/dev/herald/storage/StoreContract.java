package dev.herald.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.storage.model.MailboxFilter;
import dev.herald.storage.model.NewApiKey;
import dev.herald.storage.model.NewDkimKey;
import dev.herald.storage.model.NewMailbox;
import dev.herald.storage.model.PolicyLevel;
import dev.herald.storage.model.PolicyTarget;
import dev.herald.storage.model.Scope;
import dev.herald.storage.model.Status;
import dev.herald.storage.model.TenantCounts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the provisioning stores must do. H2 runs it today; another
 * backend (PostgreSQL) extends this class and must pass it unchanged.
 */
public abstract class StoreContract {
    protected abstract Stores stores();

    private long tenant(String name) {
        return stores().tenants().create(name).id();
    }

    private long domain(long tenantId, String name) {
        return stores().domains().create(tenantId, name, List.of(
                new NewDkimKey("herald1", new byte[] {1}, new byte[] {2}, true),
                new NewDkimKey("herald2", new byte[] {3}, new byte[] {4}, false))).id();
    }

    private long mailbox(long tenantId, long domainId, String address, Optional<Instant> expires) {
        var ws = stores().workspaces().byName(tenantId, "default").orElseThrow().id();
        return stores().mailboxes().create(new NewMailbox(tenantId, ws, domainId, address, null, "sha256$x", expires), Instant.now());
    }

    @Test
    void tenantsHaveUniqueNamesAndADefaultWorkspace() {
        var t = stores().tenants().create("acme");
        assertThat(stores().tenants().byName("acme")).contains(t);
        assertThat(stores().tenants().byId(t.id())).contains(t);
        assertThat(stores().workspaces().list(t.id())).extracting(w -> w.name()).containsExactly("default");
        assertThatThrownBy(() -> stores().tenants().create("acme")).isInstanceOf(DuplicateException.class);
        assertThat(stores().tenants().setStatus(t.id(), Status.PAUSED)).isTrue();
        assertThat(stores().tenants().byName("acme").orElseThrow().status()).isEqualTo(Status.PAUSED);
        assertThat(stores().tenants().byName("nope")).isEmpty();
    }

    @Test
    void theMostSpecificRouteWinsAndAScopeHasOne() {
        long a = tenant("a");
        long b = tenant("b");
        long da = domain(a, "a.example");
        long db = domain(a, "b.example");
        assertThat(stores().routes().forSending(a, Optional.of(da))).isEmpty();
        var server = stores().routes().put(route(Optional.empty(), Optional.empty(), "relay.example", Optional.empty()));
        var tenantRoute = stores().routes().put(route(Optional.of(a), Optional.empty(), null, Optional.of("127.0.0.2")));
        var domainRoute = stores().routes().put(route(Optional.of(a), Optional.of(da), "smtp.provider.example", Optional.empty()));
        assertThat(stores().routes().forSending(a, Optional.of(da)).orElseThrow().id()).isEqualTo(domainRoute.id());
        assertThat(stores().routes().forSending(a, Optional.of(db)).orElseThrow().id()).isEqualTo(tenantRoute.id());
        assertThat(stores().routes().forSending(b, Optional.empty()).orElseThrow().id()).isEqualTo(server.id());
        assertThat(domainRoute.relayPassword()).contains("secret");
        assertThat(domainRoute.toString()).doesNotContain("secret");
        assertThat(server.setByAdmin()).as("who set a route is kept: it decides whether a private relay is allowed").isTrue();
        assertThat(domainRoute.setByAdmin()).isFalse();

        var replaced = stores().routes().put(route(Optional.of(a), Optional.empty(), null, Optional.of("127.0.0.3")));
        assertThat(stores().routes().list(Optional.of(a))).extracting(r -> r.id()).containsExactly(domainRoute.id(), replaced.id());
        assertThat(stores().routes().list(Optional.empty())).hasSize(3);
        assertThat(stores().routes().delete(server.id())).isTrue();
        assertThat(stores().routes().forSending(b, Optional.empty())).isEmpty();
    }

    private static dev.herald.storage.model.OutboundRoute route(Optional<Long> tenant, Optional<Long> domain, String relay,
                                                                Optional<String> source) {
        return new dev.herald.storage.model.OutboundRoute(0, tenant, domain, Optional.ofNullable(relay), 587, "starttls", true,
                Optional.of("user"), Optional.of("secret"), source, tenant.isEmpty(), java.time.Instant.EPOCH);
    }

    @Test
    void workspaceNamesAreUniquePerTenantOnly() {
        long a = tenant("a");
        long b = tenant("b");
        stores().workspaces().create(a, "support");
        stores().workspaces().create(b, "support");
        assertThatThrownBy(() -> stores().workspaces().create(a, "support")).isInstanceOf(DuplicateException.class);
        assertThat(stores().workspaces().list(a)).extracting(w -> w.name()).containsExactly("default", "support");
    }

    @Test
    void domainsKeepTheirKeysAndRotate() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        assertThatThrownBy(() -> domain(t, "acme.com")).isInstanceOf(DuplicateException.class);
        assertThat(stores().domains().dkimKeys(d)).extracting(k -> k.selector() + ":" + k.active())
                .containsExactly("herald1:true", "herald2:false");
        assertThat(stores().domains().activateSelector(d, "herald2")).isTrue();
        assertThat(stores().domains().activateSelector(d, "nope")).isFalse();
        assertThat(stores().domains().dkimKeys(d)).extracting(k -> k.selector() + ":" + k.active())
                .containsExactly("herald1:false", "herald2:true");
        assertThat(stores().domains().replaceKey(d, "herald2", new byte[] {9}, new byte[] {9})).as("the active key is never replaced").isFalse();
        assertThat(stores().domains().replaceKey(d, "herald1", new byte[] {7}, new byte[] {8})).isTrue();
        assertThat(stores().domains().dkimKeys(d).get(0).publicKey()).containsExactly(8);
        assertThat(stores().domains().list(Optional.of(t))).extracting(x -> x.name()).containsExactly("acme.com");
    }

    @Test
    void placementReadsDomainTenantAndWorkspaceTogether() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        stores().workspaces().create(t, "support");
        tenant("other");
        stores().workspaces().create(stores().tenants().byName("other").orElseThrow().id(), "sales");
        var p = stores().domains().placement("acme.com", "support").orElseThrow();
        assertThat(p.domain().id()).isEqualTo(d);
        assertThat(p.tenant().name()).isEqualTo("acme");
        assertThat(p.workspace().orElseThrow().name()).isEqualTo("support");
        assertThat(stores().domains().placement("acme.com", "sales").orElseThrow().workspace())
                .as("another tenant's workspace is not a placement").isEmpty();
        assertThat(stores().domains().placement("nope.com", "support")).isEmpty();
    }

    @Test
    void mailboxesArePagedAndFiltered() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        long other = domain(tenant("other"), "other.com");
        for (var local : List.of("c", "a", "b")) {
            mailbox(t, d, local + "@acme.com", Optional.empty());
        }
        mailbox(stores().domains().byId(other).orElseThrow().tenantId(), other, "z@other.com", Optional.empty());
        assertThatThrownBy(() -> mailbox(t, d, "a@acme.com", Optional.empty())).isInstanceOf(DuplicateException.class);

        var page = stores().mailboxes().list(new MailboxFilter(Optional.of(t), Optional.empty(), Optional.empty(), Optional.empty(), 2));
        assertThat(page).extracting(m -> m.address()).containsExactly("a@acme.com", "b@acme.com");
        assertThat(page.get(0).tenantName()).isEqualTo("acme");
        assertThat(page.get(0).workspaceName()).isEqualTo("default");
        var next = stores().mailboxes().list(new MailboxFilter(Optional.of(t), Optional.empty(), Optional.empty(), Optional.of("b@acme.com"), 2));
        assertThat(next).extracting(m -> m.address()).containsExactly("c@acme.com");
        assertThat(stores().mailboxes().list(new MailboxFilter(Optional.empty(), Optional.empty(), Optional.of(other), Optional.empty(), 10)))
                .extracting(m -> m.address()).containsExactly("z@other.com");
    }

    @Test
    void expiredMailboxesAreDeletedWithTheirPolicies() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        var now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long gone = mailbox(t, d, "gone@acme.com", Optional.of(now.minusSeconds(1)));
        mailbox(t, d, "stays@acme.com", Optional.of(now.plusSeconds(3600)));
        stores().policies().apply(new PolicyTarget(PolicyLevel.MAILBOX, gone), Map.of("run.limit", Optional.of("5")));
        assertThat(stores().mailboxes().byAddress("gone@acme.com").orElseThrow().expiredAt(now)).isTrue();
        assertThat(stores().mailboxes().deleteExpired(now)).containsExactly("gone@acme.com");
        assertThat(stores().mailboxes().byAddress("gone@acme.com")).isEmpty();
        assertThat(stores().mailboxes().byAddress("stays@acme.com")).isPresent();
        assertThat(stores().policies().values(new PolicyTarget(PolicyLevel.MAILBOX, gone))).isEmpty();
    }

    @Test
    void apiKeysAreFoundByHashAndRevoked() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        long m = mailbox(t, d, "bot@acme.com", Optional.empty());
        var tk = stores().apiKeys().create(new NewApiKey("hk_aaaa", "h1", "ci", Scope.TENANT, Optional.of(t), Optional.empty()));
        stores().apiKeys().create(new NewApiKey("hk_bbbb", "h2", null, Scope.MAILBOX, Optional.empty(), Optional.of(m)));
        stores().apiKeys().create(new NewApiKey("hk_cccc", "h3", null, Scope.ADMIN, Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> stores().apiKeys().create(new NewApiKey("hk_aaaa", "h9", null, Scope.ADMIN, Optional.empty(),
                Optional.empty()))).isInstanceOf(DuplicateException.class);
        assertThat(stores().apiKeys().byTokenHash("h1")).contains(tk);
        assertThat(stores().apiKeys().list(Optional.of(t))).extracting(k -> k.keyId()).containsExactly("hk_aaaa", "hk_bbbb");
        assertThat(stores().apiKeys().hasActiveAdminKey()).isTrue();
        assertThat(stores().apiKeys().revoke("hk_cccc", Instant.now())).isTrue();
        assertThat(stores().apiKeys().revoke("hk_cccc", Instant.now())).isFalse();
        assertThat(stores().apiKeys().hasActiveAdminKey()).isFalse();
        assertThat(stores().apiKeys().byKeyId("hk_cccc").orElseThrow().revoked()).isTrue();
    }

    @Test
    void policyValuesSetAndUnsetPerTarget() {
        long t = tenant("acme");
        var at = new PolicyTarget(PolicyLevel.TENANT, t);
        stores().policies().apply(at, Map.of("a", Optional.of("1"), "b", Optional.of("2")));
        stores().policies().apply(at, Map.of("a", Optional.of("3"), "b", Optional.empty()));
        assertThat(stores().policies().values(at)).isEqualTo(Map.of("a", "3"));
        assertThat(stores().policies().values(PolicyTarget.SERVER)).isEmpty();
    }

    @Test
    void deletingATenantRemovesEverythingItOwns() {
        long t = tenant("acme");
        long d = domain(t, "acme.com");
        long m = mailbox(t, d, "bot@acme.com", Optional.empty());
        long ws = stores().workspaces().create(t, "support").id();
        stores().apiKeys().create(new NewApiKey("hk_dddd", "h4", null, Scope.MAILBOX, Optional.empty(), Optional.of(m)));
        stores().policies().apply(new PolicyTarget(PolicyLevel.WORKSPACE, ws), Map.of("x", Optional.of("1")));
        stores().policies().apply(new PolicyTarget(PolicyLevel.TENANT, t), Map.of("x", Optional.of("1")));
        long keep = tenant("keep");
        assertThat(stores().tenants().counts(t)).isEqualTo(new TenantCounts(2, 1, 1, 1));

        assertThat(stores().tenants().delete(t)).isTrue();
        assertThat(stores().tenants().byId(t)).isEmpty();
        assertThat(stores().domains().byName("acme.com")).isEmpty();
        assertThat(stores().mailboxes().byAddress("bot@acme.com")).isEmpty();
        assertThat(stores().apiKeys().byKeyId("hk_dddd")).isEmpty();
        assertThat(stores().policies().values(new PolicyTarget(PolicyLevel.WORKSPACE, ws))).isEmpty();
        assertThat(stores().policies().values(new PolicyTarget(PolicyLevel.TENANT, t))).isEmpty();
        assertThat(stores().tenants().byId(keep)).isPresent();
    }
}

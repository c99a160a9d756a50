package dev.herald.server.http;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant key reaches only its own tenant: everything of another tenant answers 404 (as if it
 * did not exist) or 403 (a verb above its scope), for every noun, and nothing changes.
 */
class TenantIsolationTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static TestApi admin;
    static TestApi globex;
    static TestApi acmeMailbox;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data);
        admin = herald.admin();
        admin.createTenant("acme");
        admin.addDomain("acme", "acme.com");
        expect(201, admin.post("/v1/tenants/acme/workspaces", Map.of("name", "support")));
        admin.createMailbox("bot@acme.com");
        admin.createKey(Map.of("scope", "tenant", "tenant", "acme", "name", "acme ci"));
        admin.createTenant("globex");
        admin.addDomain("globex", "globex.com");
        globex = herald.as(admin.createKey(Map.of("scope", "tenant", "tenant", "globex")));
        acmeMailbox = herald.as(admin.createKey(Map.of("scope", "mailbox", "mailbox", "bot@acme.com")));
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    record Probe(String method, String path, Object body, int status) {
    }

    static List<Probe> foreignProbes() {
        var acmeKeyId = expect(200, admin.get("/v1/keys?tenant=acme")).get("keys").get(0).get("id").asText();
        return List.of(
                // tenant
                new Probe("GET", "/v1/tenants/acme", null, 404),
                new Probe("DELETE", "/v1/tenants/acme?force=true", null, 403),
                new Probe("POST", "/v1/tenants", Map.of("name", "evil"), 403),
                // workspace
                new Probe("GET", "/v1/tenants/acme/workspaces", null, 404),
                new Probe("GET", "/v1/tenants/acme/workspaces/support", null, 404),
                new Probe("POST", "/v1/tenants/acme/workspaces", Map.of("name", "evil"), 404),
                new Probe("PATCH", "/v1/tenants/acme/workspaces/support", Map.of("mailbox.daily_limit", 1), 404),
                // domain
                new Probe("GET", "/v1/domains/acme.com", null, 404),
                new Probe("GET", "/v1/domains/acme.com/dns", null, 404),
                new Probe("POST", "/v1/domains/acme.com/verify", Map.of(), 404),
                new Probe("POST", "/v1/domains/acme.com/rotate-dkim", Map.of(), 404),
                new Probe("DELETE", "/v1/domains/acme.com?force=true", null, 404),
                new Probe("GET", "/v1/domains?tenant=acme", null, 404),
                new Probe("POST", "/v1/domains", Map.of("tenant", "acme", "name", "evil.acme.com"), 404),
                new Probe("POST", "/v1/domains", Map.of("name", "sub.acme.com"), 409),
                // mailbox
                new Probe("GET", "/v1/mailboxes/bot@acme.com", null, 404),
                new Probe("GET", "/v1/mailboxes?tenant=acme", null, 404),
                new Probe("GET", "/v1/mailboxes?domain=acme.com", null, 404),
                new Probe("POST", "/v1/mailboxes", Map.of("address", "evil@acme.com"), 404),
                new Probe("POST", "/v1/mailboxes/bot@acme.com/pause", Map.of(), 404),
                new Probe("DELETE", "/v1/mailboxes/bot@acme.com", null, 404),
                // key
                new Probe("GET", "/v1/keys?tenant=acme", null, 404),
                new Probe("POST", "/v1/keys", Map.of("scope", "tenant", "tenant", "acme"), 404),
                new Probe("POST", "/v1/keys", Map.of("scope", "mailbox", "mailbox", "bot@acme.com"), 404),
                new Probe("POST", "/v1/keys", Map.of("scope", "admin"), 403),
                new Probe("DELETE", "/v1/keys/" + acmeKeyId, null, 404),
                // policy
                new Probe("GET", "/v1/policy?tenant=acme", null, 404),
                new Probe("PATCH", "/v1/policy?tenant=acme", Map.of("stream", "bulk"), 404),
                new Probe("GET", "/v1/policy?tenant=acme&workspace=support", null, 404),
                new Probe("GET", "/v1/policy?mailbox=bot@acme.com", null, 404),
                new Probe("PATCH", "/v1/policy?mailbox=bot@acme.com", Map.of("stream", "bulk"), 404));
    }

    @Test
    void aTenantKeyCannotSeeOrTouchAnotherTenant() {
        var before = acmeState();
        for (var p : foreignProbes()) {
            var r = globex.send(p.method(), p.path(), p.body());
            assertThat(r.status()).as(p.method() + " " + p.path() + " → " + r.raw()).isEqualTo(p.status());
            // The refusal may echo what the caller typed, never what acme has.
            assertThat(r.raw()).as("no acme data leaks in " + p.path())
                    .doesNotContain("\"tenant\":\"acme\"").doesNotContain("_domainkey.acme").doesNotContain("support\"");
        }
        assertThat(acmeState()).isEqualTo(before);
    }

    @Test
    void listingsShowOnlyTheCallersTenant() {
        assertThat(ProvisioningApiTest.names(expect(200, globex.get("/v1/tenants")).get("tenants"), "name")).containsExactly("globex");
        assertThat(ProvisioningApiTest.names(expect(200, globex.get("/v1/domains")).get("domains"), "name"))
                .allMatch(d -> d.endsWith("globex.com")).contains("globex.com");
        assertThat(ProvisioningApiTest.names(expect(200, globex.get("/v1/mailboxes")).get("mailboxes"), "tenant")).containsOnly("globex");
        assertThat(ProvisioningApiTest.names(expect(200, globex.get("/v1/keys")).get("keys"), "tenant")).containsOnly("globex");
        // Without a target a tenant key means its own tenant; the server level is out of its reach.
        assertThat(expect(200, globex.get("/v1/policy")).get("target").asText()).isEqualTo("globex");
        expect(200, globex.patch("/v1/policy", Map.of("run.limit", 7)));
        assertThat(expect(200, admin.get("/v1/policy")).get("own")).isEmpty();
    }

    @Test
    void aTenantKeyManagesItsOwnTenant() {
        expect(201, globex.post("/v1/domains", Map.of("name", "support-bot.globex.com")));
        expect(201, globex.post("/v1/mailboxes", Map.of("address", "agent@support-bot.globex.com")));
        var mkey = expect(201, globex.post("/v1/keys", Map.of("scope", "mailbox", "mailbox", "agent@support-bot.globex.com")));
        assertThat(mkey.get("tenant").asText()).isEqualTo("globex");
        expect(200, globex.patch("/v1/policy?mailbox=agent@support-bot.globex.com", Map.of("mailbox.hourly_limit", 10)));
        // platform guardrails stay the operator's
        assertThat(globex.patch("/v1/policy?tenant=globex", Map.of("breaker.bounce_pause", "50%")).status()).isEqualTo(403);
        assertThat(globex.patch("/v1/policy?tenant=globex", Map.of("tenant.daily_limit", "unlimited")).status()).isEqualTo(403);
    }

    @Test
    void aMailboxKeySeesOnlyItsOwnMailbox() {
        assertThat(expect(200, acmeMailbox.get("/v1/mailboxes/bot@acme.com")).get("address").asText()).isEqualTo("bot@acme.com");
        var body = new HashMap<String, Object>(Map.of("address", "x@acme.com"));
        assertThat(acmeMailbox.post("/v1/mailboxes", body).status()).isEqualTo(403);
        assertThat(acmeMailbox.get("/v1/mailboxes").status()).isEqualTo(403);
        assertThat(acmeMailbox.get("/v1/tenants/acme").status()).isEqualTo(404);
        assertThat(acmeMailbox.get("/v1/tenants").status()).isEqualTo(403);
        assertThat(acmeMailbox.get("/v1/domains/acme.com").status()).isEqualTo(403);
        assertThat(acmeMailbox.post("/v1/keys", Map.of("scope", "mailbox", "mailbox", "bot@acme.com")).status()).isEqualTo(403);
        assertThat(acmeMailbox.delete("/v1/mailboxes/bot@acme.com").status()).isEqualTo(403);
        assertThat(acmeMailbox.patch("/v1/policy?mailbox=bot@acme.com", Map.of("stream", "bulk")).status()).isEqualTo(403);
    }

    private static String acmeState() {
        return String.join("\n",
                expect(200, admin.get("/v1/tenants/acme")).toString(),
                expect(200, admin.get("/v1/tenants/acme/workspaces")).toString(),
                expect(200, admin.get("/v1/domains/acme.com")).toString(),
                expect(200, admin.get("/v1/mailboxes?tenant=acme")).toString(),
                expect(200, admin.get("/v1/keys?tenant=acme")).toString(),
                expect(200, admin.get("/v1/policy?mailbox=bot@acme.com")).toString(),
                expect(200, admin.get("/v1/policy")).toString());
    }
}

package dev.herald.server.http;

import static dev.herald.server.testing.TestApi.enc;
import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning API over real HTTP against a real server: the whole path, then every way to get it wrong. */
class ProvisioningApiTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static TestApi admin;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data);
        admin = herald.admin();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void tenantDomainMailboxKeyAndBack() {
        var tenant = admin.createTenant("acme");
        assertThat(tenant.get("name").asText()).isEqualTo("acme");
        assertThat(tenant.get("workspaces")).extracting(JsonNode::asText).containsExactly("default");

        var domain = admin.addDomain("acme", "acme.com");
        assertThat(domain.get("tenant").asText()).isEqualTo("acme");
        assertThat(domain.get("active_selector").asText()).isEqualTo("herald1");
        assertThat(domain.get("dkim")).hasSize(2);
        assertThat(domain.get("zone").asText())
                .contains("acme.com. 3600 IN MX 10 mx.herald.test.")
                .contains("acme.com. 3600 IN TXT \"v=spf1 mx -all\"")
                .contains("herald1._domainkey.acme.com. 3600 IN TXT")
                .contains("herald2._domainkey.acme.com. 3600 IN TXT")
                .contains("_dmarc.acme.com. 3600 IN TXT \"v=DMARC1; p=quarantine");

        expect(201, admin.post("/v1/tenants/acme/workspaces", Map.of("name", "support")));
        var mailbox = expect(201, admin.post("/v1/mailboxes", Map.of("address", "Support-Bot@ACME.com", "workspace", "support",
                "display_name", "Acme Support")));
        assertThat(mailbox.get("address").asText()).isEqualTo("support-bot@acme.com");
        assertThat(mailbox.get("workspace").asText()).isEqualTo("support");
        assertThat(mailbox.get("credentials").get("username").asText()).isEqualTo("support-bot@acme.com");
        assertThat(mailbox.get("credentials").get("password").asText()).hasSize(32);

        var key = expect(201, admin.post("/v1/keys", Map.of("scope", "tenant", "tenant", "acme", "name", "ci")));
        assertThat(key.get("key").asText()).startsWith("hk_").startsWith(key.get("id").asText());
        assertThat(key.get("tenant").asText()).isEqualTo("acme");

        // list and show
        assertThat(names(expect(200, admin.get("/v1/tenants")).get("tenants"), "name")).contains("acme");
        var shown = expect(200, admin.get("/v1/tenants/acme"));
        assertThat(shown.get("domains").asLong()).isEqualTo(1);
        assertThat(shown.get("mailboxes").asLong()).isEqualTo(1);
        assertThat(shown.get("api_keys").asLong()).isEqualTo(1);
        assertThat(names(expect(200, admin.get("/v1/tenants/acme/workspaces")).get("workspaces"), "name"))
                .containsExactly("default", "support");
        assertThat(names(expect(200, admin.get("/v1/domains?tenant=acme")).get("domains"), "name")).containsExactly("acme.com");
        assertThat(expect(200, admin.get("/v1/mailboxes/" + enc("support-bot@acme.com"))).get("display_name").asText())
                .isEqualTo("Acme Support");
        assertThat(names(expect(200, admin.get("/v1/mailboxes?tenant=acme&workspace=support")).get("mailboxes"), "address"))
                .containsExactly("support-bot@acme.com");
        var keys = expect(200, admin.get("/v1/keys?tenant=acme")).get("keys");
        assertThat(names(keys, "id")).containsExactly(key.get("id").asText());
        assertThat(keys.toString()).doesNotContain(key.get("key").asText());

        // pause, resume, revoke, delete
        assertThat(expect(200, admin.post("/v1/mailboxes/support-bot@acme.com/pause", Map.of())).get("status").asText()).isEqualTo("paused");
        assertThat(expect(200, admin.post("/v1/mailboxes/support-bot@acme.com/resume", Map.of())).get("status").asText()).isEqualTo("active");
        assertThat(expect(200, admin.delete("/v1/keys/" + key.get("id").asText())).get("revoked_at").isNull()).isFalse();
        assertThat(herald.as(key.get("key").asText()).get("/v1/tenants/acme").status()).isEqualTo(401);
        assertThat(admin.delete("/v1/mailboxes/support-bot@acme.com").status()).isEqualTo(204);
        assertThat(admin.get("/v1/mailboxes/support-bot@acme.com").status()).isEqualTo(404);
        assertThat(admin.delete("/v1/tenants/acme").status()).isEqualTo(409);
        assertThat(admin.delete("/v1/tenants/acme?force=true").status()).isEqualTo(204);
        assertThat(admin.get("/v1/tenants/acme").status()).isEqualTo(404);
        assertThat(admin.get("/v1/domains/acme.com").status()).isEqualTo(404);
    }

    @Test
    void stateSurvivesARestart() {
        admin.createTenant("durable");
        admin.addDomain("durable", "durable.example");
        var password = admin.createMailbox("keeper@durable.example").get("credentials").get("password").asText();
        var key = admin.createKey(Map.of("scope", "mailbox", "mailbox", "keeper@durable.example"));
        herald.restart();
        admin = herald.admin();
        assertThat(expect(200, admin.get("/v1/tenants/durable")).get("mailboxes").asLong()).isEqualTo(1);
        assertThat(expect(200, herald.as(key).get("/v1/mailboxes/keeper@durable.example")).get("tenant").asText()).isEqualTo("durable");
        assertThat(password).isNotBlank();
    }

    @Test
    void errorsNameTheProblemAndChangeNothing() {
        admin.createTenant("errs");
        admin.addDomain("errs", "errs.example");
        admin.createMailbox("one@errs.example");
        var before = snapshot("errs");

        assertError(admin.post("/v1/tenants", Map.of("name", "errs")), 409, "tenant 'errs' already exists");
        assertError(admin.post("/v1/tenants", Map.of("name", "Bad Name!")), 400, "bad tenant name 'Bad Name!'");
        assertError(admin.post("/v1/tenants", Map.of()), 400, "field 'name' is required");
        assertError(admin.post("/v1/tenants", Map.of("nmae", "x")), 400, "unknown field(s) nmae");
        assertError(admin.post("/v1/tenants/errs/workspaces", Map.of("name", "default")), 409, "workspace 'default' already exists");
        assertError(admin.post("/v1/tenants/nosuch/workspaces", Map.of("name", "w")), 404, "tenant 'nosuch' not found");
        assertError(admin.post("/v1/domains", Map.of("tenant", "nosuch", "name", "x.example")), 404, "tenant 'nosuch' not found");
        assertError(admin.post("/v1/domains", Map.of("name", "x.example")), 400, "needs a tenant");
        assertError(admin.post("/v1/domains", Map.of("tenant", "errs", "name", "errs.example")), 409, "already hosted");
        assertError(admin.post("/v1/domains", Map.of("tenant", "errs", "name", "not_a domain")), 400, "bad domain name 'not_a domain'");
        assertError(admin.post("/v1/domains", Map.of("tenant", "errs", "name", "localhost")), 400, "at least two labels");
        assertError(admin.post("/v1/domains", Map.of("tenant", "errs", "name", "a.123")), 400, "not a top-level domain");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "one@errs.example")), 409, "mailbox 'one@errs.example' already exists");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "no-at-sign")), 400, "expected local@domain");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "a b@errs.example")), 400, "bad address 'a b@errs.example'");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x+tag@errs.example")), 400, "'+' is reserved");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "\"q@x\"@errs.example")), 400, "bad address");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x@unhosted.example")), 404, "domain 'unhosted.example' not found");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x@errs.example", "workspace", "nope")), 404,
                "workspace 'nope' not found in tenant errs");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x@errs.example", "ttl", "soon")), 400, "bad ttl");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x@errs.example", "ttl", "400d")), 400, "the longest allowed is 365 days");
        assertError(admin.post("/v1/mailboxes", Map.of("address", "x@errs.example", "password", "short")), 400, "password is too short");
        assertError(admin.post("/v1/keys", Map.of("scope", "root")), 400, "bad scope 'root'");
        assertError(admin.post("/v1/keys", Map.of("scope", "mailbox")), 400, "a mailbox key needs a mailbox address");
        assertError(admin.post("/v1/keys", Map.of("scope", "mailbox", "mailbox", "ghost@errs.example")), 404, "mailbox 'ghost@errs.example' not found");
        assertError(admin.delete("/v1/keys/hk_nothere"), 404, "API key 'hk_nothere' not found");
        assertError(admin.patch("/v1/policy?tenant=errs", Map.of("mailbox.daily_limit", "-1")), 400, "must not be negative");
        assertError(admin.patch("/v1/policy?tenant=errs", Map.of("nope", "1")), 400, "unknown policy setting 'nope'");
        assertError(admin.patch("/v1/policy?mailbox=one@errs.example", Map.of("tenant.daily_limit", "5")), 400,
                "cannot be set on a mailbox");
        assertError(admin.delete("/v1/domains/errs.example"), 409, "still has 1 mailbox(es)");

        assertThat(snapshot("errs")).isEqualTo(before);
    }

    @Test
    void httpLevelErrors() {
        assertError(herald.as(null).get("/v1/tenants"), 401, "missing API key");
        assertError(herald.as("hk_forged").get("/v1/tenants"), 401, "invalid API key");
        assertThat(herald.as(null).get("/v1/tenants").raw()).contains("\"code\" : \"unauthorized\"".replace(" : ", ":"));
        assertError(admin.get("/v1/nothing"), 404, "no such endpoint: /v1/nothing");
        assertError(admin.send("PUT", "/v1/tenants", Map.of()), 405, "allowed: GET, POST");
        assertError(admin.sendRaw("POST", "/v1/tenants", "{not json"), 400, "request body is not valid JSON");
        assertError(admin.sendRaw("POST", "/v1/tenants", "[1,2]"), 400, "request body must be a JSON object");
        assertThat(admin.sendRaw("POST", "/v1/tenants", "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").status()).isEqualTo(413);
        assertThat(expect(200, herald.as(null).get("/healthz")).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void mailboxListIsPaged() {
        admin.createTenant("pages");
        admin.addDomain("pages", "pages.example");
        for (int i = 0; i < 5; i++) {
            admin.createMailbox("m" + i + "@pages.example");
        }
        var first = expect(200, admin.get("/v1/mailboxes?domain=pages.example&limit=3"));
        assertThat(names(first.get("mailboxes"), "address")).containsExactly("m0@pages.example", "m1@pages.example", "m2@pages.example");
        var second = expect(200, admin.get("/v1/mailboxes?domain=pages.example&limit=3&after=" + first.get("next").asText()));
        assertThat(names(second.get("mailboxes"), "address")).containsExactly("m3@pages.example", "m4@pages.example");
        assertThat(second.get("next").isNull()).isTrue();
        assertError(admin.get("/v1/mailboxes?limit=0"), 400, "limit must be between 1 and 1000");
    }

    @Test
    void workspacePolicyAppliesToItsMailboxesAtOnce() {
        admin.createTenant("pol");
        admin.addDomain("pol", "pol.example");
        expect(201, admin.post("/v1/tenants/pol/workspaces", Map.of("name", "outreach")));
        expect(201, admin.post("/v1/mailboxes", Map.of("address", "a@pol.example", "workspace", "outreach")));
        expect(201, admin.post("/v1/mailboxes", Map.of("address", "b@pol.example", "workspace", "outreach")));

        expect(200, admin.patch("/v1/tenants/pol/workspaces/outreach", Map.of("mailbox.daily_limit", 200, "stream", "bulk")));
        expect(200, admin.patch("/v1/policy?mailbox=b@pol.example", Map.of("mailbox.daily_limit", 20)));

        var a = expect(200, admin.get("/v1/policy?mailbox=a@pol.example")).get("effective");
        assertThat(a.get("mailbox.daily_limit").get("value").asText()).isEqualTo("200");
        assertThat(a.get("mailbox.daily_limit").get("source").asText()).isEqualTo("workspace");
        assertThat(a.get("stream").get("value").asText()).isEqualTo("bulk");
        assertThat(a.get("mailbox.hourly_limit").get("source").asText()).isEqualTo("default");
        var b = expect(200, admin.get("/v1/policy?mailbox=b@pol.example")).get("effective");
        assertThat(b.get("mailbox.daily_limit").get("value").asText()).isEqualTo("20");
        assertThat(b.get("mailbox.daily_limit").get("source").asText()).isEqualTo("mailbox");

        // unset at the workspace: back to the server default for a, b keeps its own
        var map = new java.util.HashMap<String, Object>();
        map.put("mailbox.daily_limit", null);
        expect(200, admin.patch("/v1/tenants/pol/workspaces/outreach", map));
        assertThat(expect(200, admin.get("/v1/policy?mailbox=a@pol.example")).get("effective").get("mailbox.daily_limit")
                .get("value").asText()).isEqualTo("1000");
    }

    private static void assertError(TestApi.Response r, int status, String messagePart) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().path("error").path("status").asInt()).isEqualTo(status);
        assertThat(r.message()).as(r.raw()).contains(messagePart);
    }

    /** Everything the admin can see of a tenant, to compare before and after refused requests. */
    private static String snapshot(String tenant) {
        return String.join("\n", List.of(
                expect(200, admin.get("/v1/tenants/" + tenant)).toString(),
                expect(200, admin.get("/v1/tenants/" + tenant + "/workspaces")).toString(),
                expect(200, admin.get("/v1/domains?tenant=" + tenant)).toString(),
                expect(200, admin.get("/v1/mailboxes?tenant=" + tenant)).toString(),
                expect(200, admin.get("/v1/keys?tenant=" + tenant)).toString(),
                expect(200, admin.get("/v1/policy?tenant=" + tenant)).toString()));
    }

    static List<String> names(JsonNode array, String field) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}

package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin verbs of the real CLI against a real running server. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static LoopbackDnsServer dns;
    static TestHerald herald;
    static String url;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        dns = new LoopbackDnsServer();
        herald = TestHerald.start(data, Map.of("dns.resolver", dns.address()));
        url = herald.url();
        key = herald.adminKey();
    }

    @AfterAll
    static void stop() {
        herald.close();
        dns.close();
    }

    static CliRun cli(String... args) {
        return CliRun.run(url, key, args);
    }

    @Test
    void provisionAFleetFromTheCommandLine() throws Exception {
        var t = cli("tenant", "create", "acme");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).isEqualTo("created tenant acme (workspaces: default)\n");

        var d = cli("domain", "add", "acme.com", "--tenant", "acme");
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(d.out()).contains("added domain acme.com for tenant acme (signing with selector herald1)")
                .contains("acme.com. 3600 IN MX 10 mx.herald.test.")
                .contains("herald2._domainkey.acme.com. 3600 IN TXT");

        assertThat(cli("workspace", "create", "support", "--tenant", "acme").out()).isEqualTo("created workspace support in tenant acme\n");
        var m = cli("mailbox", "create", "bot@acme.com", "--workspace", "support", "--ttl", "1h");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).contains("created mailbox bot@acme.com in acme/support (expires ")
                .containsPattern("password: [A-Za-z0-9_-]{32}   \\(shown once\\)");

        var k = cli("key", "create", "--scope", "tenant", "--tenant", "acme", "--name", "fleet", "--json");
        assertThat(k.exit()).as(k.err()).isZero();
        var keyJson = JSON.readTree(k.out());
        assertThat(keyJson.get("scope").asText()).isEqualTo("tenant");
        var tenantKey = keyJson.get("key").asText();

        // The tenant key drives the same verbs for its own tenant.
        var list = CliRun.run(url, tenantKey, "mailbox", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().toList()).hasSize(2).last().asString().startsWith("bot@acme.com  acme    support    active");
        assertThat(CliRun.run(url, tenantKey, "tenant", "show", "acme").out()).contains("mailboxes:  1").contains("workspaces: default, support");

        var show = JSON.readTree(cli("mailbox", "show", "bot@acme.com", "--json").out());
        assertThat(show.get("workspace").asText()).isEqualTo("support");
        assertThat(cli("mailbox", "pause", "bot@acme.com").out()).isEqualTo("bot@acme.com is paused\n");
        assertThat(cli("mailbox", "resume", "bot@acme.com").out()).isEqualTo("bot@acme.com is active\n");
        assertThat(cli("domain", "list", "--json").out()).contains("\"acme.com\"");
        assertThat(cli("key", "list", "--tenant", "acme").out()).contains(keyJson.get("id").asText()).doesNotContain(tenantKey);
        assertThat(cli("key", "revoke", keyJson.get("id").asText()).out()).startsWith("revoked key hk_");
        var revoked = CliRun.run(url, tenantKey, "tenant", "list");
        assertThat(revoked.exit()).isEqualTo(1);
        assertThat(revoked.err()).isEqualTo("herald: API key " + keyJson.get("id").asText() + " has been revoked\n");
        assertThat(cli("mailbox", "delete", "bot@acme.com").out()).isEqualTo("deleted mailbox bot@acme.com\n");
        var unforced = cli("tenant", "delete", "acme");
        assertThat(unforced.exit()).isEqualTo(1);
        assertThat(unforced.err()).as("the CLI's flag is named, not only the HTTP parameter").contains("--force");
        assertThat(cli("tenant", "delete", "acme", "--force").out()).isEqualTo("deleted tenant acme\n");
        assertThat(cli("tenant", "list", "--json").out()).doesNotContain("acme");
    }

    @Test
    void policyAndWorkspaceSet() throws Exception {
        cli("tenant", "create", "polco");
        var set = cli("workspace", "set", "default", "--tenant", "polco", "mailbox.daily_limit=250", "stream=bulk");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).containsPattern("mailbox.daily_limit\\s+250\\s+workspace").containsPattern("stream\\s+bulk\\s+workspace");
        var show = JSON.readTree(cli("policy", "show", "--tenant", "polco", "--workspace", "default", "--json").out());
        assertThat(show.get("own").get("mailbox.daily_limit").asText()).isEqualTo("250");
        var unset = cli("policy", "set", "--tenant", "polco", "--workspace", "default", "stream=");
        assertThat(unset.out()).containsPattern("stream\\s+transactional\\s+default");
        var bad = cli("policy", "set", "--tenant", "polco", "breaker.bounce_pause=500%");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("herald: breaker.bounce_pause: must be between 0% and 100%, got '500%'\n");
        assertThat(cli("policy", "set", "--tenant", "polco", "novalue").err()).contains("expected SETTING=VALUE");
    }

    @Test
    void domainVerifyExitsNonZeroUntilTheRecordsArePublished() throws Exception {
        cli("tenant", "create", "dnsco");
        var records = JSON.readTree(cli("domain", "add", "dnsco.example", "--tenant", "dnsco", "--json").out()).get("records");
        var before = cli("domain", "verify", "dnsco.example");
        assertThat(before.exit()).isEqualTo(1);
        assertThat(before.out()).contains("missing");
        assertThat(before.err()).isEqualTo("herald: 5 of 5 DNS records of dnsco.example are not published as expected\n");
        for (var r : records) {
            if (r.get("type").asText().equals("MX")) {
                dns.mx(r.get("name").asText(), 10, r.get("value").asText().split(" ")[1]);
            } else {
                dns.txt(r.get("name").asText(), r.get("value").asText());
            }
        }
        var after = cli("domain", "verify", "dnsco.example");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out().lines().skip(1)).hasSize(5).allMatch(l -> l.contains(" ok "));
        assertThat(cli("domain", "dns", "dnsco.example").out()).startsWith("dnsco.example. 3600 IN MX 10 mx.herald.test.");
        var rotated = cli("domain", "rotate-dkim", "dnsco.example");
        assertThat(rotated.out()).isEqualTo("dnsco.example now signs with selector herald2\n");
    }

    @Test
    void exitCodes() {
        var usage = cli("tenant", "create");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter: 'NAME'").contains("Usage: herald tenant create");
        assertThat(CliRun.raw("frobnicate").exit()).isEqualTo(2);
        assertThat(CliRun.raw().exit()).isEqualTo(2);
        var unknownOption = cli("tenant", "list", "--colour");
        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--colour'");

        cli("tenant", "create", "dup");
        var dup = cli("tenant", "create", "dup");
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.err()).isEqualTo("herald: tenant 'dup' already exists\n");
        var missing = cli("mailbox", "show", "ghost@nowhere.example");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("herald: mailbox 'ghost@nowhere.example' not found\n");
        var badKey = CliRun.run(url, "hk_wrong", "tenant", "list");
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.err()).isEqualTo("herald: invalid API key\n");
        var down = CliRun.run("http://127.0.0.1:1", key, "tenant", "list");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).isEqualTo("herald: cannot reach Herald at http://127.0.0.1:1 (is `herald serve` running?)\n");
    }

    @Test
    void queueListShowAndPurge() throws Exception {
        cli("tenant", "create", "qt");
        cli("domain", "add", "qt.example", "--tenant", "qt");
        var password = JSON.readTree(cli("mailbox", "create", "bot@qt.example", "--json").out()).get("credentials").get("password").asText();
        String queueId;
        try (var s = dev.herald.server.testing.SmtpScript.implicitTls(herald.smtpPort(dev.herald.server.smtp.session.Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain("bot@qt.example", password)).startsWith("235");
            s.send("MAIL FROM:<bot@qt.example>");
            assertThat(s.send("RCPT TO:<someone@remote.example>")).startsWith("250");
            s.send("DATA");
            var reply = s.send("From: bot@qt.example\r\nSubject: queued\r\n\r\nhi\r\n.");
            queueId = reply.substring(reply.lastIndexOf(' ') + 1);
        }
        // Delivery is off in this server: the entry waits (local delivery files it within moments).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> cli("queue", "list", "--tenant", "qt").out().contains("someone@remote.example"));
        var list = cli("queue", "list", "--tenant", "qt", "--to-domain", "remote.example");
        assertThat(list.out()).startsWith("QUEUE ID").contains(queueId).contains("waiting");
        var show = cli("queue", "show", queueId);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("queue id " + queueId + "  tenant qt  from bot@qt.example")
                .contains("someone@remote.example: waiting after 0 attempt(s), next at ");
        var unnamed = cli("queue", "purge");
        assertThat(unnamed.exit()).isEqualTo(1);
        assertThat(unnamed.err()).contains("herald queue purge --all");
        assertThat(cli("queue", "purge", "--tenant", "qt").out()).isEqualTo("purged 1 queue entry\n");
        var purged = JSON.readTree(cli("queue", "list", "--tenant", "qt", "--state", "purged", "--json").out());
        assertThat(purged.get("entries")).hasSize(1);
        var ghost = cli("queue", "show", "NOPE");
        assertThat(ghost.exit()).isEqualTo(1);
        assertThat(ghost.err()).isEqualTo("herald: no queued message 'NOPE'\n");
    }

    @Test
    void routeSetListRemove() throws Exception {
        cli("tenant", "create", "rt");
        cli("domain", "add", "rt.example", "--tenant", "rt");
        var set = cli("route", "set", "--domain", "rt.example", "--relay", "smtp.relay.example", "--tls", "tls");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).startsWith("mail of domain rt.example now leaves through smtp.relay.example:465 (tls) (route ");
        var pinned = cli("route", "set", "--tenant", "rt", "--source-address", "127.0.0.2");
        assertThat(pinned.out()).startsWith("mail of tenant rt now leaves directly to the MX hosts from 127.0.0.2 (route ");
        var list = cli("route", "list", "--tenant", "rt");
        assertThat(list.out()).startsWith("ID").contains("smtp.relay.example:465").contains("127.0.0.2");
        var id = JSON.readTree(cli("route", "list", "--tenant", "rt", "--json").out()).get("routes").get(0).get("id").asText();
        assertThat(cli("route", "remove", id).out()).isEqualTo("removed route " + id + "\n");
        var bad = cli("route", "set", "--tenant", "rt");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("herald: a route needs a relay (host:port) or a source address\n");
    }

    @Test
    void suppressionAddListRemove() {
        cli("tenant", "create", "sup");
        var add = cli("suppression", "add", "Gone@Else.example", "--tenant", "sup");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("suppressed gone@else.example for tenant sup (admin)\n");
        assertThat(cli("suppression", "list", "--tenant", "sup").out()).startsWith("ADDRESS").contains("gone@else.example  admin");
        assertThat(cli("suppression", "remove", "gone@else.example", "--tenant", "sup").out())
                .isEqualTo("removed gone@else.example from the suppression list\n");
        var again = cli("suppression", "remove", "gone@else.example", "--tenant", "sup");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("herald: gone@else.example is not on tenant sup's suppression list\n");
        var approve = cli("queue", "approve", "--tenant", "sup");
        assertThat(approve.out()).isEqualTo("approved 0 held queue entries\n");
    }

    @Test
    void tenantPauseAndResume() throws Exception {
        cli("tenant", "create", "pz");
        assertThat(cli("tenant", "pause", "pz").out()).isEqualTo("paused tenant pz\n");
        assertThat(JSON.readTree(cli("tenant", "show", "pz", "--json").out()).get("status").asText()).isEqualTo("paused");
        assertThat(cli("tenant", "resume", "pz").out()).isEqualTo("resumed tenant pz\n");
        assertThat(JSON.readTree(cli("tenant", "show", "pz", "--json").out()).get("status").asText()).isEqualTo("active");
    }

    @Test
    void domainPauseResumeAndStats() throws Exception {
        cli("tenant", "create", "st");
        cli("domain", "add", "st.example", "--tenant", "st");
        cli("mailbox", "create", "agent@st.example");
        assertThat(cli("domain", "pause", "st.example").out()).isEqualTo("paused domain st.example (status paused)\n");
        assertThat(cli("domain", "resume", "st.example").out()).isEqualTo("resumed domain st.example (status active)\n");

        var table = cli("stats", "--tenant", "st", "--window", "1h");
        assertThat(table.exit()).as(table.err()).isZero();
        var lines = table.out().split("\n");
        assertThat(lines[0]).startsWith("window 1h: ");
        assertThat(lines[1]).startsWith("SCOPE").contains("BREAKER").contains("BOUNCE RATE").contains("WARMUP");
        assertThat(lines[2]).startsWith("tenant").contains(" st ").contains("active").contains("healthy");
        assertThat(lines[3]).startsWith("domain").contains("st.example").contains("day 1, 0/50 today");
        var json = JSON.readTree(cli("stats", "--domain", "st.example", "--json").out());
        assertThat(json.get("tenants").get(0).get("domains").get(0).get("warmup").get("cap").asInt()).isEqualTo(50);
        var bad = cli("stats", "--window", "soon");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("herald: window: ");
    }

    @Test
    void webhooksRefusePrivateEndpointsAndListTheirHealth() throws Exception {
        cli("tenant", "create", "wh");
        var refused = cli("webhook", "create", "http://127.0.0.1:9/hook", "--tenant", "wh");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("herald: webhook host 127.0.0.1 resolves to 127.0.0.1, a loopback or private address; "
                + "endpoints must be public (or set webhooks.allow_private = true)\n");
        var created = cli("webhook", "create", "http://93.184.215.14/hook", "--tenant", "wh", "--events", "received, bounced");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).matches("(?s)webhook \\d+ -> http://93.184.215.14/hook \\(events: bounced,received\\)\nsecret: whsec_\\S+ .*");
        var id = created.out().split(" ")[1];
        assertThat(cli("webhook", "list", "--tenant", "wh").out()).startsWith("ID").contains("http://93.184.215.14/hook").contains("active");
        assertThat(cli("webhook", "delete", id).out()).isEqualTo("deleted webhook " + id + "\n");
        assertThat(cli("trace", "no-such-message").err()).isEqualTo("herald: no message with queue id or Message-ID 'no-such-message' in the event history\n");
    }

    @Test
    void helpIsEverywhere() {
        for (var noun : new String[] {"serve", "tenant", "workspace", "domain", "mailbox", "key", "policy", "queue", "route", "suppression",
                "stats", "trace", "audit", "webhook", "bench"}) {
            var help = CliRun.raw(noun, "--help");
            assertThat(help.exit()).as(noun).isZero();
            assertThat(help.out()).as(noun).contains("Usage: herald " + noun);
        }
        var verbHelp = CliRun.raw("mailbox", "create", "--help");
        assertThat(verbHelp.out()).contains("--ttl=DURATION").contains("--json");
        // What each stats column counts is stated where an admin looks.
        assertThat(CliRun.raw("stats", "--help").out()).contains("Columns (messages, never attempts)")
                .contains("deferred: remote recipients that had to wait at least once").contains("delivered_local:");
    }

    @Test
    void findsTheAdminKeyInTheDataDirectory() {
        var r = CliRun.raw("tenant", "list", "--url", url, "--data", data.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("NAME");
    }
}

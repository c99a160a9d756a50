package dev.herald.server.provisioning;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mailbox created with a TTL is refused the moment it expires and deleted by the reaper soon after. */
class EphemeralMailboxTest {
    @TempDir
    Path data;

    @Test
    void expiresThenIsDeleted() {
        try (var herald = TestHerald.start(data, Map.of("mailbox.reaper_interval", "200ms"))) {
            var admin = herald.admin();
            admin.createTenant("temp");
            admin.addDomain("temp", "temp.example");
            var created = expect(201, admin.post("/v1/mailboxes", Map.of("address", "run-42@temp.example", "ttl", "2s")));
            var expiresAt = Instant.parse(created.get("expires_at").asText());
            assertThat(expiresAt).isBetween(Instant.now().plusSeconds(1), Instant.now().plusSeconds(3));
            var key = admin.createKey(Map.of("scope", "mailbox", "mailbox", "run-42@temp.example"));
            expect(200, admin.get("/v1/mailboxes/run-42@temp.example"));
            expect(200, herald.as(key).get("/v1/mailboxes/run-42@temp.example"));
            admin.createMailbox("keeper@temp.example");

            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/v1/mailboxes/run-42@temp.example").status() == 404);
            assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
            assertThat(herald.as(key).get("/v1/tenants").status()).isEqualTo(401);
            // The reaper removes the row itself, not only the view of it.
            await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/tenants/temp")).get("mailboxes").asLong() == 1);
            // The address is free again.
            expect(201, admin.post("/v1/mailboxes", Map.of("address", "run-42@temp.example")));
        }
    }
}

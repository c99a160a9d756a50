package dev.herald.storage.h2;

import dev.herald.storage.WebhookStore;
import dev.herald.storage.model.Webhook;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class H2WebhookStore implements WebhookStore {
    private final Jdbc jdbc;

    public H2WebhookStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Webhook create(long tenantId, Optional<Long> mailboxId, String url, String secret, String events, Instant now) {
        long id = jdbc.insert("INSERT INTO webhooks(tenant_id, mailbox_id, url, secret, events, status, failures, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 0, ?)", tenantId, mailboxId, url, secret, events, Webhook.ACTIVE, now);
        return byId(id).orElseThrow();
    }

    @Override
    public Optional<Webhook> byId(long id) {
        return jdbc.queryOne("SELECT * FROM webhooks WHERE id = ?", H2WebhookStore::map, id);
    }

    @Override
    public List<Webhook> list(Optional<Long> tenantId) {
        return tenantId.isPresent() ? jdbc.query("SELECT * FROM webhooks WHERE tenant_id = ? ORDER BY id", H2WebhookStore::map, tenantId.get())
                : jdbc.query("SELECT * FROM webhooks ORDER BY id", H2WebhookStore::map);
    }

    @Override
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM webhooks WHERE id = ?", id) == 1;
    }

    @Override
    public void setHealth(long id, String status, int failures, Optional<String> lastError) {
        jdbc.update("UPDATE webhooks SET status = ?, failures = ?, last_error = ? WHERE id = ?", status, failures,
                lastError.map(e -> e.length() > 1000 ? e.substring(0, 1000) : e), id);
    }

    @Override
    public void enqueueAll(List<long[]> pairs, Instant dueAt) {
        var rows = new java.util.ArrayList<Object[]>(pairs.size());
        for (var p : pairs) {
            rows.add(new Object[] {p[0], p[1], dueAt});
        }
        jdbc.batch("INSERT INTO webhook_deliveries(webhook_id, event_id, state, attempts, next_at) VALUES (?, ?, 'pending', 0, ?)", rows, false);
    }

    @Override
    public List<Delivery> due(Instant now, int limit) {
        return jdbc.query("SELECT d.id, d.webhook_id, d.event_id, d.attempts FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
                        + " WHERE d.state = 'pending' AND d.next_at <= ? AND w.status = 'active' ORDER BY d.id LIMIT ?",
                rs -> new Delivery(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4)), now, limit);
    }

    @Override
    public void delivered(long deliveryId, int attempts, String status) {
        jdbc.update("UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, last_status = ? WHERE id = ?", attempts, cut(status),
                deliveryId);
    }

    @Override
    public void failed(long deliveryId, int attempts, Optional<Instant> nextAt, String status) {
        if (nextAt.isPresent()) {
            jdbc.update("UPDATE webhook_deliveries SET attempts = ?, next_at = ?, last_status = ? WHERE id = ?", attempts, nextAt.get(),
                    cut(status), deliveryId);
        } else {
            jdbc.update("UPDATE webhook_deliveries SET state = 'failed', attempts = ?, last_status = ? WHERE id = ?", attempts, cut(status),
                    deliveryId);
        }
    }

    @Override
    public long count(long webhookId, String state) {
        return jdbc.count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND state = ?", webhookId, state);
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    private static Webhook map(ResultSet rs) throws SQLException {
        return new Webhook(rs.getLong("id"), rs.getLong("tenant_id"), Jdbc.optionalLong(rs, "mailbox_id"), rs.getString("url"),
                rs.getString("secret"), rs.getString("events"), rs.getString("status"), rs.getInt("failures"),
                Optional.ofNullable(rs.getString("last_error")), Jdbc.instant(rs, "created_at"));
    }
}

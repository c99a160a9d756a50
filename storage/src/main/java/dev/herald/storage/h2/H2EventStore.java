package dev.herald.storage.h2;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.EventStore;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class H2EventStore implements EventStore {
    private static final int DETAIL = 2000;
    private final Jdbc jdbc;

    public H2EventStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Event> append(List<Event> events) {
        var rows = new ArrayList<Object[]>(events.size());
        for (var e : events) {
            rows.add(new Object[] {e.at(), e.type().wire(), e.tenantId(), e.workspaceId(), e.mailboxId(), e.domain(), e.source(),
                    e.messageId().map(m -> cut(m, 998)), e.recipient().map(r -> cut(r, 320)), cut(e.detail(), DETAIL)});
        }
        var ids = jdbc.batch("INSERT INTO events(at, type, tenant_id, workspace_id, mailbox_id, domain, source, message_id, recipient, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, true);
        var out = new ArrayList<Event>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(events.get(i).withId(ids[i]));
        }
        return out;
    }

    @Override
    public List<Event> find(Query q) {
        var sql = new StringBuilder("SELECT * FROM events WHERE id > ?");
        var args = new ArrayList<Object>();
        args.add(q.afterId());
        q.tenantId().ifPresent(t -> {
            sql.append(" AND tenant_id = ?");
            args.add(t);
        });
        q.since().ifPresent(s -> {
            sql.append(" AND at >= ?");
            args.add(s);
        });
        q.source().ifPresent(s -> {
            sql.append(" AND source = ?");
            args.add(s);
        });
        q.messageId().ifPresent(m -> {
            sql.append(" AND message_id = ?");
            args.add(m);
        });
        if (!q.types().isEmpty()) {
            sql.append(" AND type IN (").append(String.join(", ", q.types().stream().map(t -> "?").toList())).append(")");
            q.types().forEach(t -> args.add(t.wire()));
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(q.limit());
        return jdbc.query(sql.toString(), H2EventStore::map, args.toArray());
    }

    @Override
    public List<Count> counts(Optional<Long> tenantId, Instant since) {
        var where = tenantId.isPresent() ? "tenant_id = ? AND at >= ?" : "tenant_id IS NOT NULL AND at >= ?";
        Object[] args = tenantId.isPresent() ? new Object[] {tenantId.get(), since} : new Object[] {since};
        return jdbc.query("SELECT tenant_id, domain, mailbox_id, CASE WHEN type = 'bounced' AND detail LIKE 'bounced after delivery%'"
                        + " THEN 'bounced_late' WHEN type = 'bounced' AND detail LIKE 'unparsed report%' THEN 'bounce_unparsed'"
                        + " ELSE type END AS kind, COUNT(*) AS n,"
                        + " COUNT(DISTINCT CONCAT(COALESCE(source, ''), ' ', COALESCE(recipient, ''))) AS messages FROM events WHERE " + where
                        + " GROUP BY tenant_id, domain, mailbox_id, kind",
                rs -> new Count(rs.getLong("tenant_id"), Optional.ofNullable(rs.getString("domain")), Jdbc.optionalLong(rs, "mailbox_id"),
                        rs.getString("kind"), rs.getLong("n"), rs.getLong("messages")), args);
    }

    @Override
    public List<DayCount> daily(String domain, Instant since, List<EventType> types) {
        var in = String.join(", ", types.stream().map(t -> "'" + t.wire() + "'").toList());
        return jdbc.query("SELECT DATEDIFF(DAY, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', at) AS d, type, COUNT(*) AS n"
                        + " FROM events WHERE domain = ? AND at >= ? AND type IN (" + in + ") GROUP BY d, type",
                rs -> new DayCount(rs.getLong("d"), EventType.fromWire(rs.getString("type")), rs.getLong("n")), domain, since);
    }

    @Override
    public long count(EventType type, String detailPrefix) {
        return jdbc.count("SELECT COUNT(*) FROM events WHERE type = ? AND detail LIKE ? ESCAPE '\\'", type.wire(),
                detailPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }

    @Override
    public List<String> sourcesOf(String messageId) {
        return jdbc.query("SELECT DISTINCT source FROM events WHERE message_id = ? AND source IS NOT NULL", rs -> rs.getString(1), messageId);
    }

    @Override
    public int deleteBefore(Instant before) {
        return jdbc.update("DELETE FROM events WHERE at < ?", before);
    }

    @Override
    public Instant firstUse(String address, Instant now) {
        try {
            jdbc.update("INSERT INTO source_addresses(address, first_used) VALUES (?, ?)", address, now);
        } catch (DuplicateException already) {
            // used before: the first use stands
        }
        return jdbc.queryOne("SELECT first_used FROM source_addresses WHERE address = ?", rs -> Jdbc.instant(rs, "first_used"), address)
                .orElse(now);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static Event map(ResultSet rs) throws SQLException {
        return new Event(rs.getLong("id"), Jdbc.instant(rs, "at"), EventType.fromWire(rs.getString("type")), Jdbc.optionalLong(rs, "tenant_id"),
                Jdbc.optionalLong(rs, "workspace_id"), Jdbc.optionalLong(rs, "mailbox_id"), Optional.ofNullable(rs.getString("domain")),
                Optional.ofNullable(rs.getString("source")), Optional.ofNullable(rs.getString("message_id")),
                Optional.ofNullable(rs.getString("recipient")), Optional.ofNullable(rs.getString("detail")).orElse(""));
    }
}

package dev.herald.server.events;

import dev.herald.storage.Stores;
import dev.herald.storage.mail.Folder;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import dev.herald.storage.spool.Spool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * The JSON a webhook receives for one event: its id (for de-duplication), kind, time, tenant,
 * domain, mailbox, message and recipient; for `received`, the message's header fields (decoded)
 * and its text body (the first text/plain part, at most 64 KiB), read from the spool with mime4j.
 */
final class WebhookPayload {
    private static final int MAX_TEXT = 64 * 1024;

    private final Stores stores;
    private final Spool spool;
    /** Names and ids that do not change for a given id: looked up once, not per POST. */
    private final Map<Long, String> tenants = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, String> mailboxes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, Long> inboxes = new java.util.concurrent.ConcurrentHashMap<>();

    WebhookPayload(Stores stores, Spool spool) {
        this.stores = stores;
        this.spool = spool;
    }

    Map<String, Object> of(Event e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", "evt_" + e.id());
        m.put("type", e.type().wire());
        m.put("at", e.at().toString());
        m.put("tenant", e.tenantId().map(t -> tenants.computeIfAbsent(t, k -> stores.tenants().byId(k).map(x -> x.name()).orElse("")))
                .filter(n -> !n.isEmpty()).orElse(null));
        m.put("domain", e.domain().orElse(null));
        var mailbox = e.mailboxId().map(id -> mailboxes.computeIfAbsent(id, k -> stores.mailboxes().byId(k).map(x -> x.address()).orElse("")))
                .filter(a -> !a.isEmpty());
        m.put("mailbox", mailbox.orElse(null));
        m.put("queue_id", e.source().orElse(null));
        m.put("message_id", e.messageId().orElse(null));
        m.put("recipient", e.recipient().orElse(null));
        m.put("detail", e.detail());
        if (e.type() == EventType.RECEIVED && mailbox.isPresent() && e.source().isPresent()) {
            long mailboxId = e.mailboxId().get();
            var inbox = inboxes.computeIfAbsent(mailboxId, k -> stores.mail().folder(k, Folder.INBOX).map(f -> f.id()).orElse(-1L));
            stores.mail().bySource(inbox, e.source().get()).ifPresent(stored -> m.put("message", content(spool.read(stored.blob()))));
        }
        return m;
    }

    /** Header fields in order (encoded words decoded) and the text body. */
    static Map<String, Object> content(byte[] raw) {
        var out = new LinkedHashMap<String, Object>();
        var builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        try {
            Message message = builder.parseMessage(new ByteArrayInputStream(raw));
            var headers = new ArrayList<Map<String, String>>();
            for (var f : message.getHeader().getFields()) {
                var h = new LinkedHashMap<String, String>();
                h.put("name", f.getName());
                h.put("value", DecoderUtil.decodeEncodedWords(f.getBody(), DecodeMonitor.SILENT));
                headers.add(h);
            }
            out.put("headers", headers);
            out.put("text", text(message).orElse(null));
        } catch (IOException | RuntimeException e) {
            out.put("headers", List.of());
            out.put("text", null);
            out.put("error", "the message could not be read: " + e.getMessage());
        }
        return out;
    }

    private static Optional<String> text(Entity entity) throws IOException {
        var body = entity.getBody();
        if (body instanceof Multipart multipart) {
            for (var part : multipart.getBodyParts()) {
                var t = text(part);
                if (t.isPresent()) {
                    return t;
                }
            }
            return Optional.empty();
        }
        if (body instanceof TextBody text && "text/plain".equalsIgnoreCase(entity.getMimeType())) {
            var sb = new StringBuilder();
            try (Reader r = text.getReader()) {
                var buf = new char[4096];
                int n;
                while ((n = r.read(buf)) > 0 && sb.length() < MAX_TEXT) {
                    sb.append(buf, 0, Math.min(n, MAX_TEXT - sb.length()));
                }
            }
            return Optional.of(sb.toString());
        }
        return Optional.empty();
    }
}

package dev.herald.server.http.routes;

import dev.herald.server.http.ApiRequest;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.Lookups;
import dev.herald.server.provisioning.ProvisioningException;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.StoredMessage;
import dev.herald.storage.spool.Spool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /v1/mailboxes/{address}/messages?folder=INBOX: what a mailbox holds, for agents that prefer
 * HTTP to IMAP and for admins; …/messages/{uid}/raw gives the message exactly as stored.
 * A mailbox key reads its own mailbox; a tenant key its tenant's.
 */
public final class MessageRoutes {
    private MessageRoutes() {
    }

    public static void register(Router router, Lookups lookups, Stores stores, Spool spool) {
        router.add("GET", "/v1/mailboxes/{address}/messages", req -> {
            var folder = folder(req, lookups, stores);
            var out = new LinkedHashMap<String, Object>();
            out.put("folder", folder.name());
            out.put("uidvalidity", folder.uidValidity());
            out.put("uidnext", folder.uidNext());
            out.put("messages", stores.mail().messages(folder.id()).stream().map(MessageRoutes::view).toList());
            return ApiResponse.ok(out);
        });
        router.add("GET", "/v1/mailboxes/{address}/messages/{uid}/raw", req -> {
            var folder = folder(req, lookups, stores);
            long uid;
            try {
                uid = Long.parseLong(req.param("uid"));
            } catch (NumberFormatException e) {
                throw ProvisioningException.invalid("uid must be a number");
            }
            var message = stores.mail().messages(folder.id()).stream().filter(m -> m.uid() == uid).findFirst()
                    .orElseThrow(() -> ProvisioningException.notFound("no message with uid " + uid + " in " + folder.name()));
            return ApiResponse.raw("message/rfc822", spool.read(message.blob()));
        });
    }

    private static Folder folder(ApiRequest req, Lookups lookups, Stores stores) {
        var mailbox = lookups.mailbox(req.caller(), req.param("address"));
        var name = req.query("folder").orElse(Folder.INBOX);
        return stores.mail().folder(mailbox.id(), name)
                .orElseThrow(() -> ProvisioningException.notFound("folder '" + name + "' not found in " + mailbox.address()));
    }

    private static Map<String, Object> view(StoredMessage m) {
        var v = new LinkedHashMap<String, Object>();
        v.put("uid", m.uid());
        v.put("flags", m.flags());
        v.put("size", m.blob().length());
        v.put("internal_date", m.internalDate().toString());
        v.put("message_id", m.headers().messageId().orElse(null));
        v.put("in_reply_to", m.headers().inReplyTo().orElse(null));
        v.put("subject", m.headers().subject().orElse(null));
        v.put("from", m.headers().from().orElse(null));
        v.put("to", m.headers().to().orElse(null));
        v.put("thread_id", "T" + m.threadId());
        v.put("parent", m.parentId().isPresent());
        v.put("queue_id", m.source());
        return v;
    }
}

package dev.herald.server.events;

import dev.herald.server.provisioning.Caller;
import dev.herald.server.provisioning.ProvisioningException;
import dev.herald.storage.EventStore;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `herald trace <queue-id|message-id>`: the whole life of a message from the event stream — its
 * acceptance (listener, client, TLS, AUTH), every policy verdict with its reason, its queueing,
 * each delivery attempt with the remote host, TLS and reply, bounces and complaints — in order,
 * and where each recipient stands now. A tenant key traces only its own tenant's messages.
 */
public final class Trace {
    private static final int MAX_EVENTS = 10_000;

    private final Stores stores;
    private final EventLog events;

    public Trace(Stores stores, EventLog events) {
        this.stores = stores;
        this.events = events;
    }

    public Map<String, Object> of(Caller caller, String id) {
        caller.requireTenantOrAdmin("tracing a message");
        var key = id.trim();
        if (key.isEmpty() || key.length() > 998) {
            throw ProvisioningException.invalid("give a queue id (as in \"250 OK queued as …\") or a Message-ID");
        }
        events.flush();
        var sources = new LinkedHashSet<String>();
        if (!find(key).isEmpty()) {
            sources.add(key);
        }
        var bracketed = key.startsWith("<") ? key : "<" + key + ">";
        sources.addAll(stores.events().sourcesOf(bracketed));
        var messages = new ArrayList<Map<String, Object>>();
        for (var source : sources) {
            var all = find(source);
            // A tenant sees a message that is its own (an event of its tenant), and only the events that are not another's.
            if (!caller.isAdmin() && all.stream().noneMatch(e -> e.tenantId().equals(caller.tenantId()))) {
                continue;
            }
            var visible = all.stream().filter(e -> caller.isAdmin() || e.tenantId().isEmpty() || e.tenantId().equals(caller.tenantId())).toList();
            messages.add(message(source, visible, caller));
        }
        if (messages.isEmpty()) {
            throw ProvisioningException.notFound("no message with queue id or Message-ID '" + key + "' in the event history");
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("id", key);
        out.put("messages", messages);
        return out;
    }

    private List<Event> find(String source) {
        return stores.events().find(new EventStore.Query(Optional.empty(), Optional.empty(), List.of(), Optional.of(source), Optional.empty(), 0,
                MAX_EVENTS));
    }

    private Map<String, Object> message(String source, List<Event> history, Caller caller) {
        var m = new LinkedHashMap<String, Object>();
        m.put("queue_id", source);
        m.put("message_id", history.stream().map(Event::messageId).flatMap(Optional::stream).findFirst().orElse(null));
        var steps = new ArrayList<Map<String, Object>>();
        for (var e : history) {
            var s = new LinkedHashMap<String, Object>();
            s.put("at", e.at().toString());
            s.put("event", e.type().wire());
            s.put("recipient", e.recipient().orElse(null));
            s.put("detail", e.detail());
            steps.add(s);
        }
        m.put("events", steps);
        var recipients = new ArrayList<Map<String, Object>>();
        for (var q : stores.mail().queueEntriesOf(source)) {
            if (!caller.manages(q.tenantId())) {
                continue;
            }
            var r = new LinkedHashMap<String, Object>();
            r.put("recipient", q.recipient());
            r.put("state", q.state());
            r.put("attempts", q.attempts());
            r.put("last_reply", q.lastReply().orElse(null));
            recipients.add(r);
        }
        m.put("queue", recipients);
        return m;
    }
}

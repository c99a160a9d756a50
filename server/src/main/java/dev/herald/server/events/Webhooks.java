package dev.herald.server.events;

import dev.herald.server.net.InternalAddresses;
import dev.herald.server.provisioning.Caller;
import dev.herald.server.provisioning.Lookups;
import dev.herald.server.provisioning.ProvisioningException;
import dev.herald.storage.Secrets;
import dev.herald.storage.Stores;
import dev.herald.storage.model.EventType;
import dev.herald.storage.model.Webhook;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * `herald webhook create|list|test|resume|delete`: a tenant's endpoints (a tenant key: its own).
 * An endpoint must be http(s) and, unless webhooks.allow_private is set, must not resolve to a
 * loopback, private, link-local, unique-local or carrier-grade-NAT address (SSRF).
 */
public final class Webhooks {
    private final Stores stores;
    private final Lookups lookups;
    private final WebhookDispatcher dispatcher;
    private final boolean allowPrivate;
    private final Clock clock;

    public Webhooks(Stores stores, Lookups lookups, WebhookDispatcher dispatcher, boolean allowPrivate, Clock clock) {
        this.stores = stores;
        this.lookups = lookups;
        this.dispatcher = dispatcher;
        this.allowPrivate = allowPrivate;
        this.clock = clock;
    }

    /** The new endpoint and its secret (shown here, never listed). */
    public Webhook create(Caller caller, Optional<String> tenantName, Optional<String> mailbox, String url, Optional<String> events) {
        caller.requireTenantOrAdmin("creating a webhook");
        var tenant = lookups.tenantOrOwn(caller, tenantName, "creating a webhook");
        var box = mailbox.map(a -> lookups.mailbox(caller, a));
        if (box.isPresent() && box.get().tenantId() != tenant.id()) {
            throw ProvisioningException.invalid("mailbox " + box.get().address() + " is not tenant " + tenant.name() + "'s");
        }
        checkUrl(url, allowPrivate);
        var kinds = events.map(Webhooks::kinds).orElse("*");
        var hook = stores.webhooks().create(tenant.id(), box.map(b -> b.id()), url.trim(), "whsec_" + Secrets.randomToken(24), kinds,
                clock.instant());
        dispatcher.endpointsChanged();
        return hook;
    }

    public List<Webhook> list(Caller caller, Optional<String> tenantName) {
        caller.requireTenantOrAdmin("listing webhooks");
        if (tenantName.isEmpty() && caller.isAdmin()) {
            return stores.webhooks().list(Optional.empty());
        }
        return stores.webhooks().list(Optional.of(lookups.tenantOrOwn(caller, tenantName, "listing webhooks").id()));
    }

    public Webhook get(Caller caller, long id) {
        caller.requireTenantOrAdmin("reading a webhook");
        return stores.webhooks().byId(id).filter(w -> caller.manages(w.tenantId()))
                .orElseThrow(() -> ProvisioningException.notFound("webhook " + id + " not found"));
    }

    public void delete(Caller caller, long id) {
        stores.webhooks().delete(get(caller, id).id());
        dispatcher.endpointsChanged();
    }

    /** A paused endpoint sends again, starting with the events that waited. */
    public Webhook resume(Caller caller, long id) {
        var w = get(caller, id);
        stores.webhooks().setHealth(w.id(), Webhook.ACTIVE, 0, w.lastError());
        dispatcher.endpointsChanged();
        return stores.webhooks().byId(id).orElseThrow();
    }

    /** Sends a signed `test` event now and says what the endpoint answered. */
    public WebhookDispatcher.Attempt test(Caller caller, long id) {
        var w = get(caller, id);
        checkUrl(w.url(), allowPrivate);
        return dispatcher.sendTest(w);
    }

    /** The delivery counts of an endpoint by state. */
    public long deliveries(Webhook w, String state) {
        return stores.webhooks().count(w.id(), state);
    }

    private static String kinds(String list) {
        var out = new java.util.TreeSet<String>();
        for (var k : list.split("[,\\s]+")) {
            if (k.isBlank()) {
                continue;
            }
            if (k.equals("*")) {
                return "*";
            }
            try {
                out.add(EventType.fromWire(k).wire());
            } catch (IllegalArgumentException e) {
                throw ProvisioningException.invalid("unknown event kind '" + k + "'; kinds: " + java.util.Arrays.stream(EventType.values())
                        .map(EventType::wire).toList());
            }
        }
        return out.isEmpty() ? "*" : String.join(",", out);
    }

    /** @throws ProvisioningException unless the URL is http(s) to a public address (or private ones are allowed) */
    static void checkUrl(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.invalid("not a URL: " + url);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getHost().isBlank()) {
            throw ProvisioningException.invalid("a webhook URL is http:// or https:// with a host: " + url);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw ProvisioningException.invalid("cannot resolve the webhook host " + uri.getHost());
        }
        if (allowPrivate) {
            return;
        }
        for (var a : addresses) {
            if (internal(a)) {
                throw ProvisioningException.invalid("webhook host " + uri.getHost() + " resolves to " + a.getHostAddress()
                        + ", a loopback or private address; endpoints must be public (or set webhooks.allow_private = true)");
            }
        }
    }

    static boolean internal(InetAddress a) {
        return InternalAddresses.internal(a);
    }
}

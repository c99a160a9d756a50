package dev.herald.server.events;

import dev.herald.server.http.Json;
import dev.herald.storage.EventStore;
import dev.herald.storage.Stores;
import dev.herald.storage.WebhookStore;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.Webhook;
import dev.herald.storage.spool.Spool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to webhooks. As events are stored, each one a tenant's endpoint wants is queued
 * for it (durably: `webhook_deliveries`); a scheduler hands each endpoint's due deliveries, in
 * order, to a small pool of senders — one endpoint at a time per sender, so a slow or hanging
 * endpoint of one tenant never holds back another's — which POST them as JSON
 * with {@code X-Herald-Event-Id} (the same on every retry: receivers de-duplicate by it),
 * {@code X-Herald-Timestamp} and {@code X-Herald-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of
 * "<timestamp>.<body>" under the endpoint's secret>} — the timestamp inside the signature lets a
 * receiver refuse replays. A 2xx delivers; anything else is retried with exponential backoff; an
 * endpoint failing webhooks.pause_after times in a row is paused until resumed.
 */
public final class WebhookDispatcher implements EventLog.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    public record Settings(boolean allowPrivate, Duration timeout, Duration retryBase, Duration retryMax, int pauseAfter, int maxAttempts) {
    }

    /** What an endpoint answered (status 0: no answer). */
    public record Attempt(int status, String summary) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Stores stores;
    private final WebhookStore store;
    private final Spool spool;
    private final Clock clock;
    private final Settings settings;
    private final HttpClient http;
    /** Endpoints with a sender working on them: the scheduler skips them until it is done. */
    private final java.util.Set<Long> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> {
        var t = new Thread(r, "webhook-sender");
        t.setDaemon(true);
        return t;
    });
    private static final int SENDERS = 4;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "webhook-scheduler");
        t.setDaemon(true);
        return t;
    });
    private volatile List<Webhook> endpoints;
    private final WebhookPayload payloads;
    /** Events queued for delivery and not yet delivered, so the sender need not read them back (bounded). */
    private final Map<Long, Event> pendingEvents = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Event> eldest) {
            return size() > 50_000;
        }
    });

    public WebhookDispatcher(Stores stores, Spool spool, Clock clock, Settings settings) {
        this.stores = stores;
        this.store = stores.webhooks();
        this.spool = spool;
        this.clock = clock;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.endpoints = store.list(Optional.empty());
        this.payloads = new WebhookPayload(stores, spool);
        sender.scheduleWithFixedDelay(this::sendDue, 200, 200, TimeUnit.MILLISECONDS);
    }

    public void endpointsChanged() {
        endpoints = store.list(Optional.empty());
    }

    @Override
    public void stored(List<Event> events) {
        var hooks = endpoints;
        if (hooks.isEmpty()) {
            return;
        }
        var pairs = new java.util.ArrayList<long[]>();
        for (var e : events) {
            if (e.tenantId().isEmpty()) {
                continue;
            }
            for (var w : hooks) {
                if (w.tenantId() == e.tenantId().get() && w.wants(e.type())
                        && (w.mailboxId().isEmpty() || w.mailboxId().equals(e.mailboxId()))) {
                    pairs.add(new long[] {w.id(), e.id()});
                    pendingEvents.put(e.id(), e);
                }
            }
        }
        if (!pairs.isEmpty()) {
            store.enqueueAll(pairs, clock.instant());
        }
    }

    private void sendDue() {
        try {
            var byEndpoint = new java.util.LinkedHashMap<Long, List<WebhookStore.Delivery>>();
            for (var d : store.due(clock.instant(), 500)) {
                if (!busy.contains(d.webhookId())) {
                    byEndpoint.computeIfAbsent(d.webhookId(), k -> new java.util.ArrayList<>()).add(d);
                }
            }
            byEndpoint.forEach((endpoint, deliveries) -> {
                busy.add(endpoint);
                senders.execute(() -> {
                    try {
                        for (var d : deliveries) {
                            if (!deliver(d)) {
                                break; // it just failed: no more for this endpoint this round
                            }
                        }
                    } catch (RuntimeException e) {
                        log.error("webhook {}: delivery failed; the next round tries again", endpoint, e);
                    } finally {
                        busy.remove(endpoint);
                    }
                });
            });
        } catch (RuntimeException e) {
            log.error("webhook delivery round failed; the next round tries again", e);
        }
    }

    /** @return whether it was delivered (or is no longer deliverable); false when it failed and waits for a retry */
    private boolean deliver(WebhookStore.Delivery d) {
        var hook = endpoints.stream().filter(x -> x.id() == d.webhookId()).findFirst().or(() -> store.byId(d.webhookId()));
        if (hook.isEmpty() || !hook.get().status().equals(Webhook.ACTIVE)) {
            return false;
        }
        var w = hook.get();
        var event = Optional.ofNullable(pendingEvents.get(d.eventId())).or(() -> stores.events().find(new EventStore.Query(Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), d.eventId() - 1, 1)).stream()
                .filter(e -> e.id() == d.eventId()).findFirst());
        if (event.isEmpty()) {
            store.failed(d.id(), d.attempts(), Optional.empty(), "the event is no longer kept (events.retention)");
            return true;
        }
        Attempt attempt;
        try {
            Webhooks.checkUrl(w.url(), settings.allowPrivate()); // again now: the name may point elsewhere since
            attempt = post(w, "evt_" + d.eventId(), Json.write(payloads.of(event.get())));
        } catch (RuntimeException e) {
            attempt = new Attempt(0, e.getMessage());
        }
        int attempts = d.attempts() + 1;
        if (attempt.ok()) {
            store.delivered(d.id(), attempts, attempt.summary());
            pendingEvents.remove(d.eventId());
            if (w.failures() > 0) {
                store.setHealth(w.id(), Webhook.ACTIVE, 0, w.lastError());
                endpointsChanged();
            }
            return true;
        }
        int failures = w.failures() + 1;
        boolean pause = failures >= settings.pauseAfter();
        store.setHealth(w.id(), pause ? Webhook.PAUSED : Webhook.ACTIVE, failures, Optional.of(attempt.summary()));
        endpointsChanged(); // the cached endpoint carries its failure count
        if (pause) {
            log.warn("webhook {} ({}) paused after {} failures in a row; last: {}", w.id(), w.url(), failures, attempt.summary());
        }
        if (attempts >= settings.maxAttempts()) {
            store.failed(d.id(), attempts, Optional.empty(), attempt.summary());
            return false;
        }
        long base = settings.retryBase().toMillis();
        long backoff = Math.min(settings.retryMax().toMillis(), base * (1L << Math.min(30, attempts - 1)));
        store.failed(d.id(), attempts, Optional.of(clock.instant().plusMillis(backoff)), attempt.summary());
        return false;
    }

    /** A synthetic `test` event, signed like any other, sent now. */
    public Attempt sendTest(Webhook w) {
        var body = Json.write(java.util.Map.of("id", "evt_test_" + clock.instant().toEpochMilli(), "type", "test",
                "at", clock.instant().toString(), "detail", "a test event from herald webhook test"));
        try {
            return post(w, "evt_test_" + clock.instant().toEpochMilli(), body);
        } catch (RuntimeException e) {
            return new Attempt(0, e.getMessage());
        }
    }

    private Attempt post(Webhook w, String eventId, byte[] body) {
        long ts = clock.instant().getEpochSecond();
        var request = HttpRequest.newBuilder(URI.create(w.url())).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Herald-Webhooks/1")
                .header("X-Herald-Event-Id", eventId)
                .header("X-Herald-Timestamp", Long.toString(ts))
                .header("X-Herald-Signature", "t=" + ts + ",v1=" + sign(w.secret(), ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            var text = response.body() == null ? "" : response.body().strip();
            return new Attempt(response.statusCode(), "HTTP " + response.statusCode() + (text.isEmpty() ? "" : ": "
                    + (text.length() > 200 ? text.substring(0, 200) : text)));
        } catch (java.io.IOException e) {
            return new Attempt(0, "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, "interrupted");
        }
    }

    /** Hex HMAC-SHA256 of "{timestamp}.{body}" under the secret. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        senders.shutdownNow();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

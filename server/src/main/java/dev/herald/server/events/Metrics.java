package dev.herald.server.events;

import dev.herald.server.auth.LoginGuard;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Event;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * `/metrics` in the Prometheus text format, with Prometheus's own client: events by tenant,
 * sending domain and kind (read from the event stream, so the figures agree with stats), SMTP
 * connections and IMAP sessions open, the queue's depth by tenant and reason, the delivery
 * latency (acceptance to the remote's 2xx), and the JVM's basics. Labels stay bounded: tenant and
 * domain, never mailbox or recipient.
 */
public final class Metrics implements EventLog.Listener {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Stores stores;
    private final Counter events;
    private final Histogram latency;
    private final Counter authFailures;
    private final Map<Long, String> tenantNames = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);

    public Metrics(Stores stores, IntSupplier smtpConnections, IntSupplier imapConnections) {
        this.stores = stores;
        JvmMetrics.builder().register(registry);
        events = Counter.builder().name("herald_events_total").help("Events of the event stream by tenant, sending domain and kind")
                .labelNames("tenant", "domain", "event").register(registry);
        latency = Histogram.builder().name("herald_delivery_latency_seconds")
                .help("From acceptance over SMTP to the remote's 2xx, per delivered recipient").labelNames("tenant")
                .classicOnly().classicUpperBounds(0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600).register(registry);
        authFailures = Counter.builder().name("herald_auth_failures_total")
                .help("Failed logins by protocol (SMTP, IMAP, HTTP) and reason (invalid credentials, throttled)")
                .labelNames("protocol", "reason").register(registry);
        GaugeWithCallback.builder().name("herald_smtp_connections").help("SMTP connections open now (all listeners)")
                .callback(cb -> cb.call(smtpConnections.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("herald_imap_connections").help("IMAP connections open now (both listeners)")
                .callback(cb -> cb.call(imapConnections.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("herald_queue_depth").help("Queued recipients not yet settled, by tenant and why they wait")
                .labelNames("tenant", "reason").callback(cb -> {
                    var byTenant = new java.util.HashMap<List<String>, Long>();
                    for (var q : stores.mail().queueDepth(java.util.Optional.empty())) {
                        byTenant.merge(List.of(tenantName(q.tenantId()), q.reason()), q.count(), Long::sum);
                    }
                    byTenant.forEach((labels, n) -> cb.call(n, labels.get(0), labels.get(1)));
                }).register(registry);
    }

    @Override
    public void stored(List<Event> stored) {
        for (var e : stored) {
            var kind = e.type().wire();
            events.labelValues(e.tenantId().map(this::tenantName).orElse(""), e.domain().orElse(""), kind).inc();
        }
    }

    /** A login failed: counted whether or not events are enabled. */
    public void loginFailed(LoginGuard.FailedLogin f) {
        authFailures.labelValues(f.protocol(), f.throttled() ? "throttled" : "invalid_credentials").inc();
    }

    /** A recipient delivered {@code after} its acceptance. */
    public void delivered(long tenantId, Duration after) {
        latency.labelValues(tenantName(tenantId)).observe(Math.max(0, after.toNanos()) / 1e9);
    }

    /** The text exposition (version 0.0.4) of every metric now. */
    public byte[] scrape() {
        var out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    private String tenantName(long id) {
        return tenantNames.computeIfAbsent(id, k -> stores.tenants().byId(k).map(t -> t.name()).orElse("deleted-" + k));
    }
}

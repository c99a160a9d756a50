package dev.herald.server;

import dev.herald.server.auth.LoginGuard;
import dev.herald.server.auth.LoginThrottle;
import dev.herald.server.config.HeraldConfig;
import dev.herald.server.dkim.NativeCrypto;
import dev.herald.server.dns.DnsVerifier;
import dev.herald.server.dns.DomainDnsRecords;
import dev.herald.server.http.HttpApiServer;
import dev.herald.server.http.Router;
import dev.herald.server.http.routes.DomainRoutes;
import dev.herald.server.http.routes.KeyRoutes;
import dev.herald.server.http.routes.MailboxRoutes;
import dev.herald.server.http.routes.PolicyRoutes;
import dev.herald.server.http.routes.TenantRoutes;
import dev.herald.server.http.routes.WorkspaceRoutes;
import dev.herald.server.provisioning.ApiKeyService;
import dev.herald.server.provisioning.DomainService;
import dev.herald.server.provisioning.Lookups;
import dev.herald.server.provisioning.MailboxService;
import dev.herald.server.provisioning.PolicyService;
import dev.herald.server.provisioning.TenantService;
import dev.herald.server.provisioning.WorkspaceService;
import dev.herald.storage.DataDirectory;
import dev.herald.storage.Database;
import dev.herald.storage.Secrets;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import dev.herald.storage.model.NewApiKey;
import dev.herald.storage.model.Scope;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.herald.server.delivery.DeliveryProcessor;
import dev.herald.server.delivery.ThreadIndexer;
import dev.herald.server.http.routes.MessageRoutes;
import dev.herald.server.net.ConnectionLimiter;
import dev.herald.server.smtp.MessageAcceptor;
import dev.herald.server.smtp.SmtpAuthenticator;
import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.SmtpServer;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.tls.TlsMaterial;
import dev.herald.storage.spool.Spool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Herald: the one place where storage, policy and the listeners are wired together with
 * plain constructors. {@link #close()} stops listeners first, then background work, then the database.
 */
public final class Herald implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Herald.class);

    private final HeraldConfig config;
    private final DataDirectory dataDir;
    private final Database database;
    private final HttpApiServer http;
    private final ScheduledExecutorService background;
    private final Spool spool;
    private final DeliveryProcessor delivery;
    private final SmtpServer smtp;
    private final dev.herald.server.imap.ImapServer imap;
    private final java.util.Optional<dev.herald.server.outbound.OutboundDeliverer> outbound;
    private final ExecutorService blocking;
    private final dev.herald.server.events.EventLog eventLog;
    private final dev.herald.server.events.WebhookDispatcher webhooks;

    private Herald(HeraldConfig config, DataDirectory dataDir, Database database, HttpApiServer http,
                   ScheduledExecutorService background, Spool spool, DeliveryProcessor delivery, SmtpServer smtp,
                   dev.herald.server.imap.ImapServer imap, java.util.Optional<dev.herald.server.outbound.OutboundDeliverer> outbound,
                   ExecutorService blocking, dev.herald.server.events.EventLog eventLog,
                   dev.herald.server.events.WebhookDispatcher webhooks) {
        this.eventLog = eventLog;
        this.webhooks = webhooks;
        this.config = config;
        this.dataDir = dataDir;
        this.database = database;
        this.http = http;
        this.background = background;
        this.spool = spool;
        this.delivery = delivery;
        this.smtp = smtp;
        this.imap = imap;
        this.outbound = outbound;
        this.blocking = blocking;
    }

    public static Herald start(HeraldConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** With a clock of the caller's: tests simulate days passing (warm-up, budgets, retries). */
    public static Herald start(HeraldConfig config, Clock clock) {
        NativeCrypto.install(config.cryptoNative());
        var dataDir = DataDirectory.open(config.dataDir());
        var database = Database.open(dataDir);
        try {
            var stores = database.stores();
            ensureAdminKey(dataDir, database);

            var lookups = new Lookups(stores, clock);
            var keys = new ApiKeyService(stores, lookups, clock);
            var eventLog = new dev.herald.server.events.EventLog(stores.events(), stores.mailboxes(), clock, config.eventsRetention(),
                    config.eventsEnabled());
            if (!config.eventsEnabled()) {
                log.warn("events.enabled = false: no event stream, so no stats, trace, audit log or webhooks");
            }
            var breakers = new dev.herald.server.policy.Breakers(stores, clock, eventLog);
            var tenants = new TenantService(stores, lookups, breakers);
            var workspaces = new WorkspaceService(stores, lookups);
            var policies = new PolicyService(stores, lookups);
            var dnsRecords = new DomainDnsRecords(config.hostname(), config.dnsSpf(), config.dnsDmarc(), config.dnsRecordTtl());
            var domains = new DomainService(stores, lookups, dnsRecords, new DnsVerifier(config.dnsResolver(), config.dnsTimeout()),
                    breakers);
            var mailboxes = new MailboxService(stores, lookups, clock, config.mailboxMaxTtl(), breakers);

            // Mail: the spool first (it recovers what was committed before a crash), then delivery
            // replays what was not yet delivered, then the listeners open.
            var spool = Spool.open(dataDir.root().resolve("spool"), config.spoolSegmentSize(), (int) stores.mail().spoolProgress()[0]);
            var events = new dev.herald.server.delivery.MailboxEvents();
            var verp = new dev.herald.server.outbound.VerpToken(verpKey(dataDir));
            var sendPolicy = new dev.herald.server.policy.SendPolicy(stores, new dev.herald.server.policy.SuppressionIndex(stores.suppressions(), eventLog), breakers,
                    clock, eventLog);
            var unsubscribes = new dev.herald.server.policy.Unsubscribes(new dev.herald.server.outbound.VerpToken(verpKey(dataDir),
                    dev.herald.server.outbound.VerpToken.UNSUBSCRIBE_PREFIX), stores, sendPolicy.suppressions(),
                    config.httpPublicUrl().isEmpty() ? "http://" + config.hostname() + ":" + config.httpPort() : config.httpPublicUrl(), eventLog);
            var delivery = new DeliveryProcessor(stores, spool, new ThreadIndexer(stores.mail(), config.threadSubjectWindow()), events, clock,
                    sendPolicy, verp, unsubscribes, config.feedbackAddress());
            delivery.recover(spool.recovered());
            var acceptor = new MessageAcceptor(spool, delivery, config.hostname(), clock, sendPolicy, stores);
            var ssl = TlsMaterial.serverContext(config.tlsCertificate(), config.tlsKey(), dataDir.root(), config.hostname());
            var blocking = Executors.newFixedThreadPool(2, r -> {
                var t = new Thread(r, "smtp-auth");
                t.setDaemon(true);
                return t;
            });
            // One throttle and one record of failed logins for SMTP, IMAP and the HTTP API.
            var logins = new LoginGuard(new LoginThrottle(config.authThrottle(), clock), blocking);
            logins.addListener(f -> {
                if (!f.throttled()) {
                    eventLog.record(failedLoginEvent(stores, clock, f));
                }
            });
            var smtpContext = new SmtpContext(config, stores, new SmtpAuthenticator(stores, clock), logins, acceptor, Optional.of(ssl),
                    new ConnectionLimiter(config.smtpMaxConnections(), config.smtpMaxConnectionsPerClient()), blocking, clock, sendPolicy, verp, unsubscribes);
            var smtp = new SmtpServer(smtpContext);
            var imapContext = new dev.herald.server.imap.ImapContext(config, stores, spool, delivery, smtpContext.authenticator(),
                    logins, events, Optional.of(ssl), blocking,
                    clock, config.imapMaxLiteral(), new dev.herald.server.imap.session.FolderSnapshots(stores.mail()), eventLog);
            var imap = new dev.herald.server.imap.ImapServer(imapContext);
            var dsn = new dev.herald.server.outbound.DsnReporter(spool, delivery, config.hostname(), clock);
            var mxResolver = new dev.herald.server.outbound.MxResolver(config.dnsResolver(), config.dnsTimeout(), config.outboundAllowPrivateMx(),
                    config.outboundPort(), java.time.Duration.ofMinutes(5), config.hostname());
            var outbound = config.outboundEnabled() ? java.util.Optional.of(new dev.herald.server.outbound.OutboundDeliverer(stores, spool,
                    mxResolver,
                    new dev.herald.server.outbound.SmtpClient(config.hostname(), config.outboundConnectTimeout(), config.outboundCommandTimeout()),
                    new dev.herald.server.outbound.OutboundDeliverer.Settings(config.outboundWorkers(), config.outboundRetrySchedule(),
                            config.outboundMaxAge(), config.outboundPollInterval(), config.outboundMaxPerDestination(), config.outboundMaxInFlight(),
                            config.outboundSourceAddresses(), config.outboundAllowPrivateRelays()),
                    clock, dsn,
                    dataDir.root().resolve("outbound/delivered.journal"), sendPolicy, verp, unsubscribes))
                    : java.util.Optional.<dev.herald.server.outbound.OutboundDeliverer>empty();

            var webhookDispatcher = new dev.herald.server.events.WebhookDispatcher(stores, spool, clock,
                    new dev.herald.server.events.WebhookDispatcher.Settings(config.webhooksAllowPrivate(), config.webhooksTimeout(),
                            config.webhooksRetryBase(), config.webhooksRetryMax(), config.webhooksPauseAfter(), config.webhooksMaxAttempts()));
            eventLog.addListener(webhookDispatcher);
            var audit = new dev.herald.server.events.AuditLog(stores.audit(), stores.mailboxes());
            eventLog.addListener(audit);
            var metrics = new dev.herald.server.events.Metrics(stores, smtpContext.limiter()::open, imap::openConnections);
            eventLog.addListener(metrics);
            logins.addListener(metrics::loginFailed);
            eventLog.addDeliveryListener(metrics::delivered);
            var router = new Router();
            router.add("GET", "/metrics", req -> {
                req.caller().requireAdmin("reading metrics");
                return dev.herald.server.http.ApiResponse.raw(metrics.contentType(), metrics.scrape());
            });
            TenantRoutes.register(router, tenants);
            WorkspaceRoutes.register(router, workspaces, policies);
            DomainRoutes.register(router, domains);
            MailboxRoutes.register(router, mailboxes, config.hostname());
            KeyRoutes.register(router, keys, stores);
            PolicyRoutes.register(router, policies);
            MessageRoutes.register(router, lookups, stores, spool);
            dev.herald.server.http.routes.BreakerRoutes.register(router, breakers, lookups);
            dev.herald.server.http.routes.TraceRoutes.register(router, new dev.herald.server.events.Trace(stores, eventLog));
            dev.herald.server.http.routes.StatsRoutes.register(router, new dev.herald.server.events.Stats(stores, eventLog, lookups, sendPolicy, clock));
            dev.herald.server.http.routes.UnsubscribeRoutes.register(router, unsubscribes);
            router.add("GET", "/v1/feedback", req -> {
                req.caller().requireAdmin("reading feedback counters");
                return dev.herald.server.http.ApiResponse.ok(java.util.Map.of("feedback_address", config.feedbackAddress(),
                        "unattributed_complaints", countEvents(eventLog, stores, EventType.COMPLAINED,
                                DeliveryProcessor.UNATTRIBUTED), "unparsed_bounces", countEvents(eventLog, stores,
                                EventType.BOUNCED, DeliveryProcessor.UNPARSED_REPORT)));
            });
            dev.herald.server.http.routes.SuppressionRoutes.register(router,
                    new dev.herald.server.provisioning.SuppressionService(sendPolicy.suppressions(), lookups));
            dev.herald.server.http.routes.RouteRoutes.register(router, new dev.herald.server.provisioning.RouteService(stores, lookups,
                    config.outboundAllowPrivateRelays(), mxResolver::addressesOf));
            dev.herald.server.http.routes.QueueRoutes.register(router, new dev.herald.server.provisioning.QueueService(stores, lookups, clock, dsn), stores);

            var background = Executors.newSingleThreadScheduledExecutor(r -> {
                var t = new Thread(r, "herald-background");
                t.setDaemon(true);
                return t;
            });
            long every = config.mailboxReaperInterval().toMillis();
            background.scheduleWithFixedDelay(() -> reap(mailboxes), every, every, TimeUnit.MILLISECONDS);

            var http = new HttpApiServer(config.bindAddress(), config.httpPort(), config.httpMaxBody(), config.httpWorkers(),
                    config.httpIdleTimeout(), router, keys, (caller, method, path, status) -> eventLog.record(new Event(0,
                    clock.instant(), EventType.ADMIN, caller.tenantId(), Optional.empty(), caller.mailboxId(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "key " + caller.keyId() + " ("
                    + caller.scope().name().toLowerCase(java.util.Locale.ROOT) + "): " + method + " " + path + " -> " + status)), logins);
            dev.herald.server.http.routes.AuditRoutes.register(router, audit, eventLog, lookups);
            dev.herald.server.http.routes.WebhookRoutes.register(router, new dev.herald.server.events.Webhooks(stores, lookups, webhookDispatcher,
                    config.webhooksAllowPrivate(), clock));
            log.info("Herald started: data {}, HTTP API on {}:{}, SMTP MX {}, submission {} (STARTTLS) and {} (TLS)", dataDir.root(),
                    config.bindAddress(), http.port(), smtp.port(Listener.MX), smtp.port(Listener.SUBMISSION), smtp.port(Listener.SUBMISSIONS));
            log.info("IMAP on {} (STARTTLS) and {} (TLS)", imap.port(), imap.tlsPort());
            return new Herald(config, dataDir, database, http, background, spool, delivery, smtp, imap, outbound, blocking, eventLog,
                    webhookDispatcher);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * On first start (no admin key yet) creates one and writes it to {@code admin.key} (0600):
     * the operator's way in, and what the CLI reads when it runs next to the data directory.
     */
    /** The key that signs VERP return paths: made on first start, kept in the data directory (0600). */
    /** The event of a failed login: the mailbox's tenant when the account is a hosted mailbox, so its audit log shows it. */
    private static Event failedLoginEvent(Stores stores, Clock clock, LoginGuard.FailedLogin f) {
        var mailbox = f.account().flatMap(a -> {
            try {
                return stores.mailboxes().byAddress(a);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        var account = f.account().map(a -> a.length() > 320 ? a.substring(0, 320) : a);
        return new Event(0, clock.instant(), EventType.LOGIN_FAILED,
                mailbox.map(m -> m.tenantId()), mailbox.map(m -> m.workspaceId()), mailbox.map(m -> m.id()), Optional.empty(),
                Optional.of(f.clientIp()), Optional.empty(), account, f.protocol() + " login failed from " + f.clientIp()
                + account.map(a -> " as " + a).orElse(" (API key)") + ": " + f.reason());
    }

    private static byte[] verpKey(DataDirectory dataDir) {
        var file = dataDir.root().resolve("verp.key");
        var existing = dataDir.readSecret(file);
        if (existing.isPresent()) {
            return existing.get().trim().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        var fresh = dev.herald.storage.Secrets.randomToken(32);
        dataDir.writeSecret(file, fresh + "\n");
        return fresh.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void ensureAdminKey(DataDirectory dataDir, Database database) {
        var keys = database.stores().apiKeys();
        if (keys.hasActiveAdminKey()) {
            if (dataDir.readSecret(dataDir.adminKeyFile()).isEmpty()) {
                log.warn("{} is missing; the admin key is not recoverable from the database (it holds only a hash)",
                        dataDir.adminKeyFile());
            }
            return;
        }
        var secret = Secrets.newApiKey();
        keys.create(new NewApiKey(secret.substring(0, Secrets.API_KEY_PREFIX.length() + 8), Secrets.sha256Hex(secret),
                "bootstrap admin key", Scope.ADMIN, Optional.empty(), Optional.empty()));
        dataDir.writeSecret(dataDir.adminKeyFile(), secret + "\n");
        log.info("created the admin API key in {}", dataDir.adminKeyFile());
    }

    /** Feedback counters come from the event stream: they survive a restart, within events.retention. */
    private static long countEvents(dev.herald.server.events.EventLog events, dev.herald.storage.Stores stores,
                                    EventType type, String detailPrefix) {
        events.flush();
        return stores.events().count(type, detailPrefix);
    }

    private static void reap(MailboxService mailboxes) {
        try {
            var gone = mailboxes.reapExpired();
            if (!gone.isEmpty()) {
                log.info("deleted {} expired mailbox(es): {}", gone.size(), gone);
            }
        } catch (RuntimeException e) {
            log.error("deleting expired mailboxes failed; will retry", e);
        }
    }

    public int httpPort() {
        return http.port();
    }

    public int smtpPort(Listener listener) {
        return smtp.port(listener);
    }

    /** The IMAP port, with STARTTLS ({@code tls} false) or implicit TLS. */
    public int imapPort(boolean tls) {
        return tls ? imap.tlsPort() : imap.port();
    }

    public HeraldConfig config() {
        return config;
    }

    public Path adminKeyFile() {
        return dataDir.adminKeyFile();
    }

    @Override
    public void close() {
        http.close();
        smtp.close();
        imap.close();
        outbound.ifPresent(dev.herald.server.outbound.OutboundDeliverer::close);
        spool.close();      // commits what is queued; sessions are gone
        delivery.close();   // delivers what was committed; the rest replays on the next start
        blocking.shutdownNow();
        background.shutdownNow();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLog.close();   // stores the history of all of the above (queueing their webhook deliveries)
        webhooks.close();
        database.close();
        log.info("Herald stopped");
    }
}

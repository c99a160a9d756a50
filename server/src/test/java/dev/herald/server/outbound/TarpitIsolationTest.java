package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant's bad morning never delays another tenant's mail: tenant A's messages go to a
 * tarpit (every command answered 20 s late), to a host that accepts connections and never
 * answers, and to one that answers 421 to every connection; tenant B's transactional messages to a
 * healthy host keep their latency, measured at the receiver against B's latency with no bad remote
 * busy (p90 within 2x, or within 1 s where B alone is faster than 1 s: the scheduler's own tick).
 */
class TarpitIsolationTest {
    private static final Pattern SUBJECT = Pattern.compile("Subject: (b-\\d+-\\d+)");

    @TempDir
    Path data;

    @Test
    void badRemotesOfOneTenantDoNotDelayAnother() throws Exception {
        try (var dns = new LoopbackDnsServer(); var healthy = new ScriptedMx(n -> "250 2.0.0 ok")) {
            int port = healthy.port();
            try (var tarpit = new BadRemotes(BadRemotes.Kind.TARPIT, "127.0.0.11", port, 20_000);
                 var silent = new BadRemotes(BadRemotes.Kind.SILENT, "127.0.0.12", port, 0);
                 var refusing = new BadRemotes(BadRemotes.Kind.REFUSING, "127.0.0.13", port, 0)) {
                dns.mx("healthy.example", 10, "mx.healthy.example").a("mx.healthy.example", "127.0.0.1");
                dns.mx("tarpit.example", 10, "mx.tarpit.example").a("mx.tarpit.example", "127.0.0.11");
                dns.mx("silent.example", 10, "mx.silent.example").a("mx.silent.example", "127.0.0.12");
                dns.mx("refusing.example", 10, "mx.refusing.example").a("mx.refusing.example", "127.0.0.13");
                try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                        String.valueOf(port), "outbound.allow_private_mx", "true", "outbound.command_timeout", "60s",
                        "outbound.retry_schedule", "2s"))) {
                    var admin = h.admin();
                    admin.liftSendLimits(); // isolation is under test, not pacing or warm-up
                    var a = provision(admin, "a", "a.example");
                    var b = provision(admin, "b", "b.example");
                    var submitted = new ConcurrentHashMap<String, Instant>();

                    var alone = latencies(h, b, 0, healthy, submitted);

                    // Tenant A's bad morning: 40 messages to each bad remote.
                    try (var s = session(h, "agent@a.example", a)) {
                        for (var domain : List.of("tarpit.example", "silent.example", "refusing.example")) {
                            for (int i = 0; i < 40; i++) {
                                send(s, "agent@a.example", "r" + i + "@" + domain, "a-" + i);
                            }
                        }
                    }
                    // Until every bad remote is busy: the tarpit and the silent host hold connections, the refusing one was asked.
                    await().atMost(Duration.ofSeconds(20)).until(() -> tarpit.connections.get() >= 5 && silent.connections.get() >= 5
                            && refusing.connections.get() >= 3);

                    var storm = latencies(h, b, 1, healthy, submitted);
                    long p90Alone = p90(alone);
                    long p90Storm = p90(storm);
                    System.err.printf("TarpitIsolationTest: B p90 alone %d ms, during A's bad morning %d ms%n", p90Alone, p90Storm);
                    assertThat(p90Storm).as("B's p90 during A's bad morning (alone: %d ms)", p90Alone)
                            .isLessThanOrEqualTo(Math.max(2 * p90Alone, p90Alone + 1_000));
                    assertThat(healthy.accepted).noneMatch(m -> m.contains("Subject: a-"));
                }
            }
        }
    }

    /** Sends B's ten messages one after another, waits for them at the receiver, returns each latency in ms. */
    private static List<Long> latencies(TestHerald h, String password, int round, ScriptedMx receiver, Map<String, Instant> submitted)
            throws Exception {
        int before = receiver.accepted.size();
        try (var s = session(h, "agent@b.example", password)) {
            for (int i = 0; i < 10; i++) {
                var subject = "b-" + round + "-" + i;
                send(s, "agent@b.example", "user" + i + "@healthy.example", subject);
                submitted.put(subject, Instant.now());
            }
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> receiver.accepted.size() >= before + 10);
        var out = new ArrayList<Long>();
        for (int i = before; i < receiver.accepted.size(); i++) {
            var m = SUBJECT.matcher(receiver.accepted.get(i));
            if (m.find() && m.group(1).startsWith("b-" + round + "-")) {
                out.add(Math.max(0, Duration.between(submitted.get(m.group(1)), receiver.acceptedAt.get(i)).toMillis()));
            }
        }
        assertThat(out).hasSize(10);
        return out;
    }

    private static long p90(List<Long> values) {
        var sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }

    private static String provision(dev.herald.server.testing.TestApi admin, String tenant, String domain) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox("agent@" + domain).get("credentials").get("password").asText();
    }

    private static SmtpScript session(TestHerald h, String user, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain(user, password)).startsWith("235");
        return s;
    }

    private static void send(SmtpScript s, String from, String rcpt, String subject) throws Exception {
        s.send("MAIL FROM:<" + from + ">");
        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
        s.send("DATA");
        assertThat(s.send("From: " + from + "\r\nSubject: " + subject + "\r\n\r\nhello\r\n.")).startsWith("250");
    }
}

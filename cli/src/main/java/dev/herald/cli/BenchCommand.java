package dev.herald.cli;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Load generators an operator can point at their own deployment. */
@Command(name = "bench", description = "Measure a running Herald.", mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Provision.class, BenchCommand.Smtp.class, BenchCommand.Imap.class})
final class BenchCommand {

    @Command(name = "provision", mixinStandardHelpOptions = true,
            description = "Create a tenant and a domain, then N mailboxes through the HTTP API with C requests in flight; "
                    + "print mailboxes/s and latency percentiles.")
    static final class Provision extends ClientCommand {
        @Option(names = "--mailboxes", defaultValue = "10000", description = "how many (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--concurrency", defaultValue = "16", description = "connections, each with one request in flight (default: ${DEFAULT-VALUE})")
        int concurrency;

        @Option(names = "--max-seconds", defaultValue = "300", description = "stop issuing requests after this long (default: ${DEFAULT-VALUE})")
        int maxSeconds;

        @Override
        void run(ApiClient api, Output out) {
            var run = Long.toString(System.currentTimeMillis(), 36);
            var tenant = "bench-" + run;
            var domain = "bench-" + run + ".test";
            api.post("/v1/tenants", Map.of("name", tenant));
            api.post("/v1/domains", Map.of("name", domain, "tenant", tenant));

            // One persistent connection per worker thread; each takes the next mailbox number
            // until all are issued or the time is up.
            var base = URI.create(api.baseUrl());
            var latencies = new long[count];
            var next = new AtomicInteger();
            var failures = new AtomicInteger();
            var firstError = new AtomicReference<String>();
            long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
            long start = System.nanoTime();
            var workers = new ArrayList<Thread>();
            for (int w = 0; w < concurrency; w++) {
                var t = new Thread(() -> {
                    try (var http = new KeepAliveHttpClient(base, api.apiKey())) {
                        for (int i = next.getAndIncrement(); i < count && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            var resp = http.post("/v1/mailboxes", "{\"address\":\"agent" + i + "@" + domain + "\"}");
                            latencies[i] = System.nanoTime() - t0;
                            if (resp.status() != 201) {
                                failures.incrementAndGet();
                                firstError.compareAndSet(null, resp.status() + " " + resp.body());
                            }
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }, "bench-" + w);
                t.start();
                workers.add(t);
            }
            for (var t : workers) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted");
                }
            }
            int issued = Math.min(count, next.get());
            double seconds = (System.nanoTime() - start) / 1e9;
            var sorted = Arrays.stream(latencies, 0, issued).filter(l -> l > 0).toArray();
            Arrays.sort(sorted);
            int ok = issued - failures.get();
            var result = ApiClient.MAPPER.createObjectNode()
                    .put("tenant", tenant)
                    .put("domain", domain)
                    .put("requested", count)
                    .put("created", ok)
                    .put("failed", failures.get())
                    .put("concurrency", concurrency)
                    .put("seconds", Math.round(seconds * 100) / 100.0)
                    .put("mailboxes_per_second", Math.round(ok / seconds))
                    .put("p50_ms", percentileMs(sorted, 0.50))
                    .put("p99_ms", percentileMs(sorted, 0.99));
            if (firstError.get() != null) {
                result.put("first_error", firstError.get());
            }
            if (out.json()) {
                out.json(result);
            } else {
                out.fields(result, "tenant", "domain", "created", "failed", "concurrency", "seconds", "mailboxes_per_second",
                        "p50_ms", "p99_ms", "first_error");
            }
            if (failures.get() > 0) {
                throw new CliException(failures.get() + " of " + issued + " creations failed: " + firstError.get());
            }
        }

        private static double percentileMs(long[] nanos, double p) {
            return Math.round(Percentiles.ms(nanos, p) * 100) / 100.0;
        }
    }

    @Command(name = "smtp", mixinStandardHelpOptions = true,
            description = "Send MESSAGES messages of SIZE bytes over SESSIONS concurrent SMTP sessions (plain dialogue, one "
                    + "connection per session) and print accepted messages/s and latency percentiles. Loopback targets only.")
    static final class Smtp implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "a loopback address (default: ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--port", defaultValue = "2525", description = "default: ${DEFAULT-VALUE} (the MX)")
        int port;

        @Option(names = "--sessions", defaultValue = "20", description = "default: ${DEFAULT-VALUE}")
        int sessions;

        @Option(names = "--messages", defaultValue = "20000", description = "default: ${DEFAULT-VALUE}")
        int messages;

        @Option(names = "--size", defaultValue = "4096", description = "body bytes per message (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--from", defaultValue = "load@bench.herald.test")
        String from;

        @Option(names = "--to", required = true, description = "an address the server accepts (a hosted mailbox)")
        String to;

        @Option(names = "--max-seconds", defaultValue = "300", description = "stop after this long (default: ${DEFAULT-VALUE})")
        int maxSeconds;

        @Option(names = "--user", description = "submission: implicit TLS and AUTH PLAIN as this mailbox (use the 2465 port)")
        String user;

        @Option(names = "--password", description = "with --user")
        String password;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!host.startsWith("127.") && !host.equals("localhost") && !host.equals("::1")) {
                throw new CliException("refusing a non-loopback target: " + host);
            }
            var r = SmtpLoad.run(host, port, sessions, messages, size, user != null ? user : from, to, Duration.ofSeconds(maxSeconds), user,
                    password);
            var out = new Output(spec.commandLine().getOut(), json);
            var node = ApiClient.MAPPER.createObjectNode()
                    .put("target", host + ":" + port)
                    .put("sessions", sessions)
                    .put("size", size)
                    .put("accepted", r.accepted())
                    .put("failed", r.failed())
                    .put("seconds", Math.round(r.seconds() * 100) / 100.0)
                    .put("messages_per_second", Math.round(r.perSecond()))
                    .put("p50_ms", Math.round(r.percentileMs(0.5) * 100) / 100.0)
                    .put("p99_ms", Math.round(r.percentileMs(0.99) * 100) / 100.0);
            if (r.firstError() != null) {
                node.put("first_error", r.firstError());
            }
            if (json) {
                out.json(node);
            } else {
                out.fields(node, "target", "sessions", "size", "accepted", "failed", "seconds", "messages_per_second", "p50_ms", "p99_ms",
                        "first_error");
            }
            return r.failed() > 0 ? 1 : 0;
        }
    }

    @Command(name = "imap", mixinStandardHelpOptions = true,
            description = "Load a running IMAP server (Herald or any other) with C clients for S seconds: SELECT, FETCH envelopes of the "
                    + "newest 50, SEARCH, STORE, IDLE/DONE, NOOP; print ops/s and p50/p99 per command. With --idle-connections N: open N "
                    + "connections idling in IDLE and hold them. Plain IMAP on loopback only.")
    static final class Imap implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;

        @Option(names = "--port", defaultValue = "2143")
        int port;

        @Option(names = "--user", required = true)
        String user;

        @Option(names = "--password", required = true)
        String password;

        @Option(names = "--clients", defaultValue = "10", description = "default: ${DEFAULT-VALUE}")
        int clients;

        @Option(names = "--seconds", defaultValue = "20", description = "default: ${DEFAULT-VALUE}")
        int seconds;

        @Option(names = "--idle-connections", defaultValue = "0", description = "open this many idling connections instead")
        int idleConnections;

        @Option(names = "--hold-seconds", defaultValue = "10", description = "with --idle-connections: how long to hold them")
        int holdSeconds;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!host.startsWith("127.") && !host.equals("localhost") && !host.equals("::1")) {
                throw new CliException("refusing a non-loopback target: " + host);
            }
            var out = spec.commandLine().getOut();
            if (idleConnections > 0) {
                long t0 = System.nanoTime();
                var open = ImapLoad.idleConnections(host, port, user, password, idleConnections);
                out.printf("%d connections idling (opened in %.1f s); holding %d s%n", open.size(), (System.nanoTime() - t0) / 1e9, holdSeconds);
                out.flush();
                Thread.sleep(holdSeconds * 1000L); // holding the connections is the point of this mode
                for (var c : open) {
                    c.close();
                }
                return 0;
            }
            var r = ImapLoad.run(host, port, user, password, clients, Duration.ofSeconds(seconds));
            out.printf("%-10s %8s %8s %8s %8s%n", "op", "count", "ops/s", "p50ms", "p99ms");
            long total = 0;
            for (var e : r.latencies().entrySet()) {
                var l = e.getValue();
                total += l.length;
                out.printf("%-10s %8d %8.0f %8.2f %8.2f%n", e.getKey(), l.length, l.length / r.seconds(), ImapLoad.percentileMs(l, 0.5),
                        ImapLoad.percentileMs(l, 0.99));
            }
            out.printf("%-10s %8d %8.0f   errors=%d%s%n", "TOTAL", total, total / r.seconds(), r.errors(),
                    r.firstError() == null ? "" : " first: " + r.firstError());
            out.flush();
            return r.errors() > 0 ? 1 : 0;
        }
    }
}

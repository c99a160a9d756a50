package dev.herald.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as a real DNS server process on an unprivileged loopback port, authoritative
 * for the given zones and serving only the records passed as options. Tests that use it skip,
 * loudly, when it is not installed (.ci/run installs dnsmasq-base).
 */
public final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The dnsmasq binary, if installed. */
    public static Optional<String> binary() {
        for (var dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin")) {
            var p = Path.of(dir, "dnsmasq");
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Starts dnsmasq authoritative for {@code zones} ("--local=/zone/") with the given record options
     * (e.g. "--mx-host=…", "--txt-record=…", "--host-record=…"), logging into {@code dir}.
     */
    public static Dnsmasq start(Path dir, List<String> zones, List<String> records) throws IOException {
        // dnsmasq cannot be given port 0, so a free port is picked first; should another process take
        // it before dnsmasq binds (UDP or TCP), dnsmasq exits with "Address already in use" and we try another.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dir, zones, records);
            } catch (PortTakenException e) {
                if (attempt == 5) {
                    throw new IOException("dnsmasq found its port taken five times", e);
                }
            }
        }
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private static Dnsmasq startOnce(Path dir, List<String> zones, List<String> records) throws IOException {
        var binary = binary().orElseThrow(() -> new IllegalStateException("dnsmasq is not installed"));
        int port;
        try (var probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        var args = new ArrayList<>(List.of(binary, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-daemon",
                "--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port,
                "--user=" + System.getProperty("user.name"), "--log-queries", "--pid-file=" + dir.resolve("dnsmasq-" + port + ".pid")));
        zones.forEach(z -> args.add("--local=/" + z + "/"));
        args.addAll(records); // no shell in between: values go unquoted (dnsmasq would keep quotes literally)
        var log = dir.resolve("dnsmasq-" + port + ".log");
        var process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var dns = new Dnsmasq(process, port, log);
        try {
            dns.awaitReady(zones.isEmpty() ? "localhost" : zones.get(0));
        } catch (IOException e) {
            if (!process.isAlive() && dns.log().contains("in use")) {
                throw new PortTakenException(dns.log());
            }
            throw e;
        }
        return dns;
    }

    /**
     * Until dnsmasq answers (at most 10 s): a query sent before it listens is lost, and the
     * resolver under test would wait out its whole timeout, making tests slow and flaky under load.
     */
    private void awaitReady(String zone) throws IOException {
        var resolver = new org.xbill.DNS.SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(java.time.Duration.ofMillis(200));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dnsmasq exited at start: " + log());
            }
            try {
                var query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString(zone + "."),
                        org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN));
                resolver.send(query);
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
        }
        throw new IOException("dnsmasq did not answer within 10 s: " + log());
    }

    /** The setting for Herald's dns.resolver. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}

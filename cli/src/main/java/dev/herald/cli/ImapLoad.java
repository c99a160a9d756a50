package dev.herald.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An IMAP load generator: C clients, each on its own connection, loop over LOGIN-once then SELECT,
 * FETCH envelopes of the newest 50, a SEARCH, STORE ±\Seen on one message, IDLE/DONE, NOOP — timed
 * per command. Plain IMAP (the server must allow it on loopback), loopback only, bounded in time.
 */
final class ImapLoad {
    static final List<String> OPS = List.of("select", "fetch_env", "search", "store", "idle", "noop");

    /** A minimal IMAP client: writes tagged commands, reads through the tagged reply (skipping literals). */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;

        Client(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            line(); // greeting
        }

        /** Runs a command; returns the untagged lines; throws when the tagged reply is not OK. */
        List<String> run(String command) throws IOException {
            var t = "b" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return untilTagged(t);
        }

        List<String> untilTagged(String t) throws IOException {
            var lines = new ArrayList<String>();
            while (true) {
                var l = line();
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK")) {
                        throw new IOException(l);
                    }
                    return lines;
                }
                lines.add(l);
            }
        }

        /** IDLE, then DONE as soon as "+" arrives. */
        void idleRoundTrip() throws IOException {
            var t = "b" + (++tag);
            out.write((t + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (!line().startsWith("+")) {
                // untagged updates before the continuation
            }
            out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            untilTagged(t);
        }

        /** Starts IDLE and leaves it running (for the idle-connections test). */
        void startIdle() throws IOException {
            out.write(("i IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (!line().startsWith("+")) {
                // wait for the continuation
            }
        }

        /** One response line; a literal's bytes are read past and the line continues after it. */
        private String line() throws IOException {
            var sb = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    int open = sb.lastIndexOf("{");
                    if (open >= 0 && sb.charAt(sb.length() - 1) == '}') {
                        long n = Long.parseLong(sb.substring(open + 1, sb.length() - 1).replace("+", ""));
                        in.skipNBytes(n);
                        sb.append("<literal>");
                        continue;
                    }
                    return sb.toString();
                }
                sb.append((char) c);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Result(Map<String, long[]> latencies, double seconds, int errors, String firstError) {
    }

    static Result run(String host, int port, String user, String password, int clients, Duration time) {
        var lat = new ConcurrentHashMap<String, List<Long>>();
        OPS.forEach(op -> lat.put(op, java.util.Collections.synchronizedList(new ArrayList<>())));
        var errors = new AtomicInteger();
        var firstError = new java.util.concurrent.atomic.AtomicReference<String>();
        long end = System.nanoTime() + time.toNanos();
        long start = System.nanoTime();
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < clients; c++) {
            final int id = c;
            var t = new Thread(() -> {
                var rng = new Random(id);
                try (var imap = new Client(host, port)) {
                    imap.run("LOGIN \"" + user + "\" \"" + password + "\"");
                    int exists = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        for (var l : imap.run("SELECT INBOX")) {
                            if (l.endsWith(" EXISTS")) {
                                exists = Integer.parseInt(l.substring(2, l.length() - 7));
                            }
                        }
                        record(lat, "select", t0);
                        t0 = System.nanoTime();
                        imap.run("FETCH " + Math.max(1, exists - 49) + ":" + Math.max(1, exists) + " (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)");
                        record(lat, "fetch_env", t0);
                        t0 = System.nanoTime();
                        imap.run(rng.nextBoolean() ? "SEARCH UNSEEN" : "SEARCH SUBJECT \"re\"");
                        record(lat, "search", t0);
                        t0 = System.nanoTime();
                        imap.run("STORE " + (1 + rng.nextInt(Math.max(1, exists))) + (rng.nextBoolean() ? " +" : " -") + "FLAGS.SILENT (\\Seen)");
                        record(lat, "store", t0);
                        t0 = System.nanoTime();
                        imap.idleRoundTrip();
                        record(lat, "idle", t0);
                        t0 = System.nanoTime();
                        imap.run("NOOP");
                        record(lat, "noop", t0);
                    }
                    imap.run("LOGOUT");
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
            }, "imap-load-" + c);
            t.start();
            threads.add(t);
        }
        for (var t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var out = new LinkedHashMap<String, long[]>();
        OPS.forEach(op -> out.put(op, lat.get(op).stream().mapToLong(Long::longValue).sorted().toArray()));
        return new Result(out, (System.nanoTime() - start) / 1e9, errors.get(), firstError.get());
    }

    private static void record(Map<String, List<Long>> lat, String op, long t0) {
        lat.get(op).add(System.nanoTime() - t0);
    }

    static double percentileMs(long[] nanos, double p) {
        return Percentiles.ms(nanos, p);
    }

    /** Opens {@code n} connections, each logged in, with INBOX selected and IDLE running; returns them open. */
    static List<Client> idleConnections(String host, int port, String user, String password, int n) throws IOException {
        var list = new ArrayList<Client>(n);
        for (int i = 0; i < n; i++) {
            var c = new Client(host, port);
            c.run("LOGIN \"" + user + "\" \"" + password + "\"");
            c.run("SELECT INBOX");
            c.startIdle();
            list.add(c);
        }
        return list;
    }
}

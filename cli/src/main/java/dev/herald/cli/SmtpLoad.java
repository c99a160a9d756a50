package dev.herald.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An SMTP load generator: S sessions, each on one connection, sending messages one after another
 * with the plain dialogue (MAIL, RCPT, DATA, body; each reply awaited, as smtp-source does), until
 * the total is reached or time is up. Counts a message as accepted on its 250 after the body.
 */
final class SmtpLoad {
    record Result(int accepted, int failed, double seconds, long[] latenciesNanos, String firstError) {
        double perSecond() {
            return accepted / seconds;
        }

        double percentileMs(double p) {
            return Percentiles.ms(latenciesNanos, p);
        }
    }

    private SmtpLoad() {
    }

    static Result run(String host, int port, int sessions, int messages, int size, String from, String to, Duration maxTime) {
        return run(host, port, sessions, messages, size, from, to, maxTime, null, null);
    }

    /** With {@code user} set: implicit TLS and AUTH PLAIN first (a submission port). */
    static Result run(String host, int port, int sessions, int messages, int size, String from, String to, Duration maxTime,
                      String user, String password) {
        var next = new AtomicInteger();
        var accepted = new AtomicInteger();
        var failed = new AtomicInteger();
        var firstError = new AtomicReference<String>();
        var latencies = new long[messages];
        long deadline = System.nanoTime() + maxTime.toNanos();
        var body = body(size, from, to);
        long start = System.nanoTime();
        var threads = new ArrayList<Thread>();
        for (int s = 0; s < sessions; s++) {
            var t = new Thread(() -> {
                try (var socket = user == null ? new Socket(host, port) : tls(host, port)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(60_000);
                    var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    var out = socket.getOutputStream();
                    expect(in, "220");
                    send(out, "EHLO load.herald.test\r\n");
                    expect(in, "250");
                    if (user != null) {
                        var token = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
                        send(out, "AUTH PLAIN " + token + "\r\n");
                        if (expect(in, "235") == null) {
                            throw new IOException("AUTH refused: " + lastReply.get());
                        }
                    }
                    for (int i = next.getAndIncrement(); i < messages && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        send(out, "MAIL FROM:<" + from + ">\r\n");
                        var r = expect(in, "250");
                        if (r != null) {
                            send(out, "RCPT TO:<" + to + ">\r\n");
                            r = expect(in, "250");
                        }
                        if (r != null) {
                            send(out, "DATA\r\n");
                            r = expect(in, "354");
                        }
                        if (r != null) {
                            out.write(body);
                            out.flush();
                            r = expect(in, "250");
                        }
                        if (r == null) {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, lastReply.get());
                            send(out, "RSET\r\n");
                            expect(in, "250");
                            continue;
                        }
                        latencies[i] = System.nanoTime() - t0;
                        accepted.incrementAndGet();
                    }
                    send(out, "QUIT\r\n");
                } catch (IOException e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
            }, "smtp-load-" + s);
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
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(accepted.get(), failed.get(), seconds, Arrays.stream(latencies).filter(l -> l > 0).toArray(), firstError.get());
    }

    private static Socket tls(String host, int port) throws IOException {
        try {
            var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            var s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(host, port);
            s.startHandshake();
            return s;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static final ThreadLocal<String> lastReply = ThreadLocal.withInitial(() -> "");

    /** Reads a whole reply; returns it when it starts with {@code code}, else null. */
    private static String expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        lastReply.set(line);
        return line.startsWith(code) ? line : null;
    }

    private static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A message of about {@code size} bytes of body text, in 72-character lines, ending with the terminator. */
    static byte[] body(int size, String from, String to) {
        var sb = new StringBuilder("From: <").append(from).append(">\r\nTo: <").append(to)
                .append(">\r\nSubject: herald bench\r\n\r\n");
        var line = "x".repeat(70) + "\r\n";
        for (int n = 0; n < size; n += line.length()) {
            sb.append(line);
        }
        return sb.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}

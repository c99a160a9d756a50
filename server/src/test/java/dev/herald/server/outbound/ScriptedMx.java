package dev.herald.server.outbound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A remote MX on loopback that answers on a script: the reply after DATA of the n-th transaction
 * comes from {@code endOfData.apply(n)}; what it accepted is kept. A real SMTP peer on a real socket.
 */
public final class ScriptedMx implements AutoCloseable {
    public final List<String> accepted = new CopyOnWriteArrayList<>();
    /** When each accepted message's DATA was answered, as the receiver's clock saw it (a receiver counting a sliding window). */
    public final List<java.time.Instant> acceptedAt = new CopyOnWriteArrayList<>();
    public final AtomicInteger transactions = new AtomicInteger();
    public final AtomicInteger connections = new AtomicInteger();
    /** Connections open now, and the most ever open at once. */
    public final AtomicInteger active = new AtomicInteger();
    public final AtomicInteger maxActive = new AtomicInteger();
    /** The address each connection came from. */
    public final List<String> clientAddresses = new CopyOnWriteArrayList<>();
    /** The MAIL FROM path of each transaction, in order. */
    public final List<String> mailFrom = new CopyOnWriteArrayList<>();
    /** "mail-from recipient" for each RCPT, in order. */
    public final List<String> envelopes = new CopyOnWriteArrayList<>();
    /** Each accepted message prefixed with the client address it came from: "127.0.0.2 " + body. */
    public final List<String> acceptedFrom = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    /** The reply to each RCPT TO, by address ("250 ok" unless a test says otherwise). */
    private final java.util.function.Function<String, String> rcpt;

    public ScriptedMx(IntFunction<String> endOfData) throws IOException {
        this(endOfData, address -> "250 ok");
    }

    public ScriptedMx(IntFunction<String> endOfData, java.util.function.Function<String, String> rcpt) throws IOException {
        this.rcpt = rcpt;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var t = new Thread(() -> {
            while (!server.isClosed()) {
                java.net.Socket accepted;
                try {
                    accepted = server.accept();
                    connections.incrementAndGet();
                } catch (IOException e) {
                    continue;
                }
                clientAddresses.add(accepted.getInetAddress().getHostAddress());
                var conn = new Thread(() -> {
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                    try {
                        serve(accepted, endOfData);
                    } finally {
                        active.decrementAndGet();
                    }
                }, "scripted-mx-conn");
                conn.setDaemon(true);
                conn.start();
            }
        }, "scripted-mx");
        t.setDaemon(true);
        t.start();
    }

    private void serve(java.net.Socket socket, IntFunction<String> endOfData) {
                try (var s = socket) {
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    var out = s.getOutputStream();
                    out.write("220 scripted.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    String from = "";
                    for (String line; (line = in.readLine()) != null; ) {
                        var verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                        String reply;
                        switch (verb) {
                            case "EHLO" -> reply = "250-scripted.example\r\n250 8BITMIME";
                            case "DATA" -> {
                                out.write("354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                                var body = new StringBuilder();
                                for (String l; (l = in.readLine()) != null && !l.equals("."); ) {
                                    body.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
                                }
                                reply = endOfData.apply(transactions.incrementAndGet());
                                if (reply.equals("DROP")) {
                                    return; // the connection dies mid-DATA: no reply, nothing accepted
                                }
                                if (reply.startsWith("250")) {
                                    acceptedFrom.add(socket.getInetAddress().getHostAddress() + " " + body);
                                    synchronized (acceptedAt) { // the same index in both lists
                                        acceptedAt.add(java.time.Instant.now());
                                        accepted.add(body.toString());
                                    }
                                }
                            }
                            case "QUIT" -> {
                                out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                                reply = null;
                            }
                            case "MAIL" -> {
                                from = line.replaceAll("(?i)^MAIL FROM:<([^>]*)>.*$", "$1");
                                mailFrom.add(from);
                                reply = "250 ok";
                            }
                            case "RCPT" -> {
                                var to = line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*$", "$1");
                                envelopes.add(from + " " + to); // this connection's MAIL FROM, not another's
                                reply = rcpt.apply(to);
                            }
                            default -> reply = "250 ok";
                        }
                        if (reply == null) {
                            break;
                        }
                        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // the client went away
                }
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

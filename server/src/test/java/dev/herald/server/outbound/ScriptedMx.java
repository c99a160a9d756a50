package dev.herald.server.outbound;

import java.io.IOException;
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

    /**
     * The EHLO keywords after the greeting line; "8BITMIME" unless a test sets others (e.g.
     * PIPELINING, CHUNKING, SMTPUTF8) before the client connects.
     */
    public volatile List<String> extensions = List.of("8BITMIME");
    /** Each MAIL command line as sent (with its parameters). */
    public final List<String> mailCommands = new CopyOnWriteArrayList<>();
    /** Every command line received, over all connections, in order. */
    public final List<String> commands = new CopyOnWriteArrayList<>();
    /**
     * How many times replies were written out: like Postfix, replies are held while more commands
     * are already waiting in the input, so a pipelined group costs one write and a lock-step one a
     * write per command.
     */
    public final AtomicInteger replyWrites = new AtomicInteger();

    private void serve(java.net.Socket socket, IntFunction<String> endOfData) {
        try (var s = socket) {
            var in = new java.io.BufferedInputStream(s.getInputStream());
            var out = new java.io.ByteArrayOutputStream();
            var sink = s.getOutputStream();
            sink.write("220 scripted.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String from = "";
            int recipients = 0; // accepted in this transaction: DATA or BDAT without any is refused, as real servers do
            for (String line; (line = line(in)) != null; ) {
                commands.add(line);
                var verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                String reply;
                switch (verb) {
                    case "EHLO" -> {
                        var ehlo = new StringBuilder("250-scripted.example");
                        var ext = extensions;
                        for (int i = 0; i < ext.size(); i++) {
                            ehlo.append("\r\n250").append(i == ext.size() - 1 ? ' ' : '-').append(ext.get(i));
                        }
                        reply = ext.isEmpty() ? "250 scripted.example" : ehlo.toString();
                    }
                    case "DATA", "BDAT" -> {
                        String body;
                        if (recipients == 0) {
                            if (verb.equals("BDAT")) {
                                in.readNBytes(Integer.parseInt(line.trim().split("\\s+")[1])); // read and discarded (RFC 3030)
                            }
                            reply = "554 5.5.1 no valid recipients";
                            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                            flush(in, out, sink, false);
                            continue;
                        }
                        recipients = 0;
                        if (verb.equals("DATA")) {
                            out.write("354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                            flush(in, out, sink, true);
                            var b = new StringBuilder();
                            for (String l; (l = line(in)) != null && !l.equals("."); ) {
                                b.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
                            }
                            body = b.toString();
                        } else {
                            var bdat = line.trim().split("\\s+");
                            var chunk = in.readNBytes(Integer.parseInt(bdat[1]));
                            body = new String(chunk, StandardCharsets.UTF_8);
                            if (bdat.length < 3 || !bdat[2].equalsIgnoreCase("LAST")) {
                                throw new IOException("this peer takes one BDAT LAST per message only");
                            }
                        }
                        reply = endOfData.apply(transactions.incrementAndGet());
                        if (reply.equals("DROP")) {
                            return; // the connection dies mid-DATA: no reply, nothing accepted
                        }
                        if (reply.startsWith("250")) {
                            acceptedFrom.add(socket.getInetAddress().getHostAddress() + " " + body);
                            synchronized (acceptedAt) { // the same index in both lists
                                acceptedAt.add(java.time.Instant.now());
                                accepted.add(body);
                            }
                        }
                    }
                    case "QUIT" -> {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        flush(in, out, sink, true);
                        reply = null;
                    }
                    case "MAIL" -> {
                        from = line.replaceAll("(?i)^MAIL FROM:<([^>]*)>.*$", "$1");
                        mailFrom.add(from);
                        mailCommands.add(line);
                        recipients = 0;
                        reply = "250 ok";
                    }
                    case "RCPT" -> {
                        var to = line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*$", "$1");
                        envelopes.add(from + " " + to); // this connection's MAIL FROM, not another's
                        reply = rcpt.apply(to);
                        if (reply.startsWith("2")) {
                            recipients++;
                        }
                    }
                    case "RSET" -> {
                        recipients = 0;
                        reply = "250 ok";
                    }
                    default -> reply = "250 ok";
                }
                if (reply == null) {
                    break;
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                flush(in, out, sink, false);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Writes the held replies unless more commands are already waiting (or {@code now}). */
    private void flush(java.io.InputStream in, java.io.ByteArrayOutputStream out, java.io.OutputStream sink, boolean now) throws IOException {
        if (out.size() > 0 && (now || in.available() == 0)) {
            out.writeTo(sink);
            sink.flush();
            out.reset();
            replyWrites.incrementAndGet();
        }
    }

    /** One line without its CRLF, or null at the end of the input. */
    private static String line(java.io.InputStream in) throws IOException {
        var buf = new java.io.ByteArrayOutputStream(128);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
            }
            buf.write(c);
        }
        var line = buf.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

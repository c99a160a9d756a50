package dev.herald.server.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Outbound SMTP transactions to remote hosts: EHLO, opportunistic STARTTLS to an MX (like other
 * MTAs, the certificate is not checked — an MX has no name a client could pin), or to a smarthost
 * required STARTTLS or implicit TLS, with its certificate checked unless the route says otherwise,
 * and AUTH PLAIN over TLS; MAIL, one RCPT per recipient, DATA with the given bytes dot-stuffed.
 * Reports the reply to each recipient. Sessions are kept open for a few seconds and reused for the
 * next transaction to the same target.
 */
public final class SmtpClient {
    public record Reply(int code, String text) {
        public boolean positive() {
            return code >= 200 && code < 400;
        }

        public boolean permanent() {
            return code >= 500;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** The outcome per recipient, in the order given, and whether TLS was used. */
    public record Result(List<Reply> perRecipient, boolean tls) {
    }

    private static final Duration IDLE_LIMIT = Duration.ofSeconds(5);
    private static final int MAX_IDLE_PER_HOST = 8;

    private final String helo;
    private final Duration connectTimeout;
    private final Duration commandTimeout;

    public SmtpClient(String helo, Duration connectTimeout, Duration commandTimeout) {
        this.helo = helo;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
    }

    /** An open session to one host, kept between transactions (RFC 5321 3.3 allows many per connection). */
    private static final class Session {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final boolean tls;
        final boolean eightBit;
        long idleSinceNanos;

        Session(Socket socket, InputStream in, OutputStream out, boolean tls, boolean eightBit) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.tls = tls;
            this.eightBit = eightBit;
        }

        void close() {
            quit(out);
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /**
     * Idle sessions by host. A new TCP connection, greeting and EHLO per message was most of the
     * time of a delivery to a fast MX; like Postfix's connection cache, a session is reused after an
     * RSET for a short while, then closed.
     */
    private final ConcurrentHashMap<Target, ConcurrentLinkedDeque<Session>> idle = new ConcurrentHashMap<>();
    /** Every TCP connection open now (in a transaction or idle), so that a shutdown can cut the ones a slow remote holds. */
    private final java.util.Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());

    /** An MX, directly, from the system's choice of local address. */
    public Result send(InetSocketAddress host, String mailFrom, List<String> recipients, byte[] message) throws IOException {
        return send(Target.direct(host, java.util.Optional.empty()), mailFrom, recipients, message);
    }

    /** @throws IOException when the connection fails or drops: every recipient is then to be retried */
    public Result send(Target host, String mailFrom, List<String> recipients, byte[] message) throws IOException {
        sweep();
        var session = reusable(host);
        if (session == null) {
            session = open(host);
        }
        boolean clean = false;
        try {
            var result = transaction(session, mailFrom, recipients, message);
            clean = true;
            return result;
        } finally {
            if (clean) {
                release(host, session);
            } else {
                session.close();
                live.removeIf(Socket::isClosed);
            }
        }
    }

    private Session open(Target target) throws IOException {
        var host = target.host();
        var plain = new Socket();
        live.add(plain);
        try {
            if (target.source().isPresent()) {
                plain.bind(new InetSocketAddress(target.source().get(), 0));
            }
            plain.connect(host, (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) commandTimeout.toMillis());
            Socket socket = plain;
            boolean tls = false;
            if (target.tls() == Target.Tls.IMPLICIT) {
                socket = handshake(plain, target);
                tls = true;
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            var out = socket.getOutputStream();
            expect(read(in), "greeting");
            write(out, "EHLO " + helo);
            var ehlo = read(in);
            expect(ehlo, "EHLO");
            boolean offersTls = ehlo.text().toUpperCase(Locale.ROOT).contains("STARTTLS");
            boolean wantsTls = target.tls() == Target.Tls.STARTTLS || target.tls() == Target.Tls.OPPORTUNISTIC && offersTls;
            if (!tls && wantsTls) {
                if (!offersTls) {
                    throw new IOException(host.getHostString() + " does not offer STARTTLS, which this route requires");
                }
                write(out, "STARTTLS");
                var ready = read(in);
                if (ready.code() == 220) {
                    socket = handshake(plain, target);
                    tls = true;
                    in = new BufferedInputStream(socket.getInputStream());
                    out = socket.getOutputStream();
                    write(out, "EHLO " + helo);
                    ehlo = read(in);
                    expect(ehlo, "EHLO after STARTTLS");
                } else if (target.tls() == Target.Tls.STARTTLS) {
                    throw new IOException(host.getHostString() + " refused STARTTLS: " + ready);
                }
            }
            if (target.auth().isPresent()) {
                authenticate(in, out, ehlo, target, tls);
            }
            return new Session(socket, in, out, tls, ehlo.text().toUpperCase(Locale.ROOT).contains("8BITMIME"));
        } catch (IOException | RuntimeException e) {
            plain.close();
            live.remove(plain);
            throw e;
        }
    }

    private SSLSocket handshake(Socket plain, Target target) throws IOException {
        var host = target.host();
        var context = target.verifyCertificate() ? verifying() : opportunistic();
        var ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host.getHostString(), host.getPort(), true);
        if (target.verifyCertificate()) {
            var params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the relay host
            ssl.setSSLParameters(params);
        }
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            throw new IOException("TLS with " + host.getHostString() + " failed: " + e.getMessage(), e);
        }
        return ssl;
    }

    /**
     * AUTH PLAIN to a smarthost, only over TLS. A refusal is an IOException, so the mail waits and
     * is retried (as Postfix defers on a SASL failure): wrong relay credentials are an admin's
     * mistake to fix, not a reason to bounce every message.
     */
    private static void authenticate(InputStream in, OutputStream out, Reply ehlo, Target target, boolean tls) throws IOException {
        var host = target.host().getHostString();
        if (!tls) {
            throw new IOException("not sending the credentials for " + host + " without TLS");
        }
        if (!ehlo.text().toUpperCase(Locale.ROOT).matches("(?s).*\\bAUTH\\b.*")) {
            throw new IOException(host + " does not offer AUTH, which this route is configured for");
        }
        var c = target.auth().get();
        var token = java.util.Base64.getEncoder().encodeToString(("\0" + c.user() + "\0" + c.password()).getBytes(StandardCharsets.UTF_8));
        write(out, "AUTH PLAIN " + token);
        var reply = read(in);
        if (reply.code() != 235) {
            throw new IOException("authentication to " + host + " as " + c.user() + " failed: " + reply);
        }
    }

    /** An idle session to the host that still answers RSET, or null. */
    private Session reusable(Target host) {
        var sessions = idle.get(host);
        if (sessions == null) {
            return null;
        }
        for (Session s; (s = sessions.pollFirst()) != null; ) {
            if (System.nanoTime() - s.idleSinceNanos > IDLE_LIMIT.toNanos()) {
                s.close();
                continue;
            }
            try {
                write(s.out, "RSET");
                if (read(s.in).code() == 250) {
                    return s;
                }
            } catch (IOException e) {
                // the remote closed it while idle: open a new one
            }
            s.close();
        }
        return null;
    }

    private void release(Target host, Session session) {
        var sessions = idle.computeIfAbsent(host, h -> new ConcurrentLinkedDeque<>());
        if (sessions.size() >= MAX_IDLE_PER_HOST) {
            session.close();
            return;
        }
        session.idleSinceNanos = System.nanoTime();
        sessions.addFirst(session);
    }

    /** Closes sessions idle past the limit, at most once a second, so no host keeps one forever. */
    private void sweep() {
        long now = System.nanoTime();
        long last = lastSweepNanos.get();
        if (now - last < 1_000_000_000L || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        live.removeIf(Socket::isClosed);
        for (var sessions : idle.values()) {
            sessions.removeIf(s -> {
                if (now - s.idleSinceNanos > IDLE_LIMIT.toNanos()) {
                    s.close();
                    return true;
                }
                return false;
            });
        }
    }

    /** Closes every idle session (QUIT), at shutdown. */
    public void closeIdle() {
        for (var sessions : idle.values()) {
            for (Session s; (s = sessions.pollFirst()) != null; ) {
                s.close();
            }
        }
        live.removeIf(Socket::isClosed);
    }

    /**
     * At shutdown, after the idle ones: cuts the connections still in a transaction (a tarpit or a
     * remote that never answers would otherwise hold a sender thread until its command timeout). Their
     * recipients are tried again after the restart; none was recorded delivered.
     */
    public void abortAll() {
        for (var socket : live) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
        live.clear();
    }

    private Result transaction(Session session, String mailFrom, List<String> recipients, byte[] message) throws IOException {
        var in = session.in;
        var out = session.out;
        boolean tls = session.tls;
        write(out, "MAIL FROM:<" + mailFrom + ">" + (session.eightBit ? " BODY=8BITMIME" : ""));
        var mail = read(in);
        var replies = new ArrayList<Reply>();
        if (!mail.positive()) {
            recipients.forEach(r -> replies.add(mail));
            return new Result(replies, tls);
        }
        boolean any = false;
        for (var r : recipients) {
            write(out, "RCPT TO:<" + r + ">");
            var reply = read(in);
            replies.add(reply);
            any |= reply.positive();
        }
        if (!any) {
            return new Result(replies, tls);
        }
        write(out, "DATA");
        var data = read(in);
        if (data.code() != 354) {
            for (int i = 0; i < replies.size(); i++) {
                if (replies.get(i).positive()) {
                    replies.set(i, data);
                }
            }
            return new Result(replies, tls);
        }
        out.write(dotStuffed(message));
        out.flush();
        var end = read(in);
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i).positive()) {
                replies.set(i, end);
            }
        }
        return new Result(replies, tls);
    }

    private static void quit(OutputStream out) {
        try {
            write(out, "QUIT");
        } catch (IOException e) {
            // the transaction's outcome is known; a lost QUIT changes nothing
        }
    }

    private static void expect(Reply r, String what) throws IOException {
        if (!r.positive()) {
            throw new ReplyException(r, what);
        }
    }

    /** A refusal before any recipient was tried (greeting, EHLO): applies to all of them. */
    public static final class ReplyException extends IOException {
        private static final long serialVersionUID = 1L;
        public final Reply reply;

        ReplyException(Reply reply, String what) {
            super(what + " refused: " + reply);
            this.reply = reply;
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A whole (possibly multi-line) reply; its text is the lines' texts joined with spaces. */
    private static Reply read(InputStream in) throws IOException {
        var text = new StringBuilder();
        while (true) {
            var line = line(in);
            if (line.length() < 3) {
                throw new IOException("malformed reply: " + line);
            }
            int code;
            try {
                code = Integer.parseInt(line.substring(0, 3));
            } catch (NumberFormatException e) {
                throw new IOException("malformed reply: " + line);
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) != '-') {
                return new Reply(code, text.toString());
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        var buf = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed by the remote");
            }
            if (c != '\r') {
                buf.write(c);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /**
     * The message with leading dots doubled and CRLF.CRLF appended (RFC 5321 4.5.2). Copies whole
     * runs between line-leading dots: byte-at-a-time writes were the top frame of the outbound profile.
     */
    static byte[] dotStuffed(byte[] message) {
        int dots = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '.' && (i == 0 || message[i - 1] == '\n')) {
                dots++;
            }
        }
        boolean needsEol = message.length > 0 && message[message.length - 1] != '\n';
        var out = new byte[message.length + dots + (needsEol ? 2 : 0) + 3];
        int o = 0;
        int runStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '.' && (i == 0 || message[i - 1] == '\n')) {
                System.arraycopy(message, runStart, out, o, i - runStart);
                o += i - runStart;
                out[o++] = '.';
                runStart = i; // the original dot starts the next run
            }
        }
        System.arraycopy(message, runStart, out, o, message.length - runStart);
        o += message.length - runStart;
        if (needsEol) {
            out[o++] = '\r';
            out[o++] = '\n';
        }
        out[o++] = '.';
        out[o++] = '\r';
        out[o] = '\n';
        return out;
    }

    /** Built once: a new context per connection seeded a SecureRandom each time (5% of the outbound profile). */
    private static volatile SSLContext opportunisticContext;

    private static SSLContext opportunistic() throws IOException {
        var known = opportunisticContext;
        if (known != null) {
            return known;
        }
        try {
            var ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            opportunisticContext = ctx;
            return ctx;
        } catch (Exception e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }

    /** The JDK's default trust store: a smarthost is a named service whose certificate can be checked. */
    private static SSLContext verifying() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }
}

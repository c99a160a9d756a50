package dev.herald.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A scripted SMTP client on a real socket: send lines or raw bytes, read whole (multi-line) replies. */
public final class SmtpScript implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final int port;

    private SmtpScript(Socket socket, int port) throws IOException {
        this.port = port;
        attach(socket);
    }

    public static SmtpScript plain(int port) throws IOException {
        return new SmtpScript(new Socket("127.0.0.1", port), port);
    }

    public static SmtpScript implicitTls(int port) throws IOException {
        return implicitTlsFrom(port, "127.0.0.1");
    }

    /** Implicit TLS from another loopback source address (127.0.0.2, …): another client, as the server sees it. */
    public static SmtpScript implicitTlsFrom(int port, String sourceAddress) throws IOException {
        var s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port, java.net.InetAddress.getByName(sourceAddress), 0);
        s.startHandshake();
        return new SmtpScript(s, port);
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Upgrades after a 220 to STARTTLS. */
    public void upgrade() throws IOException {
        var s = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
        s.startHandshake();
        attach(s);
    }

    /** Reads one reply; returns it as "250 2.0.0 text" (the last line, with the code). */
    public String reply() throws IOException {
        return replyLines().get(replyLines.size() - 1);
    }

    private List<String> replyLines = new ArrayList<>();

    public List<String> replyLines() throws IOException {
        var lines = new ArrayList<String>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        replyLines = lines;
        return lines;
    }

    public String send(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    public void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void writeBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Greeting, EHLO; returns the EHLO reply lines. */
    public List<String> hello() throws IOException {
        reply();
        write("EHLO client.example\r\n");
        return replyLines();
    }

    /** STARTTLS, handshake, EHLO again. */
    public List<String> startTls() throws IOException {
        var r = send("STARTTLS");
        if (!r.startsWith("220")) {
            throw new IOException("STARTTLS refused: " + r);
        }
        upgrade();
        write("EHLO client.example\r\n");
        return replyLines();
    }

    public String authPlain(String user, String password) throws IOException {
        var token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return send("AUTH PLAIN " + token);
    }

    /** Whether the server has closed the connection (a read returns end of stream). */
    public boolean closedByServer() {
        try {
            return in.readLine() == null;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public static SSLContext trustAll() {
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
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

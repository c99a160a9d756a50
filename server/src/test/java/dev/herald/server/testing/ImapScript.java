package dev.herald.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/** A scripted IMAP client: sends a tagged command, returns every line up to and including the tagged one. */
public final class ImapScript implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private int tag;

    private ImapScript(Socket socket) throws IOException {
        this(socket, true);
    }

    private ImapScript(Socket socket, boolean readGreeting) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        if (readGreeting) {
            in.readLine(); // greeting
        }
    }

    /** Plain, without reading the greeting: the test reads what the server says first (a BYE, say). */
    public static ImapScript rawPlain(int port) throws IOException {
        return new ImapScript(new Socket("127.0.0.1", port), false);
    }

    /** {@link #rawPlain} from another loopback source address. */
    public static ImapScript rawPlainFrom(int port, String sourceAddress) throws IOException {
        return new ImapScript(new Socket("127.0.0.1", port, java.net.InetAddress.getByName(sourceAddress), 0), false);
    }

    public static ImapScript tls(int port) throws IOException {
        return tlsFrom(port, "127.0.0.1");
    }

    /** Implicit TLS from another loopback source address (127.0.0.2, …): another client, as the server sees it. */
    public static ImapScript tlsFrom(int port, String sourceAddress) throws IOException {
        var s = (SSLSocket) SmtpScript.trustAll().getSocketFactory().createSocket("127.0.0.1", port,
                java.net.InetAddress.getByName(sourceAddress), 0);
        s.startHandshake();
        return new ImapScript(s);
    }

    public static ImapScript plain(int port) throws IOException {
        return new ImapScript(new Socket("127.0.0.1", port));
    }

    /** Sends "tN command" and returns all lines through the tagged completion; the last is the tagged one. */
    public List<String> run(String command) throws IOException {
        var t = "t" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        var lines = new ArrayList<String>();
        while (true) {
            var line = in.readLine();
            if (line == null) {
                lines.add("(closed)");
                return lines;
            }
            lines.add(line);
            if (line.startsWith(t + " ")) {
                lines.set(lines.size() - 1, line.substring(t.length() + 1));
                return lines;
            }
        }
    }

    /** The tagged completion only, e.g. "OK SELECT completed". */
    public String status(String command) throws IOException {
        var lines = run(command);
        return lines.get(lines.size() - 1);
    }

    public void raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

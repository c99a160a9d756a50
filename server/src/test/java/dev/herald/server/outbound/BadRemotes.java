package dev.herald.server.outbound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remote MX hosts that misbehave as real ones do, each on its own loopback address: a tarpit that
 * answers every command late, one that accepts the connection and never says a word, and one
 * that answers 421 to every connection. Connections are counted; nothing is ever accepted.
 */
final class BadRemotes implements AutoCloseable {
    enum Kind { TARPIT, SILENT, REFUSING }

    private final ServerSocket server;
    private final Kind kind;
    private final long delayMillis;
    final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    BadRemotes(Kind kind, String address, int port, long delayMillis) throws IOException {
        this.kind = kind;
        this.delayMillis = delayMillis;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 200);
        var t = new Thread(this::acceptLoop, "bad-remote-" + kind);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                var s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                var t = new Thread(() -> serve(s), "bad-remote-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            switch (kind) {
                case SILENT -> {
                    while (!closed && s.getInputStream().read() >= 0) {
                        // read and never answer
                    }
                }
                case REFUSING -> {
                    out.write("421 4.7.0 mx.bad.example too busy, try later\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                case TARPIT -> {
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    Thread.sleep(delayMillis);
                    out.write("220 tarpit.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (String line = in.readLine(); line != null && !closed; line = in.readLine()) {
                        Thread.sleep(delayMillis);
                        var reply = line.toUpperCase().startsWith("QUIT") ? "221 bye" : "451 4.7.1 slow down";
                        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or we are closing
        }
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (var s : open) {
            s.close();
        }
    }
}

package dev.herald.server.outbound;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A smarthost on loopback, as a commercial relay behaves: TLS (implicit, or STARTTLS it insists on)
 * with a self-signed certificate, AUTH PLAIN required before MAIL, one fixed login. Keeps who logged
 * in, where connections came from and what it accepted. A real SMTP peer on a real socket.
 */
public final class RelayPeer implements AutoCloseable {
    public final List<String> accepted = new CopyOnWriteArrayList<>();
    public final List<String> logins = new CopyOnWriteArrayList<>();
    public final List<String> clientAddresses = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final SSLContext tls;
    private final boolean implicit;
    private final String user;
    private final String password;

    public RelayPeer(boolean implicitTls, String user, String password) throws Exception {
        this.implicit = implicitTls;
        this.user = user;
        this.password = password;
        var cert = new SelfSignedCertificate("relay.example");
        var keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("relay", cert.key(), new char[0], new Certificate[] {cert.cert()});
        var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var t = new Thread(this::acceptLoop, "relay-peer");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                var s = server.accept();
                clientAddresses.add(s.getInetAddress().getHostAddress());
                var conn = new Thread(() -> serve(s), "relay-peer-conn");
                conn.setDaemon(true);
                conn.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private SSLSocket upgrade(Socket plain) throws IOException {
        var ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        return ssl;
    }

    private void serve(Socket plain) {
        try (plain) {
            Socket s = implicit ? upgrade(plain) : plain;
            boolean secure = implicit;
            String who = null;
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            write(out, "220 relay.example ESMTP");
            for (String line; (line = in.readLine()) != null; ) {
                var upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    write(out, secure ? "250-relay.example\r\n250-AUTH PLAIN\r\n250 8BITMIME" : "250-relay.example\r\n250 STARTTLS");
                } else if (upper.equals("STARTTLS") && !secure) {
                    write(out, "220 go ahead");
                    s = upgrade(plain);
                    secure = true;
                    in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    out = s.getOutputStream();
                } else if (upper.startsWith("AUTH PLAIN ") && secure) {
                    var parts = new String(Base64.getDecoder().decode(line.substring(11).trim()), StandardCharsets.UTF_8).split("\0", -1);
                    if (parts.length == 3 && parts[1].equals(user) && parts[2].equals(password)) {
                        who = parts[1];
                        logins.add(who);
                        write(out, "235 2.7.0 authenticated");
                    } else {
                        write(out, "535 5.7.8 bad credentials");
                    }
                } else if (upper.startsWith("MAIL")) {
                    write(out, who == null ? "530 5.7.0 authentication required" : "250 ok");
                } else if (upper.equals("DATA")) {
                    write(out, "354 go ahead");
                    var body = new StringBuilder();
                    for (String l; (l = in.readLine()) != null && !l.equals("."); ) {
                        body.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
                    }
                    accepted.add(body.toString());
                    write(out, "250 2.0.0 relayed");
                } else if (upper.equals("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else {
                    write(out, "250 ok");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

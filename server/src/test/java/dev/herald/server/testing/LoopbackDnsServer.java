package dev.herald.server.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, ephemeral port) built on dnsjava: real
 * packets on a real socket, records changed at will by the test. Answers NXDOMAIN for names it
 * does not hold. Enough for MX and TXT; later tests add A records for MX targets.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();

    public LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** How many queries this server has answered, to check what a client caches. */
    public int queries() {
        return queries.get();
    }

    /** The value for Herald's {@code dns.resolver} setting. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public LoopbackDnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
    }

    public LoopbackDnsServer a(String host, String ipv4) {
        try {
            return add(new org.xbill.DNS.ARecord(name(host), DClass.IN, TTL, java.net.InetAddress.getByName(ipv4)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A TXT record; a value longer than 255 bytes is split into several strings, as zone files do. */
    public LoopbackDnsServer txt(String owner, String value) {
        var strings = new ArrayList<String>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return add(new TXTRecord(name(owner), DClass.IN, TTL, strings));
    }

    public LoopbackDnsServer remove(String owner, int type) {
        records.computeIfPresent(key(name(owner), type), (k, v) -> null);
        return this;
    }

    private LoopbackDnsServer add(Record r) {
        records.computeIfAbsent(key(r.getName(), r.getType()), k -> new ArrayList<>()).add(r);
        return this;
    }

    private void serve() {
        var buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                var packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                var query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                queries.incrementAndGet();
                var answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        var response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        var question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        var found = records.get(key(question.getName(), question.getType()));
        boolean nameExists = records.keySet().stream().anyMatch(k -> k.startsWith(question.getName().toString().toLowerCase() + "|"));
        if (found != null) {
            found.forEach(r -> response.addRecord(r, Section.ANSWER));
        } else if (!nameExists) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return response;
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase() + "|" + Type.string(type);
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}

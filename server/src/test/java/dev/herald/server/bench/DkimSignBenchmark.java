package dev.herald.server.bench;

import dev.herald.server.dkim.DkimKeyGenerator;
import dev.herald.server.dkim.DkimSigning;
import dev.herald.server.dkim.NativeCrypto;
import dev.herald.storage.model.DkimKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One DKIM signature (rsa-sha256, relaxed/relaxed, RSA-2048) over a 4 KB message, as outbound
 * delivery makes one per message: with the JDK's providers and with Amazon Corretto Crypto
 * Provider first (each in its own forked JVM). Run with bench/dkim-jmh.sh; not part of the tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class DkimSignBenchmark {
    @Param({"JDK", "ACCP"})
    public String crypto;

    private byte[] message;
    private DkimKey key;

    @Setup
    public void setUp() {
        var installed = NativeCrypto.install(crypto.equals("ACCP"));
        if (crypto.equals("ACCP") && !installed.startsWith("ACCP")) {
            throw new IllegalStateException("ACCP asked for, but: " + installed);
        }
        var pair = DkimKeyGenerator.pair("herald1", true);
        key = new DkimKey(1, 1, pair.selector(), pair.privateKey(), pair.publicKey(), true, Instant.EPOCH);
        var body = "payload line of an agent's message, forty-some octets\r\n".repeat(70);
        message = ("From: agent@acme.example\r\nTo: someone@remote.example\r\nSubject: benchmark\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
                + "Message-ID: <bench@acme.example>\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] sign() {
        return DkimSigning.sign(message, "acme.example", key);
    }
}

package dev.herald.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A `herald serve` process whose every listener is on port 0: the kernel picks ports no other test
 * or running Herald can hold (a "free port" found first and bound later can be taken in between).
 * The ports are read from the server's own start-up lines in its log.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile(
            "Herald started: .*HTTP API on [^ ]+:(\\d+), SMTP MX (\\d+), submission (\\d+) \\(STARTTLS\\) and (\\d+) \\(TLS\\)");
    private static final Pattern IMAP = Pattern.compile("IMAP on (\\d+) \\(STARTTLS\\) and (\\d+) \\(TLS\\)");
    /** Every listener on port 0; append after the caller's own settings (picocli takes the last --http-port). */
    static final List<String> ANY_PORTS = List.of("--http-port", "0", "--set", "smtp.mx.port=0", "--set", "smtp.submission.port=0",
            "--set", "smtp.submissions.port=0", "--set", "imap.port=0", "--set", "imaps.port=0");

    final Process process;
    final Path log;
    int http;
    int mx;
    int submission;
    int submissions;
    int imap;
    int imaps;

    private ServeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} (the launcher or java -jar, with "serve" and its settings) and waits for its listeners. */
    static ServeProcess start(List<String> command, Path workingDirectory, Path log) throws IOException {
        var cmd = new ArrayList<>(command);
        cmd.addAll(ANY_PORTS);
        var p = new ProcessBuilder(cmd).directory(workingDirectory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var s = new ServeProcess(p, log);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> s.readPorts() || !p.isAlive());
        if (!p.isAlive()) {
            throw new IllegalStateException("herald serve exited with " + p.exitValue() + ": " + Files.readString(log));
        }
        return s;
    }

    private boolean readPorts() {
        String text;
        try {
            text = Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var started = STARTED.matcher(text);
        var imapLine = IMAP.matcher(text);
        if (!started.find() || !imapLine.find()) {
            return false;
        }
        http = Integer.parseInt(started.group(1));
        mx = Integer.parseInt(started.group(2));
        submission = Integer.parseInt(started.group(3));
        submissions = Integer.parseInt(started.group(4));
        imap = Integer.parseInt(imapLine.group(1));
        imaps = Integer.parseInt(imapLine.group(2));
        return true;
    }

    String url() {
        return "http://127.0.0.1:" + http;
    }

    long pid() {
        return process.pid();
    }

    boolean stopWithin(Duration d) throws InterruptedException {
        return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}

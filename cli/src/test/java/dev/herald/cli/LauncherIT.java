package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's contract, with real processes: `./herald serve` starts on the embedded default,
 * answers /healthz, `./herald tenant create acme` from a second shell succeeds, a second server on
 * the same data directory is refused, Ctrl-C (SIGINT) stops it cleanly, and a restart keeps state.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "herald").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void serveCreateInterruptRestart() throws Exception {
        // As on a machine already running Herald (or a second CI job): the default ports are taken.
        var held = holdDefaultPorts();
        try {
            serveCreateInterruptRestartBesideTheDefaults();
        } finally {
            for (var s : held) {
                s.close();
            }
        }
    }

    /** Binds what it can of Herald's default ports; one another process holds already serves the purpose too. */
    private static List<java.net.ServerSocket> holdDefaultPorts() {
        var held = new ArrayList<java.net.ServerSocket>();
        for (int port : new int[] {8025, 2525, 2587, 2465, 2143, 2993}) {
            try {
                var s = new java.net.ServerSocket();
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                held.add(s);
            } catch (IOException taken) {
                // in use by something else: just as good
            }
        }
        return held;
    }

    private void serveCreateInterruptRestartBesideTheDefaults() throws Exception {
        var server = serve(work.resolve("serve-1.log"));
        try {
            awaitHealthy(server.http);
            assertThat(Files.readString(server.log)).contains("Herald is running. HTTP API: http://127.0.0.1:" + server.http);

            // A second shell: same working directory, no flags but where the server listens.
            var create = run(server.http, "tenant", "create", "acme");
            assertThat(create.exit).as(create.output).isZero();
            assertThat(create.output).contains("created tenant acme");
            assertThat(Files.exists(work.resolve("data/admin.key"))).isTrue();

            var secondCmd = new ArrayList<>(List.of(LAUNCHER.toString(), "serve"));
            secondCmd.addAll(ServeProcess.ANY_PORTS);
            var second = new ProcessBuilder(secondCmd).directory(work.toFile()).redirectErrorStream(true).start();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            var secondOut = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).as(secondOut).isEqualTo(1);
            assertThat(secondOut).contains("is in use by another Herald process");

            interrupt(server.process);
            assertThat(server.stopWithin(Duration.ofSeconds(30))).as("stops on SIGINT (a JVM started with SIGINT ignored, e.g. "
                    + "under 'cmd &' in a script, keeps it ignored)").isTrue();
            assertThat(Files.readString(server.log)).contains("Herald stopped");
        } finally {
            server.process.destroyForcibly();
        }

        var again = serve(work.resolve("serve-2.log"));
        try {
            awaitHealthy(again.http);
            var list = run(again.http, "tenant", "list");
            assertThat(list.exit).as(list.output).isZero();
            assertThat(list.output).contains("acme");
            assertThat(Files.readString(again.log)).doesNotContain("created the admin API key");
        } finally {
            interrupt(again.process);
            again.close();
        }
    }

    /** `./herald serve` with every listener on a port of the kernel's choosing (none can collide). */
    private ServeProcess serve(Path log) throws IOException {
        return ServeProcess.start(List.of(LAUNCHER.toString(), "serve"), work, log);
    }

    private record Result(int exit, String output) {
    }

    private Result run(int port, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("HERALD_URL", "http://127.0.0.1:" + port);
        var p = pb.start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static void awaitHealthy(int port) {
        var http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            var resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 && resp.body().contains("\"ok\"");
        });
    }

    /** What Ctrl-C sends. The launcher execs java, so the process is the JVM itself. */
    private static void interrupt(Process p) throws Exception {
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).inheritIO().start().waitFor();
    }
}

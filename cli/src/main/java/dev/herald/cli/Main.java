package dev.herald.cli;

import dev.herald.server.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "herald", mixinStandardHelpOptions = true, version = "herald 0.1.0",
        description = "A mail server for fleets of AI agents. `herald serve` runs it; every other verb talks to a running one.",
        subcommands = {ServeCommand.class, TenantCommand.class, WorkspaceCommand.class, DomainCommand.class, MailboxCommand.class,
                KeyCommand.class, PolicyCommand.class, QueueCommand.class, RouteCommand.class, SuppressionCommand.class, StatsCommand.class, TraceCommand.class, AuditCommand.class, WebhookCommand.class,
                BenchCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; exit code 0 on success, 1 with a one-line reason on an error, 2 on a usage error. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof CliException || ex instanceof ConfigException) {
                cmd.getErr().println("herald: " + ex.getMessage());
            } else {
                cmd.getErr().println("herald: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            }
            cmd.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }
}

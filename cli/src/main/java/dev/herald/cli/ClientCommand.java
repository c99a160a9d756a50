package dev.herald.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** An admin verb: a thin client of the HTTP API that prints the answer as text or JSON. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        var out = new Output(spec.commandLine().getOut(), client.json);
        run(client.client(), out);
        return 0;
    }

    abstract void run(ApiClient api, Output out);
}

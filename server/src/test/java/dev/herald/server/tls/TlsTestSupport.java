package dev.herald.server.tls;

import java.nio.file.Path;

/** Lets tests make a certificate the way Herald does, to configure it as an operator's own. */
public final class TlsTestSupport {
    private TlsTestSupport() {
    }

    public static void generate(Path cert, Path key, String hostname) {
        TlsMaterial.generate(cert, key, hostname);
    }
}

package dev.herald.server.smtp.session;

import java.util.Optional;

/** An AUTH exchange in progress: the mechanism and, for LOGIN, the username given so far. */
public record SaslExchange(String mechanism, Optional<String> username) {
}

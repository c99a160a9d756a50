package dev.herald.storage.spool;

import java.util.Optional;

/** One RCPT TO with its DSN parameters (RFC 3461), kept as given. */
public record SpoolRecipient(String address, Optional<String> dsnNotify, Optional<String> orcpt) {
}

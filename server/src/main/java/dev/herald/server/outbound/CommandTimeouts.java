package dev.herald.server.outbound;

import java.time.Duration;

/**
 * How long the client waits for each reply: RFC 5321 §4.5.3.2's minimums (greeting, MAIL and
 * RCPT 5 minutes, DATA initiation 2, end of data 10), each capped by outbound.command_timeout, so
 * an operator can trade patience with slow receivers for slots held by tarpits.
 */
record CommandTimeouts(Duration greeting, Duration command, Duration dataInitiation, Duration endOfData) {
    static CommandTimeouts rfc5321(Duration cap) {
        return new CommandTimeouts(min(Duration.ofMinutes(5), cap), min(Duration.ofMinutes(5), cap), min(Duration.ofMinutes(2), cap),
                min(Duration.ofMinutes(10), cap));
    }

    private static Duration min(Duration rfc, Duration cap) {
        return rfc.compareTo(cap) <= 0 ? rfc : cap;
    }
}

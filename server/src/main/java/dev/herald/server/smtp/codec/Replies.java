package dev.herald.server.smtp.codec;

/** The one table of SMTP replies with their enhanced status codes. */
public final class Replies {
    private Replies() {
    }

    public static SmtpReply greeting(String host) {
        return new SmtpReply(220, "", host + " ESMTP Herald");
    }

    public static SmtpReply bye(String host) {
        return new SmtpReply(221, "2.0.0", host + " closing connection");
    }

    public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "OK");
    public static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "sender OK");
    public static final SmtpReply RECIPIENT_OK = new SmtpReply(250, "2.1.5", "recipient OK");
    public static final SmtpReply RESET = new SmtpReply(250, "2.0.0", "reset");
    public static final SmtpReply NOOP = new SmtpReply(250, "2.0.0", "OK");
    public static final SmtpReply VRFY = new SmtpReply(252, "2.5.0", "cannot verify the user, but will accept the message");
    public static final SmtpReply HELP = new SmtpReply(214, "2.0.0", "see RFC 5321; supported: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
    public static final SmtpReply START_DATA = new SmtpReply(354, "", "end data with <CR><LF>.<CR><LF>");
    public static final SmtpReply READY_TLS = new SmtpReply(220, "2.0.0", "ready to start TLS");
    public static final SmtpReply AUTH_OK = new SmtpReply(235, "2.7.0", "authentication succeeded");

    public static SmtpReply accepted(String id) {
        return new SmtpReply(250, "2.0.0", "OK queued as " + id);
    }

    public static SmtpReply bdatReceived(long n) {
        return new SmtpReply(250, "2.0.0", n + " octets received");
    }

    public static SmtpReply authChallenge(String base64) {
        return new SmtpReply(334, "", base64);
    }

    // 4xx: try again later
    public static final SmtpReply TOO_MANY_CONNECTIONS = new SmtpReply(421, "4.7.0", "too many connections, try again later");
    public static final SmtpReply TOO_MANY_CONNECTIONS_FROM_YOU = new SmtpReply(421, "4.7.0", "too many connections from your address");
    public static final SmtpReply TIMEOUT = new SmtpReply(421, "4.4.2", "timeout exceeded, closing connection");
    public static final SmtpReply TOO_MANY_ERRORS = new SmtpReply(421, "4.7.0", "too many errors, closing connection");
    /** RFC 4954 6: "454 4.7.0 Temporary authentication failure"; the session stays open. */
    public static final SmtpReply AUTH_THROTTLED = new SmtpReply(454, "4.7.0", "too many failed authentications from your address, try again later");
    public static final SmtpReply SHUTTING_DOWN = new SmtpReply(421, "4.3.2", "server shutting down");
    public static final SmtpReply DISK_FULL = new SmtpReply(452, "4.3.1", "insufficient system storage, try again later");
    public static final SmtpReply LOCAL_ERROR = new SmtpReply(451, "4.3.0", "local error in processing, try again later");
    public static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "too many recipients");
    public static final SmtpReply TLS_UNAVAILABLE = new SmtpReply(454, "4.7.0", "TLS not available");

    // 5xx: permanent
    public static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.2", "line too long");
    public static final SmtpReply SYNTAX = new SmtpReply(500, "5.5.2", "syntax error");
    public static final SmtpReply UNKNOWN_COMMAND = new SmtpReply(502, "5.5.1", "command not implemented");
    public static final SmtpReply BAD_SEQUENCE = new SmtpReply(503, "5.5.1", "bad sequence of commands");
    public static final SmtpReply NEED_HELO = new SmtpReply(503, "5.5.1", "send EHLO or HELO first");
    public static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "send MAIL first");
    public static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "send RCPT first");
    public static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "sender already given");
    public static final SmtpReply ALREADY_AUTHENTICATED = new SmtpReply(503, "5.5.1", "already authenticated");
    public static final SmtpReply ALREADY_TLS = new SmtpReply(503, "5.5.1", "TLS already active");
    public static final SmtpReply BAD_PARAMETER = new SmtpReply(501, "5.5.4", "syntax error in parameters");
    public static final SmtpReply BAD_SENDER_SYNTAX = new SmtpReply(501, "5.1.7", "bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT_SYNTAX = new SmtpReply(501, "5.1.3", "bad recipient address syntax");
    public static final SmtpReply UNKNOWN_PARAMETER = new SmtpReply(555, "5.5.4", "unsupported MAIL/RCPT parameter");
    public static final SmtpReply AUTH_MECHANISM = new SmtpReply(504, "5.5.4", "unsupported authentication mechanism");
    public static final SmtpReply AUTH_CANCELLED = new SmtpReply(501, "5.7.0", "authentication cancelled");
    public static final SmtpReply AUTH_SYNTAX = new SmtpReply(501, "5.5.2", "cannot decode the authentication response");
    public static final SmtpReply AUTH_FAILED = new SmtpReply(535, "5.7.8", "authentication credentials invalid");
    public static final SmtpReply AUTH_REQUIRED = new SmtpReply(530, "5.7.0", "authentication required");
    public static final SmtpReply ENCRYPTION_REQUIRED = new SmtpReply(538, "5.7.11", "encryption required: use STARTTLS first");
    public static final SmtpReply AUTH_NOT_HERE = new SmtpReply(503, "5.5.1", "AUTH is not offered on this port; use submission");
    public static final SmtpReply UNKNOWN_USER = new SmtpReply(550, "5.1.1", "no such mailbox here");
    public static final SmtpReply RELAY_DENIED = new SmtpReply(554, "5.7.1", "relay access denied");
    public static final SmtpReply SENDER_NOT_OWNED = new SmtpReply(550, "5.7.1", "sender address is not yours: MAIL FROM must be the authenticated mailbox");
    public static final SmtpReply FROM_NOT_OWNED = new SmtpReply(550, "5.7.1", "From: header is not yours: it must be the authenticated mailbox");
    public static final SmtpReply SMTPUTF8_REQUIRED = new SmtpReply(553, "5.6.7", "non-ASCII address needs SMTPUTF8");
    public static final SmtpReply MESSAGE_TOO_BIG = new SmtpReply(552, "5.3.4", "message exceeds the size limit");
    public static final SmtpReply MAILBOX_PAUSED = new SmtpReply(550, "5.7.1", "this mailbox is paused: an admin can resume it with `herald mailbox resume`");
}

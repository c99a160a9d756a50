package dev.herald.server.smtp.codec;

/** A command line that cannot be parsed; carries the reply to give. */
public final class SmtpSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SmtpReply reply;

    public SmtpSyntaxException(SmtpReply reply) {
        super(reply.text());
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}

package dev.herald.server.smtp.session;

/** The three SMTP listeners: the internet's MX, and the agents' submission with STARTTLS or implicit TLS. */
public enum Listener {
    MX("mx"), SUBMISSION("submission"), SUBMISSIONS("submission");

    private final String kind;

    Listener(String kind) {
        this.kind = kind;
    }

    /** "mx" or "submission": what the spool records. */
    public String kind() {
        return kind;
    }

    public boolean isSubmission() {
        return this != MX;
    }
}

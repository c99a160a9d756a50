package dev.herald.server.imap.session;

import dev.herald.server.smtp.session.AuthenticatedUser;
import java.util.Optional;

/** The state of one IMAP connection (RFC 3501 3). */
public final class ImapSession {
    public enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    public State state = State.NOT_AUTHENTICATED;
    public Optional<AuthenticatedUser> user = Optional.empty();
    public boolean tls;
    public final String clientIp;
    public SelectedFolder selected;
    public boolean condstore;
    /** The tag of the IDLE command in progress, or null. */
    public String idleTag;
    /** The tag of an AUTHENTICATE PLAIN waiting for its response line, or null. */
    public String authenticateTag;

    public ImapSession(String clientIp, boolean tls) {
        this.clientIp = clientIp;
        this.tls = tls;
    }

    public long mailboxId() {
        return user.orElseThrow().mailboxId();
    }
}

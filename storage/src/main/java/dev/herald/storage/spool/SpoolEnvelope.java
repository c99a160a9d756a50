package dev.herald.storage.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the SMTP session knew about one accepted message besides its bytes, kept in the
 * spool record next to the body so that a replay after a crash can deliver it exactly as then.
 *
 * @param id          unique id of this acceptance (also the queue id agents see)
 * @param listener    "mx" or "submission"
 * @param authMailbox the authenticated mailbox's id, for submissions
 * @param ret         DSN RET parameter (FULL/HDRS), if given
 * @param envid       DSN ENVID parameter, if given
 * @param folder      for an IMAP APPEND (listener "append"): the folder of {@code authMailbox} it goes to
 * @param flags       for an IMAP APPEND: the flags it is stored with
 * @param run         for a submission: the agent's X-Herald-Run (the header itself is removed from the body)
 * @param stream      for a submission: the agent's X-Herald-Stream (likewise)
 */
public record SpoolEnvelope(String id, Instant receivedAt, String listener, String client, String helo, String tls,
                            Optional<Long> authMailbox, String sender, List<SpoolRecipient> recipients,
                            Optional<String> ret, Optional<String> envid, Optional<String> folder, List<String> flags,
                            Optional<String> run, Optional<String> stream) {

    public static final String APPEND = "append";

    public SpoolEnvelope(String id, Instant receivedAt, String listener, String client, String helo, String tls,
                         Optional<Long> authMailbox, String sender, List<SpoolRecipient> recipients,
                         Optional<String> ret, Optional<String> envid, Optional<String> folder, List<String> flags) {
        this(id, receivedAt, listener, client, helo, tls, authMailbox, sender, recipients, ret, envid, folder, flags, Optional.empty(),
                Optional.empty());
    }

    /** The same envelope carrying the agent's run and stream (taken out of the message's header). */
    public SpoolEnvelope withAgent(Optional<String> agentRun, Optional<String> agentStream) {
        return new SpoolEnvelope(id, receivedAt, listener, client, helo, tls, authMailbox, sender, recipients, ret, envid, folder, flags,
                agentRun, agentStream);
    }

    /** An SMTP acceptance: no folder, no flags. */
    public SpoolEnvelope(String id, Instant receivedAt, String listener, String client, String helo, String tls,
                         Optional<Long> authMailbox, String sender, List<SpoolRecipient> recipients,
                         Optional<String> ret, Optional<String> envid) {
        this(id, receivedAt, listener, client, helo, tls, authMailbox, sender, recipients, ret, envid, Optional.empty(), List.of());
    }

    byte[] encode() {
        try {
            var bytes = new ByteArrayOutputStream(256);
            var out = new DataOutputStream(bytes);
            out.writeUTF(id);
            out.writeLong(receivedAt.toEpochMilli());
            out.writeUTF(listener);
            out.writeUTF(client);
            out.writeUTF(helo);
            out.writeUTF(tls);
            out.writeLong(authMailbox.orElse(-1L));
            out.writeUTF(sender);
            out.writeInt(recipients.size());
            for (var r : recipients) {
                out.writeUTF(r.address());
                out.writeUTF(r.dsnNotify().orElse(""));
                out.writeUTF(r.orcpt().orElse(""));
            }
            out.writeUTF(ret.orElse(""));
            out.writeUTF(envid.orElse(""));
            out.writeUTF(folder.orElse(""));
            out.writeUTF(String.join(" ", flags));
            out.writeUTF(run.orElse(""));
            out.writeUTF(stream.orElse(""));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpoolEnvelope decode(byte[] data) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(data));
        var id = in.readUTF();
        var at = Instant.ofEpochMilli(in.readLong());
        var listener = in.readUTF();
        var client = in.readUTF();
        var helo = in.readUTF();
        var tls = in.readUTF();
        long auth = in.readLong();
        var sender = in.readUTF();
        int n = in.readInt();
        var rcpts = new ArrayList<SpoolRecipient>(n);
        for (int i = 0; i < n; i++) {
            rcpts.add(new SpoolRecipient(in.readUTF(), nonEmpty(in.readUTF()), nonEmpty(in.readUTF())));
        }
        var ret = nonEmpty(in.readUTF());
        var envid = nonEmpty(in.readUTF());
        var folder = nonEmpty(in.readUTF());
        var flags = in.readUTF();
        // Records written before run and stream were kept here end after the flags.
        var run = in.available() > 0 ? nonEmpty(in.readUTF()) : Optional.<String>empty();
        var stream = in.available() > 0 ? nonEmpty(in.readUTF()) : Optional.<String>empty();
        return new SpoolEnvelope(id, at, listener, client, helo, tls, auth < 0 ? Optional.empty() : Optional.of(auth), sender,
                List.copyOf(rcpts), ret, envid, folder, flags.isEmpty() ? List.of() : List.of(flags.split(" ")), run, stream);
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}

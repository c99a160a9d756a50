package dev.herald.server.delivery;

import dev.herald.storage.mail.HeaderFields;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.field.datetime.parser.DateTimeParser;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * Reads the top-level header of a message with mime4j, in its permissive mode: broken headers,
 * bare LFs, bad encodings and missing fields give empty values, never an error.
 */
public final class HeaderParser {
    private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");
    private static final MimeConfig CONFIG = new MimeConfig.Builder().setMaxLineLen(-1).setMaxHeaderLen(-1)
            .setMaxHeaderCount(-1).build();

    private HeaderParser() {
    }

    /** Thrown from the handler to stop at the end of the top-level header. */
    private static final class HeaderDone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeaderDone() {
            super(null, null, false, false);
        }
    }

    public static ParsedHeaders parse(byte[] message) {
        var fields = new ArrayList<Field>();
        var parser = new MimeStreamParser(CONFIG);
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void field(Field field) {
                fields.add(field);
            }

            @Override
            public void endHeader() {
                throw new HeaderDone();
            }
        });
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (HeaderDone done) {
            // the top-level header is all we read
        } catch (MimeException | IOException | RuntimeException e) {
            // permissive: keep whatever fields were read before the damage
        }
        Optional<String> messageId = Optional.empty();
        Optional<String> inReplyTo = Optional.empty();
        List<String> references = List.of();
        Optional<String> subject = Optional.empty();
        Optional<String> from = Optional.empty();
        Optional<String> to = Optional.empty();
        Optional<String> cc = Optional.empty();
        Optional<Instant> date = Optional.empty();
        List<String> fromAddresses = List.of();
        Optional<String> stream = Optional.empty();
        Optional<String> run = Optional.empty();
        for (var f : fields) {
            var body = unfold(f.getBody());
            switch (f.getName().toLowerCase(Locale.ROOT)) {
                case "message-id" -> messageId = messageId.or(() -> firstId(body));
                case "in-reply-to" -> inReplyTo = inReplyTo.or(() -> firstId(body));
                case "references" -> references = references.isEmpty() ? ids(body) : references;
                case "subject" -> subject = subject.or(() -> Optional.of(DecoderUtil.decodeEncodedWords(body, DecodeMonitor.SILENT)));
                case "from" -> {
                    if (from.isEmpty()) {
                        from = Optional.of(body);
                        fromAddresses = addresses(body);
                    }
                }
                case "to" -> to = to.or(() -> Optional.of(body));
                case "cc" -> cc = cc.or(() -> Optional.of(body));
                case "date" -> date = date.or(() -> parseDate(body));
                case "x-herald-stream" -> stream = stream.or(() -> Optional.of(body.trim().toLowerCase(Locale.ROOT)));
                case "x-herald-run" -> run = run.or(() -> body.isBlank() || body.length() > 200 ? Optional.empty() : Optional.of(body.trim()));
                default -> {
                }
            }
        }
        int headerLength = headerLength(message);
        return new ParsedHeaders(new HeaderFields(messageId, inReplyTo, references, subject, from, to, cc, date), fromAddresses,
                messageId.isPresent(), date.isPresent(), headerLength, stream, run);
    }

    private static String unfold(String s) {
        return s.replaceAll("\r?\n[ \t]+", " ").trim();
    }

    private static Optional<String> firstId(String body) {
        var m = MSG_ID.matcher(body);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    private static List<String> ids(String body) {
        var out = new ArrayList<String>();
        var m = MSG_ID.matcher(body);
        while (m.find()) {
            out.add(m.group());
        }
        return List.copyOf(out);
    }

    /** The mailboxes of an address list, lowercased domain, groups flattened. */
    static List<String> addresses(String body) {
        var out = new ArrayList<String>();
        for (var a : LenientAddressParser.DEFAULT.parseAddressList(body)) {
            if (a instanceof Mailbox m) {
                out.add(m.getLocalPart() + "@" + String.valueOf(m.getDomain()).toLowerCase(Locale.ROOT));
            } else if (a instanceof Group g) {
                g.getMailboxes().forEach(m -> out.add(m.getLocalPart() + "@" + String.valueOf(m.getDomain()).toLowerCase(Locale.ROOT)));
            }
        }
        return List.copyOf(out);
    }

    private static Optional<Instant> parseDate(String body) {
        try {
            return Optional.of(new DateTimeParser(new java.io.StringReader(body)).parseAll().getDate().toInstant());
        } catch (Exception | Error e) {
            return Optional.empty();
        }
    }

    /** Bytes up to and including the blank line that ends the header (the whole message if none). */
    static int headerLength(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return m[i + 1] == '\n' ? i + 2 : i + 3;
            }
        }
        return m.length;
    }
}

package dev.herald.server.imap.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;

/**
 * The MIME tree of a raw message with byte offsets, as IMAP needs it: BODY[1.2] and BODY[1.MIME]
 * are exact octets of the original. Part boundaries are found here; header fields are parsed by
 * mime4j. Broken structure degrades to fewer parts, never to an error.
 */
public final class MimeIndex {
    private static final int MAX_DEPTH = 20;

    private MimeIndex() {
    }

    public static MimePart parse(byte[] raw) {
        return part(raw, 0, raw.length, "text", "plain", 0);
    }

    private static MimePart part(byte[] raw, int start, int end, String defaultType, String defaultSubtype, int depth) {
        int bodyStart = headerEnd(raw, start, end);
        var fields = fields(raw, start, bodyStart);
        String type = defaultType;
        String subtype = defaultSubtype;
        Map<String, String> params = new LinkedHashMap<>();
        String disposition = null;
        Map<String, String> dispositionParams = new LinkedHashMap<>();
        String id = null;
        String description = null;
        String encoding = "7BIT";
        String language = null;
        String location = null;
        for (var f : fields) {
            var body = f.getBody().replaceAll("\r?\n[ \t]+", " ").trim();
            switch (f.getName().toLowerCase(Locale.ROOT)) {
                case "content-type" -> {
                    var ct = (ContentTypeField) LenientFieldParser.getParser().parse(f, DecodeMonitor.SILENT);
                    if (ct.getMediaType() != null && ct.getSubType() != null && !ct.getMediaType().isEmpty()) {
                        type = ct.getMediaType().toLowerCase(Locale.ROOT);
                        subtype = ct.getSubType().toLowerCase(Locale.ROOT);
                    }
                    ct.getParameters().forEach((k, v) -> params.put(k.toLowerCase(Locale.ROOT), v));
                }
                case "content-disposition" -> {
                    var cd = (ContentDispositionField) LenientFieldParser.getParser().parse(f, DecodeMonitor.SILENT);
                    disposition = cd.getDispositionType();
                    cd.getParameters().forEach((k, v) -> dispositionParams.put(k.toLowerCase(Locale.ROOT), v));
                }
                case "content-id" -> id = body;
                case "content-description" -> description = body;
                case "content-transfer-encoding" -> encoding = body.toUpperCase(Locale.ROOT);
                case "content-language" -> language = body;
                case "content-location" -> location = body;
                default -> {
                }
            }
        }
        var children = new ArrayList<MimePart>();
        MimePart message = null;
        if (type.equals("multipart") && params.containsKey("boundary") && depth < MAX_DEPTH) {
            var childType = subtype.equals("digest") ? "message" : "text";
            var childSub = subtype.equals("digest") ? "rfc822" : "plain";
            for (int[] range : split(raw, bodyStart, end, params.get("boundary"))) {
                children.add(part(raw, range[0], range[1], childType, childSub, depth + 1));
            }
        } else if (type.equals("message") && subtype.equals("rfc822") && depth < MAX_DEPTH) {
            message = part(raw, bodyStart, end, "text", "plain", depth + 1);
        }
        if (type.equals("multipart") && children.isEmpty()) {
            type = "text"; // a multipart without parts: show it as the text it is
            subtype = "plain";
        }
        return new MimePart(start, bodyStart, end, type, subtype, params, id, description, encoding, disposition,
                dispositionParams, language, location, List.copyOf(children), message);
    }

    /** The offset just after the blank line ending the header at {@code start} (or {@code end}). */
    static int headerEnd(byte[] raw, int start, int end) {
        if (start < end && (raw[start] == '\n' || (raw[start] == '\r' && start + 1 < end && raw[start + 1] == '\n'))) {
            return raw[start] == '\n' ? start + 1 : start + 2; // no header at all
        }
        for (int i = start; i + 1 < end; i++) {
            if (raw[i] == '\n') {
                if (raw[i + 1] == '\n') {
                    return i + 2;
                }
                if (raw[i + 1] == '\r' && i + 2 < end && raw[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return end;
    }

    private static List<Field> fields(byte[] raw, int start, int end) {
        var out = new ArrayList<Field>();
        try {
            var text = new String(raw, start, end - start, StandardCharsets.ISO_8859_1);
            for (var line : unfoldedLines(text)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    out.add(new RawField(line.substring(0, colon).trim(), line.substring(colon + 1)));
                }
            }
        } catch (RuntimeException e) {
            // keep what was read
        }
        return out;
    }

    private static List<String> unfoldedLines(String header) {
        var lines = new ArrayList<String>();
        var current = new StringBuilder();
        for (var line : header.split("\r?\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current.length() > 0) {
                current.append("\r\n").append(line);
            } else {
                if (current.length() > 0) {
                    lines.add(current.toString());
                }
                current.setLength(0);
                current.append(line);
            }
        }
        if (current.length() > 0) {
            lines.add(current.toString());
        }
        return lines;
    }

    /** The byte ranges of the parts between boundary lines; the CRLF before a delimiter belongs to it. */
    private static List<int[]> split(byte[] raw, int start, int end, String boundary) {
        var delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        var ranges = new ArrayList<int[]>();
        int partStart = -1;
        int i = start;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && raw[lineEnd] != '\n') {
                lineEnd++;
            }
            if (startsWith(raw, i, lineEnd, delimiter)) {
                int after = i + delimiter.length;
                boolean close = after + 1 < end && raw[after] == '-' && raw[after + 1] == '-';
                if (partStart >= 0) {
                    int partEnd = i;
                    if (partEnd > partStart && raw[partEnd - 1] == '\n') {
                        partEnd--;
                        if (partEnd > partStart && raw[partEnd - 1] == '\r') {
                            partEnd--;
                        }
                    }
                    ranges.add(new int[] {partStart, Math.max(partStart, partEnd)});
                }
                if (close) {
                    return ranges;
                }
                partStart = Math.min(end, lineEnd + 1);
            }
            i = lineEnd + 1;
        }
        if (partStart >= 0 && partStart < end) {
            ranges.add(new int[] {partStart, end}); // no closing delimiter: the last part runs to the end
        }
        return ranges;
    }

    private static boolean startsWith(byte[] raw, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (raw[from + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}

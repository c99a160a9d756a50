package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** What a verb prints: the API's JSON with --json, readable text otherwise. */
final class Output {
    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void json(JsonNode node) {
        try {
            out.println(ApiClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new CliException("cannot print JSON: " + e.getMessage());
        }
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** {@code label: value} lines for the named fields of an object, skipping nulls. */
    void fields(JsonNode node, String... names) {
        int width = 0;
        for (var n : names) {
            width = Math.max(width, n.length());
        }
        for (var n : names) {
            var v = node.get(n);
            if (v != null && !v.isNull()) {
                out.printf("%-" + (width + 1) + "s %s%n", n.replace('_', ' ') + ":", text(v));
            }
        }
        out.flush();
    }

    /** A table of the named fields of each object, columns as wide as their widest cell. */
    void table(JsonNode rows, String... columns) {
        var cells = new ArrayList<List<String>>();
        cells.add(List.of(columns).stream().map(c -> c.replace('_', ' ').toUpperCase(java.util.Locale.ROOT)).toList());
        for (var row : rows) {
            var line = new ArrayList<String>();
            for (var c : columns) {
                var v = row.get(c);
                line.add(v == null || v.isNull() ? "-" : text(v));
            }
            cells.add(line);
        }
        var widths = new int[columns.length];
        for (var line : cells) {
            for (int i = 0; i < columns.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (var line : cells) {
            var sb = new StringBuilder();
            for (int i = 0; i < columns.length; i++) {
                sb.append(i == columns.length - 1 ? line.get(i) : String.format("%-" + (widths[i] + 2) + "s", line.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    private static String text(JsonNode v) {
        if (v.isArray()) {
            var parts = new ArrayList<String>();
            v.forEach(item -> parts.add(item.asText()));
            return String.join(", ", parts);
        }
        return v.asText();
    }
}

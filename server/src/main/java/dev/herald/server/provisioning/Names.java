package dev.herald.server.provisioning;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation and normalization of every name an admin types: tenant and workspace names, domain
 * names (IDNs to their ASCII form), mailbox addresses. Each refusal says what the rule is.
 */
public final class Names {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TLD = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");
    /** RFC 5322 dot-atom, without '+' which Herald keeps for sub-addressing and VERP bounces. */
    private static final Pattern LOCAL_PART = Pattern.compile("[a-z0-9!#$%&'*/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*/=?^_`{|}~-]+)*");

    private Names() {
    }

    /** A tenant or workspace name: 1–63 lowercase letters, digits and hyphens. */
    public static String slug(String kind, String raw) {
        if (raw == null || raw.isBlank()) {
            throw ProvisioningException.invalid(kind + " name is required");
        }
        var name = raw.trim().toLowerCase(Locale.ROOT);
        if (!SLUG.matcher(name).matches()) {
            throw ProvisioningException.invalid("bad " + kind + " name '" + raw + "': use 1-63 letters, digits and hyphens, "
                    + "starting with a letter or digit");
        }
        return name;
    }

    /** A domain name in lowercase ASCII (an IDN becomes its xn-- form), without a trailing dot. */
    public static String domain(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ProvisioningException.invalid("domain name is required");
        }
        var trimmed = raw.trim();
        var name = trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        try {
            name = IDN.toASCII(name).toLowerCase(Locale.ROOT); // LDH rules checked below, with a precise message
        } catch (IllegalArgumentException e) {
            throw badDomain(raw, "it is not a valid internationalized name");
        }
        if (name.length() > 253) {
            throw badDomain(raw, "longer than 253 characters");
        }
        var labels = name.split("\\.", -1);
        if (labels.length < 2) {
            throw badDomain(raw, "it needs at least two labels, such as example.com");
        }
        for (var label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw badDomain(raw, "label '" + label + "' must be 1-63 letters, digits or inner hyphens");
            }
        }
        if (!TLD.matcher(labels[labels.length - 1]).matches()) {
            throw badDomain(raw, "'" + labels[labels.length - 1] + "' is not a top-level domain");
        }
        return name;
    }

    /** A mailbox address {@code local@domain}: returns the normalized address. */
    public static String address(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ProvisioningException.invalid("address is required");
        }
        var a = raw.trim();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            throw ProvisioningException.invalid("bad address '" + raw + "': expected local@domain");
        }
        var local = a.substring(0, at).toLowerCase(Locale.ROOT);
        if (local.length() > 64) {
            throw ProvisioningException.invalid("bad address '" + raw + "': the local part is longer than 64 characters");
        }
        if (local.contains("+")) {
            throw ProvisioningException.invalid("bad address '" + raw + "': '+' is reserved for sub-addresses (local+tag@domain)");
        }
        if (!LOCAL_PART.matcher(local).matches()) {
            throw ProvisioningException.invalid("bad address '" + raw + "': the local part may hold letters, digits, "
                    + "single dots and !#$%&'*/=?^_`{|}~- (no spaces, quotes or '@')");
        }
        String domain;
        try {
            domain = domain(a.substring(at + 1));
        } catch (ProvisioningException e) {
            throw ProvisioningException.invalid("bad address '" + raw + "': " + e.getMessage());
        }
        return local + "@" + domain;
    }

    public static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    private static ProvisioningException badDomain(String raw, String why) {
        return ProvisioningException.invalid("bad domain name '" + raw + "': " + why);
    }
}

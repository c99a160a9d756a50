package dev.herald.policy;

import static dev.herald.policy.ValueKind.ADDRESS_LIST;
import static dev.herald.policy.ValueKind.BOOLEAN;
import static dev.herald.policy.ValueKind.CHOICE;
import static dev.herald.policy.ValueKind.COUNT;
import static dev.herald.policy.ValueKind.PERCENT;

import dev.herald.storage.model.PolicyLevel;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every policy setting Herald knows, with its server default. The defaults follow SPEC.md and the
 * deliverability thresholds inbox providers enforce (complaints under 0.1%, bounces under 2–5%).
 */
public final class PolicyCatalog {
    private static final Set<PolicyLevel> EVERY_LEVEL = EnumSet.allOf(PolicyLevel.class);
    private static final Set<PolicyLevel> SERVER_AND_TENANT = EnumSet.of(PolicyLevel.SERVER, PolicyLevel.TENANT);

    private static final Map<String, PolicySetting> SETTINGS = new LinkedHashMap<>();

    static {
        add("stream", CHOICE, "transactional", EVERY_LEVEL, List.of("transactional", "bulk"),
                "default stream of outgoing mail when the agent sets no X-Herald-Stream header; transactional goes first");
        add("run.limit", COUNT, "500", EVERY_LEVEL, "messages one agent run (X-Herald-Run) may send");
        add("run.over_budget", CHOICE, "defer", EVERY_LEVEL, List.of("defer", "hold"),
                "what happens to a run over its limit: defer (451 to the agent) or hold for admin approval");
        add("mailbox.hourly_limit", COUNT, "100", EVERY_LEVEL, "messages one mailbox may send per sliding hour");
        add("mailbox.daily_limit", COUNT, "1000", EVERY_LEVEL, "messages one mailbox may send per sliding 24 hours");
        add("tenant.daily_limit", COUNT, "10000", SERVER_AND_TENANT, "messages a whole tenant may send per sliding 24 hours");
        add("tenant.monthly_limit", COUNT, "200000", SERVER_AND_TENANT, "messages a whole tenant may send per sliding 30 days");
        add("recipient_domain.per_minute", COUNT, "50", SERVER_AND_TENANT,
                "messages per minute from one sending domain to one recipient domain; excess is queued and trickled out");
        add("warmup.enabled", BOOLEAN, "true", SERVER_AND_TENANT, "new sending domains follow the warm-up curve");
        add("warmup.full_daily", COUNT, "10000", SERVER_AND_TENANT,
                "the daily allocation a domain reaches at the end of warm-up ('full' in warmup.curve)");
        add("warmup.curve", ValueKind.CURVE, dev.herald.policy.pipeline.WarmupCurve.DEFAULT, SERVER_AND_TENANT,
                "daily caps by warm-up day, day:cap points joined by straight lines; after the last day the sender is warm. "
                        + "A day counts only when the domain sent and its bounce and complaint rates stayed under warmup.max_bounce_rate "
                        + "and warmup.max_complaint_rate");
        add("warmup.max_bounce_rate", PERCENT, "2%", SERVER_AND_TENANT, "a warm-up day with this bounce rate or more does not advance the curve");
        add("warmup.max_complaint_rate", PERCENT, "0.1%", SERVER_AND_TENANT,
                "a warm-up day with this complaint rate or more does not advance the curve");
        add("breaker.min_volume", COUNT, "100", SERVER_AND_TENANT, "sends in the window before bounce and complaint rates count");
        add("breaker.bounce_review", PERCENT, "2%", SERVER_AND_TENANT, "bounce rate that puts a sender under review");
        add("breaker.bounce_pause", PERCENT, "5%", SERVER_AND_TENANT, "bounce rate that pauses a sender until an admin resumes it");
        add("breaker.complaint_review", PERCENT, "0.05%", SERVER_AND_TENANT, "complaint rate that puts a sender under review");
        add("breaker.complaint_pause", PERCENT, "0.1%", SERVER_AND_TENANT, "complaint rate that pauses a sender");
        add("hold.for_approval", BOOLEAN, "false", EVERY_LEVEL, "hold every outgoing message until an admin approves it");
        add("inbound.allow_only", BOOLEAN, "false", EVERY_LEVEL, "accept inbound mail only from inbound.allow");
        add("inbound.allow", ADDRESS_LIST, "", EVERY_LEVEL, "senders (addresses or domains) always accepted");
        add("inbound.block", ADDRESS_LIST, "", EVERY_LEVEL, "senders (addresses or domains) refused");
        add("outbound.allow", ADDRESS_LIST, "", EVERY_LEVEL, "recipients (addresses or domains) exempt from outbound.block");
        add("outbound.block", ADDRESS_LIST, "", EVERY_LEVEL, "recipients (addresses or domains) never sent to");
        add("fair_share.weight", COUNT, "1", SERVER_AND_TENANT, "the tenant's share of outbound capacity relative to others");
        add("sent.copy", BOOLEAN, "true", EVERY_LEVEL,
                "file a copy of every submitted message in the sender's Sent folder (clients that APPEND their own may turn it off; "
                        + "an APPEND of the same Message-ID to Sent within 10 minutes returns the copy already there either way)");
        add("loop.thread_replies_per_hour", COUNT, "10", EVERY_LEVEL,
                "replies per hour within one thread between the same two addresses (ping-pong guard)");
    }

    private PolicyCatalog() {
    }

    private static void add(String name, ValueKind kind, String def, Set<PolicyLevel> levels, String description) {
        add(name, kind, def, levels, List.of(), description);
    }

    private static void add(String name, ValueKind kind, String def, Set<PolicyLevel> levels, List<String> choices,
                            String description) {
        SETTINGS.put(name, new PolicySetting(name, kind, def, Set.copyOf(levels), choices, description));
    }

    public static List<PolicySetting> all() {
        return List.copyOf(SETTINGS.values());
    }

    public static Optional<PolicySetting> find(String name) {
        return Optional.ofNullable(SETTINGS.get(name));
    }

    /**
     * Validates one change at a level. @return the normalized value
     * @throws PolicyValueException for an unknown name, a value of the wrong type, or a setting
     *         that cannot be set at this level (a tenant's monthly limit on a mailbox, say)
     */
    public static String validate(PolicyLevel level, String name, String raw) {
        var setting = find(name).orElseThrow(() -> new PolicyValueException("unknown policy setting '" + name + "'"));
        if (!setting.levels().contains(level)) {
            throw new PolicyValueException(name + " cannot be set on a " + level.wire() + "; it applies at "
                    + setting.levels().stream().map(PolicyLevel::wire).sorted().toList());
        }
        return setting.normalize(raw);
    }
}

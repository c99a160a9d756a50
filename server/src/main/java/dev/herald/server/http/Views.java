package dev.herald.server.http;

import dev.herald.server.dns.DnsRecord;
import dev.herald.server.dns.RecordCheck;
import dev.herald.server.provisioning.DomainService.DomainDetail;
import dev.herald.server.provisioning.DomainService.Verification;
import dev.herald.server.provisioning.PolicyService.PolicyView;
import dev.herald.server.provisioning.TenantService.TenantDetail;
import dev.herald.server.provisioning.WorkspaceService.WorkspaceDetail;
import dev.herald.storage.model.ApiKey;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.Tenant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shape of every resource, in one place so that the API and its docs agree. */
public final class Views {
    private Views() {
    }

    public static Map<String, Object> tenant(Tenant t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", t.name());
        m.put("status", t.status().wire());
        m.put("created_at", t.createdAt().toString());
        return m;
    }

    public static Map<String, Object> tenant(TenantDetail d) {
        var m = tenant(d.tenant());
        m.put("workspaces", d.workspaces());
        m.put("domains", d.counts().domains());
        m.put("mailboxes", d.counts().mailboxes());
        m.put("api_keys", d.counts().apiKeys());
        return m;
    }

    public static Map<String, Object> workspace(WorkspaceDetail d) {
        var m = new LinkedHashMap<String, Object>();
        m.put("tenant", d.tenant().name());
        m.put("name", d.workspace().name());
        m.put("mailboxes", d.mailboxes());
        m.put("created_at", d.workspace().createdAt().toString());
        return m;
    }

    public static Map<String, Object> domain(Domain d) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", d.name());
        m.put("status", d.status().wire());
        m.put("created_at", d.createdAt().toString());
        return m;
    }

    public static Map<String, Object> domain(DomainDetail d) {
        var m = domain(d.domain());
        m.put("tenant", d.tenant());
        m.put("mailboxes", d.mailboxes());
        m.put("active_selector", d.activeSelector());
        m.put("dkim", d.keys().stream().map(k -> {
            var km = new LinkedHashMap<String, Object>();
            km.put("selector", k.selector());
            km.put("active", k.active());
            km.put("algorithm", "rsa-sha256");
            km.put("public_key", Base64.getEncoder().encodeToString(k.publicKey()));
            km.put("created_at", k.createdAt().toString());
            return km;
        }).toList());
        m.putAll(dns(d));
        return m;
    }

    public static Map<String, Object> dns(DomainDetail d) {
        var m = new LinkedHashMap<String, Object>();
        m.put("records", d.records().stream().map(Views::record).toList());
        m.put("zone", d.zone());
        return m;
    }

    private static Map<String, Object> record(DnsRecord r) {
        var m = new LinkedHashMap<String, Object>();
        m.put("purpose", r.purpose());
        m.put("name", r.name());
        m.put("type", r.type());
        m.put("value", r.value());
        return m;
    }

    public static Map<String, Object> verification(Verification v) {
        var m = new LinkedHashMap<String, Object>();
        m.put("domain", v.domain().name());
        m.put("ok", v.ok());
        m.put("records", v.checks().stream().map(Views::check).toList());
        return m;
    }

    private static Map<String, Object> check(RecordCheck c) {
        var m = record(c.expected());
        m.put("expected", m.remove("value"));
        m.put("status", c.status());
        m.put("found", c.found());
        m.put("detail", c.detail());
        return m;
    }

    public static Map<String, Object> mailbox(Mailbox mb) {
        var m = new LinkedHashMap<String, Object>();
        m.put("address", mb.address());
        m.put("tenant", mb.tenantName());
        m.put("workspace", mb.workspaceName());
        m.put("display_name", mb.displayName());
        m.put("status", mb.status().wire());
        m.put("expires_at", mb.expiresAt().map(Object::toString).orElse(null));
        m.put("created_at", mb.createdAt().toString());
        return m;
    }

    public static Map<String, Object> mailboxList(List<Mailbox> page, int limit) {
        var m = new LinkedHashMap<String, Object>();
        m.put("mailboxes", page.stream().map(Views::mailbox).toList());
        m.put("next", page.size() == limit ? page.get(page.size() - 1).address() : null);
        return m;
    }

    /** An API key without its secret; {@code tenant} and {@code mailbox} are names, or null. */
    public static Map<String, Object> key(ApiKey k, String tenant, String mailbox) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", k.keyId());
        m.put("name", k.name());
        m.put("scope", k.scope().wire());
        m.put("tenant", tenant);
        m.put("mailbox", mailbox);
        m.put("created_at", k.createdAt().toString());
        m.put("revoked_at", k.revokedAt().map(Object::toString).orElse(null));
        return m;
    }

    public static Map<String, Object> policy(PolicyView p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("level", p.level().wire());
        m.put("target", p.target());
        m.put("own", p.own());
        var eff = new LinkedHashMap<String, Object>();
        p.effective().forEach((name, v) -> {
            var e = new LinkedHashMap<String, Object>();
            e.put("value", v.value());
            e.put("source", v.source().map(l -> l.wire()).orElse("default"));
            eff.put(name, e);
        });
        m.put("effective", eff);
        return m;
    }
}

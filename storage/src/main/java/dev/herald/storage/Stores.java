package dev.herald.storage;

/** Every store of the provisioning state, as one value to hand to the server's services. */
public record Stores(TenantStore tenants, WorkspaceStore workspaces, DomainStore domains, MailboxStore mailboxes,
                     ApiKeyStore apiKeys, PolicyStore policies,
                     dev.herald.storage.mail.MailStore mail, RouteStore routes,
                     SuppressionStore suppressions, EventStore events, AuditStore audit,
                     WebhookStore webhooks) {
}

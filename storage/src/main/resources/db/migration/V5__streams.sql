-- The stream of each queued recipient: transactional mail is sent ahead of bulk mail.
ALTER TABLE queue_entries ADD COLUMN stream VARCHAR(16) DEFAULT 'transactional' NOT NULL;
CREATE INDEX queue_tenant_due ON queue_entries(tenant_id, state, stream, due_at);

-- The audit log: every admin action and every agent action per mailbox (login, send, delete),
-- append-only, each entry chained to the one before by a SHA-256 hash so that an edited, removed
-- or inserted entry is found by `herald audit --verify`. Kept whatever events.retention says.
CREATE TABLE audit_log (
    id          BIGINT        PRIMARY KEY,
    event_id    BIGINT        NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    tenant_id   BIGINT,
    mailbox_id  BIGINT,
    actor       VARCHAR(400)  NOT NULL,
    action      VARCHAR(32)   NOT NULL,
    detail      VARCHAR(2000) NOT NULL,
    prev_hash   CHAR(64)      NOT NULL,
    hash        CHAR(64)      NOT NULL
);
CREATE INDEX audit_tenant ON audit_log(tenant_id, id);

CREATE TABLE webhooks (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    description TEXT,
    consumer_name TEXT,
    provider_name TEXT,
    events TEXT NOT NULL,
    request TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    webhook_uuid TEXT NOT NULL,
    event TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE webhook_executions (
    id BIGSERIAL PRIMARY KEY,
    delivery_uuid TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    success BIGINT NOT NULL,
    logs TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_executions_by_delivery ON webhook_executions (delivery_uuid, id);

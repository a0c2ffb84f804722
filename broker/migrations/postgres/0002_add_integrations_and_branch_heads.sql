CREATE TABLE integrations (
    consumer_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (provider_id, consumer_id)
);
INSERT INTO integrations (consumer_id, provider_id, created_at)
    SELECT consumer_id, provider_id, MIN(created_at) FROM pact_publications GROUP BY consumer_id, provider_id;
CREATE INDEX branch_versions_latest ON branch_versions (branch_id, id);

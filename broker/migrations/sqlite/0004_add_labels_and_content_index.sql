CREATE TABLE labels (
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (pacticipant_id, name)
);
CREATE INDEX labels_by_name ON labels (name);
ALTER TABLE webhooks ADD COLUMN consumer_label TEXT;
ALTER TABLE webhooks ADD COLUMN provider_label TEXT;
CREATE INDEX publications_by_content ON pact_publications (content_id);
CREATE INDEX verifications_by_provider_version ON verifications (provider_version_id);
CREATE INDEX deployed_by_version ON deployed_versions (version_id);

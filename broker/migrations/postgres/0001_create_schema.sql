CREATE TABLE pacticipants (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    main_branch TEXT,
    repository_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE versions (
    id BIGSERIAL PRIMARY KEY,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);
CREATE INDEX versions_by_pacticipant ON versions (pacticipant_id, id);

CREATE TABLE branches (
    id BIGSERIAL PRIMARY KEY,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
);

CREATE TABLE branch_versions (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (version_id, name)
);
CREATE INDEX tags_by_name ON tags (name, version_id);

CREATE TABLE environments (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production BIGINT NOT NULL,
    contacts TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE deployed_versions (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id BIGINT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);
CREATE INDEX deployed_current ON deployed_versions (environment_id, pacticipant_id, undeployed_at);

CREATE TABLE released_versions (
    id BIGSERIAL PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id BIGINT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
);

CREATE TABLE pact_contents (
    id BIGSERIAL PRIMARY KEY,
    consumer_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);

CREATE TABLE pact_publications (
    id BIGSERIAL PRIMARY KEY,
    consumer_version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    consumer_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    content_id BIGINT NOT NULL REFERENCES pact_contents(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id, revision)
);
CREATE INDEX publications_by_provider ON pact_publications (provider_id, consumer_id, consumer_version_id);

CREATE TABLE verifications (
    id BIGSERIAL PRIMARY KEY,
    content_id BIGINT NOT NULL REFERENCES pact_contents(id) ON DELETE CASCADE,
    provider_version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    consumer_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    success BIGINT NOT NULL,
    wip BIGINT NOT NULL,
    pending BIGINT NOT NULL,
    build_url TEXT,
    test_results TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX verifications_by_content ON verifications (content_id, provider_version_id, id);

CREATE TABLE pacticipants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    main_branch TEXT,
    repository_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);
CREATE INDEX versions_by_pacticipant ON versions (pacticipant_id, id);

CREATE TABLE branches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
);

CREATE TABLE branch_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (version_id, name)
);
CREATE INDEX tags_by_name ON tags (name, version_id);

CREATE TABLE environments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production INTEGER NOT NULL,
    contacts TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE deployed_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);
CREATE INDEX deployed_current ON deployed_versions (environment_id, pacticipant_id, undeployed_at);

CREATE TABLE released_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
);

CREATE TABLE pact_contents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);

CREATE TABLE pact_publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    content_id INTEGER NOT NULL REFERENCES pact_contents(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id, revision)
);
CREATE INDEX publications_by_provider ON pact_publications (provider_id, consumer_id, consumer_version_id);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    content_id INTEGER NOT NULL REFERENCES pact_contents(id) ON DELETE CASCADE,
    provider_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    success INTEGER NOT NULL,
    wip INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    build_url TEXT,
    test_results TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX verifications_by_content ON verifications (content_id, provider_version_id, id);

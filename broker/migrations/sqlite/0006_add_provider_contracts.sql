-- Provider contracts (an OpenAPI document and the provider's own test result for it, one per
-- provider version) and their comparisons with pact contents.
CREATE TABLE provider_contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
    provider_version_id INTEGER NOT NULL UNIQUE REFERENCES versions(id) ON DELETE CASCADE,
    specification TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content TEXT NOT NULL,
    sha TEXT NOT NULL,
    self_verified INTEGER NOT NULL,
    verifier TEXT,
    verifier_version TEXT,
    results_content TEXT,
    results_content_type TEXT,
    results_format TEXT,
    build_url TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX provider_contracts_by_provider ON provider_contracts (provider_id, id);

CREATE TABLE contract_comparisons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_contract_id INTEGER NOT NULL REFERENCES provider_contracts(id) ON DELETE CASCADE,
    content_id INTEGER NOT NULL REFERENCES pact_contents(id) ON DELETE CASCADE,
    compatible INTEGER NOT NULL,
    interactions INTEGER NOT NULL,
    mismatches TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (provider_contract_id, content_id)
);
CREATE INDEX contract_comparisons_by_content ON contract_comparisons (content_id, provider_contract_id);

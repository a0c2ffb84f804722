//! The mock server through its library API and its binary, over real HTTP.

mod binary;
mod library;

use accord_core::Pact;

/// A V4 pact for the accounts provider with a few interactions.
pub(crate) fn accounts_pact_json() -> String {
    serde_json::json!({
      "consumer": {"name": "investment-manager"},
      "provider": {"name": "accounts"},
      "interactions": [
        {"type": "Synchronous/HTTP", "description": "get account 42",
         "request": {"method": "GET", "path": "/accounts/42"},
         "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
           "body": {"contentType": "application/json", "encoded": false, "content": {"id": 42, "owner": "ann"}}}},
        {"type": "Synchronous/HTTP", "description": "find accounts by owner",
         "request": {"method": "GET", "path": "/accounts", "query": {"owner": ["ann"]}},
         "response": {"status": 200, "body": {"contentType": "application/json", "encoded": false, "content": [{"id": 42}]}}},
        {"type": "Synchronous/HTTP", "description": "get any account",
         "request": {"method": "GET", "path": "/accounts/7",
           "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "/accounts/\\d+"}]}}},
         "response": {"status": 200, "body": {"contentType": "application/json", "encoded": false, "content": {"id": 7}},
           "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1000, "max": 2000}}}}}
      ],
      "metadata": {"pactSpecification": {"version": "4.0"}}
    })
    .to_string()
}

pub(crate) fn accounts_pact() -> Pact {
    accord_core::format::parse_pact(&accounts_pact_json(), "test").expect("valid pact")
}

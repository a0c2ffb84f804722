//! What a provider's consumers rely on, from the pact each consumer counts with (the latest of
//! its main branch, else its latest): which consumer uses which field, and which provider states
//! they need with the parameters they pass.

use std::collections::BTreeMap;

use accord_core::Pact;
use accord_core::usage::{FieldUse, field_uses};
use serde_json::{Map, Value};

use crate::db::Db;
use crate::domain::{DomainError, DomainResult};
use crate::store::pacts::{self, VersionFilter};
use crate::store::{Conn, pacticipants};

/// A consumer whose pact was read, with the version it came from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The consumer.
    pub(crate) consumer: String,
    /// The consumer version of the pact.
    pub(crate) version: String,
    /// The pact content's hash.
    pub(crate) sha: String,
}

/// Every field with the consumers relying on it, and the pacts read.
#[derive(Debug, Clone)]
pub(crate) struct Usage {
    /// The pacts read.
    pub(crate) sources: Vec<Source>,
    /// Each field with the consumers that use it.
    pub(crate) fields: BTreeMap<FieldUse, Vec<String>>,
}

/// A provider state the consumers need.
#[derive(Debug, Clone)]
pub(crate) struct StateUse {
    /// Its name.
    pub(crate) name: String,
    /// The consumers whose pacts use it.
    pub(crate) consumers: Vec<String>,
    /// The distinct parameters they pass.
    pub(crate) params: Vec<Map<String, Value>>,
}

/// The pact each consumer of `provider` counts with; pacts that cannot be read are skipped with
/// a warning.
async fn current_pacts(conn: &mut Conn, provider: &str) -> DomainResult<Vec<(Source, Pact)>> {
    let p = pacticipants::find(conn, provider)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("provider '{provider}'")))?;
    let mut out = Vec::new();
    for consumer in pacticipants::consumers_of(conn, p.id).await? {
        let main = pacts::for_pair(conn, consumer.id, p.id, VersionFilter::MainBranch, 1)
            .await?
            .into_iter()
            .next();
        let row = match main {
            Some(row) => Some(row),
            None => pacts::latest(conn, consumer.id, p.id, None).await?,
        };
        let Some(row) = row else { continue };
        match accord_core::format::parse_pact(&row.content, &consumer.name) {
            Ok(pact) => out.push((
                Source {
                    consumer: consumer.name.clone(),
                    version: row.consumer_version.clone(),
                    sha: row.sha.clone(),
                },
                pact,
            )),
            Err(error) => {
                tracing::warn!(consumer = %consumer.name, %error, "a stored pact could not be read");
            }
        }
    }
    Ok(out)
}

/// The fields of `provider` its consumers use, those whose path or endpoint holds `search` when
/// given.
pub(crate) async fn field_usage(db: &Db, provider: &str, search: Option<&str>) -> DomainResult<Usage> {
    let mut conn = db.pool().acquire().await?;
    let mut sources = Vec::new();
    let mut fields: BTreeMap<FieldUse, Vec<String>> = BTreeMap::new();
    for (source, pact) in current_pacts(&mut conn, provider).await? {
        // Protobuf messages are read decoded, and a gRPC call is named by its method.
        let (pact, grpc_paths) = accord_protobuf::readable(&pact);
        for mut field in field_uses(&pact) {
            if let Some((_, path)) = grpc_paths
                .iter()
                .find(|(description, _)| field.endpoint == format!("message: {description}"))
            {
                field.endpoint = format!("gRPC {path}");
            }
            let wanted = search.is_none_or(|q| {
                let q = q.to_lowercase();
                field.path.to_lowercase().contains(&q) || field.endpoint.to_lowercase().contains(&q)
            });
            if wanted {
                fields.entry(field).or_default().push(source.consumer.clone());
            }
        }
        sources.push(source);
    }
    Ok(Usage { sources, fields })
}

/// Every provider state the current pacts of `provider`'s consumers use, once each, by name.
pub(crate) async fn provider_states(db: &Db, provider: &str) -> DomainResult<Vec<StateUse>> {
    let mut conn = db.pool().acquire().await?;
    let mut states: BTreeMap<String, StateUse> = BTreeMap::new();
    for (source, pact) in current_pacts(&mut conn, provider).await? {
        for interaction in &pact.interactions {
            for ps in &interaction.info().provider_states {
                let entry = states.entry(ps.name.clone()).or_insert_with(|| StateUse {
                    name: ps.name.clone(),
                    consumers: Vec::new(),
                    params: Vec::new(),
                });
                if !entry.consumers.contains(&source.consumer) {
                    entry.consumers.push(source.consumer.clone());
                }
                if !ps.params.is_empty() && !entry.params.contains(&ps.params) {
                    entry.params.push(ps.params.clone());
                }
            }
        }
    }
    Ok(states.into_values().collect())
}

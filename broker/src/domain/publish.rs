//! Publishing pacts: checking each pact, creating the consumer and its version with branch and
//! tags, storing or merging each pact, refusing near-duplicate names and changed content, and
//! raising the events webhooks listen for, all in one transaction.

use std::collections::HashMap;

use serde_json::Value;

use crate::domain::BaseUrl;
pub(crate) use crate::domain::Policy;
use crate::domain::events::{EventVars, PactRef};
pub(crate) use crate::domain::revisions::Published;
use crate::domain::webhooks::{Webhook, queue, subscribed};
use crate::domain::{DomainError, DomainResult};
use crate::store::pacticipants::Pacticipant;
use crate::store::webhooks;
use crate::store::{Conn, pacticipants, versions};

/// One pact of a publication.
#[derive(Debug, Clone)]
pub(crate) struct Contract {
    /// The provider it is with.
    pub(crate) provider: String,
    /// The pact document.
    pub(crate) content: Value,
    /// Merge its interactions into the pact already published for this version.
    pub(crate) merge: bool,
}

/// A consumer version's pacts, with its branch and tags.
#[derive(Debug, Clone)]
pub(crate) struct Publication {
    /// The consumer.
    pub(crate) consumer: String,
    /// The consumer version.
    pub(crate) version: String,
    /// Its branch.
    pub(crate) branch: Option<String>,
    /// Its tags.
    pub(crate) tags: Vec<String>,
    /// The CI build that published it.
    pub(crate) build_url: Option<String>,
    /// The pacts.
    pub(crate) contracts: Vec<Contract>,
    /// Errors name each pact by its place in `contracts` (`POST /contracts/publish`); the
    /// legacy one-pact `PUT` does not.
    pub(crate) name_contracts: bool,
}

/// What publishing one pact did.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The provider.
    pub(crate) provider: String,
    /// Created, unchanged, overwritten or merged.
    pub(crate) published: Published,
    /// The content hash now published for the version.
    pub(crate) sha: String,
    /// Whether this content was published for the first time.
    pub(crate) new_content: bool,
}

/// What a publication did.
#[derive(Debug, Clone)]
pub(crate) struct PublicationResult {
    /// Whether the consumer version was created by it.
    pub(crate) version_created: bool,
    /// The version's id.
    pub(crate) version_id: i64,
    /// Each pact, in the order given.
    pub(crate) outcomes: Vec<Outcome>,
}

/// Checks that a document is a pact accord can read, between the named applications.
pub(crate) fn check_pact(content: &Value, consumer: &str, provider: &str) -> DomainResult<()> {
    let pact = accord_core::format::parse_pact_value(content, "the published pact")
        .map_err(|e| DomainError::invalid(e.to_string()))?;
    let problems = super::pact_check::problems(&pact, content);
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }
    let named_consumer = super::names::nfc(content["consumer"]["name"].as_str().unwrap_or_default());
    let named_provider = super::names::nfc(content["provider"]["name"].as_str().unwrap_or_default());
    if named_consumer != consumer {
        return Err(DomainError::invalid(format!(
            "the pact's consumer name '{named_consumer}' does not match '{consumer}'"
        )));
    }
    if named_provider != provider {
        return Err(DomainError::invalid(format!(
            "the pact's provider name '{named_provider}' does not match '{provider}'"
        )));
    }
    Ok(())
}

/// A publication whose pacts were all read and checked: what `publish` takes, so that reading
/// large pacts happens before the write transaction, never inside it.
#[derive(Debug, Clone)]
pub(crate) struct Checked(Publication);

impl Checked {
    /// The consumer publishing.
    pub(crate) fn consumer(&self) -> &str {
        &self.0.consumer
    }
}

impl Publication {
    /// Checks every pact: readable by accord and between the named applications.
    pub(crate) fn check(mut self) -> DomainResult<Checked> {
        let mut problems = Vec::new();
        // Each name is checked, and kept in the form names are stored in (NFC).
        let mut name = |field: String, value: &mut String| match super::names::accept(&field, value) {
            Ok(stored) => *value = stored,
            Err(DomainError::Invalid(messages)) => problems.extend(messages),
            Err(other) => problems.push(other.to_string()),
        };
        name("pacticipantName".into(), &mut self.consumer);
        name("pacticipantVersionNumber".into(), &mut self.version);
        if let Some(branch) = &mut self.branch {
            name("branch".into(), branch);
        }
        for (i, tag) in self.tags.iter_mut().enumerate() {
            name(format!("tags[{i}]"), tag);
        }
        for (i, contract) in self.contracts.iter_mut().enumerate() {
            name(format!("contracts[{i}].providerName"), &mut contract.provider);
        }
        if !problems.is_empty() {
            return Err(DomainError::Invalid(problems));
        }
        for (i, contract) in self.contracts.iter().enumerate() {
            check_pact(&contract.content, &self.consumer, &contract.provider).map_err(|e| match e {
                DomainError::Invalid(messages) if self.name_contracts => DomainError::Invalid(
                    messages
                        .into_iter()
                        .map(|m| format!("contracts[{i}]: {m}"))
                        .collect(),
                ),
                other => other,
            })?;
        }
        Ok(Checked(self))
    }
}

/// Publishes a consumer version's pacts in a transaction of its own (publications of one
/// consumer take turns), committed when every pact was accepted.
pub(crate) async fn publish_committed(
    db: &crate::db::Db,
    base: &BaseUrl,
    publication: &Checked,
    policy: Policy,
    documents: &super::provider_contract::Documents,
) -> DomainResult<PublicationResult> {
    let mut w = db.write_publication(publication.consumer()).await?;
    let result = publish(&mut w.tx, base, publication, policy, documents).await?;
    w.tx.commit().await?;
    Ok(result)
}

/// Publishes one pact (the older `PUT`/`PATCH` of a pact) like [`publish_committed`], and answers
/// how it was published with the pact as now stored.
pub(crate) async fn publish_pact(
    db: &crate::db::Db,
    base: &BaseUrl,
    publication: &Checked,
    policy: Policy,
    documents: &super::provider_contract::Documents,
) -> DomainResult<(Published, super::pacts::PactRow)> {
    let mut w = db.write_publication(publication.consumer()).await?;
    let result = publish(&mut w.tx, base, publication, policy, documents).await?;
    let Some(outcome) = result.outcomes.into_iter().next() else {
        return Err(DomainError::invalid("a pact is required"));
    };
    let row = super::pacts::published(&mut w.tx, &outcome.provider, result.version_id).await?;
    w.tx.commit().await?;
    Ok((outcome.published, row))
}

/// Publishes a consumer version's pacts in the transaction `conn`; nothing of it may be
/// committed when this returns an error.
pub(crate) async fn publish(
    conn: &mut Conn,
    // The base URL of the links webhook requests carry.
    base: &BaseUrl,
    publication: &Checked,
    policy: Policy,
    // Provider contract documents already read, for the comparisons a new pact needs.
    documents: &super::provider_contract::Documents,
) -> DomainResult<PublicationResult> {
    let Checked(publication) = publication;
    let mut names = vec![publication.consumer.as_str()];
    names.extend(publication.contracts.iter().map(|c| c.provider.as_str()));
    // Every named pacticipant in one query; only new names are checked and inserted.
    let known = pacticipants::find_many(conn, &names).await?;
    refuse_similar_names(conn, &names, &known, policy).await?;
    let mut ids: HashMap<&str, i64> = known.values().map(|p| (p.name.as_str(), p.id)).collect();
    // New names are created in name order, so two publications creating the same ones at once
    // (they may run side by side) cannot wait for each other in a cycle.
    let mut new: Vec<&str> = names.iter().copied().filter(|n| !ids.contains_key(n)).collect();
    new.sort_unstable();
    new.dedup();
    for name in new {
        ids.insert(name, pacticipants::ensure(conn, name).await?.0);
    }
    let consumer = known.get(&publication.consumer);
    let consumer_id = id_of(conn, &ids, &publication.consumer).await?;
    let (version_id, version_created) = versions::ensure(
        conn,
        consumer_id,
        &publication.version,
        publication.build_url.as_deref(),
    )
    .await?;
    if let Some(branch) = &publication.branch {
        let has_main = consumer.is_some_and(|p| p.main_branch.is_some());
        versions::add_to_branch_of(conn, consumer_id, has_main, branch, version_id).await?;
    }
    for (i, tag) in publication.tags.iter().enumerate() {
        let as_branch = i == 0 && publication.branch.is_none() && policy.first_tag_as_branch;
        super::versions::tag(conn, consumer_id, version_id, tag, as_branch).await?;
    }
    let hooks = webhooks::list(conn).await?;
    let mut outcomes = Vec::new();
    for contract in &publication.contracts {
        let provider_id = id_of(conn, &ids, &contract.provider).await?;
        let outcome = publish_one(
            conn,
            consumer_id,
            provider_id,
            version_id,
            contract,
            policy.allow_overwrite,
        )
        .await?;
        if let Published::Conflict(diff) = &outcome.published {
            return Err(DomainError::ContentChanged {
                consumer: publication.consumer.clone(),
                version: publication.version.clone(),
                provider: outcome.provider.clone(),
                diff: diff.clone(),
            });
        }
        let vars = EventVars::of_pact(
            base,
            PactRef {
                consumer: &publication.consumer,
                provider: &outcome.provider,
                consumer_version: &publication.version,
                consumer_branch: publication.branch.as_deref(),
                consumer_tags: &publication.tags,
                sha: &outcome.sha,
                build_url: publication.build_url.as_deref(),
            },
        );
        trigger_publication_events(conn, &hooks, &vars, &outcome).await?;
        super::provider_contract::compare_new_pact(conn, documents, provider_id, version_id).await?;
        outcomes.push(outcome);
    }
    Ok(PublicationResult {
        version_created,
        version_id,
        outcomes,
    })
}

/// The id of pacticipant `name`: from `ids`, which holds every name of the publication, else
/// created.
async fn id_of(conn: &mut Conn, ids: &HashMap<&str, i64>, name: &str) -> Result<i64, sqlx::Error> {
    match ids.get(name) {
        Some(id) => Ok(*id),
        None => Ok(pacticipants::ensure(conn, name).await?.0),
    }
}

async fn publish_one(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    version_id: i64,
    contract: &Contract,
    allow_overwrite: bool,
) -> DomainResult<Outcome> {
    let target = super::revisions::Target {
        consumer_id,
        provider_id,
        version_id,
    };
    let stored =
        super::revisions::publish(conn, target, &contract.content, allow_overwrite, contract.merge).await?;
    Ok(Outcome {
        provider: contract.provider.clone(),
        published: stored.published,
        sha: stored.sha,
        new_content: stored.new_content,
    })
}

/// Refuses a publication that would create a pacticipant whose name is probably a misspelling
/// of an existing one ("Accounts Service" next to "accounts"), unless the policy allows it.
async fn refuse_similar_names(
    conn: &mut Conn,
    names: &[&str],
    known: &HashMap<String, Pacticipant>,
    policy: Policy,
) -> DomainResult<()> {
    if policy.allow_similar_names {
        return Ok(());
    }
    let new: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !known.contains_key(*n))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let existing: Vec<(String, String)> = pacticipants::all_names(conn)
        .await?
        .into_iter()
        .map(|n| (super::names::similarity_key(&n), n))
        .collect();
    let mut messages = Vec::new();
    for name in new {
        let wanted = super::names::similarity_key(name);
        let similar: Vec<String> = existing
            .iter()
            // The name itself may have been created meanwhile by a publication running side by
            // side: that is the same application, not a similar one.
            .filter(|(key, original)| *key == wanted && original != name)
            .map(|(_, original)| original.clone())
            .collect();
        if similar.is_empty() {
            continue;
        }
        let shape = super::names::shape(name);
        let alike: Vec<String> = similar
            .iter()
            .filter(|s| super::names::shape(s) == shape)
            .cloned()
            .collect();
        if !alike.is_empty() {
            messages.push(super::pacticipants::look_alike_message(name, &alike));
            continue;
        }
        messages.push(format!(
            "This is the first time a pact has been published for \"{name}\". The name \"{name}\" is very similar \
             to the following existing pacticipants: {}. If you meant one of them, publish with that exact name; \
             if this is a new application, create it first with POST /pacticipants, or start the broker with \
             --allow-similar-names.",
            similar.join(", ")
        ));
    }
    if messages.is_empty() {
        Ok(())
    } else {
        Err(DomainError::SimilarNames(messages))
    }
}

/// Queues the webhooks of a publication in its own transaction, so they fire only if it
/// commits; nothing is looked up for events no webhook listens for.
async fn trigger_publication_events(
    conn: &mut Conn,
    hooks: &[Webhook],
    vars: &EventVars,
    outcome: &Outcome,
) -> DomainResult<()> {
    queue(conn, hooks, "contract_published", vars).await?;
    if outcome.published != Published::Unchanged && outcome.new_content {
        queue(conn, hooks, "contract_content_changed", vars).await?;
        let event = "contract_requiring_verification_published";
        if subscribed(hooks, event) {
            let mut needed = vars.clone();
            if let Some(provider) = pacticipants::find(conn, &outcome.provider).await? {
                let main = provider.main_branch.clone().unwrap_or_else(|| "main".to_owned());
                if let Some(head) = versions::branch_head(conn, provider.id, &main).await? {
                    needed.provider_version_number = head.number;
                    needed.provider_version_branch = main;
                    needed.provider_version_descriptions = Some("latest from main branch".to_owned());
                }
            }
            queue(conn, hooks, event, &needed).await?;
        }
    }
    Ok(())
}

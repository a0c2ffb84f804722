//! Provider contracts (bi-directional contract testing): a provider publishes its OpenAPI
//! document or its GraphQL schema with the result of its own tests against it, and every
//! relevant pact is compared with it instead of being replayed against a running provider. Publishing either
//! side compares it with the relevant ones of the other; the matrix counts a compatible
//! comparison with passing self-verification as a successful verification.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use accord_core::{Interaction, Pact};
use accord_graphql::GraphqlSchema;
use accord_openapi::{Comparison, ContractMismatch, OpenApi, compare};

use crate::domain::matrix::Decision;
use crate::domain::{DomainError, DomainResult, names};
use crate::store::provider_contracts::{self, NewProviderContract, ProviderContract};
use crate::store::{Conn, pacticipants, pacts, versions};

/// The specification of OpenAPI documents.
pub(crate) const OAS: &str = "oas";
/// The specification of GraphQL schemas (SDL, content type `application/graphql`).
pub(crate) const GRAPHQL: &str = "graphql";

/// The specification a publication names, as stored: `oas` or `graphql`; `None` for another.
fn specification_of(specification: &str, content_type: &str) -> Option<&'static str> {
    if specification.eq_ignore_ascii_case(GRAPHQL) || content_type.eq_ignore_ascii_case("application/graphql")
    {
        Some(GRAPHQL)
    } else if specification.eq_ignore_ascii_case(OAS) {
        Some(OAS)
    } else {
        None
    }
}

/// The provider's own test result for its contract, as published.
#[derive(Debug, Clone, Default)]
pub(crate) struct SelfVerification {
    /// Whether the provider's tests passed.
    pub(crate) success: bool,
    /// The tool that ran them.
    pub(crate) verifier: Option<String>,
    /// The tool's version.
    pub(crate) verifier_version: Option<String>,
    /// Their output (decoded).
    pub(crate) content: Option<String>,
    /// The output's content type.
    pub(crate) content_type: Option<String>,
    /// The output's format (`text`, `junit`, ...).
    pub(crate) format: Option<String>,
}

/// A provider contract to publish for a provider version.
#[derive(Debug, Clone)]
pub(crate) struct ContractPublication {
    /// The provider.
    pub(crate) provider: String,
    /// The provider version.
    pub(crate) version: String,
    /// The version's branch.
    pub(crate) branch: Option<String>,
    /// The version's tags.
    pub(crate) tags: Vec<String>,
    /// The CI build that published it.
    pub(crate) build_url: Option<String>,
    /// The kind of document (`oas`).
    pub(crate) specification: String,
    /// The document's content type (`application/yaml`, `application/json`).
    pub(crate) content_type: String,
    /// The document (decoded).
    pub(crate) content: String,
    /// The provider's own test result.
    pub(crate) self_verification: SelfVerification,
}

/// One comparison made while publishing.
#[derive(Debug, Clone)]
pub(crate) struct ComparisonMade {
    /// The consumer whose pact was compared.
    pub(crate) consumer: String,
    /// The pact content's hash.
    pub(crate) sha: String,
    /// How many mismatches it found.
    pub(crate) mismatches: usize,
}

/// What publishing a provider contract did.
#[derive(Debug, Clone)]
pub(crate) struct ContractPublished {
    /// Whether the provider version was created by it.
    pub(crate) version_created: bool,
    /// Whether a contract was already published for that version (and was replaced).
    pub(crate) replaced: bool,
    /// Why the document cannot be compared, when it cannot be read as OpenAPI.
    pub(crate) unreadable: Option<String>,
    /// The comparisons with the relevant pacts.
    pub(crate) comparisons: Vec<ComparisonMade>,
}

impl ContractPublication {
    /// Checks the names and the specification before anything is stored.
    fn check(&self) -> DomainResult<()> {
        let mut problems = Vec::new();
        let mut name = |field: String, value: &str| {
            if let Some(why) = names::problem(value) {
                problems.push(format!("{field} {why}"));
            }
        };
        name("provider".into(), &self.provider);
        name("pacticipantVersionNumber".into(), &self.version);
        if let Some(branch) = &self.branch {
            name("branch".into(), branch);
        }
        for (i, tag) in self.tags.iter().enumerate() {
            name(format!("tags[{i}]"), tag);
        }
        if specification_of(&self.specification, &self.content_type).is_none() {
            problems.push(format!(
                "specification '{}' is not supported: provider contracts are OpenAPI documents ('{OAS}') or GraphQL schemas ('{GRAPHQL}')",
                self.specification
            ));
        }
        if self.content.trim().is_empty() {
            problems.push("the contract's content is empty".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(problems))
        }
    }
}

/// Stores a provider contract (replacing one already published for the version) and compares
/// it with every relevant pact of the provider, in the transaction `conn`.
pub(crate) async fn publish(
    conn: &mut Conn,
    documents: &Documents,
    publication: &ContractPublication,
    allow_look_alikes: bool,
) -> DomainResult<ContractPublished> {
    publication.check()?;
    let (provider_id, _) =
        super::pacticipants::ensure(conn, &publication.provider, allow_look_alikes).await?;
    let (version_id, version_created) = versions::ensure(
        conn,
        provider_id,
        &publication.version,
        publication.build_url.as_deref(),
    )
    .await?;
    if let Some(branch) = &publication.branch {
        let has_main = pacticipants::find_by_id(conn, provider_id)
            .await?
            .is_some_and(|p| p.main_branch.is_some());
        versions::add_to_branch_of(conn, provider_id, has_main, branch, version_id).await?;
    }
    for tag in &publication.tags {
        versions::add_tag(conn, version_id, tag).await?;
    }
    let results = &publication.self_verification;
    let specification =
        specification_of(&publication.specification, &publication.content_type).unwrap_or(OAS);
    let (contract_id, replaced) = provider_contracts::replace(
        conn,
        provider_id,
        version_id,
        &NewProviderContract {
            specification,
            content_type: &publication.content_type,
            content: &publication.content,
            self_verified: results.success,
            verifier: results.verifier.as_deref(),
            verifier_version: results.verifier_version.as_deref(),
            results_content: results.content.as_deref(),
            results_content_type: results.content_type.as_deref(),
            results_format: results.format.as_deref(),
            build_url: publication.build_url.as_deref(),
        },
    )
    .await?;
    let document = documents.read(
        specification,
        &publication.content,
        provider_contracts::content_sha(&publication.content),
    );
    let unreadable = document.as_ref().as_ref().err().cloned();
    let mut comparisons = Vec::new();
    for pact in provider_contracts::relevant_pacts(conn, provider_id).await? {
        let parsed: Result<Pact, String> =
            accord_core::format::parse_pact(&pact.content, "the published pact").map_err(|e| e.to_string());
        let (outcome, consumer) = match &parsed {
            Ok(p) => (judge(&document, p), p.consumer.clone()),
            Err(e) => (unreadable_pact(e), String::new()),
        };
        record(conn, contract_id, pact.content_id, &outcome).await?;
        comparisons.push(ComparisonMade {
            consumer: if consumer.is_empty() {
                pact.consumer.clone()
            } else {
                consumer
            },
            sha: pact.sha.clone(),
            mismatches: outcome.mismatches.len(),
        });
    }
    Ok(ContractPublished {
        version_created,
        replaced,
        unreadable,
        comparisons,
    })
}

/// Compares a pact just published with the relevant provider contracts of its provider, in
/// the publication's transaction; nothing is read when the provider has none.
pub(crate) async fn compare_new_pact(
    conn: &mut Conn,
    documents: &Documents,
    provider_id: i64,
    consumer_version_id: i64,
) -> DomainResult<()> {
    let contracts = provider_contracts::relevant(conn, provider_id).await?;
    if contracts.is_empty() {
        return Ok(());
    }
    let Some(row) = pacts::for_version(conn, consumer_version_id, provider_id).await? else {
        return Ok(());
    };
    let pact = accord_core::format::parse_pact(&row.content, "the published pact")
        .map_err(|e| DomainError::invalid(e.to_string()))?;
    for contract in &contracts {
        if provider_contracts::comparison(conn, contract.id, row.content_id)
            .await?
            .is_some()
        {
            continue;
        }
        let Some(document) = document_of(documents, conn, contract.id, Some(&contract.sha)).await? else {
            continue;
        };
        let outcome = judge(&document, &pact);
        record(conn, contract.id, row.content_id, &outcome).await?;
    }
    Ok(())
}

/// The most pairs one matrix question compares on demand; further ones wait for the next.
const ON_DEMAND: usize = 100;

/// The (consumer, provider, pact hash, provider version id) of the decision's rows that have a
/// provider version but no verification: the pairs a provider contract may answer.
pub(crate) fn unverified_pairs(decision: &Decision) -> Vec<(String, String, String, i64)> {
    decision
        .rows
        .iter()
        .filter(|r| r.verification.is_none())
        .filter_map(|r| {
            let pv = r.provider_version.as_ref()?;
            Some((r.consumer.clone(), r.provider.clone(), r.sha.clone(), pv.id))
        })
        .take(ON_DEMAND)
        .collect()
}

/// Which of these pairs a provider contract can answer that was never compared with the pact
/// (read before taking the write lock: usually none).
pub(crate) async fn uncompared(
    conn: &mut Conn,
    pairs: &[(String, String, String, i64)],
) -> DomainResult<Vec<provider_contracts::Uncompared>> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(provider_contracts::uncompared(conn, pairs).await?)
}

/// Compares provider contracts with pacts no publication compared them with (a consumer
/// version asked about that was not among the relevant ones when either side was published),
/// as PactFlow does when can-i-deploy asks; `conn` is a write transaction.
pub(crate) async fn compare_on_demand(
    conn: &mut Conn,
    documents: &Documents,
    pairs: &[(String, String, String, i64)],
) -> DomainResult<usize> {
    let missing = provider_contracts::uncompared(conn, pairs).await?;
    for pair in &missing {
        let Some(document) = document_of(documents, conn, pair.contract_id, None).await? else {
            continue;
        };
        let Some(content) = provider_contracts::pact_content(conn, pair.content_id).await? else {
            continue;
        };
        let outcome = match accord_core::format::parse_pact(&content, "the published pact") {
            Ok(pact) => judge(&document, &pact),
            Err(e) => unreadable_pact(&e.to_string()),
        };
        record(conn, pair.contract_id, pair.content_id, &outcome).await?;
    }
    Ok(missing.len())
}

/// A provider contract's document, read.
#[derive(Debug)]
enum Document {
    /// An OpenAPI document.
    OpenApi(Box<OpenApi>),
    /// A GraphQL schema.
    Graphql(Box<GraphqlSchema>),
}

/// A document as read: the document, or why it cannot be compared.
type Read = Arc<Result<Document, String>>;

/// How many documents stay read: a publication compares a pact with several contracts, and
/// can-i-deploy a contract with many pacts; reading a large document takes tens of
/// milliseconds (GitHub's 5.7 MB one: 51 ms in BENCHMARKS.md).
const KEPT_DOCUMENTS: usize = 16;

/// The documents read last, newest first, by the SHA-256 of their text: kept as long as the
/// application lives (in its `AppState`).
#[derive(Debug, Default)]
pub(crate) struct Documents(Mutex<VecDeque<(String, Read)>>);

impl Documents {
    /// Reads a provider contract's document of `specification`, known by `sha`; why it cannot
    /// be compared otherwise.
    fn read(&self, specification: &str, content: &str, sha: String) -> Read {
        if let Some(read) = self.kept(&sha) {
            return read;
        }
        let read = Arc::new(if specification == GRAPHQL {
            GraphqlSchema::parse(content, "the provider contract")
                .map(|s| Document::Graphql(Box::new(s)))
                .map_err(|e| e.to_string())
        } else {
            OpenApi::parse(content, "the provider contract")
                .map(|d| Document::OpenApi(Box::new(d)))
                .map_err(|e| e.to_string())
        });
        self.keep(sha, Arc::clone(&read));
        read
    }

    fn kept(&self, sha: &str) -> Option<Read> {
        let mut documents = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let at = documents.iter().position(|(s, _)| s == sha)?;
        let entry = documents.remove(at)?;
        let read = Arc::clone(&entry.1);
        documents.push_front(entry);
        Some(read)
    }

    fn keep(&self, sha: String, read: Read) {
        let mut documents = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        documents.retain(|(s, _)| *s != sha);
        documents.push_front((sha, read));
        documents.truncate(KEPT_DOCUMENTS);
    }
}

/// The document of a stored contract: kept when read before (its hash known), else loaded and
/// read; `None` when the contract no longer exists.
async fn document_of(
    documents: &Documents,
    conn: &mut Conn,
    contract_id: i64,
    sha: Option<&str>,
) -> DomainResult<Option<Read>> {
    if let Some(read) = sha.and_then(|sha| documents.kept(sha)) {
        return Ok(Some(read));
    }
    let Some(contract) = provider_contracts::by_id(conn, contract_id).await? else {
        return Ok(None);
    };
    Ok(Some(documents.read(
        &contract.specification,
        &contract.content,
        contract.sha,
    )))
}

/// The comparison of a pact with a document, or with a document that cannot be read (every
/// interaction then fails with the reason).
fn judge(document: &Read, pact: &Pact) -> Comparison {
    match document.as_ref() {
        Ok(Document::OpenApi(document)) => compare(document, pact),
        Ok(Document::Graphql(schema)) => judge_graphql(schema, pact),
        Err(why) => Comparison {
            interactions: pact.interactions.len(),
            mismatches: vec![ContractMismatch {
                interaction: String::new(),
                pact_path: String::new(),
                document_path: String::new(),
                message: format!("the provider contract cannot be compared: {why}"),
            }],
        },
    }
}

/// A pact's HTTP interactions against a GraphQL schema: each GraphQL interaction checked, and
/// any other HTTP interaction named, as the schema cannot answer for it.
fn judge_graphql(schema: &GraphqlSchema, pact: &Pact) -> Comparison {
    let mut comparison = Comparison {
        interactions: 0,
        mismatches: Vec::new(),
    };
    for interaction in &pact.interactions {
        let Interaction::Http(http) = interaction else {
            continue;
        };
        comparison.interactions += 1;
        let description = &http.info.description;
        match schema.check(&http.request, &http.response) {
            Some(found) => comparison
                .mismatches
                .extend(found.into_iter().map(|m| ContractMismatch {
                    interaction: description.clone(),
                    pact_path: {
                        let path = m.path.trim_start_matches("$.");
                        let side = if path.starts_with("data") {
                            "response"
                        } else {
                            "request"
                        };
                        format!("{side}.body.{path}")
                    },
                    document_path: String::new(),
                    message: m.message,
                })),
            None => comparison.mismatches.push(ContractMismatch {
                interaction: description.clone(),
                pact_path: "request".to_owned(),
                document_path: String::new(),
                message: format!(
                    "{} {} is not a GraphQL request, and the provider contract is a GraphQL schema",
                    http.request.method, http.request.path
                ),
            }),
        }
    }
    comparison
}

fn unreadable_pact(why: &str) -> Comparison {
    Comparison {
        interactions: 0,
        mismatches: vec![ContractMismatch {
            interaction: String::new(),
            pact_path: String::new(),
            document_path: String::new(),
            message: format!("the pact cannot be compared: {why}"),
        }],
    }
}

async fn record(
    conn: &mut Conn,
    contract_id: i64,
    content_id: i64,
    outcome: &Comparison,
) -> DomainResult<()> {
    let mismatches: Vec<Mismatch> = outcome.mismatches.iter().map(Mismatch::of).collect();
    provider_contracts::record_comparison(
        conn,
        contract_id,
        content_id,
        outcome.is_compatible(),
        i64::try_from(outcome.interactions).unwrap_or(i64::MAX),
        &serde_json::to_string(&mismatches).unwrap_or_else(|_| "[]".to_owned()),
    )
    .await?;
    Ok(())
}

/// A mismatch as stored and served: the interaction, both paths and the message.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Mismatch {
    /// The interaction's description.
    pub(crate) interaction: String,
    /// Where in the interaction.
    pub(crate) pact_path: String,
    /// Where in the document.
    pub(crate) document_path: String,
    /// What is wrong.
    pub(crate) message: String,
}

impl Mismatch {
    fn of(m: &ContractMismatch) -> Mismatch {
        Mismatch {
            interaction: m.interaction.clone(),
            pact_path: m.pact_path.clone(),
            document_path: m.document_path.clone(),
            message: m.message.clone(),
        }
    }
}

/// A provider contract with its comparisons, as the API and the pages show it.
#[derive(Debug, Clone)]
pub(crate) struct ContractView {
    /// The contract.
    pub(crate) contract: ProviderContract,
    /// Each comparison with the consumer, the pact's hash and the consumer versions that
    /// published it.
    pub(crate) comparisons: Vec<ComparisonView>,
}

/// One comparison of a provider contract with a pact.
#[derive(Debug, Clone)]
pub(crate) struct ComparisonView {
    /// The consumer.
    pub(crate) consumer: String,
    /// The pact content's hash.
    pub(crate) sha: String,
    /// The consumer versions that published this content, newest first.
    pub(crate) consumer_versions: Vec<String>,
    /// Whether the pact is compatible with the document.
    pub(crate) compatible: bool,
    /// How many interactions were compared.
    pub(crate) interactions: i64,
    /// The mismatches.
    pub(crate) mismatches: Vec<Mismatch>,
    /// When it was made.
    pub(crate) compared_at: String,
}

/// Publishes a provider contract in a transaction of its own.
pub(crate) async fn publish_committed(
    db: &crate::db::Db,
    documents: &Documents,
    publication: &ContractPublication,
    allow_look_alikes: bool,
) -> DomainResult<ContractPublished> {
    let mut w = db.write().await?;
    let published = publish(&mut w.tx, documents, publication, allow_look_alikes).await?;
    w.tx.commit().await?;
    Ok(published)
}

/// The provider contract of a provider version with its comparisons, or not found.
pub(crate) async fn show(db: &crate::db::Db, provider: &str, version: &str) -> DomainResult<ContractView> {
    let mut conn = db.pool().acquire().await?;
    view(&mut conn, provider, version).await?.ok_or_else(|| {
        DomainError::NotFound(format!("No provider contract for {provider} version {version}"))
    })
}

/// The provider contract of a provider version with its comparisons; `None` when the provider,
/// the version or its contract does not exist.
async fn view(conn: &mut Conn, provider: &str, version: &str) -> DomainResult<Option<ContractView>> {
    let Some(provider) = pacticipants::find(conn, provider).await? else {
        return Ok(None);
    };
    let Some(version) = versions::find(conn, provider.id, version).await? else {
        return Ok(None);
    };
    let Some(contract) = provider_contracts::of_version(conn, version.id).await? else {
        return Ok(None);
    };
    let mut comparisons = Vec::new();
    for stored in provider_contracts::comparisons_of(conn, contract.id).await? {
        let Some(published) = pacts::publications_of_content(conn, stored.content_id).await? else {
            continue;
        };
        comparisons.push(ComparisonView {
            consumer: published.consumer,
            sha: published.sha,
            consumer_versions: published.consumer_versions,
            compatible: stored.compatible,
            interactions: stored.interactions,
            mismatches: serde_json::from_str(&stored.mismatches).unwrap_or_default(),
            compared_at: stored.created_at,
        });
    }
    Ok(Some(ContractView {
        contract,
        comparisons,
    }))
}

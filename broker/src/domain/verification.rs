//! Which pacts a provider version verifies: consumer version selectors (main branch, branch
//! with fallback, tag, deployed, released, environment, latest), one pact per distinct
//! content with every reason it was selected, pending status and work-in-progress pacts.

use std::collections::BTreeMap;

use accord_broker_client::wire::ConsumerVersionSelector;

use crate::domain::{DomainError, DomainResult};
use crate::store::environments;
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::pacts::{self, PactRow};
use crate::store::{Conn, verifications, versions};

/// The checks the reference broker makes of a selector.
fn validate(selector: &ConsumerVersionSelector, provider_branch: Option<&str>) -> DomainResult<()> {
    let this = selector;
    {
        let present = [
            this.main_branch.is_some(),
            this.branch.is_some(),
            this.matching_branch.is_some(),
            this.tag.is_some(),
            this.latest.is_some(),
            this.deployed.is_some(),
            this.released.is_some(),
            this.deployed_or_released.is_some(),
            this.environment.is_some(),
        ];
        if !present.iter().any(|p| *p) {
            return Err(DomainError::invalid(
                "must specify a value for environment or tag or branch, or specify mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true or deployedOrReleased=true",
            ));
        }
        if this.tag.is_some() && this.branch.is_some() {
            return Err(DomainError::invalid(
                "cannot specify both a tag and a branch in one selector",
            ));
        }
        let branch_family = this.latest.is_some()
            || this.tag.is_some()
            || this.branch.is_some()
            || this.main_branch.is_some()
            || this.matching_branch.is_some();
        let env_family = this.environment.is_some()
            || this.deployed.is_some()
            || this.released.is_some()
            || this.deployed_or_released.is_some();
        let fields = present.iter().filter(|p| **p).count()
            + usize::from(this.fallback_branch.is_some())
            + usize::from(this.fallback_tag.is_some())
            + usize::from(this.consumer.is_some())
            + this.other.len();
        let latest_in_environment = fields == 2 && this.latest.is_some() && this.environment.is_some();
        if branch_family && env_family && !latest_in_environment {
            return Err(DomainError::invalid(
                "branch or tag selection cannot be combined with environment selection in one selector",
            ));
        }
        if this.matching_branch == Some(true) && provider_branch.is_none() {
            return Err(DomainError::invalid(
                "matchingBranch requires providerVersionBranch",
            ));
        }
        Ok(())
    }
}

/// What a provider version asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct SelectionRequest {
    /// The provider version's branch (for `matchingBranch`, pending and WIP).
    pub(crate) provider_branch: Option<String>,
    /// The provider version's tags (for pending).
    pub(crate) provider_tags: Vec<String>,
    /// Report whether each pact is pending.
    pub(crate) include_pending: bool,
    /// Also include work-in-progress pacts published since this date.
    pub(crate) wip_since: Option<String>,
    /// The selectors; none means the main branch and everything deployed or released.
    pub(crate) selectors: Vec<ConsumerVersionSelector>,
}

/// A pact to verify.
#[derive(Debug, Clone)]
pub(crate) struct SelectedPact {
    /// The consumer.
    pub(crate) consumer: String,
    /// The pact (one of the publications of its content).
    pub(crate) row: PactRow,
    /// Every reason it was selected.
    pub(crate) descriptions: Vec<String>,
    /// Every consumer version it stands for.
    pub(crate) consumer_versions: Vec<String>,
    /// Whether it is pending, when the request asked.
    pub(crate) pending: Option<bool>,
    /// Whether it is a work in progress.
    pub(crate) wip: bool,
}

/// A selected pact with every reason it was selected and every consumer version it stands for.
type Merged = (Selected, Vec<String>, Vec<String>);

/// One selected pact before deduplication by content.
#[derive(Debug, Clone)]
struct Selected {
    consumer: String,
    row: PactRow,
    description: String,
}

/// The pacts of these consumer versions with the provider, in the order of the versions, in
/// one query.
async fn pacts_of_versions(
    conn: &mut Conn,
    provider_id: i64,
    version_ids: &[i64],
) -> Result<Vec<PactRow>, sqlx::Error> {
    let mut found = pacts::for_versions(conn, version_ids, provider_id).await?;
    Ok(version_ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// What every selector of one request shares, read once: the environments, what is deployed
/// and released in each, and the provider's pacts of those versions.
#[derive(Debug, Default)]
struct Placements {
    loaded: bool,
    environments: Vec<environments::Environment>,
    /// (environment id, pacticipant id, version id) currently deployed.
    deployed: Vec<(i64, i64, i64)>,
    /// (environment id, pacticipant id, version id) currently released and supported.
    released: Vec<(i64, i64, i64)>,
    /// The provider's pacts of every deployed or released version, by version id.
    pacts: std::collections::HashMap<i64, PactRow>,
}

impl Placements {
    async fn load(&mut self, conn: &mut Conn, provider_id: i64) -> Result<(), sqlx::Error> {
        if self.loaded {
            return Ok(());
        }
        self.environments = environments::list(conn).await?;
        for env in &self.environments {
            for p in environments::currently_deployed(conn, env.id, None).await? {
                self.deployed.push((env.id, p.pacticipant_id, p.version_id));
            }
            for p in environments::currently_supported(conn, env.id, None).await? {
                self.released.push((env.id, p.pacticipant_id, p.version_id));
            }
        }
        let mut ids: Vec<i64> = self
            .deployed
            .iter()
            .chain(&self.released)
            .map(|(_, _, v)| *v)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        self.pacts = pacts::for_versions(conn, &ids, provider_id).await?;
        self.loaded = true;
        Ok(())
    }

    /// The provider's pacts of a consumer's versions placed in an environment, in placement order.
    fn pacts_in(&self, placed: &[(i64, i64, i64)], environment_id: i64, consumer_id: i64) -> Vec<PactRow> {
        placed
            .iter()
            .filter(|(e, c, _)| *e == environment_id && *c == consumer_id)
            .filter_map(|(_, _, v)| self.pacts.get(v).cloned())
            .collect()
    }
}

/// The provider's pacts of the branch heads the selectors of one request ask for, read for
/// every consumer at once (two queries instead of two per consumer).
#[derive(Debug, Default)]
struct Heads {
    pacts: std::collections::HashMap<(i64, String), PactRow>,
}

impl Heads {
    async fn load(
        conn: &mut Conn,
        provider: &Pacticipant,
        consumers: &[Pacticipant],
        selectors: &[ConsumerVersionSelector],
        provider_branch: Option<&str>,
    ) -> Result<Heads, sqlx::Error> {
        let mut pairs: Vec<(i64, String)> = Vec::new();
        for consumer in consumers {
            let main = consumer.main_branch.clone().unwrap_or_else(|| "main".to_owned());
            if selectors.is_empty() {
                pairs.push((consumer.id, main.clone()));
            }
            for selector in selectors {
                if selector.main_branch == Some(true) {
                    pairs.push((consumer.id, main.clone()));
                } else if selector.matching_branch == Some(true) {
                    pairs.extend(provider_branch.map(|b| (consumer.id, b.to_owned())));
                } else if let Some(branch) = &selector.branch {
                    pairs.push((consumer.id, branch.clone()));
                }
            }
        }
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return Ok(Heads::default());
        }
        let heads = versions::branch_heads(conn, &pairs).await?;
        let ids: Vec<i64> = heads.values().copied().collect();
        let mut by_version = pacts::for_versions(conn, &ids, provider.id).await?;
        let pacts = heads
            .into_iter()
            .filter_map(|(pair, version)| by_version.remove(&version).map(|row| (pair, row)))
            .collect();
        Ok(Heads { pacts })
    }
}

/// The pact of the newest version on a branch that has one with this provider (a newer
/// version that no longer talks to the provider does not hide it): the branch head's, read
/// beforehand for the whole request, else found by walking the branch.
async fn latest_on_branch(
    conn: &mut Conn,
    heads: &Heads,
    provider: &Pacticipant,
    consumer: &Pacticipant,
    branch: &str,
) -> Result<Vec<PactRow>, sqlx::Error> {
    if let Some(row) = heads.pacts.get(&(consumer.id, branch.to_owned())) {
        return Ok(vec![row.clone()]);
    }
    pacts::for_pair(
        conn,
        consumer.id,
        provider.id,
        pacts::VersionFilter::Branch(branch),
        1,
    )
    .await
}

async fn evaluate(
    conn: &mut Conn,
    placements: &mut Placements,
    heads: &Heads,
    provider: &Pacticipant,
    consumer: &Pacticipant,
    selector: &ConsumerVersionSelector,
    provider_branch: Option<&str>,
) -> DomainResult<Vec<(PactRow, String)>> {
    let mut found: Vec<(PactRow, String)> = Vec::new();
    let branch = if selector.matching_branch == Some(true) {
        provider_branch.map(str::to_owned)
    } else {
        selector.branch.clone()
    };
    if selector.main_branch == Some(true) {
        let main = consumer.main_branch.clone().unwrap_or_else(|| "main".to_owned());
        for row in latest_on_branch(conn, heads, provider, consumer, &main).await? {
            found.push((row, "latest from main branch".to_owned()));
        }
    } else if let Some(branch) = branch {
        let mut rows = latest_on_branch(conn, heads, provider, consumer, &branch).await?;
        let mut label = format!("latest from branch {branch}");
        if rows.is_empty()
            && let Some(fallback) = selector.fallback_branch.as_deref()
        {
            rows = latest_on_branch(conn, heads, provider, consumer, fallback).await?;
            label = format!("latest from branch {fallback}");
        }
        for row in rows {
            found.push((row, label.clone()));
        }
    } else if let Some(tag) = selector.tag.as_deref() {
        let latest = selector.latest == Some(true);
        let mut rows = if latest {
            pacts::latest(conn, consumer.id, provider.id, Some(tag))
                .await?
                .into_iter()
                .collect::<Vec<_>>()
        } else {
            let ids: Vec<i64> = versions::with_tag(conn, consumer.id, tag)
                .await?
                .iter()
                .map(|v| v.id)
                .collect();
            pacts_of_versions(conn, provider.id, &ids).await?
        };
        let mut label = if latest {
            format!("latest with tag {tag}")
        } else {
            format!("one of {tag}")
        };
        if rows.is_empty()
            && let Some(fallback) = selector.fallback_tag.as_deref()
        {
            rows = pacts::latest(conn, consumer.id, provider.id, Some(fallback))
                .await?
                .into_iter()
                .collect();
            label = format!("latest with tag {fallback}");
        }
        for row in rows {
            found.push((row, label.clone()));
        }
    } else if selector.deployed == Some(true)
        || selector.released == Some(true)
        || selector.deployed_or_released == Some(true)
        || selector.environment.is_some()
    {
        placements.load(conn, provider.id).await?;
        let envs: Vec<(i64, String)> = match selector.environment.as_deref() {
            Some(name) => {
                let env = placements
                    .environments
                    .iter()
                    .find(|e| e.name == name)
                    .ok_or_else(|| DomainError::invalid(format!("environment '{name}' does not exist")))?;
                vec![(env.id, env.name.clone())]
            }
            None => placements
                .environments
                .iter()
                .map(|e| (e.id, e.name.clone()))
                .collect(),
        };
        let (is_deployed, is_released, either) = (
            selector.deployed == Some(true),
            selector.released == Some(true),
            selector.deployed_or_released == Some(true),
        );
        let deployed = is_deployed || either || !is_released;
        let released = is_released || either || !is_deployed;
        for (env_id, env_name) in envs {
            if deployed {
                for row in placements.pacts_in(&placements.deployed, env_id, consumer.id) {
                    found.push((row, format!("deployed to {env_name}")));
                }
            }
            if released {
                for row in placements.pacts_in(&placements.released, env_id, consumer.id) {
                    found.push((row, format!("released in {env_name}")));
                }
            }
        }
    } else if selector.latest == Some(true)
        && let Some(row) = pacts::latest(conn, consumer.id, provider.id, None).await?
    {
        found.push((row, "latest".to_owned()));
    }
    Ok(found)
}

/// Which of `content_ids` are pending for the provider version: not yet verified successfully
/// by its branch (or, without one, by versions with each of its tags, or by any version); on a
/// branch that started after a successful verification by another branch, not pending.
async fn pending_among(
    conn: &mut Conn,
    provider: &Pacticipant,
    content_ids: &[i64],
    branch: Option<&str>,
    tags: &[String],
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let all: std::collections::HashSet<i64> = content_ids.iter().copied().collect();
    let unverified_among =
        |verified: std::collections::HashSet<i64>, ids: &[i64]| -> std::collections::HashSet<i64> {
            ids.iter().copied().filter(|id| !verified.contains(id)).collect()
        };
    if let Some(branch) = branch {
        let on_branch =
            verifications::verified_successfully_among(conn, content_ids, Some(branch), None).await?;
        let rest: Vec<i64> = content_ids
            .iter()
            .copied()
            .filter(|id| !on_branch.contains(id))
            .collect();
        if rest.is_empty() {
            return Ok(std::collections::HashSet::new());
        }
        let verified = match verifications::branch_started(conn, provider.id, branch).await? {
            Some(started) => verifications::verified_successfully_before_among(conn, &rest, &started).await?,
            None => verifications::verified_successfully_among(conn, &rest, None, None).await?,
        };
        return Ok(unverified_among(verified, &rest));
    }
    if !tags.is_empty() {
        let mut pending = std::collections::HashSet::new();
        for tag in tags {
            let verified =
                verifications::verified_successfully_among(conn, content_ids, None, Some(tag)).await?;
            pending.extend(all.iter().copied().filter(|id| !verified.contains(id)));
        }
        return Ok(pending);
    }
    let verified = verifications::verified_successfully_among(conn, content_ids, None, None).await?;
    Ok(unverified_among(verified, content_ids))
}

/// The pacts a provider version should verify, with the reasons each was selected, whether
/// it is pending and whether it is a work in progress. An unknown provider has none.
/// `includeWipPactsSince` as the UTC timestamp publications are stored with: a date
/// (`2026-11-28`) or a date and time with an offset; anything else is a 400, not a
/// comparison with text that happens to sort somewhere.
fn wip_since_utc(text: &str) -> DomainResult<String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.format("%Y-%m-%d").to_string());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
        .map_err(|_| {
            DomainError::invalid(format!(
                "includeWipPactsSince: '{text}' is not a date (2026-11-28) or a date and time (2026-11-28T10:00:00Z)"
            ))
        })
}

/// The pacts a provider version verifies, as [`select`] chooses them.
pub(crate) async fn pacts_to_verify(
    db: &crate::db::Db,
    provider_name: &str,
    request: &SelectionRequest,
) -> DomainResult<Vec<SelectedPact>> {
    let mut conn = db.pool().acquire().await?;
    select(&mut conn, provider_name, request).await
}

/// The pacts a provider version verifies, each with why, whether pending, and whether work in
/// progress.
pub(crate) async fn select(
    conn: &mut Conn,
    provider_name: &str,
    request: &SelectionRequest,
) -> DomainResult<Vec<SelectedPact>> {
    let provider_branch = request.provider_branch.as_deref().filter(|b| !b.is_empty());
    let wip_since = request.wip_since.as_deref().map(wip_since_utc).transpose()?;
    for selector in &request.selectors {
        validate(selector, provider_branch)?;
    }
    let Some(provider) = pacticipants::find(conn, provider_name).await? else {
        return Ok(Vec::new());
    };
    let consumers = pacticipants::consumers_of(conn, provider.id).await?;
    let selected = by_selectors(conn, &provider, &consumers, &request.selectors, provider_branch).await?;
    let merged = by_content(selected);
    let pending_contents = if request.include_pending {
        let ids: Vec<i64> = merged.iter().map(|(s, _, _)| s.row.content_id).collect();
        pending_among(conn, &provider, &ids, provider_branch, &request.provider_tags).await?
    } else {
        std::collections::HashSet::new()
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (s, descriptions, consumer_versions) in merged {
        seen.insert((s.consumer.clone(), s.row.sha.clone()));
        let pending = request
            .include_pending
            .then(|| pending_contents.contains(&s.row.content_id));
        out.push(SelectedPact {
            consumer: s.consumer,
            row: s.row,
            descriptions,
            consumer_versions,
            pending,
            wip: false,
        });
    }
    if let (Some(since), Some(branch)) = (wip_since.as_deref(), provider_branch) {
        let wip = Wip {
            provider: &provider,
            since,
            provider_branch: branch,
        };
        out.extend(wip_pacts(conn, &wip, &consumers, &mut seen).await?);
    }
    Ok(out)
}

/// The pacts each consumer's selectors select (with no selectors: the main branch and every
/// deployed or released version, else the latest pact of a consumer without a main branch).
async fn by_selectors(
    conn: &mut Conn,
    provider: &Pacticipant,
    consumers: &[Pacticipant],
    selectors: &[ConsumerVersionSelector],
    provider_branch: Option<&str>,
) -> DomainResult<Vec<Selected>> {
    let mut placements = Placements::default();
    let heads = Heads::load(conn, provider, consumers, selectors, provider_branch).await?;
    let defaults = [
        ConsumerVersionSelector {
            main_branch: Some(true),
            ..ConsumerVersionSelector::default()
        },
        ConsumerVersionSelector {
            deployed_or_released: Some(true),
            ..ConsumerVersionSelector::default()
        },
    ];
    let effective: &[ConsumerVersionSelector] = if selectors.is_empty() {
        &defaults
    } else {
        selectors
    };
    let mut selected: Vec<Selected> = Vec::new();
    for consumer in consumers {
        let mut for_consumer = Vec::new();
        for selector in effective {
            if selector.consumer.as_deref().is_some_and(|c| c != consumer.name) {
                continue;
            }
            let found = evaluate(
                conn,
                &mut placements,
                &heads,
                provider,
                consumer,
                selector,
                provider_branch,
            )
            .await?;
            for (row, description) in found {
                for_consumer.push(Selected {
                    consumer: consumer.name.clone(),
                    row,
                    description,
                });
            }
        }
        if selectors.is_empty()
            && consumer.main_branch.is_none()
            && for_consumer.is_empty()
            && let Some(row) = pacts::latest(conn, consumer.id, provider.id, None).await?
        {
            for_consumer.push(Selected {
                consumer: consumer.name.clone(),
                row,
                description: "latest".to_owned(),
            });
        }
        selected.extend(for_consumer);
    }
    Ok(selected)
}

/// One verifiable pact per distinct content, carrying every reason it was selected and every
/// consumer version it was selected for.
fn by_content(selected: Vec<Selected>) -> Vec<Merged> {
    let mut by_sha: BTreeMap<(String, String), Merged> = BTreeMap::new();
    for s in selected {
        let key = (s.consumer.clone(), s.row.sha.clone());
        let entry = by_sha
            .entry(key)
            .or_insert_with(|| (s.clone(), Vec::new(), Vec::new()));
        if !entry.1.contains(&s.description) {
            entry.1.push(s.description.clone());
        }
        if !entry.2.contains(&s.row.consumer_version) {
            entry.2.push(s.row.consumer_version.clone());
        }
    }
    by_sha.into_values().collect()
}

/// What work-in-progress pacts are looked for: those published since `since` that the
/// provider's branch has not verified successfully.
struct Wip<'a> {
    provider: &'a Pacticipant,
    since: &'a str,
    provider_branch: &'a str,
}

/// The head pact of every consumer branch that is work in progress and not selected already.
async fn wip_pacts(
    conn: &mut Conn,
    wip: &Wip<'_>,
    consumers: &[Pacticipant],
    seen: &mut std::collections::HashSet<(String, String)>,
) -> DomainResult<Vec<SelectedPact>> {
    let mut out = Vec::new();
    for consumer in consumers {
        for branch_name in versions::branch_names(conn, consumer.id).await? {
            let Some(head) = versions::branch_head(conn, consumer.id, &branch_name).await? else {
                continue;
            };
            let Some(row) = pacts::for_version(conn, head.id, wip.provider.id).await? else {
                continue;
            };
            if row.created_at.as_str() < wip.since || seen.contains(&(consumer.name.clone(), row.sha.clone()))
            {
                continue;
            }
            if verifications::verified_successfully(conn, row.content_id, Some(wip.provider_branch), None)
                .await?
            {
                continue;
            }
            seen.insert((consumer.name.clone(), row.sha.clone()));
            out.push(SelectedPact {
                consumer: consumer.name.clone(),
                consumer_versions: vec![row.consumer_version.clone()],
                descriptions: vec![format!("work in progress from branch {branch_name}")],
                row,
                pending: Some(true),
                wip: true,
            });
        }
    }
    Ok(out)
}

//! The matrix and can-i-deploy: which versions were verified against which, and whether a
//! version may be deployed. Selectors resolve to versions, versions to rows (a pact between
//! two versions and its verification), rows to a decision with the reasons for it.

mod resolve;
mod rows;

use resolve::{Target, resolve};

use crate::domain::{DomainError, DomainResult};
pub(crate) use crate::store::verifications::{Verification, VerificationKind};
pub(crate) use crate::store::versions::Version;
use crate::store::{Conn, verifications};

/// One `q[]` or `ignore[]` selector: which versions of an application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector {
    /// The application's name.
    pub(crate) pacticipant: Option<String>,
    /// One version number.
    pub(crate) version: Option<String>,
    /// Only the latest version (with the tag, when one is given).
    pub(crate) latest: bool,
    /// Versions with this tag.
    pub(crate) tag: Option<String>,
    /// Versions from this branch.
    pub(crate) branch: Option<String>,
    /// Versions from the application's main branch.
    pub(crate) main_branch: bool,
    /// Versions in this environment.
    pub(crate) environment: Option<String>,
}

/// A matrix or can-i-deploy question.
#[derive(Debug, Clone, Default)]
pub(crate) struct MatrixQuery {
    /// The versions asked about.
    pub(crate) selectors: Vec<Selector>,
    /// Applications (or versions) to leave out of the decision.
    pub(crate) ignores: Vec<Selector>,
    /// Deploying to this environment.
    pub(crate) environment: Option<String>,
    /// Deploying alongside the latest versions with this tag.
    pub(crate) tag: Option<String>,
    /// Only latest versions.
    pub(crate) latest: bool,
    /// Deploying alongside the main branches' latest versions.
    pub(crate) main_branch: bool,
    /// `cvpv`, `cvp` or `cp`; absent lists every provider version that verified.
    pub(crate) latest_by: Option<String>,
    /// How many rows to list (default 100), as sent.
    pub(crate) limit: Option<String>,
    /// `success[]` filter on the listed rows: `true`, `false` or empty (not verified).
    pub(crate) success: Vec<String>,
}

/// Whether the versions asked about may be deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deployable {
    /// Every required verification is published and successful.
    Yes,
    /// A verification failed or a version is missing.
    No,
    /// Some required verification is not published yet.
    Unknown,
}

/// The kind of a notice, as the Pact CLIs print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Why the answer is no.
    Error,
    /// Something the asker should know.
    Warning,
    /// A row left out by an ignore selector.
    Info,
    /// Why the answer is yes.
    Success,
}

impl Kind {
    /// The name in the API's `notices[].type`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Warning => "warning",
            Kind::Info => "info",
            Kind::Success => "success",
        }
    }
}

/// One reason given with a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    /// Its kind.
    pub(crate) kind: Kind,
    /// The sentence.
    pub(crate) text: String,
}

/// The answer to a matrix query: every row, the decision and its reasons.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    /// The answer.
    pub(crate) deployable: Deployable,
    /// The reasons, in the order the reference broker gives them.
    pub(crate) notices: Vec<Notice>,
    /// Rows considered with a successful verification.
    pub(crate) success: usize,
    /// Rows considered with a failed verification.
    pub(crate) failed: usize,
    /// Rows considered without a verification.
    pub(crate) unknown: usize,
    /// Rows left out by ignore selectors, when the query had any.
    pub(crate) ignored: Option<usize>,
    /// Every row, sorted as the reference broker sorts them.
    pub(crate) rows: Vec<Row>,
    limit: usize,
    success_filter: Vec<String>,
}

impl Decision {
    /// All reasons as one text, a line each.
    pub(crate) fn reason(&self) -> String {
        self.notices
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The rows to list: those passing the `success[]` filter, at most `limit` (the decision
    /// itself always uses every row).
    pub(crate) fn listed_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(|r| passes_success_filter(&self.success_filter, r))
            .take(self.limit)
    }
}

/// One line of the matrix: a pact between two versions and its verification.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The consumer's name.
    pub(crate) consumer: String,
    /// The consumer version whose pact this row is about.
    pub(crate) consumer_version: Version,
    /// The provider's name.
    pub(crate) provider: String,
    /// The provider version it was (or would need to be) verified by.
    pub(crate) provider_version: Option<Version>,
    /// The pact content's hash.
    pub(crate) sha: String,
    /// When the pact was published.
    pub(crate) pact_created_at: String,
    /// The latest verification of this pact content by this provider version.
    pub(crate) verification: Option<verifications::Verification>,
    /// Whether an `ignore` selector leaves the row out of the decision.
    pub(crate) ignored: bool,
}

const DEFAULT_LIMIT: usize = 100;

/// The checks the reference broker makes before answering a matrix query; the number of rows
/// to list when they pass.
fn validate(query: &MatrixQuery) -> DomainResult<usize> {
    let mut errors = Vec::new();
    for s in &query.selectors {
        let name = s.pacticipant.as_deref().unwrap_or("the pacticipant");
        if s.version.is_some() && s.latest {
            errors.push(format!(
                "A version number and latest flag cannot both be specified for {name}"
            ));
        }
    }
    if query.latest && query.environment.is_some() {
        errors.push("Cannot specify latest=true with an environment.".to_owned());
    }
    if let Some(by) = &query.latest_by
        && !matches!(by.as_str(), "cvpv" | "cvp" | "cp")
    {
        errors.push(format!("latestby must be one of cvpv, cvp or cp, not '{by}'"));
    }
    let limit = match &query.limit {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                errors.push(format!("The limit must be a number greater than 0, not '{text}'"));
                0
            }
        },
    };
    for value in &query.success {
        if !matches!(value.as_str(), "true" | "false" | "") {
            errors.push(format!("success[] must be true, false or empty, not '{value}'"));
        }
    }
    if errors.is_empty() {
        Ok(limit)
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// Whether a row passes the `success[]` filter (no filter passes everything).
fn passes_success_filter(filter: &[String], row: &Row) -> bool {
    if filter.is_empty() {
        return true;
    }
    let state = match &row.verification {
        Some(v) if v.success => "true",
        Some(_) => "false",
        None => "",
    };
    filter.iter().any(|f| f == state)
}

/// Why a row's verification failed, in the words of its kind.
fn failure(row: &Row, v: &verifications::Verification, pv: &Version) -> String {
    let (cv, consumer, provider) = (&row.consumer_version.number, &row.consumer, &row.provider);
    match v.kind {
        verifications::VerificationKind::Pact => format!(
            "The verification for the pact between version {cv} of {consumer} and version {} of {provider} failed",
            pv.number
        ),
        verifications::VerificationKind::ProviderContract {
            compatible: false, ..
        } => format!(
            "The pact of version {cv} of {consumer} is incompatible with the provider contract of version {} of {provider}",
            pv.number
        ),
        verifications::VerificationKind::ProviderContract { .. } => format!(
            "The pact of version {cv} of {consumer} is compatible with the provider contract of version {} of {provider}, \
             but the provider's own verification of that contract failed",
            pv.number
        ),
    }
}

/// [`decide`] on a connection of its own.
pub(crate) async fn decide_in(db: &crate::db::Db, query: &MatrixQuery) -> DomainResult<Decision> {
    let mut conn = db.pool().acquire().await?;
    decide(&mut conn, query).await
}

/// Computes the matrix rows and the decision for a query.
pub(crate) async fn decide(conn: &mut Conn, query: &MatrixQuery) -> DomainResult<Decision> {
    if query.selectors.is_empty() {
        return Err(DomainError::invalid(
            "Please provide 1 or more version selectors.",
        ));
    }
    let targets = [
        query.environment.is_some(),
        query.tag.is_some(),
        query.main_branch,
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if targets > 1 {
        return Err(DomainError::invalid(
            "Please specify only one of environment, tag or mainBranch.",
        ));
    }
    let limit = validate(query)?;
    let target = Target::of(conn, query).await?;
    let mut reasons: Vec<(Kind, String)> = Vec::new();
    let mut resolved = Vec::new();
    for selector in &query.selectors {
        resolved.push(resolve(conn, selector, &mut reasons).await?);
    }
    let missing_version = reasons.iter().any(|(kind, _)| *kind == Kind::Error);
    let rows::Rows { rows, unverified } = rows::build(conn, query, &resolved, &target).await?;
    let rows = in_reference_order(rows);
    let counts = Counts::of(&rows);
    reasons.extend(row_reasons(&rows));
    reasons.extend(unverified.into_iter().map(|line| (Kind::Error, line)));
    let deployable = if missing_version || counts.failed > 0 {
        Deployable::No
    } else if counts.unknown > 0 {
        Deployable::Unknown
    } else {
        let all_fine = if counts.considered == 0 {
            "There are no missing dependencies"
        } else {
            "All required verification results are published and successful"
        };
        reasons.push((Kind::Success, all_fine.into()));
        Deployable::Yes
    };
    if query.selectors.len() == 1 && matches!(target, Target::None) {
        reasons.push((
            Kind::Warning,
            "No target environment or tag was specified, so only the latest verifications were checked"
                .into(),
        ));
    }
    let ignored_rows: Vec<&Row> = rows.iter().filter(|r| r.ignored).collect();
    for row in &ignored_rows {
        reasons.push((
            Kind::Info,
            format!("Ignoring: the pact between {} and {}", row.consumer, row.provider),
        ));
    }
    let ignored = ignored_rows.len();
    Ok(Decision {
        deployable,
        notices: reasons
            .into_iter()
            .map(|(kind, text)| Notice { kind, text })
            .collect(),
        success: counts.success,
        failed: counts.failed,
        unknown: counts.unknown,
        ignored: (!query.ignores.is_empty()).then_some(ignored),
        rows,
        limit,
        success_filter: query.success.clone(),
    })
}

/// The rows as the reference broker orders them (consumer name, newest consumer version
/// first, provider name, newest provider version first; those considered before those
/// ignored), each pairing once.
fn in_reference_order(mut rows: Vec<Row>) -> Vec<Row> {
    let provider_version = |r: &Row| r.provider_version.as_ref().map(|v| v.id);
    rows.sort_by(|a, b| {
        a.consumer
            .cmp(&b.consumer)
            .then(b.consumer_version.id.cmp(&a.consumer_version.id))
            .then(a.provider.cmp(&b.provider))
            .then(provider_version(b).cmp(&provider_version(a)))
    });
    rows.dedup_by(|a, b| {
        a.consumer_version.id == b.consumer_version.id
            && a.provider == b.provider
            && provider_version(a) == provider_version(b)
    });
    rows.sort_by_key(|r| r.ignored);
    rows
}

/// How the rows the decision considers (those not ignored) fared.
struct Counts {
    considered: usize,
    success: usize,
    failed: usize,
    unknown: usize,
}

impl Counts {
    fn of(rows: &[Row]) -> Counts {
        let considered: Vec<&Row> = rows.iter().filter(|r| !r.ignored).collect();
        let passed = |r: &&&Row| r.verification.as_ref().is_some_and(|v| v.success);
        let failed = |r: &&&Row| r.verification.as_ref().is_some_and(|v| !v.success);
        Counts {
            considered: considered.len(),
            success: considered.iter().filter(passed).count(),
            failed: considered.iter().filter(failed).count(),
            unknown: considered.iter().filter(|r| r.verification.is_none()).count(),
        }
    }
}

/// The reasons considered rows give not to deploy: a failed verification, or none.
fn row_reasons(rows: &[Row]) -> Vec<(Kind, String)> {
    let mut reasons = Vec::new();
    for row in rows.iter().filter(|r| !r.ignored) {
        match (&row.verification, row.provider_version.as_ref()) {
            (Some(v), Some(pv)) if !v.success => reasons.push((Kind::Error, failure(row, v, pv))),
            (None, Some(pv)) => reasons.push((
                Kind::Error,
                format!(
                    "There is no verified pact between version {} of {} and version {} of {}",
                    row.consumer_version.number, row.consumer, pv.number, row.provider
                ),
            )),
            _ => {}
        }
    }
    reasons
}

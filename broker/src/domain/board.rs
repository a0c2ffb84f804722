//! The deployment board: for each application (a page at a time) and each environment, the
//! versions deployed there or released in it and since when, and whether can-i-deploy lets the
//! newest version of the application's main branch follow them there.

use std::collections::HashMap;

use futures::StreamExt as _;

use crate::db::Db;
use crate::domain::DomainResult;
use crate::domain::can_i_deploy::decide_now;
use crate::domain::environments::Kind;
use crate::domain::matrix::{Deployable, MatrixQuery, Selector};
use crate::domain::pages::{Environment, Pacticipant};
use crate::domain::provider_contract::Documents;
use crate::store::{environments, pacticipants, versions};

/// A version in an environment.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    /// Its number.
    pub(crate) version: String,
    /// Deployed, or released.
    pub(crate) kind: Kind,
    /// Since when.
    pub(crate) since: String,
}

/// What can-i-deploy says of the main branch's newest version in an environment.
#[derive(Debug, Clone)]
pub(crate) struct Next {
    /// The main branch's newest version.
    pub(crate) version: String,
    /// Whether it may be deployed there; `None` when it is the version already there.
    pub(crate) deployable: Option<Deployable>,
}

/// One application's row: a cell per environment, in the board's order.
#[derive(Debug, Clone)]
pub(crate) struct BoardRow {
    /// The application.
    pub(crate) pacticipant: Pacticipant,
    /// Per environment: what is there, and whether the main branch's newest may follow.
    pub(crate) cells: Vec<(Vec<Placed>, Option<Next>)>,
}

/// A page of the board.
#[derive(Debug, Clone)]
pub(crate) struct Board {
    /// The columns.
    pub(crate) environments: Vec<Environment>,
    /// The rows of this page.
    pub(crate) rows: Vec<BoardRow>,
    /// Whether another page follows.
    pub(crate) more: bool,
}

/// How many can-i-deploy questions are asked at once.
const CONCURRENT_QUESTIONS: usize = 6;

/// A version id in an environment: how it got there and since when.
type InPlace = (i64, Kind, String);

/// The board's rows `offset..offset + limit` (applications by name).
pub(crate) async fn board(db: &Db, documents: &Documents, limit: i64, offset: i64) -> DomainResult<Board> {
    let mut conn = db.pool().acquire().await?;
    let all_environments = environments::list(&mut conn).await?;
    let mut applications = pacticipants::list(&mut conn, limit + 1, offset).await?;
    let more = applications.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    applications.truncate(usize::try_from(limit).unwrap_or(0));
    // What is in each environment: two queries per environment, whatever the page.
    let mut placed: HashMap<(i64, i64), Vec<InPlace>> = HashMap::new();
    for environment in &all_environments {
        let deployed = environments::currently_deployed(&mut conn, environment.id, None).await?;
        let released = environments::currently_supported(&mut conn, environment.id, None).await?;
        let kinds = deployed
            .into_iter()
            .map(|p| (p, Kind::Deployed))
            .chain(released.into_iter().map(|p| (p, Kind::Released)));
        for (placement, kind) in kinds {
            placed
                .entry((placement.pacticipant_id, environment.id))
                .or_default()
                .push((placement.version_id, kind, placement.created_at));
        }
    }
    let heads_wanted: Vec<(i64, String)> = applications
        .iter()
        .filter_map(|p| Some((p.id, p.main_branch.clone()?)))
        .collect();
    let heads = versions::branch_heads(&mut conn, &heads_wanted).await?;
    let mut version_ids: Vec<i64> = heads.values().copied().collect();
    version_ids.extend(placed.values().flatten().map(|(id, _, _)| *id));
    version_ids.sort_unstable();
    version_ids.dedup();
    let numbers = versions::by_ids(&mut conn, &version_ids).await?;
    drop(conn);
    let number = |id: &i64| numbers.get(id).map(|v| v.number.clone());
    // Each cell's question for can-i-deploy, asked several at a time: each waits mostly on the
    // database, and a page asks up to one per application and environment.
    let mut questions: Vec<(usize, usize, String)> = Vec::new();
    let mut rows: Vec<BoardRow> = Vec::with_capacity(applications.len());
    for (r, pacticipant) in applications.into_iter().enumerate() {
        let head = pacticipant
            .main_branch
            .clone()
            .and_then(|branch| heads.get(&(pacticipant.id, branch)))
            .and_then(&number);
        let mut cells = Vec::with_capacity(all_environments.len());
        for (c, environment) in all_environments.iter().enumerate() {
            let here: Vec<Placed> = placed
                .get(&(pacticipant.id, environment.id))
                .into_iter()
                .flatten()
                .filter_map(|(id, kind, since)| {
                    Some(Placed {
                        version: number(id)?,
                        kind: *kind,
                        since: since.clone(),
                    })
                })
                .collect();
            let next = head.clone().map(|version| {
                let already = !here.is_empty() && here.iter().all(|p| p.version == version);
                if !already {
                    questions.push((r, c, version.clone()));
                }
                Next {
                    version,
                    deployable: None,
                }
            });
            cells.push((here, next));
        }
        rows.push(BoardRow { pacticipant, cells });
    }
    let queries: Vec<MatrixQuery> = questions
        .iter()
        .map(|(r, c, version)| MatrixQuery {
            selectors: vec![Selector {
                pacticipant: Some(rows[*r].pacticipant.name.clone()),
                version: Some(version.clone()),
                ..Selector::default()
            }],
            environment: Some(all_environments[*c].name.clone()),
            ..MatrixQuery::default()
        })
        .collect();
    let asked: Vec<_> = queries
        .into_iter()
        .map(|query| async move { decide_now(db, documents, &query).await.map(|d| d.deployable) })
        .collect();
    let answers: Vec<DomainResult<Deployable>> = futures::stream::iter(asked)
        .buffered(CONCURRENT_QUESTIONS)
        .collect()
        .await;
    for ((r, c, _), answer) in questions.iter().zip(answers) {
        if let Some(next) = rows[*r].cells[*c].1.as_mut() {
            next.deployable = Some(answer?);
        }
    }
    Ok(Board {
        environments: all_environments,
        rows,
        more,
    })
}

//! Tags and branches of versions, with the one rule that joins them: for clients that only tag
//! (as the Pact Broker's `use_first_tag_as_branch`), the first tag of a version created moments
//! ago without a branch becomes its branch. Decided here, once, for every route that tags.

use crate::domain::DomainResult;
use crate::store::{Conn, versions};

/// How long after a version is created its first tag still counts as its branch.
const TAG_AS_BRANCH_WINDOW: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

/// Tags version `version_id` of application `pacticipant_id` with `tag` (`true` when the tag is
/// new), and applies the first-tag-as-branch rule when `first_tag_as_branch` is on.
pub(crate) async fn tag(
    conn: &mut Conn,
    pacticipant_id: i64,
    version_id: i64,
    tag: &str,
    first_tag_as_branch: bool,
) -> DomainResult<bool> {
    let created = versions::add_tag(conn, version_id, tag).await?;
    if first_tag_as_branch {
        branch_from_tag(conn, pacticipant_id, version_id, tag).await?;
    }
    Ok(created)
}

/// Applies the first-tag-as-branch rule to the version's first tag, if it has one.
pub(crate) async fn branch_from_first_tag(
    conn: &mut Conn,
    pacticipant_id: i64,
    version_id: i64,
) -> DomainResult<bool> {
    match versions::tags_of(conn, version_id).await?.first() {
        Some(first) => {
            let first = first.clone();
            branch_from_tag(conn, pacticipant_id, version_id, &first).await
        }
        None => Ok(false),
    }
}

/// When the version was created moments ago, has no branch and `tag` is its first tag, the tag
/// becomes its branch; `true` when it did.
async fn branch_from_tag(
    conn: &mut Conn,
    pacticipant_id: i64,
    version_id: i64,
    tag: &str,
) -> DomainResult<bool> {
    let Some(version) = versions::by_id(conn, version_id).await? else {
        return Ok(false);
    };
    let recent = chrono::DateTime::parse_from_rfc3339(&version.created_at)
        .is_ok_and(|created| chrono::Utc::now().signed_duration_since(created) <= TAG_AS_BRANCH_WINDOW);
    if !recent || !versions::branches_of(conn, version_id).await?.is_empty() {
        return Ok(false);
    }
    if versions::tags_of(conn, version_id)
        .await?
        .first()
        .map(String::as_str)
        != Some(tag)
    {
        return Ok(false);
    }
    Ok(versions::add_to_branch(conn, pacticipant_id, tag, version_id).await?)
}

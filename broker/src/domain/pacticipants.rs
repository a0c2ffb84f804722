//! Applications (pacticipants) come into being: a new name that displays like an existing one
//! (the same confusable skeleton: Cyrillic letters for Latin ones, a no-break space) is refused,
//! whichever route would create it.

use crate::domain::{DomainError, DomainResult, names};
use crate::store::{Conn, pacticipants};

/// The application `name`, or a not-found error naming it.
pub(crate) async fn require(conn: &mut Conn, name: &str) -> DomainResult<pacticipants::Pacticipant> {
    pacticipants::find(conn, name)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("pacticipant '{name}'")))
}

/// Finds the application `name` (already checked and in NFC) or creates it; `true` when
/// created. A new name that displays like an existing one is refused unless `allow_look_alikes`.
pub(crate) async fn ensure(
    conn: &mut Conn,
    name: &str,
    allow_look_alikes: bool,
) -> DomainResult<(i64, bool)> {
    if let Some(existing) = pacticipants::find(conn, name).await? {
        return Ok((existing.id, false));
    }
    if !allow_look_alikes {
        let shape = names::shape(name);
        let alike: Vec<String> = pacticipants::all_names(conn)
            .await?
            .into_iter()
            .filter(|other| other != name && names::shape(other) == shape)
            .collect();
        if !alike.is_empty() {
            return Err(DomainError::SimilarNames(vec![look_alike_message(name, &alike)]));
        }
    }
    Ok(pacticipants::ensure(conn, name).await?)
}

/// Why `name` is refused next to the existing names it looks like.
pub(crate) fn look_alike_message(name: &str, alike: &[String]) -> String {
    format!(
        "The name \"{name}\" displays like the existing application(s) {}: it differs only in characters \
         that look the same (another script's letters, a different space). Use the existing name, or start \
         the broker with --allow-similar-names.",
        alike
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

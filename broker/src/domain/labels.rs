//! Labels on applications (team or domain names): each function owns its connection or
//! transaction and answers with the application concerned or a typed error.

use crate::db::Db;
use crate::domain::{DomainError, DomainResult, names};
use crate::store::pacticipants::Pacticipant;
use crate::store::{labels, pacticipants};

/// The application `name` when it carries `label`.
pub(crate) async fn labelled(db: &Db, name: &str, label: &str) -> DomainResult<Pacticipant> {
    let mut conn = db.pool().acquire().await?;
    let p = super::pacticipants::require(&mut conn, name).await?;
    if !labels::of(&mut conn, p.id).await?.iter().any(|l| l == label) {
        return Err(DomainError::NotFound(format!("label '{label}' of '{name}'")));
    }
    Ok(p)
}

/// Puts `label` on the application `name`; `true` when it was not there yet.
pub(crate) async fn add(db: &Db, name: &str, label: &str) -> DomainResult<(Pacticipant, bool)> {
    if label.trim().is_empty() {
        return Err(DomainError::invalid("a label needs a name"));
    }
    names::check("the label", label)?;
    let mut w = db.write().await?;
    let p = super::pacticipants::require(&mut w.tx, name).await?;
    let created = labels::add(&mut w.tx, p.id, label).await?;
    w.tx.commit().await?;
    Ok((p, created))
}

/// Takes `label` off the application `name`.
pub(crate) async fn remove(db: &Db, name: &str, label: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let p = super::pacticipants::require(&mut w.tx, name).await?;
    if !labels::remove(&mut w.tx, p.id, label).await? {
        return Err(DomainError::NotFound(format!("label '{label}' of '{name}'")));
    }
    w.tx.commit().await?;
    Ok(())
}

/// Every label in use.
pub(crate) async fn all(db: &Db) -> DomainResult<Vec<String>> {
    let mut conn = db.pool().acquire().await?;
    Ok(labels::all(&mut conn).await?)
}

/// The applications carrying `label`.
pub(crate) async fn carrying(db: &Db, label: &str) -> DomainResult<Vec<Pacticipant>> {
    let mut conn = db.pool().acquire().await?;
    Ok(pacticipants::with_label(&mut conn, label).await?)
}

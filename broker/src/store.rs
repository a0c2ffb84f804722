//! All SQL lives here and in the submodules; handlers never see rows.

pub(crate) mod environments;
pub(crate) mod labels;
pub(crate) mod pacticipants;
pub(crate) mod pacts;
pub(crate) mod verifications;
pub(crate) mod versions;
pub(crate) mod webhooks;

pub(crate) use sqlx::AnyConnection as Conn;

//! GraphQL contracts: operations compared by what they mean, not by their text.
//!
//! A consumer's GraphQL request is an ordinary HTTP interaction in a pact (the shape pact-js
//! writes: `POST` with `{"operationName", "query", "variables"}`). This crate reads the query as
//! an operation ([`Operation::parse`], a syntax error naming its line and column), compares two
//! operations by meaning ([`compare`]: whitespace, comments, commas and the order of variables,
//! arguments and fields do not count; a different field, argument, alias or fragment does, named
//! by its path such as `order.lines.price`), and judges a request against a GraphQL
//! interaction that way ([`judge_query`]). A provider's answer carrying GraphQL `errors` the
//! consumer did not expect is named too ([`unexpected_errors`]). Beyond Pact, a consumer's
//! GraphQL interactions can be checked against the provider's schema without running the
//! provider ([`GraphqlSchema::check`]).
//!
//! ```
//! use accord_graphql::{Operation, compare};
//! let declared = Operation::parse("query Order($id: ID!) { order(id: $id) { id total } }", None, "declared")?;
//! let sent = Operation::parse("query Order($id: ID!) {\n  order(id: $id) { total, id, lines { price } }\n}", None, "sent")?;
//! let differences = compare(&declared, &sent);
//! assert_eq!(differences.len(), 1);
//! assert_eq!(differences[0].path, "order.lines");
//! # Ok::<(), accord_graphql::GraphqlError>(())
//! ```

mod compare;
mod error;
mod operation;
mod request;
mod schema;

pub use compare::{Difference, compare};
pub use error::GraphqlError;
pub use operation::{Field, Fragment, Operation, Selection, Variable};
pub use request::{
    GraphqlRequest, SentQuery, declared_operation, judge_query, query_pattern, unexpected_errors,
};
pub use schema::{GraphqlSchema, SchemaMismatch};

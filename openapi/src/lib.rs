//! Provider contracts: a consumer's pact compared with the provider's OpenAPI 3.0 or 3.1
//! document (or Swagger 2.0, read as OpenAPI 3), without running the provider. For each HTTP interaction the document must have the
//! operation (server base path, path template, method), accept the request (path and query
//! parameters, content type, body) and promise what the consumer relies on in the response (a
//! documented status; every field the consumer's example has, documented, required and of a
//! compatible type, format, enum and nullability; `additionalProperties: false`; `allOf`,
//! `oneOf` and `anyOf`). `$ref`s are resolved within the document.
//!
//! ```
//! use accord_openapi::{OpenApi, compare};
//! let document = OpenApi::parse(r#"
//! openapi: 3.0.3
//! info: {title: accounts, version: "1"}
//! paths:
//!   /accounts/{id}:
//!     get:
//!       parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
//!       responses:
//!         "200":
//!           description: an account
//!           content:
//!             application/json:
//!               schema: {type: object, required: [id], properties: {id: {type: integer}}}
//! "#, "accounts.yaml").expect("a valid document");
//! let pact = accord_core::format::parse_pact(r#"{"consumer": {"name": "web"}, "provider": {"name": "accounts"},
//!   "interactions": [{"description": "get account 42", "request": {"method": "GET", "path": "/accounts/42"},
//!     "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 42}}}],
//!   "metadata": {"pactSpecification": {"version": "2.0.0"}}}"#, "web-accounts.json").expect("a pact");
//! assert!(compare(&document, &pact).is_compatible());
//! ```

mod compare;
mod document;
mod media;
mod pattern;
mod schema;
mod swagger2;

pub use compare::{Comparison, ContractMismatch, compare};
pub use document::{OpenApi, OpenApiError};

//! What can go wrong reading GraphQL.

/// Why an operation or a schema cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphqlError {
    /// The text is not GraphQL; the first error with where it is.
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// What was read: a file name, or `operation`.
        source_name: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The document holds no operation.
    #[error("{0}: the document has no query, mutation or subscription")]
    NoOperation(String),
    /// The document holds several operations and none was named to pick one.
    #[error("{source_name}: the document has {count} operations; name the one to use (operationName)")]
    WhichOperation {
        /// What was read.
        source_name: String,
        /// How many operations it holds.
        count: usize,
    },
    /// The named operation is not in the document.
    #[error("{source_name}: the document has no operation named '{name}'")]
    UnknownOperation {
        /// What was read.
        source_name: String,
        /// The name asked for.
        name: String,
    },
    /// A fragment spread names a fragment the document does not define.
    #[error("{source_name}: the fragment '{name}' is used but not defined")]
    UnknownFragment {
        /// What was read.
        source_name: String,
        /// The fragment's name.
        name: String,
    },
}

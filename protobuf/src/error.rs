//! What can go wrong reading protobuf contracts, each error naming the pact part at fault.

/// Why a protobuf message or its descriptors cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ProtobufError {
    /// The interaction names a descriptor key the pact's metadata does not hold.
    #[error(
        "the pact carries no protobuf descriptors under key '{key}' (metadata.plugins[].configuration.{key}.protoDescriptors): it cannot be verified without them"
    )]
    MissingDescriptors {
        /// The `descriptorKey` the interaction names.
        key: String,
    },
    /// The interaction names no descriptor key.
    #[error(
        "the interaction '{interaction}' has protobuf contents but no pluginConfiguration.protobuf.descriptorKey: it cannot be decoded"
    )]
    NoDescriptorKey {
        /// The interaction's description.
        interaction: String,
    },
    /// The descriptors are not a base64 `FileDescriptorSet` that builds.
    #[error("the protobuf descriptors under key '{key}' cannot be read: {reason}")]
    BadDescriptors {
        /// The key.
        key: String,
        /// Why.
        reason: String,
    },
    /// A message the content type names is not in the descriptors.
    #[error("the message '{name}' is not in the pact's protobuf descriptors{candidates}")]
    UnknownMessage {
        /// The name asked for.
        name: String,
        /// ` (did you mean ...)` when similar names exist, else empty.
        candidates: String,
    },
    /// The service method the interaction names is not in the descriptors.
    #[error("the service method '{name}' is not in the pact's protobuf descriptors")]
    UnknownMethod {
        /// `Service/Method` as the pact writes it.
        name: String,
    },
    /// A content type without `message=`.
    #[error("the content type '{content_type}' does not name a message (application/protobuf; message=...)")]
    NoMessageName {
        /// The content type.
        content_type: String,
    },
    /// `.proto` files that do not compile.
    #[error("the .proto files do not compile: {reason}")]
    Compile {
        /// Why, with the file, line and column.
        reason: String,
    },
    /// A value that is not the message it is declared as.
    #[error("the value is not a '{message}' message: {reason}")]
    Encode {
        /// The message's full name.
        message: String,
        /// Why.
        reason: String,
    },
    /// Bytes that are not the message they claim to be.
    #[error("the bytes are not a valid '{message}' message: {reason}")]
    Decode {
        /// The message's full name.
        message: String,
        /// Why.
        reason: String,
    },
}

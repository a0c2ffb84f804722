//! The bodies of the broker API's requests and answers, as the reference broker and the
//! official clients write them: the server renders exactly these types and accord's clients read
//! them, so the two cannot drift apart. Fields a client may send that the types do not name are
//! kept where they matter (selectors) and ignored elsewhere.

mod environments;
mod hal;
mod index;
mod pacticipants;
mod pacts;
mod provider_contracts;
mod verification;
mod webhooks;

pub use environments::*;
pub use hal::*;
pub use index::*;
pub use pacticipants::*;
pub use pacts::*;
pub use provider_contracts::*;
pub use verification::*;
pub use webhooks::*;

//! Checks a declared interaction before anything runs: each example must satisfy its own
//! matchers (so a regex, date format or `include` that its example breaks, or a regex that does
//! not compile, is reported where it was written, not later as a confusing mismatch or in the
//! provider's verification), and one builder declares each interaction once.

use accord_core::matching::{match_message, match_request, match_response};
use accord_core::{HttpInteraction, Interaction, MessageContents, Mismatch};

/// Problems of one HTTP interaction, each naming the interaction and where in it.
pub(crate) fn http_problems(interaction: &HttpInteraction) -> Vec<String> {
    let description = &interaction.info.description;
    let mut problems = named(
        description,
        "request",
        match_request(&interaction.request, &interaction.request),
    );
    problems.extend(named(
        description,
        "response",
        match_response(&interaction.response, &interaction.response),
    ));
    problems
}

/// Problems of one message (or one part of a synchronous message).
pub(crate) fn message_problems(description: &str, part: &str, message: &MessageContents) -> Vec<String> {
    named(description, part, match_message(message, message))
}

/// A problem when `interaction` is already among `declared` (same kind, description and
/// provider states): the pact could hold only one of them.
pub(crate) fn duplicate(declared: &[Interaction], interaction: &Interaction) -> Option<String> {
    let info = interaction.info();
    declared
        .iter()
        .any(|other| {
            other.type_name() == interaction.type_name()
                && other.info().description == info.description
                && other.info().provider_states == info.provider_states
        })
        .then(|| {
            format!(
                "interaction '{}' is declared twice in this pact with the same provider states; descriptions must tell interactions apart",
                info.description
            )
        })
}

fn named(description: &str, part: &str, mismatches: Vec<Mismatch>) -> Vec<String> {
    mismatches
        .into_iter()
        .map(|m| {
            let place = if m.location.is_empty() {
                format!("{part} {}", m.kind.part_name())
            } else {
                format!("{part} {} {}", m.kind.part_name(), m.location)
            };
            format!(
                "interaction '{description}', {place}: the example does not satisfy its own matcher: {}",
                m.message
            )
        })
        .collect()
}

//! What the provider features share, whatever the provider serves (HTTP or messages): a
//! provider state callback that records its calls, and the checks of the verification's
//! outcome, its errors, warnings and printed report.

use std::sync::{Arc, Mutex};

use accord_verifier::{Outcome, RunOutcome, StateAction, Verifier};
use compatibility_suite::StepInput;
use serde_json::{Map, Value};

use crate::interactions::rows;

/// A call of the provider state callback: setup or teardown, the state's name, its parameters.
pub(crate) type StateCall = (StateAction, String, Map<String, Value>);

/// The state callback and the outcome of a provider scenario.
#[derive(Default)]
pub(crate) struct Checks {
    pub(crate) state_calls: Option<Arc<Mutex<Vec<StateCall>>>>,
    pub(crate) state_fails: bool,
    pub(crate) outcome: Option<Result<RunOutcome, String>>,
}

/// A provider scenario's world, which holds [`Checks`].
pub(crate) trait Verifying {
    /// The scenario's checks.
    fn checks(&self) -> &Checks;
    /// The scenario's checks, to change.
    fn checks_mut(&mut self) -> &mut Checks;
}

/// `verifier` with the scenario's state callback, when one is configured.
pub(crate) fn with_state_callback(verifier: Verifier, checks: &Checks) -> Verifier {
    let Some(calls) = &checks.state_calls else {
        return verifier;
    };
    let calls = Arc::clone(calls);
    let fails = checks.state_fails;
    verifier.state_handler(move |state, action| {
        let calls = Arc::clone(&calls);
        async move {
            calls
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((action, state.name.clone(), state.params.clone()));
            if fails && action == StateAction::Setup {
                Err(format!("the state callback failed for '{}'", state.name))
            } else {
                Ok(Map::new())
            }
        }
    })
}

pub(crate) fn state_callback<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    w.checks_mut().state_calls = Some(Arc::default());
    w.checks_mut().state_fails = !input.arg(0).is_empty();
    Ok(())
}

pub(crate) fn outcome<W: Verifying>(w: &W) -> Result<&RunOutcome, String> {
    match &w.checks().outcome {
        Some(Ok(outcome)) => Ok(outcome),
        Some(Err(error)) => Err(format!("the verification could not run: {error}")),
        None => Err("the verification was not run".to_owned()),
    }
}

pub(crate) fn verification_successful<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0).is_empty();
    let outcome = outcome(w)?;
    let success = outcome.report.success() && !outcome.provider_unreachable;
    if success != wanted {
        return Err(format!(
            "the verification was {}successful:\n{}",
            if success { "" } else { "not " },
            accord_verifier::render_text(&outcome.report, false)
        ));
    }
    Ok(())
}

/// The names Pact's verifiers give kinds of failure, for an interaction's outcome.
pub(crate) fn error_kinds(outcome: &Outcome) -> Vec<&'static str> {
    use accord_core::MismatchKind as K;
    match outcome {
        Outcome::Passed => Vec::new(),
        Outcome::Error(message) if message.contains("state") => vec!["State change request failed"],
        Outcome::Error(_) => vec!["Request to provider failed"],
        Outcome::Failed(mismatches) => mismatches
            .iter()
            .map(|m| match m.kind {
                K::Status => "Response status did not match",
                K::Header => "Headers had differences",
                K::Body | K::BodyType => "Body had differences",
                K::Metadata => "Metadata had differences",
                K::Method | K::Path | K::Query => "Request did not match",
            })
            .collect(),
    }
}

pub(crate) fn results_contain_error<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let outcome = outcome(w)?;
    let kinds: Vec<&str> = outcome
        .report
        .pacts
        .iter()
        .flat_map(|p| p.interactions.iter())
        .flat_map(|i| error_kinds(&i.outcome))
        .collect();
    if !kinds.contains(&input.arg(0)) {
        return Err(format!(
            "the results hold {kinds:?}:\n{}",
            accord_verifier::render_text(&outcome.report, false)
        ));
    }
    Ok(())
}

fn state_calls<W: Verifying>(w: &W) -> Result<Vec<StateCall>, String> {
    let calls = w
        .checks()
        .state_calls
        .as_ref()
        .ok_or("no provider state callback was configured")?;
    Ok(calls
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone())
}

pub(crate) fn state_called<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let action = if input.arg(0) == "before" {
        StateAction::Setup
    } else {
        StateAction::Teardown
    };
    if !state_calls(w)?.iter().any(|(a, _, _)| *a == action) {
        return Err(format!("the callback had no {} call", action.as_str()));
    }
    Ok(())
}

pub(crate) fn state_call_with<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let action = if input.arg(0) == "setup" {
        StateAction::Setup
    } else {
        StateAction::Teardown
    };
    let calls = state_calls(w)?;
    if !calls
        .iter()
        .any(|(a, name, _)| *a == action && name == input.arg(1))
    {
        return Err(format!(
            "no {} call for '{}': {calls:?}",
            input.arg(0),
            input.arg(1)
        ));
    }
    Ok(())
}

pub(crate) fn state_call_with_params<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let action = if input.arg(0) == "setup" {
        StateAction::Setup
    } else {
        StateAction::Teardown
    };
    let mut wanted = Map::new();
    for row in rows(input.table()?) {
        for (name, text) in row {
            let value = serde_json::from_str(&text).map_err(|e| format!("parameter {name} = {text}: {e}"))?;
            wanted.insert(name, value);
        }
    }
    let calls = state_calls(w)?;
    let found = calls
        .iter()
        .any(|(a, name, params)| *a == action && name == input.arg(1) && *params == wanted);
    if !found {
        return Err(format!(
            "no {} call for '{}' with {wanted:?}: {calls:?}",
            input.arg(0),
            input.arg(1)
        ));
    }
    Ok(())
}

pub(crate) fn pending_error<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let outcome = outcome(w)?;
    let kinds: Vec<&str> = outcome
        .report
        .pending_failures()
        .flat_map(|(_, i)| error_kinds(&i.outcome))
        .collect();
    if !kinds.contains(&input.arg(0)) {
        return Err(format!("the pending failures hold {kinds:?}"));
    }
    Ok(())
}

pub(crate) fn printed<W: Verifying>(w: &W, wanted: &str) -> Result<(), String> {
    let outcome = outcome(w)?;
    let text = accord_verifier::render_text(&outcome.report, false);
    if !text.contains(wanted) {
        return Err(format!("the verifier's output does not show '{wanted}':\n{text}"));
    }
    Ok(())
}

pub(crate) fn comment_printed<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    printed(w, &format!("# {}", input.arg(0)))
}

pub(crate) fn test_name_shown<W: Verifying>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    printed(w, &format!("# test: {}", input.arg(0)))
}

pub(crate) fn no_teardown<W: Verifying>(w: &mut W, _: &StepInput<'_>) -> Result<(), String> {
    let calls = state_calls(w)?;
    if calls.iter().any(|(a, _, _)| *a == StateAction::Teardown) {
        return Err(format!("a teardown call was made: {calls:?}"));
    }
    Ok(())
}

pub(crate) fn no_state_callback_warning<W: Verifying>(
    w: &mut W,
    input: &StepInput<'_>,
) -> Result<(), String> {
    let outcome = outcome(w)?;
    let state = input.arg(0);
    let warned = outcome
        .report
        .pacts
        .iter()
        .flat_map(|p| p.interactions.iter())
        .flat_map(|i| i.warnings.iter())
        .any(|w| w.contains("no provider state callback") && w.contains(state));
    if !warned {
        return Err(format!(
            "no warning names the unconfigured state '{state}':\n{}",
            accord_verifier::render_text(&outcome.report, false)
        ));
    }
    Ok(())
}

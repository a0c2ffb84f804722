//! What several step modules read from the suite's tables (provider state data, comments),
//! collect for an interaction they declare (states, key, pending, comments), and check in a
//! written pact file (an interaction's type, a field, a provider state's parameters).

use compatibility_suite::StepInput;
use serde_json::{Map, Value};

use crate::interactions::rows;

/// The cell `name` of a table row (empty when the table has no such column).
pub(crate) fn cell(row: &[(String, String)], name: &str) -> String {
    row.iter()
        .find(|(k, _)| k == name)
        .map_or(String::new(), |(_, v)| v.clone())
}

/// A provider state's data: a table of parameter names over JSON values.
pub(crate) fn state_data(input: &StepInput<'_>) -> Result<Value, String> {
    let mut data = Map::new();
    for row in rows(input.table()?) {
        for (name, text) in row {
            let value = serde_json::from_str(&text).map_err(|e| format!("{name} = {text}: {e}"))?;
            data.insert(name, value);
        }
    }
    Ok(Value::Object(data))
}

/// Comments: a table of `comment` and `type` (`text`, or `testname` for the test's name).
pub(crate) fn comments(input: &StepInput<'_>) -> Result<(Vec<String>, Option<String>), String> {
    let (mut texts, mut test_name) = (Vec::new(), None);
    for row in rows(input.table()?) {
        match cell(&row, "type").as_str() {
            "text" => texts.push(cell(&row, "comment")),
            "testname" => test_name = Some(cell(&row, "comment")),
            other => return Err(format!("unknown comment type '{other}'")),
        }
    }
    Ok((texts, test_name))
}

/// The written `interaction` has the type the step names.
pub(crate) fn has_type(interaction: &Value, input: &StepInput<'_>) -> Result<(), String> {
    if interaction["type"] != input.arg(0) {
        return Err(format!("the interaction's type is {}", interaction["type"]));
    }
    Ok(())
}

/// The written `interaction`'s field (capture 0) is the JSON of capture 1.
pub(crate) fn has_field(interaction: &Value, input: &StepInput<'_>) -> Result<(), String> {
    let wanted: Value = serde_json::from_str(input.arg(1)).map_err(|e| format!("{}: {e}", input.arg(1)))?;
    if interaction[input.arg(0)] != wanted {
        return Err(format!("'{}' is {}", input.arg(0), interaction[input.arg(0)]));
    }
    Ok(())
}

/// The written `interaction`'s provider state (capture 0) has the parameters of the table's
/// `parameters` column.
pub(crate) fn has_state_parameters(interaction: &Value, input: &StepInput<'_>) -> Result<(), String> {
    let states = interaction["providerStates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let state = states
        .iter()
        .find(|s| s["name"] == input.arg(0))
        .ok_or_else(|| format!("no provider state '{}'", input.arg(0)))?;
    let row = rows(input.table()?).into_iter().next().unwrap_or_default();
    let text = cell(&row, "parameters");
    let wanted: Value = serde_json::from_str(&text).map_err(|e| format!("{text}: {e}"))?;
    if state["params"] != wanted {
        return Err(format!("the state's parameters are {}", state["params"]));
    }
    Ok(())
}

/// What a consumer scenario adds to the interaction it declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    /// Provider states, with their data when they have some.
    pub(crate) states: Vec<(String, Option<Value>)>,
    /// The V4 key.
    pub(crate) key: Option<String>,
    /// Whether the interaction is pending.
    pub(crate) pending: bool,
    /// V4 comments.
    pub(crate) comments: Vec<String>,
}

/// A scenario's world that declares an interaction with [`Extras`].
pub(crate) trait Declaring {
    /// The extras declared so far.
    fn extras(&mut self) -> &mut Extras;
}

/// `a provider state "X" ... is specified`.
pub(crate) fn state<W: Declaring>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    w.extras().states.push((input.arg(0).to_owned(), None));
    Ok(())
}

/// `a provider state "X" ... is specified with the following data:`.
pub(crate) fn state_with_data<W: Declaring>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    let data = state_data(input)?;
    w.extras().states.push((input.arg(0).to_owned(), Some(data)));
    Ok(())
}

/// `a key of "X" is specified for the ... interaction`.
pub(crate) fn key<W: Declaring>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    w.extras().key = Some(input.arg(0).to_owned());
    Ok(())
}

/// `the ... interaction is marked as pending`.
pub(crate) fn pending<W: Declaring>(w: &mut W, _: &StepInput<'_>) -> Result<(), String> {
    w.extras().pending = true;
    Ok(())
}

/// `a comment "X" is added to the ... interaction`.
pub(crate) fn comment<W: Declaring>(w: &mut W, input: &StepInput<'_>) -> Result<(), String> {
    w.extras().comments.push(input.arg(0).to_owned());
    Ok(())
}

//! Steps about what a consumer test writes into its pact file: provider states with their data
//! (V3), and the V4 interaction type, key, pending flag and comments. The interaction is
//! declared with accord's consumer library, called once through its mock server, and the pact
//! file the passing test writes is read back.

use std::path::PathBuf;

use accord::PactBuilder;
use compatibility_suite::{StepInput, Steps};
use serde_json::Value;

use crate::tables;

/// A scenario's state.
pub(crate) struct World {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    v3: bool,
    extras: tables::Extras,
    message: bool,
    pact: Option<Value>,
}

impl Default for World {
    fn default() -> Self {
        World {
            rt: crate::runtime(),
            dir: crate::scratch_dir(),
            v3: false,
            extras: tables::Extras::default(),
            message: false,
            pact: None,
        }
    }
}

impl tables::Declaring for World {
    fn extras(&mut self) -> &mut tables::Extras {
        &mut self.extras
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn defining_v3(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    w.v3 = true;
    Ok(())
}

fn defining_v4(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    w.v3 = false;
    Ok(())
}

fn defining_message(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    w.message = true;
    Ok(())
}

fn any_interaction_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let pact = w.pact.as_ref().ok_or("no pact file was generated")?;
    let types: Vec<&Value> = pact["interactions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| &i["type"])
        .collect();
    if !types.iter().any(|t| **t == input.arg(0)) {
        return Err(format!("the interactions' types are {types:?}"));
    }
    Ok(())
}

fn generated(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let mut pact = PactBuilder::new("consumer", "provider").output_dir(&w.dir);
    if w.v3 {
        pact = pact.spec_v3();
    }
    pact.interaction("a request", |i| {
        for (name, data) in &w.extras.states {
            match data {
                Some(data) => i.given_with(name, data.clone()),
                None => i.given(name),
            };
        }
        if let Some(key) = &w.extras.key {
            i.key(key);
        }
        i.pending(w.extras.pending);
        for comment in &w.extras.comments {
            i.comment(comment);
        }
        i.request(|r| r.get().path("/")).response(|r| r.ok());
    });
    let session =
        w.rt.block_on(pact.start_mock_server())
            .map_err(|e| format!("the mock server did not start: {e:?}"))?;
    let url = session.url_for("/");
    w.rt.block_on(async { reqwest::get(url).await.map_err(|e| format!("{e}")) })?;
    session
        .finish()
        .map_err(|e| format!("the test did not pass: {e:?}"))?;
    if w.message {
        pact.verify_message(
            "a message",
            |i| {
                i.message(|m| m.json_contents(serde_json::json!({"id": 1})));
            },
            |_| Ok::<(), String>(()),
        )
        .map_err(|e| format!("the message test did not pass: {e:?}"))?;
    }
    let text = std::fs::read_to_string(w.dir.join("consumer-provider.json"))
        .map_err(|e| format!("the pact file: {e}"))?;
    w.pact = Some(serde_json::from_str(&text).map_err(|e| format!("the pact file: {e}"))?);
    Ok(())
}

fn first_interaction(w: &World) -> Result<Value, String> {
    let pact = w.pact.as_ref().ok_or("no pact file was generated")?;
    pact["interactions"]
        .get(0)
        .cloned()
        .ok_or_else(|| format!("the pact file has no interaction: {pact}"))
}

fn states_of(w: &World) -> Result<Vec<Value>, String> {
    let interaction = first_interaction(w)?;
    Ok(interaction["providerStates"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

fn state_count(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let states = states_of(w)?;
    let wanted: usize = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    if states.len() != wanted {
        return Err(format!(
            "the interaction has {} provider states: {states:?}",
            states.len()
        ));
    }
    Ok(())
}

fn state_present(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let states = states_of(w)?;
    if !states.iter().any(|s| s["name"] == input.arg(0)) {
        return Err(format!("no provider state '{}': {states:?}", input.arg(0)));
    }
    Ok(())
}

fn state_parameters(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_state_parameters(&first_interaction(w)?, input)
}

fn interaction_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_type(&first_interaction(w)?, input)
}

fn interaction_field(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_field(&first_interaction(w)?, input)
}

/// The steps about what a consumer test writes into its pact file.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step("an integration is being defined for a consumer test", defining_v3)
        .step(
            "an HTTP interaction is being defined for a consumer test",
            defining_v4,
        )
        .step(r#"a provider state "(.*)" is specified"#, tables::state::<World>)
        .step(
            r#"a provider state "(.*)" is specified with the following data:"#,
            tables::state_with_data::<World>,
        )
        .step(
            r#"a key of "(.*)" is specified for the HTTP interaction"#,
            tables::key::<World>,
        )
        .step(
            "the HTTP interaction is marked as pending",
            tables::pending::<World>,
        )
        .step(
            r#"a comment "(.*)" is added to the HTTP interaction"#,
            tables::comment::<World>,
        )
        .step("the Pact file for the test is generated", generated)
        .step(
            "a message interaction is being defined for a consumer test",
            defining_message,
        )
        .step(
            r#"there will be an interaction in the Pact file with a type of "(.*)""#,
            any_interaction_type,
        )
        .step(
            r"the interaction in the Pact file will contain (\d+) provider states?",
            state_count,
        )
        .step(
            r#"the interaction in the Pact file will contain provider state "(.*)""#,
            state_present,
        )
        .step(
            r#"the provider state "(.*)" in the Pact file will contain the following parameters:"#,
            state_parameters,
        )
        .step(
            r#"the first interaction in the Pact file will have a type of "(.*)""#,
            interaction_type,
        )
        .step(
            r#"the first interaction in the Pact file will have "(.*)" = '(.*)'"#,
            interaction_field,
        );
    s
}

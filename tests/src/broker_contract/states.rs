//! What each provider state of the contract seeds: the reference's
//! `shared_provider_states.rb`, step for step.
//!
//! The reference's `revise_pact` replaces a pact's content with random content under the same
//! consumer version before any result is recorded for it. accord-broker refuses changed content
//! for a published version by default, and the first content is visible nowhere, so these
//! states publish the revised (distinct) content once.

use serde_json::json;

use super::seed::Seeder;

const FOO_SHA: &str = "5556b8149bf8bac76bc30f50a8a2dd4c22c85f30";
const TEST_ENVIRONMENT: &str = "16926ef3-590f-4e3f-838e-719717aa88c9";
const DEPLOYMENT_ENVIRONMENT: &str = "cb632df3-0a0d-4227-aac3-60114dd36479";
const DEPLOYED_VERSION: &str = "ff3adecf-cfc5-4653-a4e3-f1861092f8e0";

/// States that need no data: the reference declares them with an empty set-up (index relations
/// are always present; "does not exist" is an empty broker).
const NOTHING_TO_SEED: &[&str] = &[
    "",
    "'Condor' does not exist in the pact-broker",
    "the 'Pricing Service' does not exist in the pact-broker",
    "no pact between Condor and the Pricing Service exists",
    "the pacticipant relations are present",
    "the pb:environments relation exists in the index resource",
    "the pb:latest-tagged-version relation exists in the index resource",
    "the pb:latest-version relation exists in the index resource",
    "the pb:pacticipant-branch relation exists in the index resource",
    "the pb:pacticipant-version and pb:environments relations exist in the index resource",
    "the pb:publish-contracts relations exists in the index resource",
    // The PactFlow contract's provider-contract states.
    "the pb:publish-provider-contract relation exists in the index resource",
    "there is a pf:ui href in the response",
];

/// Seeds `state` into a fresh broker; an unknown state is an error, never an empty broker.
pub(super) async fn set_up(s: &mut Seeder, state: &str) -> Result<(), String> {
    if NOTHING_TO_SEED.contains(&state) {
        return Ok(());
    }
    match state {
        "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.2.3", None).await?;
            s.create_consumer_version_tag("production").await?;
            s.create_consumer_version("2.0.0", None).await
        }
        "'Condor' exists in the pact-broker with the latest version 1.2.3" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.0.0", None).await?;
            s.create_consumer_version("1.2.3", None).await
        }
        "the 'Pricing Service' and 'Condor' already exist in the pact-broker" => {
            s.create_consumer("Condor").await?;
            s.create_provider("Pricing Service").await
        }
        "the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6" => {
            verified_twice_then_2_0_0(s, "Foo Thing").await
        }
        "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6" => {
            verified_twice_then_2_0_0(s, "Foo").await
        }
        "the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6" => {
            s.create_revised_pact_with_hierarchy("Foo", "1.2.3", "Bar")
                .await?;
            s.create_verification("4.5.6", true).await?;
            s.create_consumer_version("1.2.4", None).await?;
            s.create_pact_with_different_content().await?;
            s.create_verification("4.5.6", true).await
        }
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and 1.2.4 unsuccessfully by 9.9.9" =>
        {
            s.create_revised_pact_with_hierarchy("Foo", "1.2.3", "Bar")
                .await?;
            s.create_verification("4.5.6", true).await?;
            s.create_consumer_version("1.2.4", None).await?;
            s.create_pact_with_different_content().await?;
            s.create_verification("9.9.9", false).await
        }
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with tag prod, and 1.2.4 unsuccessfully by 9.9.9" =>
        {
            s.create_revised_pact_with_hierarchy("Foo", "1.2.3", "Bar")
                .await?;
            s.create_verification("4.5.6", true).await?;
            s.use_provider("Bar");
            s.use_provider_version("4.5.6");
            s.create_provider_version_tag("prod").await?;
            s.create_consumer_version("1.2.4", None).await?;
            s.create_pact_with_different_content().await?;
            s.create_verification("9.9.9", false).await
        }
        "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7" => {
            s.create_revised_pact_with_hierarchy("Foo", "1.2.3", "Bar")
                .await?;
            s.create_verification("4.5.6", true).await?;
            s.create_verification("5.6.7", true).await
        }
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 (tagged prod) and version 5.6.7" =>
        {
            s.create_pact_with_hierarchy("Foo", "1.2.3", "Bar").await?;
            s.create_verification("4.5.6", true).await?;
            s.use_provider_version("4.5.6");
            s.create_provider_version_tag("prod").await?;
            s.create_verification("5.6.7", true).await
        }
        "the 'Pricing Service' already exists in the pact-broker" => {
            s.create_pricing_service().await?;
            s.create_provider_version("1.3.0").await
        }
        "a latest pact between Condor and the Pricing Service exists" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.3.0", None).await?;
            s.create_provider("Pricing Service").await?;
            s.create_pact().await
        }
        "a pact between Condor and the Pricing Service exists"
        | "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already has a pact published for version 1.3.0" =>
        {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.3.0", None).await?;
            s.create_pricing_service().await?;
            s.create_pact().await
        }
        "'Condor' exists in the pact-broker" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.3.0", None).await
        }
        "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.3.0", None).await?;
            s.create_consumer_version_tag("prod").await
        }
        "a pact between Condor and the Pricing Service exists for the production version of Condor"
        | "tagged as prod pact between Condor and the Pricing Service exists" => {
            s.create_consumer("Condor").await?;
            s.create_consumer_version("1.3.0", None).await?;
            s.create_consumer_version_tag("prod").await?;
            s.create_provider("Pricing Service").await?;
            s.create_pact().await
        }
        "a webhook with the uuid 696c5f93-1b7f-44bc-8d03-59440fcaa9a0 exists" => {
            s.create_consumer("Condor").await?;
            s.create_provider("Pricing Service").await?;
            s.create_webhook("696c5f93-1b7f-44bc-8d03-59440fcaa9a0").await
        }
        "a pacticipant with name Foo exists" => s.create_consumer("Foo").await,
        "provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod and a failed verification for version 3.4.5 tagged prod" =>
        {
            s.create_consumer("Foo").await?;
            s.create_provider("Bar").await?;
            s.create_consumer_version("1.2.3", None).await?;
            s.create_consumer_version_tag("prod").await?;
            s.create_pact().await?;
            s.create_verification("4.5.6", true).await?;
            s.create_consumer_version("3.4.5", None).await?;
            s.create_consumer_version_tag("prod").await?;
            s.create_pact_with_different_content().await?;
            s.create_verification("4.5.6", false).await
        }
        "an environment exists" => {
            let contacts = json!([{"name": "foo", "details": {"emailAddress": "foo@bar.com"}}]);
            s.create_environment("test", None, contacts).await
        }
        "version 5556b8149bf8bac76bc30f50a8a2dd4c22c85f30 of pacticipant Foo exists with a test environment available for release" =>
        {
            s.create_environment("test", Some(TEST_ENVIRONMENT), json!([]))
                .await?;
            s.create_consumer("Foo").await?;
            s.create_consumer_version(FOO_SHA, None).await
        }
        "an environment with name test and UUID 16926ef3-590f-4e3f-838e-719717aa88c9 exists" => {
            s.create_environment("test", Some(TEST_ENVIRONMENT), json!([]))
                .await
        }
        "an version is deployed to environment with UUID 16926ef3-590f-4e3f-838e-719717aa88c9 with target customer-1" =>
        {
            s.create_environment("test", Some(TEST_ENVIRONMENT), json!([]))
                .await?;
            s.create_consumer("Foo").await?;
            s.create_consumer_version(FOO_SHA, None).await?;
            s.create_deployed_version_for_consumer_version(DEPLOYED_VERSION, Some("customer-1"))
                .await
        }
        "a currently deployed version exists" => {
            s.create_environment("test", Some(DEPLOYMENT_ENVIRONMENT), json!([]))
                .await?;
            s.create_consumer("Foo").await?;
            s.create_consumer_version(FOO_SHA, None).await?;
            s.create_deployed_version_for_consumer_version(DEPLOYED_VERSION, None)
                .await
        }
        "a branch named main exists for pacticipant Foo" => {
            s.create_consumer("Foo").await?;
            s.create_consumer_version("1", Some("main")).await
        }
        "an environment with name test exists" => s.create_environment("test", None, json!([])).await,
        "version 5556b8149bf8bac76bc30f50a8a2dd4c22c85f30 of pacticipant Foo exists with a test environment available for deployment" =>
        {
            s.create_consumer("Foo").await?;
            s.create_consumer_version(FOO_SHA, None).await?;
            s.create_environment("test", Some(DEPLOYMENT_ENVIRONMENT), json!([]))
                .await
        }
        "version 5556b8149bf8bac76bc30f50a8a2dd4c22c85f30 of pacticipant Foo exists with 2 environments that aren't test available for deployment" =>
        {
            s.create_consumer("Foo").await?;
            s.create_consumer_version(FOO_SHA, None).await?;
            s.create_environment("prod", None, json!([])).await?;
            s.create_environment("dev", None, json!([])).await
        }
        other => Err(format!("the harness does not know the provider state '{other}'")),
    }
}

/// Verified by 4.5.6 and 7.8.9, then a pact of 2.0.0 verified by 4.5.6.
async fn verified_twice_then_2_0_0(s: &mut Seeder, consumer: &str) -> Result<(), String> {
    s.create_revised_pact_with_hierarchy(consumer, "1.2.3", "Bar")
        .await?;
    s.create_verification("4.5.6", true).await?;
    s.create_verification("7.8.9", true).await?;
    s.create_consumer_version("2.0.0", None).await?;
    s.create_pact_with_different_content().await?;
    s.create_verification("4.5.6", true).await
}

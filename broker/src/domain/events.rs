//! The template variables webhooks see for the events a change to the broker's contents raises.

use serde_json::{Map, Value};

use crate::hal::{Base, enc};

/// Template values for a pact publication or verification.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pact_vars(
    base: &Base,
    consumer: &str,
    provider: &str,
    consumer_version: &str,
    consumer_branch: Option<&str>,
    consumer_tags: &[String],
    sha: &str,
    build_url: Option<&str>,
) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("consumerName".into(), consumer.into());
    vars.insert("providerName".into(), provider.into());
    vars.insert("consumerVersionNumber".into(), consumer_version.into());
    vars.insert(
        "consumerVersionBranch".into(),
        consumer_branch.unwrap_or_default().into(),
    );
    vars.insert("consumerVersionTags".into(), consumer_tags.join(",").into());
    vars.insert(
        "pactUrl".into(),
        base.url(&format!(
            "/pacts/provider/{}/consumer/{}/pact-version/{sha}",
            enc(provider),
            enc(consumer)
        ))
        .into(),
    );
    vars.insert("buildUrl".into(), build_url.unwrap_or_default().into());
    vars.insert("consumerLabels".into(), "".into());
    vars.insert("providerLabels".into(), "".into());
    for key in [
        "providerVersionNumber",
        "providerVersionBranch",
        "providerVersionTags",
        "verificationResultUrl",
    ] {
        vars.insert(key.into(), "".into());
    }
    for key in [
        "githubVerificationStatus",
        "gitlabVerificationStatus",
        "azureDevOpsVerificationStatus",
    ] {
        vars.insert(key.into(), "pending".into());
    }
    vars.insert("bitbucketVerificationStatus".into(), "INPROGRESS".into());
    vars
}

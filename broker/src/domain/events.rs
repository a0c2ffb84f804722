//! The events a change to the broker's contents raises, and the template variables webhooks
//! see for them.

use serde_json::{Map, Value};

use crate::hal::{Base, enc};
use crate::store::pacts::Published;
use crate::store::{Conn, pacticipants, versions};

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

/// Queues the webhooks of a publication in its own transaction, so they fire only if it commits.
pub(crate) async fn trigger_publication_events(
    conn: &mut Conn,
    vars: &Map<String, Value>,
    outcome: &super::publish::Outcome,
) -> Result<(), sqlx::Error> {
    use crate::store::webhooks::enqueue;
    enqueue(conn, "contract_published", vars).await?;
    if outcome.published != Published::Unchanged && outcome.new_content {
        enqueue(conn, "contract_content_changed", vars).await?;
        let mut needed = vars.clone();
        if let Some(provider) = pacticipants::find(conn, &outcome.provider).await? {
            let main = provider.main_branch.clone().unwrap_or_else(|| "main".to_owned());
            if let Some(head) = versions::branch_head(conn, provider.id, &main).await? {
                needed.insert("providerVersionNumber".into(), head.number.into());
                needed.insert("providerVersionBranch".into(), main.into());
                needed.insert(
                    "providerVersionDescriptions".into(),
                    "latest from main branch".into(),
                );
            }
        }
        enqueue(conn, "contract_requiring_verification_published", &needed).await?;
    }
    Ok(())
}

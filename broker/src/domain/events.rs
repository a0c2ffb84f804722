//! The events a change to the broker's contents raises, and the values webhooks see for them
//! (`${pactbroker.consumerName}`...), as one typed set.

use crate::domain::{BaseUrl, segment as enc};

/// The six events a webhook can subscribe to.
pub(crate) const EVENTS: &[&str] = &[
    "contract_published",
    "contract_content_changed",
    "contract_requiring_verification_published",
    "provider_verification_published",
    "provider_verification_succeeded",
    "provider_verification_failed",
];

/// The template values of an event, named as the reference broker names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EventVars {
    /// `eventName`: set when the event is queued.
    pub(crate) event_name: Option<String>,
    /// `consumerName`.
    pub(crate) consumer_name: String,
    /// `providerName`.
    pub(crate) provider_name: String,
    /// `consumerVersionNumber`.
    pub(crate) consumer_version_number: String,
    /// `consumerVersionBranch`.
    pub(crate) consumer_version_branch: String,
    /// `consumerVersionTags`, comma-separated.
    pub(crate) consumer_version_tags: String,
    /// `pactUrl`.
    pub(crate) pact_url: String,
    /// `buildUrl`.
    pub(crate) build_url: String,
    /// `consumerLabels`, comma-separated.
    pub(crate) consumer_labels: String,
    /// `providerLabels`, comma-separated.
    pub(crate) provider_labels: String,
    /// `providerVersionNumber`.
    pub(crate) provider_version_number: String,
    /// `providerVersionBranch`.
    pub(crate) provider_version_branch: String,
    /// `providerVersionTags`, comma-separated.
    pub(crate) provider_version_tags: String,
    /// `verificationResultUrl`.
    pub(crate) verification_result_url: String,
    /// `providerVersionDescriptions`: why the provider version was chosen, when one was.
    pub(crate) provider_version_descriptions: Option<String>,
    /// `githubVerificationStatus`, `gitlabVerificationStatus`,
    /// `azureDevOpsVerificationStatus`, `bitbucketVerificationStatus`.
    pub(crate) status: Option<bool>,
}

impl EventVars {
    /// The values of a pact publication (or of the pact a verification is of).
    pub(crate) fn of_pact(base: &BaseUrl, pact: PactRef<'_>) -> EventVars {
        EventVars {
            consumer_name: pact.consumer.to_owned(),
            provider_name: pact.provider.to_owned(),
            consumer_version_number: pact.consumer_version.to_owned(),
            consumer_version_branch: pact.consumer_branch.unwrap_or_default().to_owned(),
            consumer_version_tags: pact.consumer_tags.join(","),
            pact_url: base.url(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}",
                enc(pact.provider),
                enc(pact.consumer),
                pact.sha
            )),
            build_url: pact.build_url.unwrap_or_default().to_owned(),
            ..EventVars::default()
        }
    }

    /// These values with a verification's outcome.
    pub(crate) fn verified(
        mut self,
        provider_version: &str,
        branch: Option<&str>,
        success: bool,
        url: &str,
    ) -> Self {
        self.provider_version_number = provider_version.to_owned();
        self.provider_version_branch = branch.unwrap_or_default().to_owned();
        self.verification_result_url = url.to_owned();
        self.status = Some(success);
        self
    }

    /// Each placeholder name with its value, in the order the reference broker lists them.
    pub(crate) fn pairs(&self) -> Vec<(&'static str, &str)> {
        let (github, gitlab, azure, bitbucket) = match self.status {
            None => ("pending", "pending", "pending", "INPROGRESS"),
            Some(true) => ("success", "success", "succeeded", "SUCCESSFUL"),
            Some(false) => ("failure", "failed", "failed", "FAILED"),
        };
        let mut out = vec![
            ("consumerName", self.consumer_name.as_str()),
            ("providerName", &self.provider_name),
            ("consumerVersionNumber", &self.consumer_version_number),
            ("consumerVersionBranch", &self.consumer_version_branch),
            ("consumerVersionTags", &self.consumer_version_tags),
            ("pactUrl", &self.pact_url),
            ("buildUrl", &self.build_url),
            ("consumerLabels", &self.consumer_labels),
            ("providerLabels", &self.provider_labels),
            ("providerVersionNumber", &self.provider_version_number),
            ("providerVersionBranch", &self.provider_version_branch),
            ("providerVersionTags", &self.provider_version_tags),
            ("verificationResultUrl", &self.verification_result_url),
            ("githubVerificationStatus", github),
            ("gitlabVerificationStatus", gitlab),
            ("azureDevOpsVerificationStatus", azure),
            ("bitbucketVerificationStatus", bitbucket),
        ];
        if let Some(why) = &self.provider_version_descriptions {
            out.push(("providerVersionDescriptions", why));
        }
        if let Some(event) = &self.event_name {
            out.push(("eventName", event));
        }
        out
    }
}

/// A pact as an event names it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PactRef<'a> {
    /// The consumer.
    pub(crate) consumer: &'a str,
    /// The provider.
    pub(crate) provider: &'a str,
    /// The consumer version.
    pub(crate) consumer_version: &'a str,
    /// Its branch.
    pub(crate) consumer_branch: Option<&'a str>,
    /// Its tags.
    pub(crate) consumer_tags: &'a [String],
    /// The pact content's hash.
    pub(crate) sha: &'a str,
    /// The CI build that published it.
    pub(crate) build_url: Option<&'a str>,
}

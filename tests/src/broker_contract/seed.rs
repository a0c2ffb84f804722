//! Seeding a fresh broker through its HTTP API, step by step as the reference's test data
//! builder does: each step works on the "current" consumer, provider, versions and environment.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::BASE_URL;

/// Seeds one broker; remembers the current application, versions and environment.
#[derive(Debug)]
pub(super) struct Seeder {
    router: Router,
    ids: Vec<(String, String)>,
    consumer: Option<String>,
    consumer_version: Option<String>,
    provider: Option<String>,
    provider_version: Option<String>,
    environment: Option<String>,
    pacts: usize,
}

type Step = Result<(), String>;

fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Seeder {
    pub(super) fn new(router: Router) -> Seeder {
        Seeder {
            router,
            ids: Vec::new(),
            consumer: None,
            consumer_version: None,
            provider: None,
            provider_version: None,
            environment: None,
            pacts: 0,
        }
    }

    /// The ids the contract fixes, paired with the ids this broker gave out instead.
    pub(super) fn into_ids(self) -> Vec<(String, String)> {
        self.ids
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("accept", "application/hal+json");
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body
            .map(|b| Body::from(b.to_string()))
            .unwrap_or_else(Body::empty);
        let request = request.body(body).map_err(|e| format!("{method} {path}: {e}"))?;
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|e| format!("{method} {path}: reading the answer: {e}"))?;
        if !status.is_success() {
            return Err(format!(
                "{method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| format!("{method} {path}: answer is not JSON: {e}"))
    }

    fn consumer(&self) -> Result<&str, String> {
        self.consumer
            .as_deref()
            .ok_or_else(|| "no consumer yet".to_owned())
    }

    fn consumer_version(&self) -> Result<&str, String> {
        self.consumer_version
            .as_deref()
            .ok_or_else(|| "no consumer version yet".to_owned())
    }

    fn provider(&self) -> Result<&str, String> {
        self.provider
            .as_deref()
            .ok_or_else(|| "no provider yet".to_owned())
    }

    /// An application, with the repository URL the reference's builder gives every one.
    pub(super) async fn pacticipant(&mut self, name: &str) -> Step {
        let body =
            json!({"name": name, "repositoryUrl": format!("https://github.com/example-organization/{name}")});
        self.send(Method::POST, "/pacticipants", Some(body)).await?;
        Ok(())
    }

    /// The reference's Pricing Service: a provider with a repository URL.
    pub(super) async fn create_pricing_service(&mut self) -> Step {
        let body = json!({
            "name": "Pricing Service",
            "repositoryUrl": "git@git.realestate.com.au:business-systems/pricing-service"
        });
        self.send(Method::POST, "/pacticipants", Some(body)).await?;
        self.provider = Some("Pricing Service".to_owned());
        Ok(())
    }

    /// An application that becomes the current consumer.
    pub(super) async fn create_consumer(&mut self, name: &str) -> Step {
        self.pacticipant(name).await?;
        self.consumer = Some(name.to_owned());
        Ok(())
    }

    /// An application that becomes the current provider.
    pub(super) async fn create_provider(&mut self, name: &str) -> Step {
        self.pacticipant(name).await?;
        self.provider = Some(name.to_owned());
        Ok(())
    }

    /// Makes an existing application the current provider.
    pub(super) fn use_provider(&mut self, name: &str) {
        self.provider = Some(name.to_owned());
    }

    /// Makes a version of the current provider the current provider version.
    pub(super) fn use_provider_version(&mut self, number: &str) {
        self.provider_version = Some(number.to_owned());
    }

    async fn put_version(&self, application: &str, number: &str, branch: Option<&str>) -> Step {
        let path = format!(
            "/pacticipants/{}/versions/{}",
            encode(application),
            encode(number)
        );
        let body = match branch {
            Some(branch) => json!({"branch": branch}),
            None => json!({}),
        };
        self.send(Method::PUT, &path, Some(body)).await?;
        Ok(())
    }

    /// A version of the current consumer, which becomes the current consumer version.
    pub(super) async fn create_consumer_version(&mut self, number: &str, branch: Option<&str>) -> Step {
        self.put_version(self.consumer()?, number, branch).await?;
        self.consumer_version = Some(number.to_owned());
        Ok(())
    }

    /// A version of the current provider, which becomes the current provider version.
    pub(super) async fn create_provider_version(&mut self, number: &str) -> Step {
        self.put_version(self.provider()?, number, None).await?;
        self.provider_version = Some(number.to_owned());
        Ok(())
    }

    /// A tag on the current consumer version.
    pub(super) async fn create_consumer_version_tag(&mut self, tag: &str) -> Step {
        let path = format!(
            "/pacticipants/{}/versions/{}/tags/{}",
            encode(self.consumer()?),
            encode(self.consumer_version()?),
            encode(tag)
        );
        self.send(Method::PUT, &path, Some(json!({}))).await?;
        Ok(())
    }

    /// A tag on the current provider version.
    pub(super) async fn create_provider_version_tag(&mut self, tag: &str) -> Step {
        let version = self
            .provider_version
            .clone()
            .ok_or_else(|| "no provider version yet".to_owned())?;
        let path = format!(
            "/pacticipants/{}/versions/{}/tags/{}",
            encode(self.provider()?),
            encode(&version),
            encode(tag)
        );
        self.send(Method::PUT, &path, Some(json!({}))).await?;
        Ok(())
    }

    /// A pact between the current consumer version and the current provider with the
    /// reference's default content: no interactions.
    pub(super) async fn create_pact(&mut self) -> Step {
        self.publish(json!([])).await
    }

    /// A pact whose content no other pact of the state has: the reference's
    /// `create_pact_with_different_content`, or a pact after `revise_pact` (which gives it
    /// random content). A content is identified by what verification depends on, so the
    /// difference is an interaction of its own.
    pub(super) async fn create_pact_with_different_content(&mut self) -> Step {
        let n = self.pacts + 1;
        let interaction = json!({
            "description": format!("request {n}"),
            "request": {"method": "GET", "path": format!("/things/{n}")},
            "response": {"status": 200}
        });
        self.publish(json!([interaction])).await
    }

    async fn publish(&mut self, interactions: Value) -> Step {
        self.pacts += 1;
        let (consumer, provider) = (self.consumer()?.to_owned(), self.provider()?.to_owned());
        let content = json!({
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": interactions,
            "random": self.pacts
        });
        let path = format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            encode(&provider),
            encode(&consumer),
            encode(self.consumer_version()?)
        );
        self.send(Method::PUT, &path, Some(content)).await?;
        Ok(())
    }

    /// Consumer, consumer version and provider, as the reference's `create_pact_with_hierarchy`
    /// makes them before its pact.
    async fn hierarchy(&mut self, consumer: &str, version: &str, provider: &str) -> Step {
        self.create_consumer(consumer).await?;
        self.create_consumer_version(version, None).await?;
        self.create_provider(provider).await
    }

    /// The reference's `create_pact_with_hierarchy`: consumer, consumer version, provider and a
    /// pact between them.
    pub(super) async fn create_pact_with_hierarchy(
        &mut self,
        consumer: &str,
        version: &str,
        provider: &str,
    ) -> Step {
        self.hierarchy(consumer, version, provider).await?;
        self.create_pact().await
    }

    /// `create_pact_with_hierarchy` followed by the reference's `revise_pact`.
    pub(super) async fn create_revised_pact_with_hierarchy(
        &mut self,
        consumer: &str,
        version: &str,
        provider: &str,
    ) -> Step {
        self.hierarchy(consumer, version, provider).await?;
        self.create_pact_with_different_content().await
    }

    /// A verification result for the current pact by `provider_version`, which becomes the
    /// current provider version.
    pub(super) async fn create_verification(&mut self, provider_version: &str, success: bool) -> Step {
        let path = format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            encode(self.provider()?),
            encode(self.consumer()?),
            encode(self.consumer_version()?)
        );
        let pact = self.send(Method::GET, &path, None).await?;
        let href = pact["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .ok_or_else(|| format!("GET {path} has no pb:publish-verification-results link"))?;
        let results_path = href.strip_prefix(BASE_URL).unwrap_or(href).to_owned();
        let body = json!({"success": success, "providerApplicationVersion": provider_version});
        self.send(Method::POST, &results_path, Some(body)).await?;
        self.provider_version = Some(provider_version.to_owned());
        Ok(())
    }

    /// An environment (with this UUID when given), which becomes the current environment.
    pub(super) async fn create_environment(
        &mut self,
        name: &str,
        uuid: Option<&str>,
        contacts: Value,
    ) -> Step {
        let mut display = name.to_owned();
        if let Some(first) = display.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let mut body =
            json!({"name": name, "displayName": display, "production": false, "contacts": contacts});
        if let Some(uuid) = uuid {
            body["uuid"] = json!(uuid);
        }
        let created = self.send(Method::POST, "/environments", Some(body)).await?;
        let uuid = created["uuid"]
            .as_str()
            .ok_or_else(|| "POST /environments answered without a uuid".to_owned())?;
        self.environment = Some(uuid.to_owned());
        Ok(())
    }

    /// A deployment of the current consumer version to the current environment. The broker
    /// gives it an id of its own; requests naming `contract_uuid` are sent to that id.
    pub(super) async fn create_deployed_version_for_consumer_version(
        &mut self,
        contract_uuid: &str,
        target: Option<&str>,
    ) -> Step {
        let environment = self
            .environment
            .clone()
            .ok_or_else(|| "no environment yet".to_owned())?;
        let path = format!(
            "/pacticipants/{}/versions/{}/deployed-versions/environment/{environment}",
            encode(self.consumer()?),
            encode(self.consumer_version()?)
        );
        let body = match target {
            Some(target) => json!({"applicationInstance": target}),
            None => json!({}),
        };
        let deployed = self.send(Method::POST, &path, Some(body)).await?;
        let uuid = deployed["uuid"]
            .as_str()
            .ok_or_else(|| format!("POST {path} answered without a uuid"))?;
        self.ids.push((contract_uuid.to_owned(), uuid.to_owned()));
        Ok(())
    }

    /// A webhook with this UUID for the current consumer and provider.
    pub(super) async fn create_webhook(&mut self, uuid: &str) -> Step {
        let body = json!({
            "description": "a webhook",
            "consumer": {"name": self.consumer()?},
            "provider": {"name": self.provider()?},
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": "https://example.org/webhook", "body": {"a": "body"}}
        });
        self.send(Method::PUT, &format!("/webhooks/{uuid}"), Some(body))
            .await?;
        Ok(())
    }
}

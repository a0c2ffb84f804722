//! Webhooks: template variables, retries with back-off, where webhooks may go, redaction, a restart in
//! the middle of a retry, and two brokers sharing one PostgreSQL database.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_broker::{BrokerConfig, WebhookPolicy};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use accord_test_support::DEFAULT_WAIT;

use crate::{Broker, backends, pact, start};

/// A local receiver that fails its first `failures` calls and records every body.
#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<Value>>>,
    failures: Arc<Mutex<usize>>,
}

async fn receive(State(r): State<Receiver>, body: String) -> StatusCode {
    r.calls
        .lock()
        .expect("lock")
        .push(serde_json::from_str(&body).unwrap_or(Value::String(body)));
    let mut failures = r.failures.lock().expect("lock");
    if *failures > 0 {
        *failures -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn receiver(failures: usize) -> (String, Receiver) {
    let r = Receiver::default();
    *r.failures.lock().expect("lock") = failures;
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(r.clone());
    let url = hook_url(serve_on_loopback(app).await);
    (url, r)
}

fn quick(url: String) -> BrokerConfig {
    let mut config = BrokerConfig::new(url);
    config.webhook_retry_delays = vec![Duration::from_millis(100); 3];
    config.webhooks = WebhookPolicy::loopback();
    config
}

fn webhook(url: &str, event: &str) -> Value {
    json!({"description": "notify ci", "events": [{"name": event}],
        "request": {"method": "POST", "url": url, "headers": {"Content-Type": "application/json", "Authorization": "Bearer s3cret"},
            "body": {"pact": "${pactbroker.pactUrl}", "consumer": "${pactbroker.consumerName}", "version": "${pactbroker.consumerVersionNumber}",
                     "branch": "${pactbroker.consumerVersionBranch}", "event": "${pactbroker.eventName}",
                     "status": "${pactbroker.githubVerificationStatus}", "provider": "${pactbroker.providerName}"}}})
}

/// The `/hook` URL of a server on `address`.
fn hook_url(address: std::net::SocketAddr) -> String {
    format!("http://{address}/hook")
}

/// Serves `app` on a free loopback port for the rest of the test; its address.
async fn serve_on_loopback(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    address
}

/// Waits (bounded, failing with `what`) until the receiver has at least `n` calls.
async fn calls_reach(received: &Receiver, n: usize, what: &str) {
    accord_test_support::eventually(what, DEFAULT_WAIT, || async {
        received.calls.lock().expect("lock").len() >= n
    })
    .await;
}

/// Waits (bounded) until no delivery of webhook `uuid` is pending, and returns the deliveries.
async fn settled(broker: &Broker, uuid: &str) -> Value {
    let path = format!("/webhooks/{uuid}/deliveries");
    let last = std::cell::RefCell::new(Value::Null);
    accord_test_support::eventually(
        &format!("every delivery of webhook {uuid} to finish"),
        DEFAULT_WAIT,
        || async {
            let (status, deliveries) = broker.get(&path).await;
            let done = status == 200
                && deliveries["deliveries"]
                    .as_array()
                    .is_some_and(|d| d.iter().all(|d| d["status"] != "pending"));
            *last.borrow_mut() = deliveries;
            done
        },
    )
    .await;
    last.into_inner()
}

fn uuid_of(created: &Value) -> String {
    created["uuid"].as_str().expect("webhook uuid").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_fire_with_variables_and_retry() {
    let url = crate::sqlite_only("hooks");
    let broker = start(quick(url)).await;
    let (target, received) = receiver(2).await;
    let (status, created) = broker
        .post("/webhooks", &webhook(&target, "contract_published"))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["request"]["headers"]["Authorization"], "**********",
        "credentials are redacted"
    );
    let uuid = created["uuid"].as_str().expect("uuid").to_owned();
    let (_, shown) = broker.get(&format!("/webhooks/{uuid}")).await;
    assert_eq!(shown["request"]["headers"]["Authorization"], "**********");

    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
        .await;
    calls_reach(&received, 3, "three calls: two failures, then success").await;
    let deliveries = settled(&broker, &uuid).await;
    let calls = received.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 3, "two failures, then success: {calls:?}");
    let body = &calls[2];
    assert_eq!(body["consumer"], "web");
    assert_eq!(body["version"], "v1");
    assert_eq!(body["branch"], "main");
    assert_eq!(body["event"], "contract_published");
    assert_eq!(body["provider"], "api");
    assert!(
        body["pact"]
            .as_str()
            .unwrap_or("")
            .contains("/pacts/provider/api/consumer/web/pact-version/"),
        "{body}"
    );
    let delivery = &deliveries["deliveries"][0];
    assert_eq!(delivery["status"], "success", "{deliveries}");
    assert_eq!(delivery["attempts"], 3);
    assert_eq!(delivery["executions"].as_array().map(Vec::len), Some(3));
    assert!(
        delivery["executions"][0]["logs"]
            .as_str()
            .unwrap_or("")
            .contains("HTTP 500"),
        "{deliveries}"
    );
    assert_eq!(delivery["request"]["headers"]["Authorization"], "**********");

    let (status, tested) = broker
        .post(&format!("/webhooks/{uuid}/execute"), &json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(tested["success"], true, "{tested}");
}

#[tokio::test]
async fn a_host_list_refuses_other_hosts() {
    let url = crate::sqlite_only("hooks-allow");
    let broker = start(quick(url)).await;
    let (status, body) = broker
        .post(
            "/webhooks",
            &webhook("https://ci.example.com/build", "contract_published"),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["errors"]["request.url"][0]
            .as_str()
            .unwrap_or("")
            .contains("not on the webhook host list"),
        "{body}"
    );
    let (status, body) = broker
        .post("/webhooks", &webhook("ftp://127.0.0.1/x", "contract_published"))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = broker
        .post("/webhooks", &webhook("http://127.0.0.1:1/x", "no_such_event"))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = broker
        .post(
            "/webhooks/provider/nobody/consumer/none",
            &webhook("http://127.0.0.1:1/x", "contract_published"),
        )
        .await;
    assert_eq!(status, 404, "a scope URL naming unknown applications: {body}");
    let mut unknown = webhook("http://127.0.0.1:1/x", "contract_published");
    unknown["consumer"] = json!({"name": "none"});
    let (status, body) = broker.post("/webhooks", &unknown).await;
    assert_eq!(status, 400, "an unknown name in the body: {body}");
    assert!(
        body["errors"]["consumer.name"][0]
            .as_str()
            .unwrap_or("")
            .contains("no pacticipant named 'none'"),
        "errors are keyed by field, as the reference broker gives them: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_retry_delivers_exactly_once() {
    let url = crate::sqlite_only("hooks-restart");
    let (target, received) = receiver(1).await;
    let mut config = BrokerConfig::new(url.clone());
    config.webhook_retry_delays = vec![Duration::from_millis(800)];
    config.webhooks = WebhookPolicy::loopback();
    let first = start(config.clone()).await;
    let (_, created) = first
        .post("/webhooks", &webhook(&target, "contract_published"))
        .await;
    let uuid = uuid_of(&created);
    first
        .publish("web", "v1", None, &[pact("web", "api", "name")])
        .await;
    calls_reach(&received, 1, "the first (failing) delivery attempt").await;
    drop(first); // stopped while the retry is pending
    let second = start(config).await;
    calls_reach(&received, 2, "the retry after the restart").await;
    let deliveries = settled(&second, &uuid).await;
    assert_eq!(deliveries["deliveries"][0]["status"], "success", "{deliveries}");
    assert_eq!(
        received.calls.lock().expect("lock").len(),
        2,
        "one failed attempt, then exactly one delivery"
    );
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_brokers_on_one_postgres_database_deliver_each_webhook_once() {
    let urls = backends("hooks-shared").await;
    let Some(url) = urls.into_iter().find(|u| u.starts_with("postgres")) else {
        return;
    };
    let (target, received) = receiver(0).await;
    let a = start(quick(url.clone())).await;
    let b = start(quick(url)).await;
    let (_, created) = a.post("/webhooks", &webhook(&target, "contract_published")).await;
    let uuid = uuid_of(&created);
    for i in 0..10 {
        let broker = if i % 2 == 0 { &a } else { &b };
        broker
            .publish(
                "web",
                &format!("v{i}"),
                None,
                &[pact("web", "api", &format!("f{i}"))],
            )
            .await;
    }
    calls_reach(&received, 10, "one delivery per publication").await;
    settled(&a, &uuid).await;
    let calls = received.calls.lock().expect("lock").clone();
    let mut versions: Vec<String> = calls
        .iter()
        .map(|c| c["version"].as_str().unwrap_or("").to_owned())
        .collect();
    versions.sort();
    assert_eq!(
        versions.len(),
        10,
        "each publication notified exactly once: {versions:?}"
    );
    versions.dedup();
    assert_eq!(versions.len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_scoped_webhooks_fire_for_labelled_consumers_only() {
    let broker = start(quick(crate::sqlite_only("hooks-label"))).await;
    let (target, received) = receiver(0).await;
    for (consumer, version) in [("web", "w1"), ("batch", "b1")] {
        broker
            .publish(consumer, version, Some("main"), &[pact(consumer, "api", "name")])
            .await;
    }
    let (status, label) = broker.put("/pacticipants/web/labels/team-a").await;
    assert_eq!(status, 201, "{label}");
    assert_eq!(label["name"], "team-a");
    let (status, _) = broker.put("/pacticipants/web/labels/team-a").await;
    assert_eq!(status, 200, "labelling twice is not an error");
    let (status, _) = broker.put("/pacticipants/nobody/labels/team-a").await;
    assert_eq!(status, 404);

    let (_, web) = broker.get("/pacticipants/web").await;
    assert_eq!(web["_embedded"]["labels"][0]["name"], "team-a", "{web}");
    assert!(web["_links"]["pb:label"]["templated"].as_bool().unwrap_or(false));
    let (_, labelled) = broker.get("/pacticipants/label/team-a").await;
    let names: Vec<&str> = labelled["pacticipants"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["web"]);
    let (_, all) = broker.get("/labels").await;
    assert_eq!(all["_embedded"]["labels"][0]["name"], "team-a", "{all}");

    let mut hook = webhook(&target, "contract_published");
    hook["consumer"] = json!({"label": "team-a"});
    hook["request"]["body"]["labels"] = json!("${pactbroker.consumerLabels}");
    let (status, created) = broker.post("/webhooks", &hook).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["consumer"], json!({"label": "team-a"}));
    let mut both = hook.clone();
    both["consumer"] = json!({"label": "team-a", "name": "web"});
    let (status, refused) = broker.post("/webhooks", &both).await;
    assert_eq!(status, 400, "{refused}");

    broker
        .publish("batch", "b2", Some("main"), &[pact("batch", "api", "name")])
        .await;
    broker
        .publish("web", "w2", Some("main"), &[pact("web", "api", "name")])
        .await;
    calls_reach(&received, 1, "the labelled consumer's delivery").await;
    settled(&broker, &uuid_of(&created)).await;
    let calls = received.calls.lock().expect("lock").clone();
    assert_eq!(
        calls.len(),
        1,
        "only the labelled consumer triggers it: {calls:?}"
    );
    assert_eq!(calls[0]["consumer"], "web");
    assert_eq!(calls[0]["labels"], "team-a");

    let status = broker.delete("/pacticipants/web/labels/team-a").await;
    assert_eq!(status, 204);
    let (_, all) = broker.get("/labels").await;
    assert_eq!(all["_embedded"]["labels"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoped_webhook_lists_and_testing_an_unsaved_webhook() {
    let broker = start(quick(crate::sqlite_only("hooks-scoped"))).await;
    let (target, received) = receiver(0).await;
    broker
        .publish("web", "w1", Some("main"), &[pact("web", "api", "name")])
        .await;
    broker
        .publish("batch", "b1", Some("main"), &[pact("batch", "api", "name")])
        .await;
    let hook = webhook(&target, "contract_published");
    let (status, _) = broker.post("/webhooks/provider/api/consumer/web", &hook).await;
    assert_eq!(status, 201);
    let (status, _) = broker.post("/webhooks/provider/api", &hook).await;
    assert_eq!(status, 201);
    let (status, _) = broker.post("/webhooks/consumer/batch", &hook).await;
    assert_eq!(status, 201);
    let (status, _) = broker.post("/webhooks", &hook).await;
    assert_eq!(status, 201);
    let (status, _) = broker.post("/webhooks/consumer/nobody", &hook).await;
    assert_eq!(status, 404, "a scope naming an unknown application is not found");

    let count = |body: &Value| body["_embedded"]["webhooks"].as_array().map_or(0, Vec::len);
    let (_, pair) = broker.get("/webhooks/provider/api/consumer/web").await;
    assert_eq!(count(&pair), 1, "{pair}");
    let (_, provider) = broker.get("/webhooks/provider/api").await;
    assert_eq!(count(&provider), 1);
    let (_, consumer) = broker.get("/webhooks/consumer/batch").await;
    assert_eq!(count(&consumer), 1);
    let (_, all) = broker.get("/webhooks").await;
    assert_eq!(count(&all), 4);
    let (_, for_web) = broker.get("/pacts/provider/api/consumer/web/webhooks").await;
    assert_eq!(
        count(&for_web),
        3,
        "pair, provider and global ones apply to web: {for_web}"
    );
    let (status, _) = broker.get("/webhooks/provider/nobody").await;
    assert_eq!(status, 404);

    let mut unsaved = webhook(&target, "contract_published");
    unsaved["consumer"] = json!({"name": "web"});
    unsaved["provider"] = json!({"name": "api"});
    let before = received.calls.lock().expect("lock").len();
    let (status, tested) = broker.post("/webhooks/execute", &unsaved).await;
    assert_eq!(status, 200, "{tested}");
    assert_eq!(tested["success"], true, "{tested}");
    let calls = received.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), before + 1);
    assert_eq!(calls[before]["consumer"], "web");
    assert_eq!(
        calls[before]["version"], "w1",
        "the latest pact of the pair fills the template"
    );
    let (_, all) = broker.get("/webhooks").await;
    assert_eq!(count(&all), 4, "testing does not save");
}

#[tokio::test]
async fn by_default_webhooks_post_over_https_to_public_hosts_only() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("hooks-defaults"))).await;
    let (status, body) = broker
        .post("/webhooks", &webhook("https://webhook", "contract_published"))
        .await;
    assert_eq!(
        status, 201,
        "HTTPS POST to any host, as the reference broker: {body}"
    );
    for (url, method, field) in [
        ("http://ci.example.com/build", "POST", "request.url"),
        ("https://ci.example.com/build", "GET", "request.method"),
        ("https://127.0.0.1/build", "POST", "request.url"),
        ("https://169.254.169.254/latest/meta-data", "POST", "request.url"),
        ("https://[::1]/build", "POST", "request.url"),
    ] {
        let mut hook = webhook(url, "contract_published");
        hook["request"]["method"] = json!(method);
        let (status, body) = broker.post("/webhooks", &hook).await;
        assert_eq!(status, 400, "{method} {url}: {body}");
        assert!(body["errors"][field].is_array(), "{method} {url}: {body}");
    }
    // A name is only resolved when a delivery is due: one that resolves to loopback is refused then.
    let (status, created) = broker
        .post(
            "/webhooks",
            &webhook("https://localhost:1/build", "contract_published"),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, tested) = broker
        .post(&format!("/webhooks/{}/execute", uuid_of(&created)), &json!({}))
        .await;
    assert_eq!(status, 200, "{tested}");
    assert_eq!(tested["success"], false, "{tested}");
    assert!(
        tested["logs"].as_str().unwrap_or("").contains("internal address"),
        "the delivery names why it was not sent: {tested}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_target_does_not_hold_other_deliveries() {
    let broker = start(quick(crate::sqlite_only("hooks-slow"))).await;
    let slow_app = axum::Router::new().route(
        "/hook",
        // Never answers: the delivery waits for its request timeout (10 s).
        post(std::future::pending::<StatusCode>),
    );
    let slow = hook_url(serve_on_loopback(slow_app).await);
    let (fast, received) = receiver(0).await;
    for target in [&slow, &fast] {
        let (status, body) = broker
            .post("/webhooks", &webhook(target, "contract_published"))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let started = std::time::Instant::now();
    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
        .await;
    calls_reach(&received, 1, "the fast target's delivery").await;
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "the fast delivery waited for the slow one: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_over_its_rate_limit_waits_and_loses_nothing() {
    let mut config = quick(crate::sqlite_only("hooks-rate"));
    let window = Duration::from_millis(1500);
    config.webhook_rate_limit = Some(accord_broker::RateLimit {
        calls: 2,
        per: window,
    });
    let broker = start(config).await;
    let arrivals: Arc<Mutex<Vec<std::time::Instant>>> = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(
                |State(a): State<Arc<Mutex<Vec<std::time::Instant>>>>| async move {
                    a.lock().expect("lock").push(std::time::Instant::now());
                    StatusCode::OK
                },
            ),
        )
        .with_state(Arc::clone(&arrivals));
    let url = hook_url(serve_on_loopback(app).await);
    let (status, created) = broker
        .post("/webhooks", &webhook(&url, "contract_published"))
        .await;
    assert_eq!(status, 201, "{created}");
    for version in ["v1", "v2", "v3", "v4"] {
        broker
            .publish("web", version, Some("main"), &[pact("web", "api", version)])
            .await;
    }
    accord_test_support::eventually(
        "all four deliveries, the last two after the window",
        DEFAULT_WAIT,
        || async { arrivals.lock().expect("lock").len() >= 4 },
    )
    .await;
    let deliveries = settled(&broker, &uuid_of(&created)).await;
    let list = deliveries["deliveries"].as_array().expect("deliveries");
    assert_eq!(list.len(), 4, "{deliveries}");
    assert!(
        list.iter().all(|d| d["status"] == "success"),
        "nothing is dropped: {deliveries}"
    );
    let times = arrivals.lock().expect("lock").clone();
    assert!(
        times[2].duration_since(times[0]) >= window,
        "the third call waited for the first to leave the window: {:?} after it",
        times[2].duration_since(times[0])
    );
}

/// A target that echoes, as plain text, every header, the URI and the body it got.
async fn echo_target() -> std::net::SocketAddr {
    async fn echo(request: axum::extract::Request) -> String {
        let mut text = format!("{}\n", request.uri());
        for (name, value) in request.headers() {
            text.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        let body = axum::body::to_bytes(request.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        text.push_str(&String::from_utf8_lossy(&body));
        text
    }
    serve_on_loopback(axum::Router::new().route("/hook", post(echo))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoing_target_shows_no_secret_and_readers_never_see_its_answer() {
    const SECRETS: &[&str] = &[
        "TOPSECRET",
        "HONEYKEY123",
        "AZSIG1234",
        "AZCODE1234",
        "BODYTOKEN1",
        "PASSWORD1",
        "Y2k6UEFTU1dPUkQx", // ci:PASSWORD1, as basic auth sends it
        "SLACKSECRET",
    ];
    for url in backends("hooks-echo").await {
        let mut config = quick(url.clone());
        config.webhooks.hosts.push("hooks.slack.com".to_owned());
        config.auth.read_write.push(accord_broker::Credential::Basic {
            username: "u".into(),
            password: "p".into(),
        });
        config.auth.read_only.push(accord_broker::Credential::Basic {
            username: "ru".into(),
            password: "rp".into(),
        });
        let broker = start(config).await;
        let target = format!(
            "{}?sig=AZSIG1234&code=AZCODE1234&ref=main",
            hook_url(echo_target().await)
        );
        let as_user = |request: reqwest::RequestBuilder, writer: bool| {
            if writer {
                request.basic_auth("u", Some("p"))
            } else {
                request.basic_auth("ru", Some("rp"))
            }
        };
        let hook = json!({"description": "echo", "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": target,
                "headers": {"Authorization": "Bearer TOPSECRET", "X-Honeycomb-Team": "HONEYKEY123", "X-Note": "visible"},
                "body": {"token": "BODYTOKEN1", "ref": "main"}, "username": "ci", "password": "PASSWORD1"}});
        let created = as_user(broker.client.post(format!("{}/webhooks", broker.url)), true)
            .json(&hook)
            .send()
            .await
            .expect("sent");
        assert_eq!(created.status(), 201);
        let uuid = uuid_of(&created.json().await.expect("json"));
        let slack = json!({"description": "slack", "events": [{"name": "provider_verification_failed"}],
            "request": {"method": "POST", "url": "https://hooks.slack.com/services/T0001/B0001/SLACKSECRET"}});
        let created = as_user(broker.client.post(format!("{}/webhooks", broker.url)), true)
            .json(&slack)
            .send()
            .await
            .expect("sent");
        assert_eq!(created.status(), 201);
        let published = as_user(
            broker.client.post(format!("{}/contracts/publish", broker.url)),
            true,
        )
        .json(&crate::publish_body(
            "web",
            "1",
            Some("main"),
            &[pact("web", "api", "name")],
        ))
        .send()
        .await
        .expect("sent");
        assert_eq!(published.status(), 200);
        let get = |path: String, writer: bool| {
            let request = as_user(broker.client.get(format!("{}{path}", broker.url)), writer);
            async move {
                let response = request.send().await.expect("sent");
                (
                    response.status().as_u16(),
                    response.text().await.unwrap_or_default(),
                )
            }
        };
        let deliveries = std::cell::RefCell::new(String::new());
        accord_test_support::eventually("the delivery to the echoing target", DEFAULT_WAIT, || async {
            let (status, text) = get(format!("/webhooks/{uuid}/deliveries"), true).await;
            let done = status == 200 && text.contains("-> HTTP 200");
            *deliveries.borrow_mut() = text;
            done
        })
        .await;
        let writer_view = deliveries.into_inner();
        assert!(
            writer_view.contains("x-note: visible"),
            "a writer sees the answer: {writer_view}"
        );
        let (_, reader_view) = get(format!("/webhooks/{uuid}/deliveries"), false).await;
        assert!(
            reader_view.contains("-> HTTP 200") && !reader_view.contains("x-note"),
            "a reader sees no answer body: {reader_view}"
        );
        let executed = as_user(
            broker
                .client
                .post(format!("{}/webhooks/{uuid}/execute", broker.url)),
            true,
        )
        .send()
        .await
        .expect("sent");
        let test_run = executed.text().await.unwrap_or_default();
        assert!(test_run.contains("x-note: visible"), "{test_run}");
        let (_, hooks_view) = get("/webhooks".to_owned(), false).await;
        // The pages show what the API shows: the answer to writers only, never a secret.
        let (status, writer_page) = get(format!("/ui/webhooks/{uuid}"), true).await;
        assert_eq!(status, 200, "{writer_page}");
        assert!(writer_page.contains("x-note: visible"), "{writer_page}");
        let (_, reader_page) = get(format!("/ui/webhooks/{uuid}"), false).await;
        assert!(
            reader_page.contains("-&gt; HTTP 200") && !reader_page.contains("x-note"),
            "a reader's page shows no answer body: {reader_page}"
        );
        let mut shown = vec![
            writer_view,
            reader_view,
            test_run,
            hooks_view,
            writer_page,
            reader_page,
        ];
        shown.push(get(format!("/webhooks/{uuid}"), false).await.1);
        shown.push(get("/ui/webhooks".to_owned(), false).await.1);
        shown.push(get("/ui/pacticipants/web/webhooks".to_owned(), false).await.1);
        for text in &shown {
            for secret in SECRETS {
                assert!(!text.contains(secret), "{secret} is shown on {url}: {text}");
            }
        }
    }
}

/// The webhook pages: an application's webhooks (by name, by label, global; not another's), and
/// a webhook's deliveries with the event, the status code, the attempts and why the last one
/// failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_pages_show_each_delivery_and_why_it_failed() {
    let broker = start(quick(crate::sqlite_only("hooks-pages"))).await;
    let (target, received) = receiver(100).await;
    broker
        .publish("web", "v0", Some("main"), &[pact("web", "api", "name")])
        .await;
    broker
        .publish("mobile", "m0", Some("main"), &[pact("mobile", "api", "name")])
        .await;
    let (status, _) = broker.put("/pacticipants/web/labels/team-web").await;
    assert!(status == 200 || status == 201);
    let mut labelled = webhook(&target, "contract_published");
    labelled["description"] = json!("tell team web");
    labelled["consumer"] = json!({"label": "team-web"});
    let (status, created) = broker.post("/webhooks", &labelled).await;
    assert_eq!(status, 201, "{created}");
    let uuid = uuid_of(&created);
    let mut other = webhook(&target, "contract_published");
    other["description"] = json!("tell team mobile");
    other["consumer"] = json!({"name": "mobile"});
    let (status, created) = broker.post("/webhooks", &other).await;
    assert_eq!(status, 201, "{created}");

    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "fullName")])
        .await;
    calls_reach(&received, 4, "every attempt of the delivery").await;
    settled(&broker, &uuid).await;

    let (status, list) = broker.get_text("/ui/pacticipants/web/webhooks", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert!(
        list.contains("tell team web") && list.contains("as a consumer"),
        "{list}"
    );
    assert!(
        !list.contains("tell team mobile"),
        "another application's webhook: {list}"
    );
    let (status, page) = broker.get_text(&format!("/ui/webhooks/{uuid}"), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("contract_published"), "the event: {page}");
    assert!(page.contains("<td>500</td>"), "the status code: {page}");
    assert!(page.contains("<td>4</td>"), "the attempts: {page}");
    assert!(
        page.contains("the target answered HTTP 500, not a success"),
        "why it failed: {page}"
    );
    assert!(!page.contains("s3cret"), "the credentials are redacted: {page}");
    let (status, _) = broker.get_text("/ui/webhooks/no-such-webhook", &[]).await;
    assert_eq!(status, 404);
}

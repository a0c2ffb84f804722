//! `serve` and `clean`: the broker itself, and the clean-up run against its database.

use accord_broker::{AuthConfig, BrokerConfig, Credential};
use anyhow::Context as _;

use crate::cli::{CleanArgs, ServeArgs};

/// Deletes what no keep selector protects.
pub(crate) async fn clean(args: CleanArgs) -> anyhow::Result<()> {
    use accord_broker::cleanup::{self, KeepSelector};
    let keep = if args.keep.is_empty() {
        KeepSelector::defaults()
    } else {
        let mut all = Vec::new();
        for text in &args.keep {
            all.extend(KeepSelector::parse(text)?);
        }
        all
    };
    let db = accord_broker::Db::connect(&args.database_url)
        .await
        .with_context(|| format!("cannot open the database '{}'", args.database_url))?;
    let report = cleanup::clean(&db, &keep, args.dry_run).await?;
    let verb = if args.dry_run { "would delete" } else { "deleted" };
    for (name, numbers) in &report.versions {
        println!(
            "{verb} {} version(s) of {name}: {}",
            numbers.len(),
            numbers.join(", ")
        );
    }
    println!(
        "{verb} {} version(s) in all{}",
        report.version_count(),
        if args.dry_run {
            String::new()
        } else {
            format!(
                ", {} pact content(s) no longer published, {} empty branch(es)",
                report.orphaned_contents, report.empty_branches
            )
        }
    );
    Ok(())
}

fn basic(text: &str, flag: &str) -> anyhow::Result<Credential> {
    let (username, password) = text
        .split_once(':')
        .with_context(|| format!("{flag} must be USER:PASSWORD"))?;
    if username.is_empty() || password.is_empty() {
        anyhow::bail!("{flag} needs a user name and a password, both not empty");
    }
    Ok(Credential::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

/// A bearer token; an empty one (`ACCORD_BROKER_TOKEN=""`) would switch authentication on with
/// a token nobody can send.
fn token_credential(token: &str, flag: &str) -> anyhow::Result<Credential> {
    if token.trim().is_empty() {
        anyhow::bail!("{flag} is empty: give a token, or leave the flag and its variable unset");
    }
    Ok(Credential::Token(token.to_owned()))
}

/// For a SQLite database, an exclusive lock on its file for as long as this broker serves: a
/// second broker on the same file would serve errors (SQLite serialises writers, and two
/// brokers each think they are the only one). `clean` does not take it. PostgreSQL needs none.
fn sqlite_serving_lock(database_url: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(rest) = database_url.strip_prefix("sqlite:") else {
        return Ok(None);
    };
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains(":memory:") {
        return Ok(None);
    }
    let file = std::fs::File::open(path).with_context(|| format!("cannot open '{path}'"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another accord-broker is serving the SQLite database '{path}'; one broker per SQLite file (use PostgreSQL to run several)"
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock '{path}'")),
    }
}

/// Runs the broker until Ctrl-C.
pub(crate) async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut auth = AuthConfig {
        public_read: args.public_read,
        public_badges: args.public_badges,
        ..AuthConfig::default()
    };
    if let Some(text) = &args.basic_auth {
        auth.read_write.push(basic(text, "--basic-auth")?);
    }
    if let Some(text) = &args.read_only_basic_auth {
        auth.read_only.push(basic(text, "--read-only-basic-auth")?);
    }
    if let Some(token) = &args.token {
        auth.read_write.push(token_credential(token, "--token")?);
    }
    if let Some(token) = &args.read_only_token {
        auth.read_only.push(token_credential(token, "--read-only-token")?);
    }
    if !auth.enabled() && !args.bind.ip().is_loopback() && !args.insecure_no_auth {
        anyhow::bail!(
            "refusing to serve without credentials on {}: set --basic-auth or --token, or pass --insecure-no-auth",
            args.bind
        );
    }
    let mut config = BrokerConfig::new(args.database_url.clone());
    config.bind = args.bind;
    config.base_url = args.base_url.clone();
    config.trust_forwarded_headers = args.trust_forwarded_headers;
    config.auth = auth;
    config.body_limit = args.body_limit;
    config.allow_overwrite = args.allow_overwrite;
    config.allow_similar_names = args.allow_similar_names;
    config.first_tag_as_branch = !args.no_tag_as_branch;
    config.webhooks = accord_broker::WebhookPolicy {
        schemes: args.webhook_schemes.clone(),
        methods: args.webhook_methods.clone(),
        hosts: args.webhook_hosts.clone(),
    };
    config.webhook_rate_limit =
        (args.webhook_rate_limit > 0).then(|| accord_broker::RateLimit::per_minute(args.webhook_rate_limit));
    let app = accord_broker::build(config)
        .await
        .with_context(|| format!("cannot open the database '{}'", args.database_url))?;
    let _only_broker = sqlite_serving_lock(&args.database_url)?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("http://{addr}");
    eprintln!(
        "accord-broker listening on http://{addr} (database {})",
        args.database_url
    );
    accord_broker::serve(listener, app, accord_broker::ConnectionLimits::default(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

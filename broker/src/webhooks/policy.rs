//! Where webhooks may go. A webhook is checked when it is created (scheme, method and, when
//! the operator lists hosts, its host) and again when it is delivered: the target's addresses
//! are resolved and a loopback, private, link-local or otherwise internal address is refused
//! unless the operator listed that host. The request then goes to exactly the addresses checked
//! and never follows a redirect, so neither DNS nor a redirect can turn a webhook against the
//! broker's own network.

use std::net::{IpAddr, SocketAddr};

use crate::config::WebhookPolicy;

/// A webhook URL the policy refuses, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(pub(crate) String);

/// A URL that passed the creation checks, with its host.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) url: reqwest::Url,
    pub(crate) host: String,
    pub(crate) listed: bool,
}

impl WebhookPolicy {
    /// Whether a webhook may have this URL (checked when it is created and before delivery).
    pub(crate) fn check_url(&self, url: &str) -> Result<Target, Refused> {
        let parsed = reqwest::Url::parse(url).map_err(|e| Refused(format!("'{url}' is not a URL: {e}")))?;
        let scheme = parsed.scheme();
        if !self.schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return Err(Refused(format!(
                "scheme '{scheme}' is not allowed for webhooks (allowed: {}; see --webhook-schemes)",
                self.schemes.join(", ")
            )));
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| Refused(format!("'{url}' has no host")))?
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let listed = self.hosts.iter().any(|pattern| host_matches(pattern, &host));
        if !self.hosts.is_empty() && !listed {
            return Err(Refused(format!(
                "host '{host}' is not on the webhook host list (see --webhook-hosts)"
            )));
        }
        if let Ok(ip) = host.parse::<IpAddr>()
            && !listed
            && internal(ip)
        {
            return Err(Refused(internal_message(&host, ip)));
        }
        Ok(Target {
            url: parsed,
            host,
            listed,
        })
    }

    /// Whether a webhook may use this HTTP method.
    pub(crate) fn check_method(&self, method: &str) -> Result<(), Refused> {
        if self.methods.iter().any(|m| m.eq_ignore_ascii_case(method)) {
            Ok(())
        } else {
            Err(Refused(format!(
                "method '{method}' is not allowed for webhooks (allowed: {}; see --webhook-methods)",
                self.methods.join(", ")
            )))
        }
    }

    /// The addresses a delivery may connect to: every address the host resolves to, each one
    /// public unless the host is listed.
    pub(crate) async fn resolve(&self, target: &Target) -> Result<Vec<SocketAddr>, Refused> {
        let port = target.url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((target.host.as_str(), port))
            .await
            .map_err(|e| Refused(format!("cannot resolve '{}': {e}", target.host)))?
            .collect();
        if addrs.is_empty() {
            return Err(Refused(format!("'{}' resolves to no address", target.host)));
        }
        if !target.listed
            && let Some(addr) = addrs.iter().find(|a| internal(a.ip()))
        {
            return Err(Refused(internal_message(&target.host, addr.ip())));
        }
        Ok(addrs)
    }
}

fn internal_message(host: &str, ip: IpAddr) -> String {
    format!(
        "'{host}' is an internal address ({ip}); webhooks reach loopback, private and link-local addresses only for hosts listed with --webhook-hosts"
    )
}

/// `pattern` is a host name or address, or `*.domain` for every subdomain of `domain`.
fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().trim_matches(['[', ']']).to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(domain) => host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}")),
        None => pattern == host,
    }
}

/// Loopback, private, link-local, shared, unspecified, multicast, broadcast or documentation
/// addresses: none of them is a public webhook receiver.
fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal(IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
                    || v6.segments()[0] == 0x2001 && v6.segments()[1] == 0xdb8
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(hosts: &[&str]) -> WebhookPolicy {
        WebhookPolicy {
            hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
            ..WebhookPolicy::default()
        }
    }

    #[test]
    fn the_defaults_take_https_post_to_any_public_host() {
        let p = policy(&[]);
        assert!(p.check_url("https://webhook").is_ok());
        assert!(p.check_url("https://ci.example.com/hook").is_ok());
        assert!(p.check_method("POST").is_ok());
        assert!(p.check_method("GET").is_err());
        assert!(p.check_url("http://ci.example.com/hook").is_err());
        assert!(p.check_url("ftp://ci.example.com/hook").is_err());
    }

    #[test]
    fn internal_addresses_need_a_listed_host() {
        let p = policy(&[]);
        for url in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[::ffff:192.168.0.1]/x",
            "https://0.0.0.0/x",
        ] {
            assert!(p.check_url(url).is_err(), "{url} must be refused");
        }
        assert!(policy(&["127.0.0.1"]).check_url("https://127.0.0.1/x").is_ok());
    }

    #[test]
    fn a_host_list_limits_hosts_and_takes_wildcards() {
        let p = policy(&["*.example.com", "ci.internal"]);
        assert!(p.check_url("https://build.example.com/x").is_ok());
        assert!(p.check_url("https://ci.internal/x").is_ok());
        assert!(p.check_url("https://example.com/x").is_err());
        assert!(p.check_url("https://evil.com/x").is_err());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_at_delivery() {
        let p = policy(&[]);
        let target = p
            .check_url("https://localhost/x")
            .expect("a name passes creation");
        assert!(p.resolve(&target).await.is_err());
        let listed = policy(&["localhost"]);
        let target = listed.check_url("https://localhost/x").expect("listed");
        assert!(listed.resolve(&target).await.is_ok());
    }
}

#[cfg(test)]
mod fuzz {
    use crate::config::WebhookPolicy;

    proptest::proptest! {
        // Webhook URLs are user input: checking one never panics, and only https passes the
        // default policy.
        #[test]
        fn checking_a_url_never_panics(url in "(https?|ftp)://[a-z0-9.\\[\\]:@%-]{0,40}(/[\\PC]{0,20})?|\\PC{0,60}") {
            if WebhookPolicy::default().check_url(&url).is_ok() {
                proptest::prop_assert!(url.starts_with("https://"));
            }
        }
    }
}

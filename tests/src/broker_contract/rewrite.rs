//! The reference's request rewriting before a contract request reaches the broker.
//!
//! A Pact V2 query is a map from key to values: the consumer's tests record
//! `q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=4.5.6` as
//! `q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][version]=1.2.3&q[][version]=4.5.6`, and a
//! verifier may send the keys in any order. A broker reads `q[]` as Rack does (a repeated key
//! starts the next selector), so the grouped form names other selectors than the client sent.
//! Like the reference's proxy, the harness puts each matrix query of the contract back in the
//! order the official client sends it, which it knows from the interaction's description.

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The matrix queries of the contract whose selectors a grouped query mixes up, each in the
/// order the official client sends it (decoded).
const MATRIX_QUERIES: &[&[(&str, &str)]] = &[
    &[
        ("q[][pacticipant]", "Foo Thing"),
        ("q[][version]", "1.2.3"),
        ("q[][pacticipant]", "Bar"),
        ("q[][version]", "4.5.6"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Foo"),
        ("q[][version]", "1.2.3"),
        ("q[][pacticipant]", "Bar"),
        ("q[][version]", "4.5.6"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Foo"),
        ("q[][version]", "1.2.3"),
        ("q[][pacticipant]", "Bar"),
        ("q[][latest]", "true"),
        ("q[][tag]", "prod"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Foo"),
        ("q[][version]", "1.2.4"),
        ("q[][pacticipant]", "Bar"),
        ("q[][latest]", "true"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Wiffle"),
        ("q[][version]", "1.2.3"),
        ("q[][pacticipant]", "Meep"),
        ("q[][version]", "9.9.9"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Foo"),
        ("q[][version]", "1.2.3"),
        ("q[][pacticipant]", "Bar"),
        ("q[][version]", "9.9.9"),
        ("latestby", "cvpv"),
    ],
    &[
        ("q[][pacticipant]", "Bar"),
        ("q[][version]", "4.5.6"),
        ("q[][pacticipant]", "Foo"),
        ("q[][tag]", "prod"),
        ("ignore[][pacticipant]", "Foo"),
        ("ignore[][version]", "3.4.5"),
        ("latestby", "cvpv"),
    ],
];

/// A path with every id the contract fixes replaced by the id the broker gave out.
pub(super) fn path(path: &str, ids: &[(String, String)]) -> String {
    ids.iter().fold(path.to_owned(), |path, (fixed, given)| {
        path.replace(fixed.as_str(), given)
    })
}

/// A query in the order the official client sends it when the contract's matrix queries
/// include it, else unchanged.
pub(super) fn query(path: &str, raw: &str) -> String {
    if path != "/matrix" {
        return raw.to_owned();
    }
    let received = grouped(decoded(raw));
    for sent in MATRIX_QUERIES {
        let sent: Vec<(String, String)> = sent
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if grouped(sent.clone()) == received {
            return encoded(&sent);
        }
    }
    raw.to_owned()
}

/// The pairs of a query string, decoded (`+` is a space).
fn decoded(raw: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The pairs as a Pact V2 query map sees them: by key, each key's values in their order.
fn grouped(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

fn encoded(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grouped_matrix_query_goes_back_to_the_clients_order() {
        let grouped = "latestby=cvpv&q[][pacticipant]=Foo+Thing&q[][pacticipant]=Bar&q[][version]=1%2e2%2e3&q[][version]=4%2e5%2e6";
        let sent = query("/matrix", grouped);
        assert_eq!(
            decoded(&sent),
            vec![
                ("q[][pacticipant]".to_owned(), "Foo Thing".to_owned()),
                ("q[][version]".to_owned(), "1.2.3".to_owned()),
                ("q[][pacticipant]".to_owned(), "Bar".to_owned()),
                ("q[][version]".to_owned(), "4.5.6".to_owned()),
                ("latestby".to_owned(), "cvpv".to_owned()),
            ]
        );
        assert_eq!(query("/matrix", "q[][pacticipant]=Foo"), "q[][pacticipant]=Foo");
        assert_eq!(query("/pacticipants", grouped), grouped);
    }

    #[test]
    fn fixed_ids_become_given_ids() {
        let ids = vec![("fixed".to_owned(), "given".to_owned())];
        assert_eq!(path("/deployed-versions/fixed", &ids), "/deployed-versions/given");
    }
}

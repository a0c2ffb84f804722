//! The Rack query grammar, with the strings the CLIs send.

use super::parse_query;

#[test]
fn one_selector_per_pacticipant() {
    let q = parse_query(
        "q%5B%5D%5Bpacticipant%5D=Foo&q%5B%5D%5Bversion%5D=1.2&q[][pacticipant]=Bar&q[][latest]=true&latestby=cvpv&environment=production",
    );
    assert_eq!(q.selectors.len(), 2);
    assert_eq!(q.selectors[0].pacticipant.as_deref(), Some("Foo"));
    assert_eq!(q.selectors[0].version.as_deref(), Some("1.2"));
    assert_eq!(q.selectors[1].pacticipant.as_deref(), Some("Bar"));
    assert!(q.selectors[1].latest);
    assert_eq!(q.environment.as_deref(), Some("production"));
}

#[test]
fn a_repeated_key_starts_a_new_selector() {
    let q = parse_query("q[][pacticipant]=Foo&q[][tag]=a&q[][tag]=b");
    assert_eq!(q.selectors.len(), 2);
    assert_eq!(q.selectors[1].pacticipant, None);
    assert_eq!(q.selectors[1].tag.as_deref(), Some("b"));
}

#[test]
fn ignores_and_target_tag() {
    let q = parse_query("q[][pacticipant]=Foo&q[][version]=1&ignore[][pacticipant]=Bar&latest=true&tag=prod");
    assert_eq!(q.ignores[0].pacticipant.as_deref(), Some("Bar"));
    assert_eq!(q.tag.as_deref(), Some("prod"));
    assert!(q.latest);
}

proptest::proptest! {
    // The matrix query grammar reads text anyone can send: it never panics, and every selector
    // it returns comes from a pair of the query.
    #[test]
    fn the_query_parser_never_panics(raw in "[qignore\\[\\]a-z=&%0-9.+]{0,120}|\\PC{0,120}") {
        let query = parse_query(&raw);
        proptest::prop_assert!(query.selectors.len() <= raw.split('&').count());
    }
}

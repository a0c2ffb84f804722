//! Interactions indexed by method and path, so matching a request costs the same however many
//! interactions cannot match it.

use std::collections::HashMap;

use accord_core::HttpInteraction;
use accord_core::matching::{path_matches, path_regex};
use accord_core::rules::Category;

#[derive(Debug, Default)]
struct MethodBucket {
    /// Interactions whose path must be equal, by path.
    exact: HashMap<String, Vec<usize>>,
    /// Interactions whose path rule is one plain regex, recognised together in one pass.
    regex_paths: Option<(regex::RegexSet, Vec<usize>)>,
    /// Interactions with any other path rule, each tried for every path.
    patterned: Vec<usize>,
}

/// Candidate interactions for a request.
#[derive(Debug, Default)]
pub(crate) struct InteractionIndex {
    methods: HashMap<String, MethodBucket>,
}

impl InteractionIndex {
    pub(crate) fn new(interactions: &[HttpInteraction]) -> InteractionIndex {
        let mut index = InteractionIndex::default();
        let mut regexes: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        for (i, interaction) in interactions.iter().enumerate() {
            let method = interaction.request.method.to_ascii_uppercase();
            let plain_regex = path_regex(&interaction.request).filter(|r| r.is_plain());
            let bucket = index.methods.entry(method.clone()).or_default();
            if let Some(regex) = plain_regex {
                regexes.entry(method).or_default().push((i, regex.anchored()));
            } else if interaction
                .request
                .matching_rules
                .category(Category::Path)
                .is_some()
            {
                bucket.patterned.push(i);
            } else {
                bucket
                    .exact
                    .entry(interaction.request.path.clone())
                    .or_default()
                    .push(i);
            }
        }
        for (method, entries) in regexes {
            let bucket = index.methods.entry(method).or_default();
            match regex::RegexSet::new(entries.iter().map(|(_, pattern)| pattern)) {
                Ok(set) => bucket.regex_paths = Some((set, entries.into_iter().map(|(i, _)| i).collect())),
                // Too large for one automaton: each is tried on its own.
                Err(_) => {
                    bucket.patterned.extend(entries.into_iter().map(|(i, _)| i));
                    bucket.patterned.sort_unstable();
                }
            }
        }
        index
    }

    /// Interactions with this method whose path matches (equal, or satisfying the path rule),
    /// in pact order. `interactions` are the ones the index was built from.
    pub(crate) fn candidates(
        &self,
        interactions: &[HttpInteraction],
        method: &str,
        path: &str,
    ) -> Vec<usize> {
        let Some(bucket) = self.methods.get(&method.to_ascii_uppercase()) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = bucket.exact.get(path).cloned().unwrap_or_default();
        if let Some((set, ids)) = &bucket.regex_paths {
            out.extend(set.matches(path).iter().map(|k| ids[k]));
        }
        out.extend(
            bucket
                .patterned
                .iter()
                .copied()
                .filter(|&i| path_matches(&interactions[i].request, path)),
        );
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pact() -> Vec<HttpInteraction> {
        let interaction = |path: &str, regex: Option<&str>| {
            let mut value = serde_json::json!({"description": path, "request": {"method": "GET", "path": path},
                "response": {"status": 200}});
            if let Some(regex) = regex {
                value["request"]["matchingRules"] =
                    serde_json::json!({"path": {"matchers": [{"match": "regex", "regex": regex}]}});
            }
            value
        };
        let doc = serde_json::json!({"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [
                interaction("/items/1", Some("/items/\\d+")),
                interaction("/items/1", None),
                interaction("/users/ann", Some("/users/(?!admin)[a-z]+")),
                interaction("/orders/7", Some("/orders/\\d+")),
                interaction("/items/2", Some("/items/[0-9]+")),
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}});
        accord_core::format::parse_pact(&doc.to_string(), "test")
            .expect("valid pact")
            .http_interactions()
            .cloned()
            .collect()
    }

    #[test]
    fn candidates_are_the_interactions_whose_path_matches_in_pact_order() {
        let interactions = pact();
        let index = InteractionIndex::new(&interactions);
        assert_eq!(index.candidates(&interactions, "GET", "/items/1"), [0, 1, 4]);
        assert_eq!(index.candidates(&interactions, "get", "/items/99"), [0, 4]);
        assert_eq!(
            index.candidates(&interactions, "GET", "/orders/x"),
            Vec::<usize>::new()
        );
        assert_eq!(
            index.candidates(&interactions, "GET", "/users/bob"),
            [2],
            "lookaround regexes are tried one by one"
        );
        assert_eq!(
            index.candidates(&interactions, "GET", "/users/admin"),
            Vec::<usize>::new()
        );
        assert_eq!(
            index.candidates(&interactions, "POST", "/items/1"),
            Vec::<usize>::new()
        );
    }
}

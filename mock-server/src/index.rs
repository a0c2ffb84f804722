//! Interactions indexed by method and path, so matching a request costs the same however many
//! interactions cannot match it.

use std::collections::HashMap;

use accord_core::HttpInteraction;
use accord_core::rules::Category;

#[derive(Debug, Default)]
struct MethodBucket {
    /// Interactions whose path must be equal, by path.
    exact: HashMap<String, Vec<usize>>,
    /// Interactions whose path has a matching rule, tried for every path.
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
        for (i, interaction) in interactions.iter().enumerate() {
            let bucket = index
                .methods
                .entry(interaction.request.method.to_ascii_uppercase())
                .or_default();
            if interaction
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
        index
    }

    /// Interactions with this method whose path may match, in pact order.
    pub(crate) fn candidates(&self, method: &str, path: &str) -> Vec<usize> {
        let Some(bucket) = self.methods.get(&method.to_ascii_uppercase()) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = bucket.exact.get(path).cloned().unwrap_or_default();
        out.extend(bucket.patterned.iter().copied());
        if !bucket.patterned.is_empty() {
            out.sort_unstable();
        }
        out
    }
}

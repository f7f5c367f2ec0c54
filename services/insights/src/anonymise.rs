//! The k-anonymity rule every published table goes through.
//!
//! A row is a category and the members (people, or entities) counted in it. A category with
//! fewer than `k` members is merged into one `other` row; when `other` itself would count
//! fewer than `k`, the smallest published categories join it until it reaches `k`, so no
//! small group can be recovered by subtracting the published rows from the total. A
//! population smaller than `k` publishes nothing. Filters act on the rows this returns, never
//! on the raw members, so no combination of filters can slice below `k`.

use std::collections::{BTreeMap, BTreeSet};

/// The smallest count a published cell may have.
pub const K: usize = crocevia_domain::fairness::K_ANONYMITY;
/// The key of the merged row.
pub const OTHER: &str = "other";

/// One published row: its key and the members it counts (indices into the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: String,
    pub members: Vec<usize>,
}

/// The rows of one table and the size of its population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    pub total: usize,
    pub rows: Vec<Group>,
}

/// Groups `members` (each with the set of keys it counts under; several for multi-valued
/// dimensions such as languages) into rows of at least `k`. `None` when the population is
/// smaller than `k`.
pub fn group(members: &[Vec<String>], k: usize) -> Option<Grouping> {
    let total = members.len();
    if total < k.max(1) {
        return None;
    }
    let mut by_key: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (i, keys) in members.iter().enumerate() {
        for key in keys {
            by_key.entry(key.as_str()).or_default().insert(i);
        }
    }
    let mut published: Vec<(&str, BTreeSet<usize>)> = Vec::new();
    let mut merged: BTreeSet<usize> = BTreeSet::new();
    for (key, set) in by_key {
        if set.len() >= k {
            published.push((key, set));
        } else {
            merged.extend(set);
        }
    }
    // Largest first; the smallest is then the one to give up to `other`.
    published.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    while !merged.is_empty() && merged.len() < k {
        let Some((_, set)) = published.pop() else { break };
        merged.extend(set);
    }
    let mut rows: Vec<Group> = published
        .into_iter()
        .map(|(key, set)| Group { key: key.to_owned(), members: set.into_iter().collect() })
        .collect();
    if merged.len() >= k {
        rows.push(Group { key: OTHER.to_owned(), members: merged.into_iter().collect() });
    }
    Some(Grouping { total, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn single(keys: &[&str]) -> Vec<Vec<String>> {
        keys.iter().map(|k| vec![(*k).to_owned()]).collect()
    }

    #[test]
    fn small_categories_merge_into_other() {
        let mut keys = vec!["torino"; 7];
        keys.extend(["rivoli", "rivoli", "chieri", "bra", "ivrea"]);
        let g = group(&single(&keys), 5).unwrap();
        let rows: Vec<(&str, usize)> = g.rows.iter().map(|r| (r.key.as_str(), r.members.len())).collect();
        assert_eq!(rows, vec![("torino", 7), ("other", 5)]);
        assert_eq!(g.total, 12);
    }

    #[test]
    fn an_other_row_below_k_takes_the_smallest_category_with_it() {
        // "bra" alone would be 1 = total - 6 - 5: recoverable by subtraction.
        let mut keys = vec!["torino"; 6];
        keys.extend(["rivoli"; 5]);
        keys.push("bra");
        let g = group(&single(&keys), 5).unwrap();
        let rows: Vec<(&str, usize)> = g.rows.iter().map(|r| (r.key.as_str(), r.members.len())).collect();
        assert_eq!(rows, vec![("torino", 6), ("other", 6)]);
    }

    #[test]
    fn a_population_below_k_publishes_nothing() {
        assert_eq!(group(&single(&["torino"; 4]), 5), None);
        assert!(group(&single(&["torino"; 5]), 5).is_some());
    }

    #[test]
    fn other_counts_people_not_mentions() {
        // One talent speaking three rare languages is one person in `other`.
        let mut members: Vec<Vec<String>> = (0..6).map(|_| vec!["it".to_owned()]).collect();
        members.push(vec!["is".into(), "fo".into(), "kl".into()]);
        let g = group(&members, 5).unwrap();
        let rows: Vec<(&str, usize)> = g.rows.iter().map(|r| (r.key.as_str(), r.members.len())).collect();
        // `other` would hold one person: it cannot be published, so `it` joins it.
        assert_eq!(rows, vec![("other", 7)]);
    }

    proptest! {
        #[test]
        fn every_row_holds_k_and_single_valued_rows_add_up(keys in proptest::collection::vec(0u8..12, 0..80), k in 1usize..8) {
            let members: Vec<Vec<String>> = keys.iter().map(|k| vec![format!("c{k}")]).collect();
            match group(&members, k) {
                None => prop_assert!(members.len() < k),
                Some(g) => {
                    prop_assert!(g.rows.iter().all(|r| r.members.len() >= k));
                    let sum: usize = g.rows.iter().map(|r| r.members.len()).sum();
                    prop_assert_eq!(sum, g.total);
                }
            }
        }

        #[test]
        fn multi_valued_rows_hold_k(sets in proptest::collection::vec(proptest::collection::btree_set(0u8..10, 1..4), 0..60)) {
            let members: Vec<Vec<String>> = sets.iter().map(|s| s.iter().map(|k| format!("c{k}")).collect()).collect();
            if let Some(g) = group(&members, 5) {
                prop_assert!(g.rows.iter().all(|r| r.members.len() >= 5));
                // Everyone is counted somewhere.
                let seen: BTreeSet<usize> = g.rows.iter().flat_map(|r| r.members.iter().copied()).collect();
                prop_assert_eq!(seen.len(), g.total);
            }
        }
    }
}

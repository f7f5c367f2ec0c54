//! Search over the members of the search group. Each member indexes the bus partitions it
//! holds, so a query goes to every member and their answers are merged here: hits in the
//! plan's order, totals and facet counts added up, the page cut from the merged list.
//!
//! Relevance scores come from each member's own term statistics, as in any sharded engine
//! that scores per shard; with partitions spread by entity id the statistics of the members
//! are close, and the order of hits from one member is exact.

use crate::query::{FacetCount, FacetCounts, Hit, MAX_DEPTH, MAX_LIMIT, Plan, SearchResults, Sort, encode_cursor};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How many hits each member must return for the page `plan` asks for.
pub fn depth(plan: &Plan) -> usize {
    plan.offset + plan.limit
}

/// The per-request limit for fetching `depth` hits from one member in pages.
pub fn page_limit(depth: usize) -> usize {
    depth.clamp(1, MAX_LIMIT)
}

fn by_plan(sort: Sort) -> impl Fn(&Hit, &Hit) -> Ordering {
    // Absent values last, as the searcher orders them.
    fn some_first<T: PartialOrd>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    move |a: &Hit, b: &Hit| {
        let primary = match sort {
            Sort::Relevance => Ordering::Equal,
            Sort::Distance => some_first(a.distance_km, b.distance_km),
            Sort::Deadline => some_first(a.deadline, b.deadline),
            Sort::Newest => match (a.posted, b.posted) {
                (Some(x), Some(y)) => y.cmp(&x),
                (x, y) => some_first(x, y),
            },
        };
        primary.then_with(|| b.score.total_cmp(&a.score)).then_with(|| a.id.cmp(&b.id))
    }
}

/// Merges the members' answers (each holding its first [`depth`] hits) into the page `plan`
/// asks for.
pub fn merge(plan: &Plan, answers: Vec<SearchResults>) -> SearchResults {
    let total: u64 = answers.iter().map(|a| a.total).sum();
    let mut hits: Vec<Hit> = Vec::new();
    // name -> value -> count, keeping the facets in the order the plan named them.
    let mut facets: Vec<(String, BTreeMap<String, u64>)> = Vec::new();
    for answer in answers {
        hits.extend(answer.hits);
        for facet in answer.facets {
            let at = match facets.iter().position(|(name, _)| *name == facet.name) {
                Some(at) => at,
                None => {
                    facets.push((facet.name.clone(), BTreeMap::new()));
                    facets.len() - 1
                }
            };
            if let Some((_, counts)) = facets.get_mut(at) {
                for value in facet.values {
                    *counts.entry(value.value).or_default() += value.count;
                }
            }
        }
    }
    hits.sort_by(by_plan(plan.sort));
    let hits: Vec<Hit> = hits.into_iter().skip(plan.offset).take(plan.limit).collect();
    let facets = facets
        .into_iter()
        .map(|(name, counts)| {
            let mut values: Vec<FacetCount> =
                counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
            // Deadline buckets keep their order (soonest first); named facets go by count.
            if name != "deadline" {
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            }
            FacetCounts { name, values }
        })
        .collect();
    let end = plan.offset + plan.limit;
    let next_cursor = (end < total as usize && plan.offset + 2 * plan.limit <= MAX_DEPTH).then(|| encode_cursor(end));
    SearchResults { total, hits, facets, next_cursor }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::query::{DocKind, SearchRequest};

    fn hit(n: u128, score: f32, deadline: Option<&str>) -> Hit {
        Hit {
            id: uuid::Uuid::from_u128(n),
            kind: DocKind::Offer,
            title: format!("hit {n}"),
            snippet: String::new(),
            score,
            distance_km: None,
            deadline: deadline.map(|d| d.parse().unwrap()),
            posted: None,
            skills: vec![],
        }
    }

    fn answer(total: u64, hits: Vec<Hit>, sectors: &[(&str, u64)]) -> SearchResults {
        let values = sectors.iter().map(|(v, c)| FacetCount { value: (*v).into(), count: *c }).collect();
        SearchResults { total, hits, facets: vec![FacetCounts { name: "sector".into(), values }], next_cursor: None }
    }

    fn plan(cursor: Option<String>, limit: usize, sort: Sort) -> Plan {
        SearchRequest { cursor, limit, sort, ..Default::default() }.plan().unwrap()
    }

    #[test]
    fn hits_interleave_by_score_and_counts_add_up() {
        let a = answer(3, vec![hit(1, 9.0, None), hit(2, 5.0, None), hit(3, 1.0, None)], &[("ict", 2), ("energy", 1)]);
        let b = answer(2, vec![hit(4, 7.0, None), hit(5, 6.0, None)], &[("ict", 1), ("health", 1)]);
        let merged = merge(&plan(None, 3, Sort::Relevance), vec![a.clone(), b.clone()]);
        let ids: Vec<u128> = merged.hits.iter().map(|h| h.id.as_u128()).collect();
        assert_eq!(ids, [1, 4, 5]);
        assert_eq!(merged.total, 5);
        let sector: Vec<(String, u64)> = merged.facets[0].values.iter().map(|v| (v.value.clone(), v.count)).collect();
        assert_eq!(sector, [("ict".into(), 3), ("energy".into(), 1), ("health".into(), 1)]);
        // The next page continues the merged order.
        let next = merge(&plan(merged.next_cursor.clone(), 3, Sort::Relevance), vec![a, b]);
        assert_eq!(next.hits.iter().map(|h| h.id.as_u128()).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(next.next_cursor, None);
    }

    #[test]
    fn deadline_order_puts_entities_without_one_last() {
        let a = answer(2, vec![hit(1, 1.0, Some("2027-03-01")), hit(2, 9.0, None)], &[]);
        let b = answer(1, vec![hit(3, 1.0, Some("2027-01-15"))], &[]);
        let merged = merge(&plan(None, 10, Sort::Deadline), vec![a, b]);
        assert_eq!(merged.hits.iter().map(|h| h.id.as_u128()).collect::<Vec<_>>(), [3, 1, 2]);
    }

    #[test]
    fn each_member_is_asked_deep_enough_for_the_page() {
        let p = plan(Some(encode_cursor(40)), 20, Sort::Relevance);
        assert_eq!((depth(&p), page_limit(depth(&p))), (60, 60));
        assert_eq!(page_limit(500), MAX_LIMIT);
    }
}

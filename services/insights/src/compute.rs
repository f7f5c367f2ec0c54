//! From the stored facts to the published datasets: every table goes through the k rule.

use crate::anonymise::{self, Grouping, K, OTHER};
use crate::catalogue::{DATASETS, Population, Spec};
use crate::facts::Fact;
use crate::labels::{self, Dimension};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// A fit score at or above this is a good match (the score is 0..1).
pub const GOOD_MATCH: f64 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub label: [String; 2],
    pub count: usize,
    pub share: Option<f64>,
    pub value: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub spec: &'static Spec,
    /// `None` when the population is smaller than k (then there are no rows).
    pub total: Option<usize>,
    pub headline: Option<f64>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub generation: i64,
    /// How far the figures reach: the time of the newest change they include (or when they
    /// caught up, if there was none). Each dataset's `modified` and `Last-Modified`.
    pub refreshed_at: DateTime<Utc>,
    /// When the platform first saw the oldest entity counted: where the temporal coverage
    /// starts.
    pub since: Option<DateTime<Utc>>,
    pub datasets: Vec<Dataset>,
}

impl Snapshot {
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.spec.id == id)
    }
}

/// A stored fact with what time-to-match needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: Uuid,
    pub first_seen: DateTime<Utc>,
    pub fact: Fact,
}

/// One member of a population: the keys it counts under and the figure its row's value is
/// made of (hours to match, or whether an application was accepted).
struct Member {
    keys: Vec<String>,
    measure: Option<f64>,
}

pub fn compute(
    facts: &[Stored],
    first_matches: &HashMap<Uuid, DateTime<Utc>>,
    generation: i64,
    refreshed_at: DateTime<Utc>,
) -> Snapshot {
    let programmes: HashMap<Uuid, (&str, &[String])> = facts
        .iter()
        .filter_map(|s| match &s.fact {
            Fact::Programme { model, sectors } => Some((s.id, (model.as_str(), sectors.as_slice()))),
            _ => None,
        })
        .collect();
    let datasets = DATASETS
        .iter()
        .map(|spec| match spec.population {
            // Two populations per row: their own k rule (see `skills`).
            Population::Skills => crate::skills::dataset(spec, facts),
            _ => dataset(spec, &members(spec, facts, first_matches, &programmes)),
        })
        .collect();
    let since = facts.iter().map(|s| s.first_seen).min();
    Snapshot { generation, refreshed_at, since, datasets }
}

fn members(
    spec: &Spec,
    facts: &[Stored],
    first_matches: &HashMap<Uuid, DateTime<Utc>>,
    programmes: &HashMap<Uuid, (&str, &[String])>,
) -> Vec<Member> {
    let d = spec.dimension;
    let mut out = Vec::new();
    for stored in facts {
        let member = match (spec.population, &stored.fact) {
            (Population::Offers, Fact::Offer { sectors, offer_kind, comune, month, .. }) => {
                let keys = match d {
                    Dimension::Sector => sectors.clone(),
                    Dimension::Kind => vec![offer_kind.clone()],
                    Dimension::Comune => vec![comune.clone()],
                    _ => vec![month.clone()],
                };
                Member { keys, measure: None }
            }
            (Population::MatchedOffers, Fact::Offer { sectors, .. }) => {
                let Some(at) = first_matches.get(&stored.id) else { continue };
                let hours = (*at - stored.first_seen).num_seconds().max(0) as f64 / 3600.0;
                Member { keys: sectors.clone(), measure: Some(hours) }
            }
            (Population::Talents, Fact::Talent { sectors, country, languages, comune, .. }) => {
                let keys = match d {
                    Dimension::Sector => sectors.clone(),
                    Dimension::Country => vec![country.clone()],
                    Dimension::Language => languages.clone(),
                    _ => vec![comune.clone()],
                };
                Member { keys, measure: None }
            }
            (Population::Startups, Fact::Startup { sectors, stage, comune }) => {
                let keys = match d {
                    Dimension::Sector => sectors.clone(),
                    Dimension::Stage => vec![stage.clone()],
                    _ => vec![comune.clone()],
                };
                Member { keys, measure: None }
            }
            (Population::Programmes, Fact::Programme { model, sectors }) => {
                let keys = if d == Dimension::Model { vec![model.clone()] } else { sectors.clone() };
                Member { keys, measure: None }
            }
            (Population::Graduates, Fact::Talent { graduates, .. }) => {
                // A talent with two degrees answered two check-ins: each counts.
                for g in graduates {
                    let key = if d == Dimension::Institution { g.institution.clone() } else { g.field.clone() };
                    out.push(Member { keys: vec![key], measure: Some(if g.stayed { 1.0 } else { 0.0 }) });
                }
                continue;
            }
            (Population::Hires, Fact::Hire { sectors, origin, .. }) => {
                let keys = if d == Dimension::Country { vec![origin.clone()] } else { sectors.clone() };
                Member { keys, measure: None }
            }
            (Population::Applications, Fact::Application { programme, stage }) => {
                // An application to a programme that is gone has nothing to count under.
                let Some((model, sectors)) = programmes.get(programme) else { continue };
                let keys = if d == Dimension::Model { vec![(*model).to_owned()] } else { sectors.to_vec() };
                let measure = match stage.as_str() {
                    "accepted" => Some(1.0),
                    "rejected" => Some(0.0),
                    _ => None,
                };
                Member { keys, measure }
            }
            _ => continue,
        };
        out.push(member);
    }
    out
}

fn dataset(spec: &'static Spec, members: &[Member]) -> Dataset {
    let keys: Vec<Vec<String>> = members.iter().map(|m| m.keys.clone()).collect();
    let Some(Grouping { total, rows }) = anonymise::group(&keys, K) else {
        return Dataset { spec, total: None, headline: None, rows: Vec::new() };
    };
    let all: Vec<usize> = (0..members.len()).collect();
    let mut out: Vec<Row> = rows
        .into_iter()
        .map(|g| Row {
            label: labels::label(spec.dimension, &g.key),
            count: g.members.len(),
            share: Some(g.members.len() as f64 / total as f64),
            value: value(spec, members, &g.members),
            key: g.key,
        })
        .collect();
    if spec.dimension == Dimension::Month {
        // A trend reads in time order; merged months last.
        out.sort_by(|a, b| (a.key == OTHER).cmp(&(b.key == OTHER)).then(a.key.cmp(&b.key)));
    }
    let headline = match spec.population {
        Population::Talents | Population::Hires if spec.dimension == Dimension::Country => international_share(members),
        _ => value(spec, members, &all),
    };
    Dataset { spec, total: Some(total), headline, rows: out }
}

/// The value of a row made of `indices`: a median of at least k measures, or a rate over at
/// least k accepted and k rejected; nothing for a smaller group, whose figure would describe too few.
fn value(spec: &Spec, members: &[Member], indices: &[usize]) -> Option<f64> {
    let mut measures: Vec<f64> = indices.iter().filter_map(|&i| members.get(i)?.measure).collect();
    if spec.value.is_none() || measures.len() < K {
        return None;
    }
    match spec.population {
        Population::MatchedOffers => {
            measures.sort_by(f64::total_cmp);
            let mid = measures.len() / 2;
            let median = if measures.len().is_multiple_of(2) {
                (measures[mid - 1] + measures[mid]) / 2.0
            } else {
                measures[mid]
            };
            Some((median * 10.0).round() / 10.0)
        }
        Population::Applications | Population::Graduates => {
            // The rate and the row's count give away both the accepted and the rejected
            // count (who stayed and who left), so each must be at least k.
            let accepted = measures.iter().filter(|m| **m > 0.5).count();
            let rejected = measures.len() - accepted;
            (accepted >= K && rejected >= K).then(|| accepted as f64 / measures.len() as f64)
        }
        _ => None,
    }
}

/// The share of talents from abroad, published only when both sides count at least k (a
/// share and the total would otherwise give away a small count).
fn international_share(members: &[Member]) -> Option<f64> {
    let international = members.iter().filter(|m| m.keys.iter().all(|k| k != "IT")).count();
    let italian = members.len() - international;
    (international >= K && italian >= K).then(|| international as f64 / members.len() as f64)
}

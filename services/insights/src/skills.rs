//! Skills demand against supply: open offers that require a skill (demand, the row's `count`)
//! against talents who have it (supply, the row's `value`), overall, and per sector and per
//! comune for every skill the overall table publishes.
//!
//! A row describes two populations at once, so the k rule ([`pairs`]) holds on both: a row is
//! published only when its demand and its supply both count at least k; the others merge
//! into `other`, and when `other` would count fewer than k on either side the smallest rows
//! join it, as [`crate::anonymise::group`] does for one population, so no small group is
//! recovered by subtracting published rows. A per-sector or per-comune table splits one
//! published skill's offers and talents with the same rule: its rows and its `other` add up
//! to the skill's overall row, and every one of them holds k on both sides.

use crate::anonymise::{K, OTHER};
use crate::catalogue::Spec;
use crate::compute::{Dataset, Row, Stored};
use crate::facts::Fact;
use crate::labels::{self, Dimension};
use crocevia_domain::{SkillId, SkillTaxonomy};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// Separates the sector or comune from the skill in the keys of the split tables:
/// `ict/python`, `torino/sql`, `other/python`.
pub const SEPARATOR: char = '/';

/// The skills' labels: the reference taxonomy built into the binary.
static TAXONOMY: LazyLock<Option<SkillTaxonomy>> = LazyLock::new(|| crocevia_domain::taxonomy::reference().ok());

/// `[italian, english]` label of a skill; a concept the taxonomy does not hold reads as its id
/// in words, never as a raw id.
pub fn skill_label(key: &str) -> [String; 2] {
    if key == OTHER {
        return ["Altre competenze".to_owned(), "Other skills".to_owned()];
    }
    let concept = SkillId::new(key).ok().and_then(|id| TAXONOMY.as_ref()?.concept(&id).cloned());
    concept.map_or_else(
        || {
            let words = key.replace('-', " ");
            [words.clone(), words]
        },
        |c| [c.label_it, c.label_en],
    )
}

/// The label of a split table's key (`group/skill`), group first.
pub fn split_label(within: Dimension, key: &str) -> [String; 2] {
    let Some((group, skill)) = key.split_once(SEPARATOR) else { return skill_label(key) };
    let [group_it, group_en] = labels::label(within, group);
    let [skill_it, skill_en] = skill_label(skill);
    [format!("{group_it} – {skill_it}"), format!("{group_en} – {skill_en}")]
}

/// One published row of a paired table: its key and the members of each side it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRow {
    pub key: String,
    pub demand: Vec<usize>,
    pub supply: Vec<usize>,
}

/// Groups two populations (each member with the keys it counts under) into rows that hold at
/// least `k` members on both sides, with `other` for the rest (see the module's docs). `None`
/// when either population is smaller than `k`.
pub fn pairs(demand: &[Vec<String>], supply: &[Vec<String>], k: usize) -> Option<Vec<PairRow>> {
    let k = k.max(1);
    if demand.len() < k || supply.len() < k {
        return None;
    }
    let index = |members: &[Vec<String>]| {
        let mut by_key: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (i, keys) in members.iter().enumerate() {
            for key in keys {
                by_key.entry(key.clone()).or_default().insert(i);
            }
        }
        by_key
    };
    let (mut by_demand, mut by_supply) = (index(demand), index(supply));
    let keys: BTreeSet<String> = by_demand.keys().chain(by_supply.keys()).cloned().collect();
    let mut published: Vec<(String, BTreeSet<usize>, BTreeSet<usize>)> = Vec::new();
    let (mut merged_demand, mut merged_supply) = (BTreeSet::new(), BTreeSet::new());
    for key in keys {
        let d = by_demand.remove(&key).unwrap_or_default();
        let s = by_supply.remove(&key).unwrap_or_default();
        if d.len() >= k && s.len() >= k {
            published.push((key, d, s));
        } else {
            merged_demand.extend(d);
            merged_supply.extend(s);
        }
    }
    // Largest first (by its smaller side); the smallest is then the one to give up to `other`.
    let size = |row: &(String, BTreeSet<usize>, BTreeSet<usize>)| row.1.len().min(row.2.len());
    published.sort_by(|a, b| size(b).cmp(&size(a)).then(a.0.cmp(&b.0)));
    while (!merged_demand.is_empty() || !merged_supply.is_empty())
        && (merged_demand.len() < k || merged_supply.len() < k)
    {
        let Some((_, d, s)) = published.pop() else { break };
        merged_demand.extend(d);
        merged_supply.extend(s);
    }
    let mut rows: Vec<PairRow> = published
        .into_iter()
        .map(|(key, d, s)| PairRow { key, demand: d.into_iter().collect(), supply: s.into_iter().collect() })
        .collect();
    if merged_demand.len() >= k && merged_supply.len() >= k {
        rows.push(PairRow {
            key: OTHER.to_owned(),
            demand: merged_demand.into_iter().collect(),
            supply: merged_supply.into_iter().collect(),
        });
    }
    Some(rows)
}

/// An open offer's required skills with the sector or comune keys it counts under.
struct Side<'a> {
    skills: &'a [String],
    sectors: &'a [String],
    comune: &'a str,
}

fn sides(facts: &[Stored]) -> (Vec<Side<'_>>, Vec<Side<'_>>) {
    let (mut offers, mut talents) = (Vec::new(), Vec::new());
    for stored in facts {
        match &stored.fact {
            Fact::Offer { sectors, comune, demands, .. } if !demands.is_empty() => {
                offers.push(Side { skills: demands, sectors, comune });
            }
            Fact::Talent { sectors, comune, skills, .. } if !skills.is_empty() => {
                talents.push(Side { skills, sectors, comune });
            }
            _ => {}
        }
    }
    (offers, talents)
}

fn row(key: String, label: [String; 2], pair: &PairRow, total: usize) -> Row {
    Row {
        key,
        label,
        count: pair.demand.len(),
        share: Some(pair.demand.len() as f64 / total as f64),
        value: Some(pair.supply.len() as f64),
    }
}

/// A dataset of skills demand against supply: `spec.dimension` says whether overall
/// ([`Dimension::Skill`]) or split by sector or comune.
pub fn dataset(spec: &'static Spec, facts: &[Stored]) -> Dataset {
    let (offers, talents) = sides(facts);
    let keys = |side: &[Side]| -> Vec<Vec<String>> { side.iter().map(|s| s.skills.to_vec()).collect() };
    let Some(overall) = pairs(&keys(&offers), &keys(&talents), K) else {
        return Dataset { spec, total: None, headline: None, rows: Vec::new() };
    };
    let total = offers.len();
    let headline = Some(talents.len() as f64);
    let rows = match spec.dimension {
        Dimension::SkillBySector | Dimension::SkillByComune => {
            let (within, group): (Dimension, fn(&Side) -> Vec<String>) = if spec.dimension == Dimension::SkillBySector {
                (Dimension::Sector, |s| s.sectors.to_vec())
            } else {
                (Dimension::Comune, |s| vec![s.comune.to_owned()])
            };
            let mut rows = Vec::new();
            for skill in overall.iter().filter(|r| r.key != OTHER) {
                let split = |side: &[Side]| -> Vec<Vec<String>> {
                    side.iter().filter(|s| s.skills.contains(&skill.key)).map(group).collect()
                };
                for pair in pairs(&split(&offers), &split(&talents), K).unwrap_or_default() {
                    let key = format!("{}{SEPARATOR}{}", pair.key, skill.key);
                    rows.push(row(key.clone(), split_label(within, &key), &pair, total));
                }
            }
            rows
        }
        _ => overall.iter().map(|pair| row(pair.key.clone(), skill_label(&pair.key), pair, total)).collect(),
    };
    Dataset { spec, total: Some(total), headline, rows }
}

#[cfg(test)]
mod tests;

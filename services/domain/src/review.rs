//! How a programme's applications are reviewed: its panel, its optional blind first round,
//! and the calibration of the panel's scores (reviewers are strict or lenient; a z-score
//! within the programme puts them on one scale).

use crate::ids::UserId;
use crate::validation::{Validate, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most reviewers on one panel.
pub const MAX_REVIEWERS: usize = 50;

/// A programme's review panel. Every reviewer is a member of the programme's organisation;
/// each reviews every application to the programme except those of startups they declared a
/// conflict with (or those the organisation assigned to others by name).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSetup {
    #[serde(default)]
    pub reviewers: Vec<UserId>,
    /// In the first round reviewers see no name, founder, contact or link of the startups.
    #[serde(default)]
    pub blind_first_round: bool,
    /// The organisation ended the blind round: reviewers see the startups from now on.
    #[serde(default)]
    pub blind_round_ended: bool,
}

impl ReviewSetup {
    pub fn is_reviewer(&self, user: UserId) -> bool {
        self.reviewers.contains(&user)
    }

    /// Whether the programme's applicants are hidden from `user` now: a reviewer on its
    /// panel while the blind round lasts. Such a member acts for the programme only through
    /// the review door, which shows each application without who made it.
    pub fn is_blind_for(&self, user: UserId) -> bool {
        self.blind_first_round && !self.blind_round_ended && self.is_reviewer(user)
    }

    /// The round a review submitted now belongs to.
    pub fn round(&self) -> u8 {
        if self.blind_first_round && !self.blind_round_ended { 1 } else { 2 }
    }
}

impl Validate for ReviewSetup {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.check(self.reviewers.len() <= MAX_REVIEWERS, "reviewers", format!("has more than {MAX_REVIEWERS} reviewers"));
        v.unique("reviewers", &self.reviewers);
        v.check(
            !self.blind_round_ended || self.blind_first_round,
            "blind_round_ended",
            "only a programme with a blind first round ends it",
        );
        v.finish()
    }
}

/// One reviewer's total for one application, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewTotal<A, R> {
    pub application: A,
    pub reviewer: R,
    pub total: f64,
}

/// A reviewer's leniency: how far their mean lies above (lenient) or below (strict) the mean
/// of every review in the round, and the spread of their own scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Leniency<R> {
    pub reviewer: R,
    pub reviews: usize,
    pub mean: f64,
    pub sd: f64,
    /// `mean` minus the round's mean, in points of 100.
    pub offset: f64,
}

/// An application's raw and calibrated score.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibrated<A> {
    pub application: A,
    pub reviews: usize,
    /// The mean of its reviewers' totals.
    pub raw: f64,
    /// The mean of its reviewers' z-scores, put back on the round's scale:
    /// `round mean + round sd × mean z`.
    pub calibrated: f64,
}

/// The raw and calibrated scores of one round, and each reviewer's leniency.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration<A, R> {
    pub mean: f64,
    pub sd: f64,
    pub applications: Vec<Calibrated<A>>,
    pub reviewers: Vec<Leniency<R>>,
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Calibrates a round's reviews. Each review becomes a z-score within its reviewer's own
/// reviews, `z = (total − reviewer's mean) / reviewer's sd`, so a strict and a lenient
/// reviewer who rank alike give alike. A reviewer with fewer than two reviews, or who gave
/// every application the same total, has no spread to divide by: their reviews count at the
/// round's scale, `z = (total − round mean) / round sd` (0 when the round has no spread
/// either). An application's calibrated score is `round mean + round sd × (mean of its z)`,
/// so it reads on the same 0-100 scale as the raw one. Results are ordered by calibrated
/// score, best first (raw score, then application, break ties).
pub fn calibrate<A: Ord + Clone, R: Ord + Clone>(reviews: &[ReviewTotal<A, R>]) -> Calibration<A, R> {
    let all: Vec<f64> = reviews.iter().map(|r| r.total).collect();
    let (mean, sd) = mean_sd(&all);
    let mut by_reviewer: BTreeMap<&R, Vec<f64>> = BTreeMap::new();
    for r in reviews {
        by_reviewer.entry(&r.reviewer).or_default().push(r.total);
    }
    let stats: BTreeMap<&R, (usize, f64, f64)> = by_reviewer
        .iter()
        .map(|(reviewer, totals)| {
            let (m, s) = mean_sd(totals);
            (*reviewer, (totals.len(), m, s))
        })
        .collect();
    let z = |r: &ReviewTotal<A, R>| {
        let (n, m, s) = stats.get(&r.reviewer).copied().unwrap_or((0, mean, sd));
        if n >= 2 && s > f64::EPSILON {
            (r.total - m) / s
        } else if sd > f64::EPSILON {
            (r.total - mean) / sd
        } else {
            0.0
        }
    };
    let mut per_application: BTreeMap<&A, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in reviews {
        let entry = per_application.entry(&r.application).or_default();
        entry.0.push(r.total);
        entry.1.push(z(r));
    }
    let mut applications: Vec<Calibrated<A>> = per_application
        .into_iter()
        .map(|(application, (raw, zs))| Calibrated {
            application: application.clone(),
            reviews: raw.len(),
            raw: raw.iter().sum::<f64>() / raw.len() as f64,
            calibrated: mean + sd * (zs.iter().sum::<f64>() / zs.len() as f64),
        })
        .collect();
    applications.sort_by(|a, b| {
        b.calibrated
            .total_cmp(&a.calibrated)
            .then(b.raw.total_cmp(&a.raw))
            .then_with(|| a.application.cmp(&b.application))
    });
    let reviewers = stats
        .into_iter()
        .map(|(reviewer, (reviews, m, s))| Leniency {
            reviewer: reviewer.clone(),
            reviews,
            mean: m,
            sd: s,
            offset: m - mean,
        })
        .collect();
    Calibration { mean, sd, applications, reviewers }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(application: u8, reviewer: char, total: f64) -> ReviewTotal<u8, char> {
        ReviewTotal { application, reviewer, total }
    }

    #[test]
    fn a_strict_and_a_lenient_reviewer_who_rank_alike_calibrate_alike() {
        // Reviewer s gives 20/30/40, reviewer l gives 70/80/90: the same order, 50 points apart.
        // Application 1 was reviewed by l only (90), application 4 by s only (40): raw, 1 wins
        // by far; calibrated, both are their reviewer's best and tie.
        let reviews = [
            review(1, 'l', 90.0),
            review(2, 'l', 80.0),
            review(2, 's', 30.0),
            review(3, 'l', 70.0),
            review(3, 's', 20.0),
            review(4, 's', 40.0),
        ];
        let c = calibrate(&reviews);
        let get = |a: u8| c.applications.iter().find(|x| x.application == a).unwrap().clone();
        assert_eq!(get(1).raw, 90.0);
        assert_eq!(get(4).raw, 40.0);
        assert!((get(1).calibrated - get(4).calibrated).abs() < 1e-9, "{c:?}");
        assert!(get(2).calibrated > get(3).calibrated);
        let lenient = c.reviewers.iter().find(|r| r.reviewer == 'l').unwrap();
        let strict = c.reviewers.iter().find(|r| r.reviewer == 's').unwrap();
        assert!((lenient.offset - 25.0).abs() < 1e-9, "{lenient:?}");
        assert!((strict.offset + 25.0).abs() < 1e-9, "{strict:?}");
    }

    #[test]
    fn a_reviewer_without_spread_counts_at_the_round_scale() {
        let c = calibrate(&[review(1, 'a', 50.0), review(2, 'b', 70.0), review(2, 'b', 70.0)]);
        assert_eq!(c.applications.len(), 2);
        assert!(c.applications.iter().all(|a| a.calibrated.is_finite()));
        assert_eq!(c.applications[0].application, 2);
        let same = calibrate(&[review(1, 'a', 50.0), review(2, 'a', 50.0)]);
        assert!(same.applications.iter().all(|a| (a.calibrated - 50.0).abs() < 1e-9), "{same:?}");
    }

    #[test]
    fn blindness_lasts_for_panel_members_until_the_round_ends() {
        let (r, other) = (UserId::from_uuid(uuid::Uuid::from_u128(1)), UserId::from_uuid(uuid::Uuid::from_u128(2)));
        let mut setup = ReviewSetup { reviewers: vec![r], blind_first_round: true, blind_round_ended: false };
        assert!(setup.is_blind_for(r));
        assert!(!setup.is_blind_for(other));
        assert_eq!(setup.round(), 1);
        setup.blind_round_ended = true;
        assert!(!setup.is_blind_for(r));
        assert_eq!(setup.round(), 2);
        let bad = ReviewSetup { reviewers: vec![r, r], blind_first_round: false, blind_round_ended: true };
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("reviewers") && e.contains("blind_round_ended"), "{e}");
    }
}

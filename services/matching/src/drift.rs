//! How far stored lists are from what a full recomputation gives: the measure the issue's
//! drift bound is stated in, reported by `crocevia rematch` and the bench.

use crate::engine::Ranked;

/// Stored lists against their recomputation, over every list a rematch recomputed.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Lists recomputed.
    pub lists: usize,
    /// Lists whose recomputation differs from what was stored (a place, an order or a score).
    pub changed: usize,
    /// Places in the recomputed lists.
    pub places: usize,
    /// Places of the recomputed lists whose counterpart the stored list did not hold.
    pub new_counterparts: usize,
    /// The largest difference between the stored and the recomputed score at one rank (a
    /// place missing on one side counts as a score of 0).
    pub max_score_diff: f64,
    /// The largest difference between the stored and the recomputed score of one pair held
    /// by both lists: the score drift alone, without changes of membership.
    pub max_pair_diff: f64,
}

impl Drift {
    /// Adds one list: what was stored and what the recomputation gives.
    pub fn compare(&mut self, stored: &[Ranked], recomputed: &[Ranked]) {
        self.lists += 1;
        self.places += recomputed.len();
        self.changed += usize::from(stored != recomputed);
        for rank in 0..stored.len().max(recomputed.len()) {
            let old = stored.get(rank).map_or(0.0, |p| p.score);
            let new = recomputed.get(rank).map_or(0.0, |p| p.score);
            self.max_score_diff = self.max_score_diff.max((old - new).abs());
        }
        for place in recomputed {
            match stored.iter().find(|p| p.counterpart == place.counterpart) {
                Some(held) => self.max_pair_diff = self.max_pair_diff.max((held.score - place.score).abs()),
                None => self.new_counterparts += 1,
            }
        }
    }

    /// The share of recomputed places whose counterpart is new, 0 to 1.
    pub fn new_share(&self) -> f64 {
        if self.places == 0 { 0.0 } else { self.new_counterparts as f64 / self.places as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn place(id: u128, score: f64) -> Ranked {
        Ranked { counterpart: Uuid::from_u128(id), score, mutual: score, class: 2, bm25: 0.0 }
    }

    #[test]
    fn measures_score_drift_and_new_counterparts_separately() {
        let stored = [place(1, 0.85), place(2, 0.60)];
        let mut drift = Drift::default();
        drift.compare(&stored, &[place(1, 0.833), place(3, 0.70), place(2, 0.58)]);
        drift.compare(&stored, &stored);
        assert_eq!((drift.lists, drift.changed, drift.places, drift.new_counterparts), (2, 1, 5, 1));
        assert!((drift.max_pair_diff - 0.02).abs() < 1e-9, "{drift:?}");
        assert!((drift.max_score_diff - 0.58).abs() < 1e-9, "rank 3 held nothing before: {drift:?}");
        assert!((drift.new_share() - 1.0 / 5.0).abs() < 1e-9);
    }
}

//! Explanations: every score is a list of factors with weight, value and a one-line reason
//! in Italian and in English.
//!
//! The scoring functions hand their factors to a [`Factors`] sink. Ranking hundreds of
//! candidates per change needs only the numbers ([`ScoreOnly`]); the reasons are written
//! ([`Explain`]) for the few pairs that make a list. Formatting the reasons of every scored
//! pair was most of a catching-up matching process's time. Both sinks add the same products
//! in the same order, so a score is byte-equal whichever computed it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub key: String,
    /// Share of the score this factor can give; the weights of a score add up to 1.
    pub weight: f64,
    /// How well this factor is met, from 0 to 1.
    pub value: f64,
    pub reason_it: String,
    pub reason_en: String,
}

impl Factor {
    pub fn new(key: &str, weight: f64, value: f64, reason_it: String, reason_en: String) -> Self {
        Self { key: key.to_owned(), weight, value: value.clamp(0.0, 1.0), reason_it, reason_en }
    }
}

/// A score and the factors it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub score: f64,
    pub factors: Vec<Factor>,
}

/// The score of weighted values: their sum in order, clamped to 0..1 and rounded so that equal
/// data gives byte-equal scores.
fn total(products: impl Iterator<Item = f64>) -> f64 {
    rounded(products.fold(0.0, |sum, p| sum + p))
}

fn rounded(sum: f64) -> f64 {
    (sum.clamp(0.0, 1.0) * 1e6).round() / 1e6
}

impl Explained {
    pub fn from_factors(factors: Vec<Factor>) -> Self {
        Self { score: total(factors.iter().map(|f| f.weight * f.value)), factors }
    }
}

/// Where a scoring function puts its factors; `reasons` gives the Italian and English reason
/// and is called only by sinks that keep them.
pub trait Factors {
    fn add(&mut self, key: &str, weight: f64, value: f64, reasons: impl FnOnce() -> (String, String));
}

/// The numbers only.
#[derive(Debug, Default)]
pub struct ScoreOnly {
    /// The running sum, in the order [`total`] adds.
    sum: f64,
}

impl ScoreOnly {
    pub fn score(&self) -> f64 {
        rounded(self.sum)
    }
}

impl Factors for ScoreOnly {
    fn add(&mut self, _key: &str, weight: f64, value: f64, _reasons: impl FnOnce() -> (String, String)) {
        self.sum += weight * value.clamp(0.0, 1.0);
    }
}

/// Every factor with its reasons.
#[derive(Debug, Default)]
pub struct Explain {
    factors: Vec<Factor>,
}

impl Explain {
    pub fn finish(self) -> Explained {
        Explained::from_factors(self.factors)
    }
}

impl Factors for Explain {
    fn add(&mut self, key: &str, weight: f64, value: f64, reasons: impl FnOnce() -> (String, String)) {
        let (it, en) = reasons();
        self.factors.push(Factor::new(key, weight, value, it, en));
    }
}

pub fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sinks_give_byte_equal_scores() {
        let values = [(0.4, 0.333_333_3), (0.15, 0.7), (0.15, 1.2), (0.1, -0.5), (0.2, 0.123_456_789)];
        let (mut numbers, mut explained) = (ScoreOnly::default(), Explain::default());
        let asked = std::cell::Cell::new(false);
        for (w, v) in values {
            numbers.add("k", w, v, || {
                asked.set(true);
                (String::new(), String::new())
            });
            explained.add("k", w, v, || ("it".into(), "en".into()));
        }
        assert!(!asked.get(), "a score-only sink never asks for reasons");
        let explained = explained.finish();
        assert_eq!(numbers.score().to_bits(), explained.score.to_bits());
        assert_eq!(explained.factors.len(), 5);
        assert_eq!(explained.factors[2].value, 1.0, "values are clamped");
    }
}

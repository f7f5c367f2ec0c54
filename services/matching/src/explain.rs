//! Explanations: every score is a list of factors with weight, value and a one-line reason
//! in Italian and in English.

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

impl Explained {
    pub fn from_factors(factors: Vec<Factor>) -> Self {
        let score = factors.iter().map(|f| f.weight * f.value).sum::<f64>().clamp(0.0, 1.0);
        // Rounded so that equal data gives byte-equal scores whatever the summation order.
        Self { score: (score * 1e6).round() / 1e6, factors }
    }
}

pub fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

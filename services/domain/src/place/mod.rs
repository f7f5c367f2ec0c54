//! The comuni of Torino's metropolitan conurbation and distances between them.

mod comuni;

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A comune of the metro area, with its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comune {
    pub id: &'static str,
    pub name: &'static str,
    /// ISTAT's six-digit code (province 001, then the comune), as open-data catalogues name
    /// places.
    pub istat: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
}

/// Every comune of the area, Torino first.
pub fn all() -> &'static [Comune] {
    &comuni::COMUNI
}

/// The id of a comune of the area, such as `torino` or `moncalieri`; only known ids exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ComuneId(String);

impl ComuneId {
    pub fn new(id: impl Into<String>) -> Result<Self, FieldError> {
        let id = id.into();
        if all().iter().any(|c| c.id == id) {
            Ok(Self(id))
        } else {
            Err(FieldError::new("comune", format!("{id:?} is not a comune of the Torino metropolitan area")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn comune(&self) -> Comune {
        // The constructor admits only ids of the table, so the fallback is never taken.
        all().iter().find(|c| c.id == self.0).copied().unwrap_or(comuni::COMUNI[0])
    }

    /// Great-circle distance between the centres of two comuni, in kilometres.
    pub fn distance_km(&self, other: &ComuneId) -> f64 {
        let (a, b) = (self.comune(), other.comune());
        haversine_km(a.lat, a.lon, b.lat, b.lon)
    }
}

impl TryFrom<String> for ComuneId {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<ComuneId> for String {
    fn from(c: ComuneId) -> String {
        c.0
    }
}

impl fmt::Display for ComuneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Haversine distance in kilometres.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_38_distinct_comuni_inside_the_area() {
        let comuni = all();
        assert_eq!(comuni.len(), 38);
        assert_eq!(comuni[0].id, "torino");
        for (i, c) in comuni.iter().enumerate() {
            assert!(comuni[..i].iter().all(|o| o.id != c.id), "{} twice", c.id);
            assert!((44.8..45.35).contains(&c.lat) && (7.3..8.0).contains(&c.lon), "{} outside", c.id);
            assert!(c.population > 0);
        }
    }

    #[test]
    fn distances_are_plausible() {
        let torino = ComuneId::new("torino").unwrap();
        let moncalieri = ComuneId::new("moncalieri").unwrap();
        let d = torino.distance_km(&moncalieri);
        assert!((3.0..15.0).contains(&d), "{d}");
        assert_eq!(torino.distance_km(&torino), 0.0);
        assert!(ComuneId::new("milano").is_err());
    }
}

//! Places: the comuni of Torino's metropolitan conurbation (with distances between them) and
//! any other place in the world as a city and its country.

mod comuni;
pub mod countries;
mod country_table;

pub use countries::{Country, CountryCode};

use crate::validation::{FieldError, Validator};
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

    /// The comune a person names, by its id ("settimo-torinese") or its name ("Settimo
    /// torinese"), whatever the case and accents.
    pub fn find(text: &str) -> Option<Self> {
        let key = countries::normalise(text);
        all().iter().find(|c| c.id == text.trim() || countries::normalise(c.name) == key).map(|c| Self(c.id.to_owned()))
    }

    /// The comune's name, "Settimo Torinese": what explanations and pages show, never the id.
    pub fn name(&self) -> &'static str {
        self.comune().name
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

/// Where a person lives or a startup has its seat: a comune of the metro area, which has a
/// distance to every offer and programme, or any other place as a city and its country, kept
/// as given so a talent abroad or a startup in Milano does not lose its location.
///
/// Stored as the comune id alone (as every place was stored before other places existed, so
/// older rows read unchanged) or as `{"city": "Lyon", "country": "FR"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlaceRepr", into = "PlaceRepr")]
pub enum Place {
    Metro(ComuneId),
    Elsewhere { city: String, country: CountryCode },
}

impl Place {
    /// A city in a country; a comune of the area named with its country, Italy, is that comune.
    pub fn elsewhere(city: &str, country: CountryCode) -> Self {
        match ComuneId::find(city) {
            Some(comune) if country.as_str() == "IT" => Self::Metro(comune),
            _ => Self::Elsewhere { city: city.trim().to_owned(), country },
        }
    }

    /// The comune, when the place is in the metropolitan area.
    pub fn comune(&self) -> Option<&ComuneId> {
        match self {
            Self::Metro(c) => Some(c),
            Self::Elsewhere { .. } => None,
        }
    }

    pub fn in_metro(&self) -> bool {
        matches!(self, Self::Metro(_))
    }

    /// The city's name: the comune's for a place in the area.
    pub fn city(&self) -> &str {
        match self {
            Self::Metro(c) => c.name(),
            Self::Elsewhere { city, .. } => city,
        }
    }

    pub fn country(&self) -> Country {
        match self {
            // Every comune of the table is in Italy.
            Self::Metro(_) => countries::by_code("IT").copied().unwrap_or(countries::countries()[0]),
            Self::Elsewhere { country, .. } => country.country(),
        }
    }

    /// `[italian, english]` words for the place: "Nichelino", or "Lyon (Francia)" and
    /// "Lyon (France)".
    pub fn labels(&self) -> [String; 2] {
        match self {
            Self::Metro(c) => [c.name().to_owned(), c.name().to_owned()],
            Self::Elsewhere { city, country } => {
                let country = country.country();
                [format!("{city} ({})", country.it), format!("{city} ({})", country.en)]
            }
        }
    }

    /// Checks the city of a place elsewhere, naming `field.city`.
    pub fn check(&self, v: &mut Validator, field: &str) {
        if let Self::Elsewhere { city, .. } = self {
            v.name(&format!("{field}.city"), city);
        }
    }
}

/// A place as stored and sent: a comune id, or a city with its country code.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum PlaceRepr {
    Comune(String),
    Elsewhere(ElsewhereRepr),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ElsewhereRepr {
    city: String,
    country: String,
}

impl TryFrom<PlaceRepr> for Place {
    type Error = FieldError;
    fn try_from(repr: PlaceRepr) -> Result<Self, FieldError> {
        match repr {
            PlaceRepr::Comune(id) => ComuneId::new(id).map(Self::Metro),
            PlaceRepr::Elsewhere(ElsewhereRepr { city, country }) => {
                Ok(Self::Elsewhere { city, country: CountryCode::new(&country)? })
            }
        }
    }
}

impl From<Place> for PlaceRepr {
    fn from(place: Place) -> Self {
        match place {
            Place::Metro(c) => Self::Comune(c.0),
            Place::Elsewhere { city, country } => Self::Elsewhere(ElsewhereRepr { city, country: country.to_string() }),
        }
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

    #[test]
    fn comuni_are_found_by_id_or_name_and_named_by_name() {
        let settimo = ComuneId::find("settimo torinese").unwrap();
        assert_eq!(settimo.as_str(), "settimo-torinese");
        assert_eq!(settimo.name(), "Settimo Torinese");
        assert_eq!(ComuneId::find("settimo-torinese"), Some(settimo));
        assert_eq!(ComuneId::find("Milano"), None);
    }

    #[test]
    fn places_store_a_comune_as_its_id_and_other_places_as_city_and_country() {
        // A row written before places were typed holds the comune id alone.
        let old: Place = serde_json::from_str("\"nichelino\"").unwrap();
        assert_eq!(old, Place::Metro(ComuneId::new("nichelino").unwrap()));
        assert_eq!(serde_json::to_string(&old).unwrap(), "\"nichelino\"");

        let lyon = Place::elsewhere("Lyon", CountryCode::resolve("Francia").unwrap());
        let json = serde_json::to_string(&lyon).unwrap();
        assert_eq!(json, r#"{"city":"Lyon","country":"FR"}"#);
        assert_eq!(serde_json::from_str::<Place>(&json).unwrap(), lyon);
        assert_eq!(lyon.labels(), ["Lyon (Francia)".to_owned(), "Lyon (France)".to_owned()]);
        assert!(!lyon.in_metro());

        for bad in ["\"milano\"", r#"{"city":"Atlantis","country":"ZZ"}"#, r#"{"city":"Lyon","country":"FR","x":1}"#] {
            assert!(serde_json::from_str::<Place>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_comune_named_with_italy_is_that_comune() {
        let italy = CountryCode::resolve("Italia").unwrap();
        assert_eq!(Place::elsewhere("Moncalieri", italy.clone()), Place::Metro(ComuneId::new("moncalieri").unwrap()));
        assert!(!Place::elsewhere("Milano", italy).in_metro());
        let abroad = Place::elsewhere("Torino", CountryCode::resolve("US").unwrap());
        assert_eq!(abroad.city(), "Torino");
        assert!(!abroad.in_metro());
    }
}

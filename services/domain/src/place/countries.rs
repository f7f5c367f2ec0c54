//! Countries (ISO 3166-1) with their names in Italian and English, and a resolver from what a
//! person types ("Germania", "india", "USA", "DE") to the country.

use super::country_table::COUNTRIES;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A country of ISO 3166-1: its alpha-2 code, its names, and the normalised names people type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub en: &'static str,
    pub it: &'static str,
    /// Formal, official and everyday names and the alpha-3 code, as [`normalise`] makes them.
    pub keys: &'static [&'static str],
}

impl Country {
    /// The name in `[italian, english]` order, as the rest of the domain's labels.
    pub fn labels(&self) -> [&'static str; 2] {
        [self.it, self.en]
    }

    /// Whether a citizen of this country lives and works in Italy without a permit: the 27
    /// member states of the EU, the other EEA states (Iceland, Liechtenstein, Norway) and
    /// Switzerland, by the free movement of persons (Directive 2004/38/EC, the EEA Agreement
    /// and the EU-Swiss agreement). Everyone else needs a permit, so the welcome path starts
    /// with one.
    pub fn free_movement(&self) -> bool {
        FREE_MOVEMENT.contains(&self.code)
    }
}

/// EU 27 (Italy included), then EEA (IS, LI, NO), then Switzerland, by ISO 3166-1 alpha-2.
const FREE_MOVEMENT: [&str; 31] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO", "CH",
];

/// Every country of ISO 3166-1, by code.
pub fn countries() -> &'static [Country] {
    &COUNTRIES
}

/// The country of an alpha-2 code (any case).
pub fn by_code(code: &str) -> Option<&'static Country> {
    let code = code.trim();
    COUNTRIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The country `text` names: an alpha-2 or alpha-3 code, or a name in Italian or English
/// (formal, official or everyday), whatever the case, accents and punctuation.
pub fn resolve(text: &str) -> Option<&'static Country> {
    if let Some(country) = by_code(text) {
        return Some(country);
    }
    let key = normalise(text);
    if key.is_empty() {
        return None;
    }
    COUNTRIES.iter().find(|c| c.keys.contains(&key.as_str()))
}

/// Lowercase, without accents, punctuation as single spaces: "Côte d'Ivoire" -> "cote d ivoire".
/// `gen_countries.py` writes the keys with the same rule.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut buf = [0; 4];
    for c in text.chars().flat_map(char::to_lowercase) {
        let piece = if c.is_ascii_alphanumeric() { c.encode_utf8(&mut buf) } else { fold(c) };
        if piece.is_empty() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(piece);
    }
    out
}

/// A lowercase Latin letter without its accent; "" for anything else (a separator).
fn fold(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'æ' => "ae",
        'œ' => "oe",
        _ => "",
    }
}

/// The alpha-2 code of a country of ISO 3166-1; only codes of the table exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct CountryCode(&'static str);

// By hand: a derived impl would borrow the `&'static str` from the input.
impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::new(&code).map_err(serde::de::Error::custom)
    }
}

impl CountryCode {
    /// The country a code or a name in Italian or English names; the error quotes the text.
    pub fn resolve(text: &str) -> Result<Self, FieldError> {
        resolve(text)
            .map(|c| Self(c.code))
            .ok_or_else(|| FieldError::new("country", format!("unknown country '{}'", text.trim())))
    }

    /// Only an alpha-2 code, as stored: names are for what people type, not for stored data.
    pub fn new(code: &str) -> Result<Self, FieldError> {
        by_code(code)
            .filter(|c| c.code == code)
            .map(|c| Self(c.code))
            .ok_or_else(|| FieldError::new("country", format!("{code:?} is not an ISO 3166-1 alpha-2 country code")))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub fn country(&self) -> Country {
        // The constructors admit only codes of the table, so the fallback is never taken.
        by_code(self.0).copied().unwrap_or(COUNTRIES[0])
    }
}

impl TryFrom<String> for CountryCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0.to_owned()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<&'static str> {
        resolve(text).map(|c| c.code)
    }

    #[test]
    fn names_in_either_language_codes_and_short_forms_resolve() {
        for (text, expected) in [
            ("India", "IN"),
            ("india", "IN"),
            ("IN", "IN"),
            ("in", "IN"),
            ("IND", "IN"),
            ("Germania", "DE"),
            ("Germany", "DE"),
            ("  germania ", "DE"),
            ("Stati Uniti", "US"),
            ("United States", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("UK", "GB"),
            ("Regno Unito", "GB"),
            ("Francia", "FR"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Costa d'Avorio", "CI"),
            ("Corea del Sud", "KR"),
            ("Türkiye", "TR"),
            ("Turchia", "TR"),
            ("Paesi Bassi", "NL"),
            ("Olanda", "NL"),
            ("Brasile", "BR"),
            ("Svizzera", "CH"),
            ("Åland Islands", "AX"),
        ] {
            assert_eq!(code(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn free_movement_is_the_eu_the_eea_and_switzerland() {
        let free: Vec<&str> = countries().iter().filter(|c| c.free_movement()).map(|c| c.code).collect();
        assert_eq!(free.len(), 31, "every code of the list is a country of the table: {free:?}");
        for code in ["IT", "DE", "FR", "NO", "IS", "LI", "CH", "HR", "IE"] {
            assert!(by_code(code).unwrap().free_movement(), "{code}");
        }
        for code in ["IN", "US", "GB", "BR", "UA", "TR", "CN", "NG", "AL"] {
            assert!(!by_code(code).unwrap().free_movement(), "{code}");
        }
    }

    #[test]
    fn unknown_names_and_blanks_are_not_countries() {
        for text in ["Atlantide", "", "   ", "XX", "Torino", "Europe"] {
            assert_eq!(code(text), None, "{text}");
        }
        let err = CountryCode::resolve("Atlantide").unwrap_err();
        assert_eq!(err.message, "unknown country 'Atlantide'");
    }

    #[test]
    fn every_country_resolves_by_its_own_names_and_code() {
        assert_eq!(countries().len(), 249);
        for c in countries() {
            assert_eq!(code(c.en), Some(c.code), "{}", c.en);
            assert_eq!(code(c.it), Some(c.code), "{}", c.it);
            assert_eq!(code(c.code), Some(c.code));
            assert!(c.keys.iter().all(|k| normalise(k) == *k), "{}: keys are normalised", c.code);
        }
        // No key names two countries: resolving never depends on the table's order.
        let mut keys: Vec<&str> = countries().iter().flat_map(|c| c.keys.iter().copied()).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn stored_codes_are_strict_and_round_trip() {
        assert_eq!(CountryCode::new("FR").unwrap().country().it, "Francia");
        assert!(CountryCode::new("fr").is_err());
        assert!(CountryCode::new("Francia").is_err());
        let json = serde_json::to_string(&CountryCode::new("IN").unwrap()).unwrap();
        assert_eq!(json, "\"IN\"");
        assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap().as_str(), "IN");
        assert!(serde_json::from_str::<CountryCode>("\"ZZ\"").is_err());
    }

    #[test]
    fn normalising_folds_case_accents_and_punctuation() {
        assert_eq!(normalise("  São   Tomé-and Príncipe! "), "sao tome and principe");
        assert_eq!(normalise("Côte d’Ivoire"), "cote d ivoire");
    }
}

//! Languages (ISO 639-1) and CEFR levels.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 639-1 language code in lower case, such as `it` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn new(code: impl Into<String>) -> Result<Self, FieldError> {
        let code = code.into();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code))
        } else {
            Err(FieldError::new("language", format!("{code:?} is not a two-letter ISO 639-1 code such as \"it\"")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<LanguageCode> for String {
    fn from(c: LanguageCode) -> String {
        c.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Common European Framework of Reference level; `Native` ranks above C2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "CefrLevel"))]
pub enum Cefr {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
    #[serde(rename = "native")]
    Native,
}

impl Cefr {
    pub const ALL: [Cefr; 7] = [Cefr::A1, Cefr::A2, Cefr::B1, Cefr::B2, Cefr::C1, Cefr::C2, Cefr::Native];

    pub fn as_str(self) -> &'static str {
        match self {
            Cefr::A1 => "A1",
            Cefr::A2 => "A2",
            Cefr::B1 => "B1",
            Cefr::B2 => "B2",
            Cefr::C1 => "C1",
            Cefr::C2 => "C2",
            Cefr::Native => "native",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

/// A language at a level: what a talent speaks, or what an offer requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LanguageSkill {
    pub language: LanguageCode,
    pub level: Cefr,
}

impl LanguageSkill {
    /// Whether this level satisfies `required` for the same language.
    pub fn satisfies(&self, required: &LanguageSkill) -> bool {
        self.language == required.language && self.level >= required.level
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_parse() {
        assert!(Cefr::Native > Cefr::C2 && Cefr::B2 > Cefr::B1);
        assert_eq!(Cefr::parse("b2"), Some(Cefr::B2));
        assert_eq!(Cefr::parse("Z9"), None);
        assert_eq!(serde_json::to_string(&Cefr::Native).unwrap(), "\"native\"");
    }

    #[test]
    fn language_codes_are_checked() {
        assert!(LanguageCode::new("it").is_ok());
        assert!(LanguageCode::new("ITA").is_err());
        let it_c1 = LanguageSkill { language: LanguageCode::new("it").unwrap(), level: Cefr::C1 };
        let it_b2 = LanguageSkill { language: LanguageCode::new("it").unwrap(), level: Cefr::B2 };
        assert!(it_c1.satisfies(&it_b2) && !it_b2.satisfies(&it_c1));
    }
}

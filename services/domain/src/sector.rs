//! The economic sectors of Torino's strategic plan.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Sector {
    Automotive,
    Ict,
    Aerospace,
    Biomedical,
    FoodAndWine,
    Finance,
    Cleantech,
    CreativeIndustries,
    SocialInnovation,
    Manufacturing,
    Logistics,
    Tourism,
    Design,
    Education,
    Research,
    PublicSector,
}

impl Sector {
    pub const ALL: [Sector; 16] = [
        Sector::Automotive,
        Sector::Ict,
        Sector::Aerospace,
        Sector::Biomedical,
        Sector::FoodAndWine,
        Sector::Finance,
        Sector::Cleantech,
        Sector::CreativeIndustries,
        Sector::SocialInnovation,
        Sector::Manufacturing,
        Sector::Logistics,
        Sector::Tourism,
        Sector::Design,
        Sector::Education,
        Sector::Research,
        Sector::PublicSector,
    ];

    /// Stable key used in events, indexes and URLs.
    pub fn key(self) -> &'static str {
        self.labels().0
    }

    pub fn label_it(self) -> &'static str {
        self.labels().1
    }

    pub fn label_en(self) -> &'static str {
        self.labels().2
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Sector::Automotive => ("automotive", "Automotive e mobilità", "Automotive and mobility"),
            Sector::Ict => ("ict", "ICT e digitale", "ICT and digital"),
            Sector::Aerospace => ("aerospace", "Aerospazio", "Aerospace"),
            Sector::Biomedical => ("biomedical", "Biomedicale e scienze della vita", "Biomedical and life sciences"),
            Sector::FoodAndWine => ("food_and_wine", "Agroalimentare ed enogastronomia", "Food and wine"),
            Sector::Finance => ("finance", "Finanza e fintech", "Finance and fintech"),
            Sector::Cleantech => ("cleantech", "Cleantech ed energia", "Cleantech and energy"),
            Sector::CreativeIndustries => {
                ("creative_industries", "Industrie creative e culturali", "Creative and cultural industries")
            }
            Sector::SocialInnovation => ("social_innovation", "Innovazione sociale", "Social innovation"),
            Sector::Manufacturing => ("manufacturing", "Manifattura avanzata", "Advanced manufacturing"),
            Sector::Logistics => ("logistics", "Logistica", "Logistics"),
            Sector::Tourism => ("tourism", "Turismo", "Tourism"),
            Sector::Design => ("design", "Design", "Design"),
            Sector::Education => ("education", "Istruzione e formazione", "Education and training"),
            Sector::Research => ("research", "Ricerca", "Research"),
            Sector::PublicSector => ("public_sector", "Pubblica amministrazione", "Public sector"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_serde_and_round_trip() {
        for s in Sector::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.key()));
            assert_eq!(Sector::from_key(s.key()), Some(s));
            assert!(!s.label_it().is_empty() && !s.label_en().is_empty());
        }
    }
}

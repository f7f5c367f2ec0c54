//! Italian and English labels of the keys the open data publishes.

use crate::anonymise::OTHER;
use crate::facts::{NOT_STATED, OUTSIDE_METRO};
use crocevia_domain::{ComuneId, OfferKind, ProgrammeModel, Sector, StartupStage};

/// What a dataset's keys are, and so how they are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Sector,
    Kind,
    Comune,
    Month,
    Country,
    Language,
    Stage,
    Model,
    /// Where a graduate studied (`crocevia_domain::Institution`).
    Institution,
    /// An ISCED-F 2013 broad field (`crocevia_domain::StudyField`).
    StudyField,
    /// A skill of the taxonomy (skills demand and supply).
    Skill,
    /// `sector/skill`.
    SkillBySector,
    /// `comune/skill`.
    SkillByComune,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Sector => "sector",
            Dimension::Kind => "kind",
            Dimension::Comune => "comune",
            Dimension::Month => "month",
            Dimension::Country => "country",
            Dimension::Language => "language",
            Dimension::Stage => "stage",
            Dimension::Model => "model",
            Dimension::Institution => "institution",
            Dimension::StudyField => "field_of_study",
            Dimension::Skill => "skill",
            Dimension::SkillBySector => "sector_skill",
            Dimension::SkillByComune => "comune_skill",
        }
    }
}

fn from_serde<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(key.to_owned())).ok()
}

/// `[italian, english]` label of `key` in `dimension`; unknown keys are their own label.
pub fn label(dimension: Dimension, key: &str) -> [String; 2] {
    match dimension {
        Dimension::Skill => return crate::skills::skill_label(key),
        Dimension::SkillBySector => return crate::skills::split_label(Dimension::Sector, key),
        Dimension::SkillByComune => return crate::skills::split_label(Dimension::Comune, key),
        _ => {}
    }
    let fixed = match key {
        OTHER => Some(["Altro", "Other"]),
        NOT_STATED => Some(["Non indicato", "Not stated"]),
        OUTSIDE_METRO => Some(["Fuori dall'area metropolitana", "Outside the metropolitan area"]),
        _ => None,
    };
    if let Some([it, en]) = fixed {
        return [it.to_owned(), en.to_owned()];
    }
    let pair: Option<[&str; 2]> = match dimension {
        Dimension::Sector => Sector::from_key(key).map(|s| [s.label_it(), s.label_en()]),
        Dimension::Kind => from_serde::<OfferKind>(key).map(OfferKind::labels),
        Dimension::Stage => from_serde::<StartupStage>(key).map(StartupStage::labels),
        Dimension::Model => from_serde::<ProgrammeModel>(key).map(ProgrammeModel::labels),
        Dimension::Comune => {
            return ComuneId::new(key).map_or_else(
                |_| [key.to_owned(), key.to_owned()],
                |c| {
                    let name = c.comune().name;
                    [name.to_owned(), name.to_owned()]
                },
            );
        }
        Dimension::Month => return month(key),
        Dimension::Country => COUNTRIES.iter().find(|(code, ..)| *code == key).map(|(_, it, en)| [*it, *en]),
        Dimension::Language => LANGUAGES.iter().find(|(code, ..)| *code == key).map(|(_, it, en)| [*it, *en]),
        Dimension::Institution => crocevia_domain::Institution::from_key(key).map(|i| i.labels()),
        Dimension::StudyField => crocevia_domain::StudyField::from_key(key).map(|f| f.labels()),
        Dimension::Skill | Dimension::SkillBySector | Dimension::SkillByComune => None,
    };
    pair.map_or_else(|| [key.to_owned(), key.to_owned()], |[it, en]| [it.to_owned(), en.to_owned()])
}

fn month(key: &str) -> [String; 2] {
    const IT: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parsed = key.split_once('-').and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?)));
    match parsed {
        Some((year, m @ 1..=12)) => [format!("{} {year}", IT[m - 1]), format!("{} {year}", EN[m - 1])],
        _ => [key.to_owned(), key.to_owned()],
    }
}

/// Countries of origin seen among Torino's talents; others show their ISO code.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("IT", "Italia", "Italy"),
    ("AL", "Albania", "Albania"),
    ("BR", "Brasile", "Brazil"),
    ("CN", "Cina", "China"),
    ("CO", "Colombia", "Colombia"),
    ("DE", "Germania", "Germany"),
    ("EG", "Egitto", "Egypt"),
    ("ES", "Spagna", "Spain"),
    ("FR", "Francia", "France"),
    ("GB", "Regno Unito", "United Kingdom"),
    ("GR", "Grecia", "Greece"),
    ("IN", "India", "India"),
    ("IR", "Iran", "Iran"),
    ("MA", "Marocco", "Morocco"),
    ("MX", "Messico", "Mexico"),
    ("NG", "Nigeria", "Nigeria"),
    ("PE", "Perù", "Peru"),
    ("PK", "Pakistan", "Pakistan"),
    ("PL", "Polonia", "Poland"),
    ("PT", "Portogallo", "Portugal"),
    ("RO", "Romania", "Romania"),
    ("RU", "Russia", "Russia"),
    ("TN", "Tunisia", "Tunisia"),
    ("TR", "Turchia", "Türkiye"),
    ("UA", "Ucraina", "Ukraine"),
    ("US", "Stati Uniti", "United States"),
    ("VN", "Vietnam", "Vietnam"),
];

const LANGUAGES: &[(&str, &str, &str)] = &[
    ("it", "Italiano", "Italian"),
    ("en", "Inglese", "English"),
    ("fr", "Francese", "French"),
    ("de", "Tedesco", "German"),
    ("es", "Spagnolo", "Spanish"),
    ("pt", "Portoghese", "Portuguese"),
    ("ro", "Rumeno", "Romanian"),
    ("sq", "Albanese", "Albanian"),
    ("ar", "Arabo", "Arabic"),
    ("zh", "Cinese", "Chinese"),
    ("hi", "Hindi", "Hindi"),
    ("ur", "Urdu", "Urdu"),
    ("fa", "Persiano", "Persian"),
    ("ru", "Russo", "Russian"),
    ("uk", "Ucraino", "Ukrainian"),
    ("tr", "Turco", "Turkish"),
    ("pl", "Polacco", "Polish"),
    ("el", "Greco", "Greek"),
    ("ja", "Giapponese", "Japanese"),
    ("ko", "Coreano", "Korean"),
    ("vi", "Vietnamita", "Vietnamese"),
    ("ml", "Malayalam", "Malayalam"),
    ("ha", "Hausa", "Hausa"),
    ("ig", "Igbo", "Igbo"),
    ("yo", "Yoruba", "Yoruba"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_get_both_languages() {
        assert_eq!(
            label(Dimension::Sector, "ict"),
            [Sector::Ict.label_it().to_owned(), Sector::Ict.label_en().to_owned()]
        );
        assert_eq!(label(Dimension::Month, "2026-10"), ["ott 2026".to_owned(), "Oct 2026".to_owned()]);
        assert_eq!(label(Dimension::Comune, "settimo-torinese")[0], "Settimo Torinese");
        assert_eq!(label(Dimension::Country, "BR"), ["Brasile".to_owned(), "Brazil".to_owned()]);
        assert_eq!(label(Dimension::Model, "venture_building")[1], "Venture building");
        assert_eq!(label(Dimension::Country, OTHER), ["Altro".to_owned(), "Other".to_owned()]);
        assert_eq!(label(Dimension::Country, "XK"), ["XK".to_owned(), "XK".to_owned()]);
    }
}

//! Startups and SMEs applying to AcceleraTO programmes.

use crate::ids::{StartupId, UserId};
use crate::place::Place;
use crate::sector::Sector;
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum StartupStage {
    Idea,
    PreSeed,
    Seed,
    SeriesA,
    Growth,
}

impl StartupStage {
    pub fn key(self) -> &'static str {
        match self {
            Self::Idea => "idea",
            Self::PreSeed => "pre_seed",
            Self::Seed => "seed",
            Self::SeriesA => "series_a",
            Self::Growth => "growth",
        }
    }

    /// `[italian, english]` name, for published data and the web app.
    pub fn labels(self) -> [&'static str; 2] {
        match self {
            Self::Idea => ["Idea", "Idea"],
            Self::PreSeed => ["Pre-seed", "Pre-seed"],
            Self::Seed => ["Seed", "Seed"],
            Self::SeriesA => ["Serie A", "Series A"],
            Self::Growth => ["Crescita", "Growth"],
        }
    }
}

/// Legal form; `InnovativeStartup` is an S.r.l. registered as "startup innovativa"
/// (D.L. 179/2012), which some programmes require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum LegalForm {
    NotIncorporated,
    Srl,
    InnovativeStartup,
    Spa,
    Cooperative,
    Other,
}

impl LegalForm {
    /// `[italian, english]` name, for explanations and published data.
    pub fn labels(self) -> [&'static str; 2] {
        match self {
            Self::NotIncorporated => ["Non ancora costituita", "Not incorporated yet"],
            Self::Srl => ["S.r.l.", "S.r.l. (limited company)"],
            Self::InnovativeStartup => ["Startup innovativa", "Innovative startup"],
            Self::Spa => ["S.p.A.", "S.p.A. (joint-stock company)"],
            Self::Cooperative => ["Cooperativa", "Cooperative"],
            Self::Other => ["Altra", "Other"],
        }
    }
}

/// What some programmes ask of the founding team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundersProfile {
    #[serde(default)]
    pub female_led: bool,
    /// Most founders under 35.
    #[serde(default)]
    pub under_35: bool,
    #[serde(default)]
    pub university_spinoff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Startup {
    pub id: StartupId,
    #[serde(default)]
    pub user_id: Option<UserId>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    pub stage: StartupStage,
    pub legal_form: LegalForm,
    /// Date of incorporation; `None` while not incorporated.
    #[serde(default)]
    pub founded_on: Option<NaiveDate>,
    /// Registered seat: a comune of the metro area or a city elsewhere (Milano, Munich...).
    /// `None` when not given (older profiles kept seats outside the area that way too).
    #[serde(default)]
    pub seat: Option<Place>,
    #[serde(default)]
    pub willing_to_relocate: bool,
    pub team_size: u16,
    #[serde(default)]
    pub funding_raised_eur: u64,
    #[serde(default)]
    pub founders: FoundersProfile,
    /// Private contact address.
    pub contact_email: String,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub demo: bool,
}

impl Startup {
    /// The seat's comune, when the seat is in the metropolitan area.
    pub fn seat_comune(&self) -> Option<&crate::place::ComuneId> {
        self.seat.as_ref().and_then(Place::comune)
    }
}

impl Validate for Startup {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.name("name", &self.name);
        v.text("description", &self.description, MAX_TEXT_CHARS, false);
        v.list_len("sectors", &self.sectors);
        v.unique("sectors", &self.sectors);
        v.check((1..=10_000).contains(&self.team_size), "team_size", "must be between 1 and 10000");
        v.email("contact_email", &self.contact_email);
        let incorporated = self.legal_form != LegalForm::NotIncorporated;
        v.check(
            incorporated == self.founded_on.is_some(),
            "founded_on",
            if incorporated {
                "is required once the company is incorporated"
            } else {
                "must be empty while not incorporated"
            },
        );
        if let Some(url) = &self.website {
            v.name("website", url);
        }
        if let Some(seat) = &self.seat {
            seat.check(&mut v, "seat");
        }
        v.finish()
    }
}

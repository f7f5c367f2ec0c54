//! AcceleraTO accelerator programmes and their eligibility rules.

use crate::ids::{OrganisationId, ProgrammeId};
use crate::language::LanguageCode;
use crate::offer::Status;
use crate::place::ComuneId;
use crate::sector::Sector;
use crate::startup::{LegalForm, StartupStage};
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeModel {
    Incubation,
    Acceleration,
    VentureBuilding,
    CorporateAcceleration,
    OpenInnovationChallenge,
    Bootcamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammePhase {
    PreIncubation,
    Incubation,
    Acceleration,
    ScaleUp,
}

/// One rule a startup must meet to be admitted. Evaluated by the matching service; here
/// only checked for internal consistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum EligibilityRule {
    StageIn {
        stages: Vec<StartupStage>,
    },
    SectorIn {
        sectors: Vec<Sector>,
    },
    /// Incorporated at most this many months before the application deadline.
    MaxAgeMonths {
        months: u32,
    },
    MinAgeMonths {
        months: u32,
    },
    /// Seat in the metro area; `allow_relocation` admits startups willing to move.
    SeatInMetroArea {
        allow_relocation: bool,
    },
    TeamSize {
        min: Option<u16>,
        max: Option<u16>,
    },
    FundingRaised {
        min_eur: Option<u64>,
        max_eur: Option<u64>,
    },
    /// `incorporation_by_deadline` admits a not-yet-incorporated team that incorporates in time.
    LegalFormIn {
        forms: Vec<LegalForm>,
        incorporation_by_deadline: bool,
    },
    Founders {
        female_led: Option<bool>,
        under_35: Option<bool>,
        university_spinoff: Option<bool>,
    },
}

impl EligibilityRule {
    pub fn key(&self) -> &'static str {
        match self {
            Self::StageIn { .. } => "stage_in",
            Self::SectorIn { .. } => "sector_in",
            Self::MaxAgeMonths { .. } => "max_age_months",
            Self::MinAgeMonths { .. } => "min_age_months",
            Self::SeatInMetroArea { .. } => "seat_in_metro_area",
            Self::TeamSize { .. } => "team_size",
            Self::FundingRaised { .. } => "funding_raised",
            Self::LegalFormIn { .. } => "legal_form_in",
            Self::Founders { .. } => "founders",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub id: ProgrammeId,
    pub organisation_id: OrganisationId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub model: ProgrammeModel,
    pub phases: Vec<ProgrammePhase>,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    #[serde(default)]
    pub eligibility: Vec<EligibilityRule>,
    pub comune: ComuneId,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    pub application_deadline: NaiveDate,
    pub capacity: u32,
    pub languages: Vec<LanguageCode>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub demo: bool,
}

fn check_range<T: PartialOrd>(v: &mut Validator, field: &str, min: Option<T>, max: Option<T>) {
    if let (Some(min), Some(max)) = (min, max) {
        v.check(min <= max, field, "min must not exceed max");
    }
}

impl Validate for Programme {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.name("title", &self.title);
        v.text("description", &self.description, MAX_TEXT_CHARS, false);
        v.check(!self.phases.is_empty(), "phases", "must name at least one phase");
        v.unique("phases", &self.phases);
        v.list_len("sectors", &self.sectors);
        v.unique("sectors", &self.sectors);
        v.check(self.cohort_end > self.cohort_start, "cohort_end", "must be after cohort_start");
        v.check(
            self.application_deadline <= self.cohort_start,
            "application_deadline",
            "must not be after cohort_start",
        );
        v.check((1..=10_000).contains(&self.capacity), "capacity", "must be between 1 and 10000");
        v.check(!self.languages.is_empty(), "languages", "must name at least one language");
        v.unique("languages", &self.languages);
        v.list_len("eligibility", &self.eligibility);
        let (mut min_age, mut max_age) = (None, None);
        for (i, rule) in self.eligibility.iter().enumerate() {
            let field = format!("eligibility[{i}]");
            v.check(
                !self.eligibility[..i].iter().any(|r| r.key() == rule.key()),
                &field,
                format!("rule {} is given twice", rule.key()),
            );
            match rule {
                EligibilityRule::StageIn { stages } => {
                    v.check(!stages.is_empty(), format!("{field}.stages"), "must not be empty")
                }
                EligibilityRule::SectorIn { sectors } => {
                    v.check(!sectors.is_empty(), format!("{field}.sectors"), "must not be empty")
                }
                EligibilityRule::LegalFormIn { forms, .. } => {
                    v.check(!forms.is_empty(), format!("{field}.forms"), "must not be empty")
                }
                EligibilityRule::TeamSize { min, max } => check_range(&mut v, &field, *min, *max),
                EligibilityRule::FundingRaised { min_eur, max_eur } => check_range(&mut v, &field, *min_eur, *max_eur),
                EligibilityRule::MaxAgeMonths { months } => max_age = Some((i, *months)),
                EligibilityRule::MinAgeMonths { months } => min_age = Some((i, *months)),
                EligibilityRule::SeatInMetroArea { .. } | EligibilityRule::Founders { .. } => {}
            }
        }
        if let (Some((_, min)), Some((i, max))) = (min_age, max_age) {
            v.check(
                min <= max,
                format!("eligibility[{i}].months"),
                "max_age_months is below min_age_months: no startup can qualify",
            );
        }
        v.finish()
    }
}

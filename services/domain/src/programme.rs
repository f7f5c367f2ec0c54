//! AcceleraTO accelerator programmes and their eligibility rules.

use crate::form::Question;
use crate::ids::{OrganisationId, ProgrammeId};
use crate::language::LanguageCode;
use crate::offer::{NotOpen, Status};
use crate::place::ComuneId;
use crate::review::ReviewSetup;
use crate::sector::Sector;
use crate::startup::{LegalForm, StartupStage};
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ProgrammeModel {
    Incubation,
    Acceleration,
    VentureBuilding,
    CorporateAcceleration,
    OpenInnovationChallenge,
    Bootcamp,
}

impl ProgrammeModel {
    /// `[italian, english]` name, for published data and the web app.
    pub fn labels(self) -> [&'static str; 2] {
        match self {
            Self::Incubation => ["Incubazione", "Incubation"],
            Self::Acceleration => ["Accelerazione", "Acceleration"],
            Self::VentureBuilding => ["Venture building", "Venture building"],
            Self::CorporateAcceleration => ["Accelerazione corporate", "Corporate acceleration"],
            Self::OpenInnovationChallenge => ["Sfida di open innovation", "Open innovation challenge"],
            Self::Bootcamp => ["Bootcamp", "Bootcamp"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
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
    /// Where the programme runs: a comune of the metro area, not a [`crate::Place`], since
    /// AcceleraTO's programmes are the area's.
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
    /// Its review panel and blind round (set by the organisation, never by the programme's
    /// own form).
    #[serde(default)]
    pub review: ReviewSetup,
    /// The programme's own application form.
    #[serde(default)]
    pub form: Vec<Question>,
}

fn check_range<T: PartialOrd>(v: &mut Validator, field: &str, min: Option<T>, max: Option<T>) {
    if let (Some(min), Some(max)) = (min, max) {
        v.check(min <= max, field, "min must not exceed max");
    }
}

impl Programme {
    /// `None` when it takes applications on `day` (its application deadline included).
    pub fn not_open_on(&self, day: NaiveDate) -> Option<NotOpen> {
        NotOpen::of(self.status, Some(self.application_deadline), day)
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
        // A minimum company age needs an incorporated company; a rule admitting only teams
        // that are not incorporated (and may not incorporate) leaves no one who can qualify.
        if let Some((min_i, months)) = min_age
            && months > 0
        {
            for (i, rule) in self.eligibility.iter().enumerate() {
                if let EligibilityRule::LegalFormIn { forms, incorporation_by_deadline: false } = rule
                    && forms.iter().all(|f| *f == LegalForm::NotIncorporated)
                {
                    v.check(false, format!("eligibility[{i}]"), format!("admits only teams that are not incorporated, but eligibility[{min_i}] asks for a company at least {months} months old"));
                }
            }
        }
        if let (Some((_, min)), Some((i, max))) = (min_age, max_age) {
            v.check(
                min <= max,
                format!("eligibility[{i}].months"),
                "max_age_months is below min_age_months: no startup can qualify",
            );
        }
        v.nested("review", self.review.validate());
        crate::form::check_form(&self.form, &mut v);
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(rules: Vec<EligibilityRule>) -> Programme {
        Programme {
            id: ProgrammeId::from_uuid(uuid::Uuid::nil()),
            organisation_id: OrganisationId::from_uuid(uuid::Uuid::nil()),
            title: "Acceleratore".into(),
            description: String::new(),
            model: ProgrammeModel::Acceleration,
            phases: vec![ProgrammePhase::Acceleration],
            sectors: vec![],
            eligibility: rules,
            comune: crate::ComuneId::new("torino").unwrap(),
            cohort_start: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            cohort_end: NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
            application_deadline: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            capacity: 10,
            languages: vec![LanguageCode::new("it").unwrap()],
            status: Status::Open,
            demo: false,
            review: ReviewSetup::default(),
            form: vec![],
        }
    }

    #[test]
    fn contradicting_rules_are_refused_naming_the_rule() {
        let ages =
            programme(vec![EligibilityRule::MinAgeMonths { months: 24 }, EligibilityRule::MaxAgeMonths { months: 12 }]);
        assert_eq!(ages.validate().unwrap_err().first_field(), Some("eligibility[1].months"));
        let form = programme(vec![
            EligibilityRule::MinAgeMonths { months: 6 },
            EligibilityRule::LegalFormIn { forms: vec![LegalForm::NotIncorporated], incorporation_by_deadline: false },
        ]);
        assert_eq!(form.validate().unwrap_err().first_field(), Some("eligibility[1]"));
        let team = programme(vec![EligibilityRule::TeamSize { min: Some(5), max: Some(2) }]);
        assert_eq!(team.validate().unwrap_err().first_field(), Some("eligibility[0]"));
        let twice =
            programme(vec![EligibilityRule::MaxAgeMonths { months: 36 }, EligibilityRule::MaxAgeMonths { months: 12 }]);
        assert_eq!(twice.validate().unwrap_err().first_field(), Some("eligibility[1]"));
        assert!(programme(vec![EligibilityRule::MaxAgeMonths { months: 36 }]).validate().is_ok());
    }
}

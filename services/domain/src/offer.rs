//! Offers: jobs, internships, PhD positions and fellowships.

use crate::ids::{OfferId, OrganisationId, SkillId, StartupId};
use crate::language::{LanguageCode, LanguageSkill};
use crate::place::ComuneId;
use crate::sector::Sector;
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum OfferKind {
    Job,
    Internship,
    PhdPosition,
    Fellowship,
}

impl OfferKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Job => "job",
            Self::Internship => "internship",
            Self::PhdPosition => "phd_position",
            Self::Fellowship => "fellowship",
        }
    }

    /// `[italian, english]` name, for published data and the web app.
    pub fn labels(self) -> [&'static str; 2] {
        match self {
            Self::Job => ["Lavoro", "Job"],
            Self::Internship => ["Tirocinio", "Internship"],
            Self::PhdPosition => ["Dottorato", "PhD position"],
            Self::Fellowship => ["Borsa di ricerca", "Fellowship"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RemotePolicy {
    OnSite,
    Hybrid,
    Remote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ContractType {
    Permanent,
    FixedTerm,
    Apprenticeship,
    Internship,
    PhdScholarship,
    Fellowship,
    Freelance,
}

/// Why an offer or programme takes no application on a given day. The one rule: the server
/// refuses `apply` with it, and the web app shows the target as closed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOpen {
    Closed,
    DeadlinePassed(NaiveDate),
}

impl NotOpen {
    /// Whether something with this status and deadline is closed to applications on `day`
    /// (open until the end of its deadline day).
    pub fn of(status: Status, deadline: Option<NaiveDate>, day: NaiveDate) -> Option<Self> {
        match (status, deadline) {
            (Status::Closed, _) => Some(Self::Closed),
            (Status::Open, Some(deadline)) if deadline < day => Some(Self::DeadlinePassed(deadline)),
            (Status::Open, _) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "PostingStatus"))]
pub enum Status {
    #[default]
    Open,
    Closed,
}

/// Who posts an offer and hires for it: an organisation, or an AcceleraTO startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employer {
    Organisation(OrganisationId),
    Startup(StartupId),
}

impl Employer {
    pub fn key(self) -> &'static str {
        match self {
            Self::Organisation(_) => "organisation",
            Self::Startup(_) => "startup",
        }
    }

    pub fn as_uuid(self) -> uuid::Uuid {
        match self {
            Self::Organisation(o) => o.as_uuid(),
            Self::Startup(s) => s.as_uuid(),
        }
    }

    /// The offer's two employer fields, exactly one of them set.
    pub fn fields(self) -> (Option<OrganisationId>, Option<StartupId>) {
        match self {
            Self::Organisation(o) => (Some(o), None),
            Self::Startup(s) => (None, Some(s)),
        }
    }

    /// The kinds of offer this employer posts: a startup hires (jobs and internships); PhD
    /// positions and fellowships belong to universities and research bodies.
    pub fn posts(self, kind: OfferKind) -> bool {
        match self {
            Self::Organisation(_) => true,
            Self::Startup(_) => matches!(kind, OfferKind::Job | OfferKind::Internship),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub id: OfferId,
    /// The employer is exactly one of `organisation_id` and `startup_id` (see
    /// [`Offer::employer`]): two optional fields rather than one enum, so the rows stored
    /// before startups could post (`organisation_id` only) read as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<OrganisationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_id: Option<StartupId>,
    pub kind: OfferKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Language the title and description are written in.
    pub text_language: LanguageCode,
    #[serde(default)]
    pub required_skills: Vec<SkillId>,
    #[serde(default)]
    pub nice_to_have_skills: Vec<SkillId>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    /// Where the work is: always a comune of the metro area, not a [`crate::Place`], because
    /// the platform posts work in Torino's area (a remote offer still has its office here).
    pub comune: ComuneId,
    pub remote: RemotePolicy,
    pub contract: ContractType,
    #[serde(default)]
    pub min_experience_years: u8,
    #[serde(default)]
    pub salary_min_eur: Option<u32>,
    #[serde(default)]
    pub salary_max_eur: Option<u32>,
    pub posted_on: NaiveDate,
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub sponsors_work_permit: bool,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub demo: bool,
}

impl Offer {
    /// Who posts it; `None` only for an offer that does not validate (neither or both set).
    pub fn employer(&self) -> Option<Employer> {
        match (self.organisation_id, self.startup_id) {
            (Some(o), None) => Some(Employer::Organisation(o)),
            (None, Some(s)) => Some(Employer::Startup(s)),
            _ => None,
        }
    }

    /// Whether an AcceleraTO startup posted it.
    pub fn from_startup(&self) -> bool {
        matches!(self.employer(), Some(Employer::Startup(_)))
    }

    /// `None` when it takes applications on `day`.
    pub fn not_open_on(&self, day: NaiveDate) -> Option<NotOpen> {
        NotOpen::of(self.status, self.deadline, day)
    }

    /// Every skill concept the offer mentions, required first.
    pub fn skills(&self) -> impl Iterator<Item = &SkillId> {
        self.required_skills.iter().chain(&self.nice_to_have_skills)
    }
}

impl Validate for Offer {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        match (self.organisation_id, self.startup_id) {
            (None, None) => v.check(false, "organisation_id", "names the employer: an organisation or a startup"),
            (Some(_), Some(_)) => {
                v.check(false, "startup_id", "an offer has one employer: an organisation or a startup, not both")
            }
            _ => {}
        }
        if let Some(employer) = self.employer() {
            v.check(
                employer.posts(self.kind),
                "kind",
                format!("a startup posts jobs and internships, not a {}", self.kind.labels()[1].to_lowercase()),
            );
        }
        v.name("title", &self.title);
        v.text("description", &self.description, MAX_TEXT_CHARS, false);
        v.list_len("required_skills", &self.required_skills);
        v.unique("required_skills", &self.required_skills);
        v.list_len("nice_to_have_skills", &self.nice_to_have_skills);
        v.unique("nice_to_have_skills", &self.nice_to_have_skills);
        for (i, s) in self.nice_to_have_skills.iter().enumerate() {
            v.check(
                !self.required_skills.contains(s),
                format!("nice_to_have_skills[{i}]"),
                format!("{s} is already required"),
            );
        }
        v.list_len("languages", &self.languages);
        let langs: Vec<_> = self.languages.iter().map(|l| &l.language).collect();
        v.unique("languages", &langs);
        v.check(self.min_experience_years <= 60, "min_experience_years", "must be at most 60");
        if let (Some(min), Some(max)) = (self.salary_min_eur, self.salary_max_eur) {
            v.check(min <= max, "salary_max_eur", "must not be below salary_min_eur");
        }
        if let Some(deadline) = self.deadline {
            v.check(deadline >= self.posted_on, "deadline", "must not be before posted_on");
        }
        v.list_len("sectors", &self.sectors);
        v.unique("sectors", &self.sectors);
        v.finish()
    }
}

#[cfg(test)]
mod open_tests {
    use super::{NotOpen, Status};
    use chrono::NaiveDate;

    #[test]
    fn open_until_the_end_of_its_deadline_day() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
        assert_eq!(NotOpen::of(Status::Open, Some(day(15)), day(15)), None);
        assert_eq!(NotOpen::of(Status::Open, Some(day(15)), day(16)), Some(NotOpen::DeadlinePassed(day(15))));
        assert_eq!(NotOpen::of(Status::Open, None, day(16)), None);
        assert_eq!(NotOpen::of(Status::Closed, Some(day(20)), day(16)), Some(NotOpen::Closed));
    }
}

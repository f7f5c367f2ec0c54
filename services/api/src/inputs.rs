//! What clients send: one input per writable entity, with only the fields a client owns (the
//! server sets ids, owners and the demo flag). Optional fields have GraphQL defaults.

use crate::wire::{self, Date};
use crocevia_domain::{
    Cefr, ContractType, LegalForm, OfferKind, OrganisationKind, ProgrammeModel, ProgrammePhase, RemotePolicy, Sector,
    StartupStage,
};
use serde::{Deserialize, Serialize};

/// A skill of the taxonomy (its concept id, e.g. `rust`) and years of practice (0 to 50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "TalentSkillInput"))]
#[serde(rename_all = "camelCase")]
pub struct TalentSkill {
    pub skill: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub years: i32,
}

/// A language (ISO 639-1, e.g. `it`) at a CEFR level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "LanguageLevelInput"))]
#[serde(rename_all = "camelCase")]
pub struct LanguageLevel {
    pub language: String,
    #[serde(with = "wire::enumeration")]
    pub level: Cefr,
}

/// A place: a comune of the metropolitan area (its id, see `comuni`), or any other city with
/// its country, given as an ISO 3166-1 alpha-2 code or by name in Italian or English ("DE",
/// "Germania", "Germany"). Give the comune, or the city and the country.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct PlaceInput {
    #[serde(default)]
    pub comune: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// A talent's profile: students, graduates, researchers and professionals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct TalentInput {
    pub display_name: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub headline: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub bio: String,
    /// Private: reaches only organisations the talent applied to or consented to.
    pub contact_email: String,
    /// Country of origin: an ISO 3166-1 alpha-2 code (`IT`, `IN`, `BR`) or its name in Italian
    /// or English (stored as the code).
    pub country_of_origin: String,
    /// Where the talent lives: a comune of the metropolitan area or a city and its country.
    #[serde(default)]
    pub residence: Option<PlaceInput>,
    #[serde(default)]
    pub field_of_study: Option<String>,
    /// Degrees, finished or expected.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub education: Vec<crate::Education>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub skills: Vec<TalentSkill>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub languages: Vec<LanguageLevel>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub experience_years: i32,
    #[serde(default)]
    pub available_from: Option<Date>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub willing_to_relocate: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub open_to_remote: bool,
    /// Whether working in Italy needs a permit the employer must sponsor.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub needs_work_permit: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    /// The kinds of offer sought.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub seeking: Vec<OfferKind>,
}

/// Who founded a startup (for programmes with founder rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "FoundersInput"))]
#[serde(rename_all = "camelCase")]
pub struct Founders {
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub female_led: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub under35: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub university_spinoff: bool,
}

/// A startup's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct StartupInput {
    pub name: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub description: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[serde(with = "wire::enumeration")]
    pub stage: StartupStage,
    #[serde(with = "wire::enumeration")]
    pub legal_form: LegalForm,
    /// Required once incorporated, empty before.
    #[serde(default)]
    pub founded_on: Option<Date>,
    /// The registered seat: a comune of the metropolitan area or a city and its country.
    #[serde(default)]
    pub seat: Option<PlaceInput>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub willing_to_relocate: bool,
    /// 1 to 10000.
    pub team_size: i32,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub funding_raised_eur: i64,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub founders: Founders,
    pub contact_email: String,
    #[serde(default)]
    pub website: Option<String>,
}

/// My profile: exactly one of a talent's or a startup's, as my role has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::OneofObject))]
#[serde(rename_all = "camelCase")]
pub enum ProfileInput {
    Talent(TalentInput),
    Startup(StartupInput),
}

/// An organisation: university, incubator, accelerator, company, public body, foundation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct OrganisationInput {
    pub name: String,
    #[serde(with = "wire::enumeration")]
    pub kind: OrganisationKind,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub description: String,
    pub comune: String,
    /// Starting with https:// or http://.
    #[serde(default)]
    pub website: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
}

/// A job, internship, PhD position or fellowship.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct OfferInput {
    #[serde(with = "wire::enumeration")]
    pub kind: OfferKind,
    pub title: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub description: String,
    /// The language the title and description are written in (ISO 639-1).
    pub text_language: String,
    /// Skill concept ids.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub required_skills: Vec<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub nice_to_have_skills: Vec<String>,
    /// Languages required, each at least at its level.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub languages: Vec<LanguageLevel>,
    pub comune: String,
    #[serde(with = "wire::enumeration")]
    pub remote: RemotePolicy,
    #[serde(with = "wire::enumeration")]
    pub contract: ContractType,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub min_experience_years: i32,
    /// Gross yearly salary in euro.
    #[serde(default)]
    pub salary_min_eur: Option<i32>,
    #[serde(default)]
    pub salary_max_eur: Option<i32>,
    /// Today when left out.
    #[serde(default)]
    pub posted_on: Option<Date>,
    #[serde(default)]
    pub starts_on: Option<Date>,
    /// The last day applications are accepted.
    #[serde(default)]
    pub deadline: Option<Date>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub sponsors_work_permit: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
}

/// Startups at one of these stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "StageRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct StageRule {
    #[serde(with = "wire::enumerations")]
    pub stages: Vec<StartupStage>,
}

/// Startups in one of these sectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "SectorRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct SectorRule {
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
}

/// A company age bound, in months since incorporation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "AgeRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct AgeRule {
    pub months: i32,
}

/// A seat in the metropolitan area (or, if allowed, the will to move there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "SeatRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct SeatRule {
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub allow_relocation: bool,
}

/// Team size bounds, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "TeamSizeRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct TeamSizeRule {
    #[serde(default)]
    pub min: Option<i32>,
    #[serde(default)]
    pub max: Option<i32>,
}

/// Funding raised so far, in euro, inclusive bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "FundingRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct FundingRule {
    #[serde(default)]
    pub min_eur: Option<i64>,
    #[serde(default)]
    pub max_eur: Option<i64>,
}

/// Legal forms admitted; `incorporationByDeadline` admits a team that incorporates in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "LegalFormRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct LegalFormRule {
    #[serde(with = "wire::enumerations")]
    pub forms: Vec<LegalForm>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub incorporation_by_deadline: bool,
}

/// Founder requirements; a null one does not matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "FoundersRuleInput"))]
#[serde(rename_all = "camelCase")]
pub struct FoundersRule {
    #[serde(default)]
    pub female_led: Option<bool>,
    #[serde(default)]
    pub under35: Option<bool>,
    #[serde(default)]
    pub university_spinoff: Option<bool>,
}

/// One eligibility rule of a programme: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::OneofObject))]
#[serde(rename_all = "camelCase")]
pub enum EligibilityRuleInput {
    StageIn(StageRule),
    SectorIn(SectorRule),
    MaxAgeMonths(AgeRule),
    MinAgeMonths(AgeRule),
    SeatInMetroArea(SeatRule),
    TeamSize(TeamSizeRule),
    FundingRaised(FundingRule),
    LegalFormIn(LegalFormRule),
    Founders(FoundersRule),
}

/// An AcceleraTO programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeInput {
    pub title: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub description: String,
    #[serde(with = "wire::enumeration")]
    pub model: ProgrammeModel,
    #[serde(with = "wire::enumerations")]
    pub phases: Vec<ProgrammePhase>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default, with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub eligibility: Vec<EligibilityRuleInput>,
    pub comune: String,
    pub cohort_start: Date,
    pub cohort_end: Date,
    /// The last day applications are accepted; not after `cohortStart`.
    pub application_deadline: Date,
    /// How many startups the cohort takes, 1 to 10000.
    pub capacity: i32,
    /// The languages it runs in (ISO 639-1).
    pub languages: Vec<String>,
    /// The programme's own application form (none: applying takes only a motivation).
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub form: Vec<crate::form::Question>,
}

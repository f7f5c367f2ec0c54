//! What clients read: one view per entity, as one viewer may see it (contact details are
//! null for viewers who may not see them). Built only from domain values (see `convert`).

use crate::inputs::{
    AgeRule, FoundersRule, FundingRule, LanguageLevel, LegalFormRule, SeatRule, SectorRule, StageRule, TalentSkill,
    TeamSizeRule,
};
use crate::wire::{self, Date, DateTime, Id};
use crocevia_domain::{
    ApplicationStage, ConsentPurpose, ContractType, EntityKind, LegalForm, Locale, OfferKind, OrganisationKind,
    ProgrammeModel, ProgrammePhase, RemotePolicy, Role, Sector, StartupStage, Status,
};
use serde::{Deserialize, Serialize};

pub use crate::inputs::Founders;

/// A place as people read it: the city by name, the country by code and by name in Italian
/// and English (the reader picks the language), and the comune's id when in the area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Place"))]
#[serde(rename_all = "camelCase")]
pub struct PlaceView {
    /// The comune's id (see `comuni`), for a place in the metropolitan area; null elsewhere.
    pub comune: Option<String>,
    /// The city: the comune's name in the metropolitan area ("Settimo Torinese").
    pub city: String,
    /// ISO 3166-1 alpha-2 code, e.g. `IT`, `FR`.
    pub country: String,
    pub country_name_it: String,
    pub country_name_en: String,
    /// Whether the place is one of the comuni of Torino's metropolitan area.
    pub in_metro_area: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Talent"))]
#[serde(rename_all = "camelCase")]
pub struct TalentView {
    pub id: Id,
    pub version: i64,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    /// Null unless the viewer is the talent, an administrator, an organisation the talent
    /// applied to, or any organisation once the talent consented to contact sharing.
    pub contact_email: Option<String>,
    pub country_of_origin: String,
    pub residence: Option<PlaceView>,
    pub field_of_study: Option<String>,
    #[serde(default)]
    pub education: Vec<crate::Education>,
    pub skills: Vec<TalentSkill>,
    pub languages: Vec<LanguageLevel>,
    pub experience_years: i32,
    pub available_from: Option<Date>,
    pub willing_to_relocate: bool,
    pub open_to_remote: bool,
    pub needs_work_permit: bool,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[serde(with = "wire::enumerations")]
    pub seeking: Vec<OfferKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Startup"))]
#[serde(rename_all = "camelCase")]
pub struct StartupView {
    pub id: Id,
    pub version: i64,
    pub name: String,
    pub description: String,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[serde(with = "wire::enumeration")]
    pub stage: StartupStage,
    #[serde(with = "wire::enumeration")]
    pub legal_form: LegalForm,
    pub founded_on: Option<Date>,
    pub seat: Option<PlaceView>,
    pub willing_to_relocate: bool,
    pub team_size: i32,
    pub funding_raised_eur: i64,
    pub founders: Founders,
    /// Null for viewers who may not contact the startup (as for talents).
    pub contact_email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Organisation"))]
#[serde(rename_all = "camelCase")]
pub struct OrganisationView {
    pub id: Id,
    pub version: i64,
    pub name: String,
    #[serde(with = "wire::enumeration")]
    pub kind: OrganisationKind,
    pub description: String,
    pub comune: String,
    pub website: Option<String>,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Offer"))]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub id: Id,
    pub version: i64,
    /// The posting organisation, if an organisation posted it (else `startupId`).
    #[serde(default)]
    pub organisation_id: Option<Id>,
    /// The posting AcceleraTO startup, if a startup posted it.
    #[serde(default)]
    pub startup_id: Option<Id>,
    /// Who posts and hires: kind, id and public name.
    #[serde(default)]
    pub employer: EmployerView,
    /// Whether an AcceleraTO startup posted it.
    #[serde(default)]
    pub from_startup: bool,
    #[serde(with = "wire::enumeration")]
    pub kind: OfferKind,
    pub title: String,
    pub description: String,
    pub text_language: String,
    pub required_skills: Vec<String>,
    pub nice_to_have_skills: Vec<String>,
    pub languages: Vec<LanguageLevel>,
    pub comune: String,
    #[serde(with = "wire::enumeration")]
    pub remote: RemotePolicy,
    #[serde(with = "wire::enumeration")]
    pub contract: ContractType,
    pub min_experience_years: i32,
    pub salary_min_eur: Option<i32>,
    pub salary_max_eur: Option<i32>,
    pub posted_on: Date,
    pub starts_on: Option<Date>,
    pub deadline: Option<Date>,
    pub sponsors_work_permit: bool,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[serde(with = "wire::enumeration")]
    pub status: Status,
}

/// What kind of employer posts an offer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EmployerKind {
    #[default]
    Organisation,
    Startup,
}

/// The employer of an offer as everyone may see it: its public name, never a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Employer"))]
#[serde(rename_all = "camelCase")]
pub struct EmployerView {
    pub kind: EmployerKind,
    pub id: Id,
    /// The organisation's or startup's name (empty until the application service fills it).
    pub name: String,
}

/// One eligibility rule: exactly one member is set (the same shape as the input).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct EligibilityRule {
    #[serde(default)]
    pub stage_in: Option<StageRule>,
    #[serde(default)]
    pub sector_in: Option<SectorRule>,
    #[serde(default)]
    pub max_age_months: Option<AgeRule>,
    #[serde(default)]
    pub min_age_months: Option<AgeRule>,
    #[serde(default)]
    pub seat_in_metro_area: Option<SeatRule>,
    #[serde(default)]
    pub team_size: Option<TeamSizeRule>,
    #[serde(default)]
    pub funding_raised: Option<FundingRule>,
    #[serde(default)]
    pub legal_form_in: Option<LegalFormRule>,
    #[serde(default)]
    pub founders: Option<FoundersRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Programme"))]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeView {
    pub id: Id,
    pub version: i64,
    pub organisation_id: Id,
    pub title: String,
    pub description: String,
    #[serde(with = "wire::enumeration")]
    pub model: ProgrammeModel,
    #[serde(with = "wire::enumerations")]
    pub phases: Vec<ProgrammePhase>,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    pub eligibility: Vec<EligibilityRule>,
    pub comune: String,
    pub cohort_start: Date,
    pub cohort_end: Date,
    pub application_deadline: Date,
    /// How many startups the cohort takes.
    pub capacity: i32,
    /// Applications accepted so far: for the programme's organisation and administrators
    /// only (null for everyone else).
    #[serde(default)]
    pub accepted: Option<i32>,
    pub languages: Vec<String>,
    #[serde(with = "wire::enumeration")]
    pub status: Status,
    /// Its application form.
    #[serde(default)]
    pub form: Vec<crate::form::Question>,
}

/// One end of an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Party {
    #[serde(with = "wire::enumeration")]
    pub kind: EntityKind,
    pub id: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct StageChange {
    #[serde(with = "wire::enumeration")]
    pub stage: ApplicationStage,
    pub at: DateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct RubricLine {
    pub criterion: String,
    pub points: i32,
    pub max_points: i32,
}

/// A condition of an "eligible if" verdict, recorded when the startup applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub rule: String,
    pub it: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Application"))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub id: Id,
    pub version: i64,
    pub applicant: Party,
    pub target: Party,
    #[serde(with = "wire::enumeration")]
    pub stage: ApplicationStage,
    pub history: Vec<StageChange>,
    pub motivation: String,
    /// The rubric's total, 0 to 100.
    pub score: Option<i32>,
    pub rubric: Vec<RubricLine>,
    pub conditions: Vec<Condition>,
    /// The answers to the programme's form.
    #[serde(default)]
    pub answers: Vec<crate::form::AnswerView>,
    /// The hire, once a talent's application to an offer is accepted.
    #[serde(default)]
    pub hire: Option<crate::HireView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Consent"))]
#[serde(rename_all = "camelCase")]
pub struct ConsentView {
    pub id: Id,
    pub version: i64,
    #[serde(with = "wire::enumeration")]
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub at: DateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "User"))]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: Id,
    pub email: String,
    pub display_name: String,
    #[serde(with = "wire::enumeration")]
    pub role: Role,
    pub organisation_id: Option<Id>,
    #[serde(with = "wire::enumeration")]
    pub locale: Locale,
}

impl UserView {
    pub fn is_talent(&self) -> bool {
        self.role == Role::Talent
    }
    pub fn is_startup(&self) -> bool {
        self.role == Role::Startup
    }
    pub fn is_organisation(&self) -> bool {
        self.role == Role::Organisation
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Any entity, as `entity(kind, id)` answers (ask for `__typename`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Union))]
#[cfg_attr(feature = "graphql", graphql(name = "Entity"))]
#[serde(tag = "__typename")]
pub enum EntityView {
    Talent(TalentView),
    Startup(StartupView),
    Organisation(OrganisationView),
    Offer(OfferView),
    Programme(ProgrammeView),
    Application(ApplicationView),
    Consent(ConsentView),
    User(UserView),
}

/// A talent's or startup's own profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Union))]
#[cfg_attr(feature = "graphql", graphql(name = "Profile"))]
#[serde(tag = "__typename")]
pub enum ProfileView {
    Talent(TalentView),
    Startup(StartupView),
}

/// An organisation's offer or programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Union))]
#[cfg_attr(feature = "graphql", graphql(name = "Posting"))]
#[serde(tag = "__typename")]
pub enum PostingView {
    Offer(OfferView),
    Programme(ProgrammeView),
}

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SavedSearchData {
    pub id: Id,
    pub name: String,
    pub text: String,
    /// The kinds searched (OFFER, PROGRAMME, ...); empty for every kind.
    pub kinds: Vec<String>,
    pub filters: Vec<String>,
}

/// Everything Crocevia holds about me (GDPR Art. 15 and 20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct MyData {
    pub user: UserView,
    pub talent: Option<TalentView>,
    pub startup: Option<StartupView>,
    /// Applications I made.
    pub applications: Vec<ApplicationView>,
    pub consents: Vec<ConsentView>,
    pub saved_searches: Vec<SavedSearchData>,
    /// The welcome-path steps I ticked done.
    #[serde(default)]
    pub welcome_ticks: Vec<crate::welcome::WelcomeTickData>,
    pub exported_at: DateTime,
}

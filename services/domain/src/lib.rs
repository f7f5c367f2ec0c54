//! Crocevia's domain model, shared by every service and by the WASM front end.
//!
//! Everything here is plain data plus validation: no I/O, no async runtime, no database, so
//! the crate builds for `wasm32-unknown-unknown` (CI checks it). Services convert these
//! types to and from their database rows, protobuf payloads and GraphQL objects.

pub mod application;
pub mod courses;
pub mod education;
pub mod entity;
pub mod fairness;
pub mod form;
pub mod ids;
pub mod language;
pub mod offer;
pub mod organisation;
pub mod place;
pub mod programme;
pub mod review;
pub mod say;
pub mod sector;
pub mod skill;
pub mod startup;
pub mod talent;
pub mod taxonomy;
pub mod user;
pub mod validation;
pub mod welcome;

pub use application::{
    Applicant, Application, ApplicationStage, ApplicationTarget, EligibilityCondition, RubricScore, StageChange,
    rubric_total,
};
pub use courses::{Course, Courses};
pub use education::{CheckIn, CheckInAbout, DegreeLevel, Education, Hire, Institution, StudyField};
pub use entity::{Entity, EntityKind, Reference};
pub use form::{Answer, AnswerValue, Choice, Question, QuestionKind};
pub use ids::*;
pub use language::{Cefr, LanguageCode, LanguageSkill};
pub use offer::{ContractType, Employer, NotOpen, Offer, OfferKind, RemotePolicy, Status};
pub use organisation::{Organisation, OrganisationKind};
pub use place::{Comune, ComuneId, Country, CountryCode, Place};
pub use programme::{EligibilityRule, Programme, ProgrammeModel, ProgrammePhase};
pub use review::{Calibration, ReviewSetup, ReviewTotal, calibrate};
pub use sector::Sector;
pub use skill::SkillConcept;
pub use startup::{FoundersProfile, LegalForm, Startup, StartupStage};
pub use talent::{Talent, TalentSkill};
pub use taxonomy::{SkillTaxonomy, TaxonomyError, TaxonomyErrors};
pub use user::{Consent, ConsentPurpose, Locale, Role, User};
pub use validation::{FieldError, Validate, ValidationErrors};

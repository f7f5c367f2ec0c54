//! The public API's types: what clients send (inputs) and what they read (views) for every
//! entity, in the API's own spelling.
//!
//! The domain crate keeps the storage and event form (snake_case, server-owned fields such as
//! `id`, `user_id`, `demo`); this crate is the contract with clients. Both the gateway (which
//! derives the GraphQL schema from these types with the `graphql` feature) and the web app
//! (which deserializes the gateway's answers into them) compile against it, so renaming a
//! field breaks the build instead of a client at run time.
//!
//! Conversions live here too: an input becomes a domain value only through
//! [`TalentInput::into_domain`] and its siblings, which name a bad field in API spelling
//! (`offer.salaryMinEur`), and a view is built only from a domain value.

mod convert;
mod decisions;
mod education;
mod form;
mod inputs;
mod records;
mod selection;
mod views;
mod welcome;
pub mod wire;

pub use convert::{api_errors, api_path};
pub use decisions::*;
pub use education::*;
pub use form::*;
pub use inputs::*;
pub use records::input_of;
pub use selection::*;
pub use views::*;
pub use welcome::*;
pub use wire::{Date, DateTime, Id};

/// The domain enums the API uses as they are (with GraphQL derivations under `graphql`).
pub use crocevia_domain::{
    ApplicationStage, Cefr, ConsentPurpose, ContractType, DegreeLevel, EntityKind, Institution, LegalForm, Locale,
    OfferKind, OrganisationKind, ProgrammeModel, ProgrammePhase, RemotePolicy, Role, Sector, StartupStage, Status,
    StudyField,
};

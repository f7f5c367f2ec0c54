//! The matching service of Crocevia, the heart of the product.
//!
//! It consumes `profiles.v1` and keeps, for every talent, offer, startup and programme, its
//! top-k matches on the other side with explanations ([`engine`]). Talent <-> offer: hard
//! constraints exclude, soft factors rank ([`scoring`]), candidates come from tantivy
//! ([`retrieve`]). Startup <-> programme: the programme's rules give a verdict with reasons
//! ([`eligibility`]), fit ranks. Lists live in the service's own tables ([`store`]) and every
//! entry, exit or move is published to `matches.v1` through an outbox ([`events`]).

pub mod api;
pub mod drift;
pub mod eligibility;
pub mod engine;
pub mod events;
pub mod explain;
pub mod gap;
pub mod members;
pub mod pair;
pub mod retrieve;
pub mod scoring;
pub mod service;
pub mod store;
pub mod text;

pub use api::{Eligibility, MatchingApi, MatchingError};

/// The scoring and ranking a list was made with, recorded with every ranking shown to a
/// decision-maker. Raise `scoring` whenever a factor, a weight or the order changes.
pub const ENGINE_VERSION: &str = concat!("crocevia-matching ", env!("CARGO_PKG_VERSION"), "; scoring 1");
pub use engine::{Engine, Entry, Side};
pub use gap::{GapCourse, GapSkill, SkillsGap};
pub use pair::{PairError, PairView, Viewpoint};
pub use service::MatchingService;

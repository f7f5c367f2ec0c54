//! The application boundary: every command and every query that touches people's data,
//! each with the [`Actor`] who asks. It is the one place that decides authorization,
//! ownership, privacy (what of a person an actor may see) and state transitions; GraphQL,
//! REST, subscriptions and the web app all come through here, so a rule holds at every door.
//!
//! Each command is one [`Work`](crate::service::Work): its reads, checks and writes commit
//! together or not at all, and updates carry the version they read.

mod account;
mod actor;
mod cohort;
mod commands;
mod consents;
mod decisions;
mod error;
mod fairness;
mod files;
mod forms;
mod gap;
mod policy;
mod port;
mod queries;
mod retention;
mod selection;
pub mod throttle;
mod welcome;
pub mod wire;

pub use account::Registration;
pub use actor::{Actor, Session};
pub use commands::{NewAccount, PostingInput, RubricLine};
pub use decisions::{CALIBRATION_VERSION, DecisionNote};
pub use error::AppError;
pub use files::{FileContent, base64_bytes};
pub use policy::{owns, sees_talents, visible_kinds};
pub use port::AppApi;
pub use queries::{Relation, kind_of, profile_kind, title_of};
pub use selection::ConflictWith;

use crate::Profiles;
use crate::accounts::Accounts;
use crocevia_matching::MatchingApi;
use crocevia_search::SearchApi;
use std::sync::Arc;

/// The application service. Cheap to clone; one per process.
#[derive(Debug, Clone)]
pub struct App {
    profiles: Profiles,
    accounts: Accounts,
    /// Absent in a process that reaches no search service.
    search: Option<Arc<dyn SearchApi>>,
    /// Absent in a process that reaches no matching service.
    matching: Option<Arc<dyn MatchingApi>>,
    /// Failed logins per account and per address (per process: each gateway replica counts
    /// its own).
    throttle: Arc<throttle::Throttle>,
    /// Where the links in its messages point.
    links: crate::mail::Links,
    /// How long decision records are kept.
    retention: chrono::Duration,
}

/// How long decision records are kept unless configured (`profiles.decision_retention_days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 730;

impl App {
    pub fn new(
        profiles: Profiles,
        accounts: Accounts,
        search: Option<Arc<dyn SearchApi>>,
        matching: Option<Arc<dyn MatchingApi>>,
    ) -> Self {
        Self {
            profiles,
            accounts,
            search,
            matching,
            throttle: Arc::default(),
            links: crate::mail::Links::default(),
            retention: chrono::Duration::days(i64::from(DEFAULT_RETENTION_DAYS)),
        }
    }

    /// Keeps decision records for `days` days.
    pub fn with_retention(mut self, days: u32) -> Self {
        self.retention = chrono::Duration::days(i64::from(days));
        self
    }

    /// The web app's public address, for the links its messages carry.
    pub fn with_links(mut self, links: crate::mail::Links) -> Self {
        self.links = links;
        self
    }

    fn search_api(&self) -> Result<&Arc<dyn SearchApi>, AppError> {
        self.search.as_ref().ok_or_else(|| AppError::Unavailable("search is not running in this process".into()))
    }

    fn matching_api(&self) -> Result<&Arc<dyn MatchingApi>, AppError> {
        self.matching.as_ref().ok_or_else(|| AppError::Unavailable("matching is not running in this process".into()))
    }
}

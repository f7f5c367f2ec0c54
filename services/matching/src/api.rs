//! What the gateway calls: [`MatchingApi`]. The in-process [`MatchingService`] implements it,
//! and so does the gateway's HTTP client of a matching process (distributed mode), so a
//! resolver never knows which one it talks to. [`MatchingError`] is the one error type of
//! this boundary; each variant maps to a shared [`ErrorCode`].

use crate::eligibility::Verdict;
use crate::engine::{Entry, Side};
use crate::explain::Explained;
use crate::gap::SkillsGap;
use crate::pair::{PairError, PairView, Viewpoint};
use crate::service::MatchingService;
use async_trait::async_trait;
use crocevia_domain::{Entity, Talent};
use crocevia_kit::ErrorCode;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// A startup's verdict for a programme and its fit, as the wire carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eligibility {
    pub verdict: Verdict,
    pub fit: Explained,
}

/// Why a matching call failed.
#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    /// The request is wrong; `field` names the part at fault.
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The matching process could not be reached or answered in time: worth retrying.
    #[error("matching is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl MatchingError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest { .. } => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Other(_) => ErrorCode::Internal,
        }
    }
}

impl From<PairError> for MatchingError {
    fn from(e: PairError) -> Self {
        match e {
            PairError::TargetNotOpen => Self::NotFound(e.to_string()),
            PairError::KindsDoNotPair { .. } => Self::BadRequest { field: "target".into(), message: e.to_string() },
            PairError::NotASubject => Self::BadRequest { field: "subject".into(), message: e.to_string() },
            PairError::Other(e) => Self::Other(e),
        }
    }
}

#[async_trait]
pub trait MatchingApi: Send + Sync + std::fmt::Debug {
    /// The ranked matches of a talent, offer, startup or programme (empty when it has none).
    async fn matches(&self, subject: Uuid) -> Result<Vec<Entry>, MatchingError>;

    /// Which side an id is on, if it is open to matching.
    async fn side_of(&self, id: Uuid) -> Result<Option<Side>, MatchingError>;

    /// The live verdict and fit of a startup for a programme; `None` when either is unknown
    /// or the programme is closed.
    async fn eligibility(&self, startup: Uuid, programme: Uuid) -> Result<Option<Eligibility>, MatchingError>;

    /// The live score of a talent or startup profile (as the caller read it) against one open
    /// offer or programme, from the profile's side or the target's (`from`).
    async fn pair(&self, subject: Entity, target: Uuid, from: Viewpoint) -> Result<PairView, MatchingError>;

    /// The skills gap of a talent profile (as the caller read it) over the open offers.
    async fn skills_gap(&self, talent: Talent) -> Result<SkillsGap, MatchingError>;

    /// Subjects whose list changes from now on. A remote client may hand out a receiver that
    /// never fires (see its docs); it never fails.
    fn list_changes(&self) -> broadcast::Receiver<(Uuid, Side)>;

    /// True for a network client: a process holding one must not serve the internal
    /// endpoints itself, or it would forward calls to another process (or to itself).
    fn is_remote(&self) -> bool {
        false
    }
}

#[async_trait]
impl MatchingApi for MatchingService {
    async fn matches(&self, subject: Uuid) -> Result<Vec<Entry>, MatchingError> {
        Ok(MatchingService::matches(self, subject).await?)
    }

    async fn side_of(&self, id: Uuid) -> Result<Option<Side>, MatchingError> {
        match MatchingService::side_of(self, id) {
            None if self.catching_up() => Err(MatchingError::Unavailable(
                "matching is catching up with the database after a start; retry shortly".into(),
            )),
            side => Ok(side),
        }
    }

    async fn eligibility(&self, startup: Uuid, programme: Uuid) -> Result<Option<Eligibility>, MatchingError> {
        Ok(MatchingService::eligibility(self, startup, programme).map(|(verdict, fit)| Eligibility { verdict, fit }))
    }

    async fn pair(&self, subject: Entity, target: Uuid, from: Viewpoint) -> Result<PairView, MatchingError> {
        Ok(MatchingService::pair(self, subject, target, from).await?)
    }

    async fn skills_gap(&self, talent: Talent) -> Result<SkillsGap, MatchingError> {
        Ok(MatchingService::skills_gap(self, talent).await?)
    }

    fn list_changes(&self) -> broadcast::Receiver<(Uuid, Side)> {
        MatchingService::list_changes(self)
    }
}

//! What travels between the gateway and a matching process: paths and bodies, in one place
//! so the client and the endpoints cannot drift apart.

use crocevia_domain::Entity;
use crocevia_matching::Side;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(crate) const SEARCH: &str = "internal/v1/search";
pub(crate) const MATCHES: &str = "internal/v1/matching/matches";
pub(crate) const SIDE: &str = "internal/v1/matching/side";
pub(crate) const ELIGIBILITY: &str = "internal/v1/matching/eligibility";
pub(crate) const PAIR: &str = "internal/v1/matching/pair";
pub(crate) const SKILLS_GAP: &str = "internal/v1/matching/skills-gap";

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SideAnswer {
    pub side: Option<Side>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PairRequest {
    pub subject: Entity,
    pub target: Uuid,
    /// Absent from an older caller: the subject's side, as it always was.
    #[serde(default)]
    pub from: crocevia_matching::pair::Viewpoint,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SkillsGapRequest {
    pub talent: crocevia_domain::Talent,
}

/// The JSON error every endpoint answers with (see `rest::ApiError`); tolerant, because a
/// proxy in between may answer with anything.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ErrorBody {
    pub code: String,
    pub field: Option<String>,
    /// RFC 9457 `detail`; `message` in answers of earlier releases.
    #[serde(alias = "message")]
    pub detail: String,
}

//! Decision records as the organisation exports them and as the affected talent or startup
//! reads their own: the rankings shown to decision-makers, entry by entry, with what
//! reproduces them, and the human decisions with the ranking each followed.

use crate::wire::{self, DateTime, Id};
use crocevia_domain::ApplicationStage;
use serde::{Deserialize, Serialize};

/// One factor of a recorded score: its weight, how well it was met, and why (it/en).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RecordedFactor"))]
#[serde(rename_all = "camelCase")]
pub struct RecordedFactorView {
    pub key: String,
    pub weight: f64,
    pub value: f64,
    pub reason_it: String,
    pub reason_en: String,
}

/// One entry of a recorded ranking, as it was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RecordedEntry"))]
#[serde(rename_all = "camelCase")]
pub struct RecordedEntryView {
    /// 1 = first shown.
    pub position: i32,
    /// Null once the person was erased.
    pub counterpart_id: Option<Id>,
    pub counterpart_version: i64,
    /// The score it was ranked by (0-1 for matching lists, 0-100 for a selection ranking).
    pub score: f64,
    /// A selection ranking's raw score (mean of the reviews).
    pub raw: Option<f64>,
    /// A programme's eligibility verdict for the startup: `eligible`, `eligible_if`, `not_eligible`.
    pub verdict: Option<String>,
    pub factors: Vec<RecordedFactorView>,
}

/// A ranking shown to a decision-maker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RankingRecord"))]
#[serde(rename_all = "camelCase")]
pub struct RankingRecordView {
    pub id: Id,
    pub viewer_id: Id,
    /// `candidates` (an offer's talents), `startups` (a programme's), `selection` (the
    /// panel's calibrated ranking).
    pub list: String,
    pub engine_version: String,
    pub target_version: i64,
    /// First shown.
    pub shown_at: DateTime,
    /// Last shown again unchanged (the record a decision made then follows).
    pub last_shown_at: DateTime,
    pub retain_until: DateTime,
    pub entries: Vec<RecordedEntryView>,
}

/// A human decision on an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "DecisionRecord"))]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecordView {
    pub id: Id,
    /// Null once the applicant was erased.
    pub application_id: Option<Id>,
    pub applicant_id: Option<Id>,
    /// Who decided (a member of the organisation); null in the applicant's own view, and
    /// for a move the platform made (the waitlist moving up).
    pub decided_by: Option<Id>,
    #[serde(with = "wire::enumeration")]
    pub from_stage: ApplicationStage,
    #[serde(with = "wire::enumeration")]
    pub to_stage: ApplicationStage,
    /// The ranking the decision-maker had last seen for the offer or programme.
    pub ranking_id: Option<Id>,
    /// The applicant's place in it, if listed.
    pub rank_seen: Option<i32>,
    /// Marked by the decision-maker as going against the ranking (a reason is then required).
    pub against_ranking: bool,
    pub reason: String,
    pub decided_at: DateTime,
}

/// Every record of one offer or programme, for its organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "DecisionExport"))]
#[serde(rename_all = "camelCase")]
pub struct DecisionExportView {
    pub target_id: Id,
    pub exported_at: DateTime,
    pub rankings: Vec<RankingRecordView>,
    pub decisions: Vec<DecisionRecordView>,
}

/// What an applicant may read of the decisions on their own application (EU AI Act Art. 86):
/// the factors the ranking used for them, their place in it, and each human decision with
/// its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "DecisionExplanation"))]
#[serde(rename_all = "camelCase")]
pub struct DecisionExplanationView {
    pub application_id: Id,
    /// The last ranking a decision on the application followed (null: none was recorded).
    pub list: Option<String>,
    pub engine_version: Option<String>,
    pub rank_seen: Option<i32>,
    pub list_length: Option<i32>,
    pub score: Option<f64>,
    pub verdict: Option<String>,
    pub factors: Vec<RecordedFactorView>,
    pub decisions: Vec<DecisionRecordView>,
}

/// A recorded ranking computed again from what was recorded: the same order, or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RankingReplay"))]
#[serde(rename_all = "camelCase")]
pub struct RankingReplayView {
    pub ranking_id: Id,
    pub list: String,
    pub engine_version: String,
    /// The recorded positions in the order the replay ranks them: `1, 2, 3...` when the same.
    pub replayed_order: Vec<i32>,
    pub same: bool,
}

//! What organisations, reviewers and startups read of a programme's selection: reviews, the
//! review packets reviewers work from (blind in a blind first round), the raw and calibrated
//! ranking with each reviewer's leniency, and the cohort with its waitlist.

use crate::views::{Party, RubricLine};
use crate::wire::{self, Date, DateTime, Id};
use crocevia_domain::{ApplicationStage, LegalForm, Sector, StartupStage};
use serde::{Deserialize, Serialize};

/// One reviewer's review of one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Review"))]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub reviewer_id: Id,
    pub reviewer_name: String,
    /// 1: the blind first round; 2: reviewers knew whom they reviewed.
    pub round: i32,
    pub rubric: Vec<RubricLine>,
    /// The rubric's total on 0-100.
    pub total: f64,
    pub submitted_at: DateTime,
    /// This review is the viewer's own.
    pub mine: bool,
}

/// An application as a reviewer on its panel reads it. In a blind first round it carries
/// nothing that names the startup: no id, name, founders, contact, website or seat, its
/// founding year instead of its date, and its name, website and address masked in every text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "ReviewPacket"))]
#[serde(rename_all = "camelCase")]
pub struct ReviewPacketView {
    pub application_id: Id,
    pub programme_id: Id,
    pub programme_title: String,
    /// The round a review submitted now belongs to.
    pub round: i32,
    pub blind: bool,
    /// A label for the application that does not name the startup (`#` and 6 characters).
    pub label: String,
    /// Null in a blind round.
    pub applicant: Option<Party>,
    /// Null in a blind round.
    pub applicant_name: Option<String>,
    #[serde(with = "wire::enumeration")]
    pub stage: ApplicationStage,
    #[serde(with = "wire::enumerations")]
    pub sectors: Vec<Sector>,
    #[serde(with = "wire::enumeration")]
    pub startup_stage: StartupStage,
    #[serde(with = "wire::enumeration")]
    pub legal_form: LegalForm,
    pub team_size: i32,
    pub funding_raised_eur: f64,
    pub founded_year: Option<i32>,
    /// Seated in the metropolitan area (the comune itself is withheld in a blind round).
    pub seat_in_metro_area: bool,
    pub description: String,
    pub motivation: String,
    /// The answers to the programme's form; in a blind round texts are masked like the
    /// description, and links and files are withheld.
    pub answers: Vec<crate::form::AnswerView>,
    /// The viewer's own review, once submitted.
    pub my_review: Option<ReviewView>,
    /// The other reviewers' reviews: empty until the viewer has submitted their own.
    pub other_reviews: Vec<ReviewView>,
}

/// One application in a programme's ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "RankedApplication"))]
#[serde(rename_all = "camelCase")]
pub struct RankedApplicationView {
    pub application_id: Id,
    pub applicant: Party,
    pub applicant_name: String,
    #[serde(with = "wire::enumeration")]
    pub stage: ApplicationStage,
    pub reviews: i32,
    /// The mean of its reviewers' totals (null: not reviewed yet).
    pub raw: Option<f64>,
    /// See the README, "Calibration" (null: not reviewed yet).
    pub calibrated: Option<f64>,
    /// 1 = best; null when not reviewed.
    pub raw_rank: Option<i32>,
    pub calibrated_rank: Option<i32>,
    /// What the startup wrote: its motivation and its answers to the programme's form (the
    /// organisation reads the ranking only once no round is blind to it).
    pub motivation: String,
    pub answers: Vec<crate::form::AnswerView>,
}

/// How strict or lenient one reviewer was in the round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "ReviewerLeniency"))]
#[serde(rename_all = "camelCase")]
pub struct ReviewerLeniencyView {
    pub reviewer_id: Id,
    pub reviewer_name: String,
    pub reviews: i32,
    pub mean: f64,
    pub sd: f64,
    /// Their mean minus the round's mean, in points of 100: above 0 lenient, below strict.
    pub offset: f64,
}

/// A programme's applications ranked by the panel's raw and calibrated scores, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "SelectionRanking"))]
#[serde(rename_all = "camelCase")]
pub struct SelectionRankingView {
    pub programme_id: Id,
    /// The programme's panel, and whether its first round is (still) blind.
    pub panel: Vec<NamedView>,
    pub blind_first_round: bool,
    pub blind_round_ended: bool,
    /// Mean and spread of every review counted.
    pub mean: f64,
    pub sd: f64,
    /// Calibrated order, best first; applications not reviewed yet at the end.
    pub applications: Vec<RankedApplicationView>,
    pub reviewers: Vec<ReviewerLeniencyView>,
    /// Applications left out because the viewer, on the panel, has not reviewed them yet.
    pub withheld: i32,
}

/// A startup in a cohort, or a reviewer on a panel: an id and a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Named"))]
#[serde(rename_all = "camelCase")]
pub struct NamedView {
    pub id: Id,
    pub name: String,
}

/// A programme's cohort: the accepted startups (at most its capacity), its dates, and the
/// waitlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Cohort"))]
#[serde(rename_all = "camelCase")]
pub struct CohortView {
    pub programme_id: Id,
    pub title: String,
    pub cohort_start: Date,
    pub cohort_end: Date,
    pub capacity: i32,
    pub members: Vec<NamedView>,
    /// How many wait for a place.
    pub waitlisted: i32,
    /// The organisation only: the waitlist in rank order (empty for startups).
    pub waitlist: Vec<NamedView>,
    /// The viewing startup's application stage, if it applied.
    #[serde(default, with = "wire::optional_enumeration")]
    pub my_stage: Option<ApplicationStage>,
    /// The viewing startup's place on the waitlist (1 = next), if waitlisted.
    pub my_waitlist_position: Option<i32>,
}

/// A group's rate of reaching one step of the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "StepRate"))]
#[serde(rename_all = "camelCase")]
pub struct StepRateView {
    #[serde(with = "wire::enumeration")]
    pub stage: ApplicationStage,
    /// Null for a group of fewer than `k` applicants.
    pub reached: Option<i32>,
    pub rate: Option<f64>,
    /// Under four fifths of the highest group's rate at this step: look at why.
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "GroupRates"))]
#[serde(rename_all = "camelCase")]
pub struct GroupRatesView {
    /// e.g. `local`, `international`, `yes`, `no`.
    pub group: String,
    /// Null for a group of fewer than `k` applicants.
    pub applicants: Option<i32>,
    pub steps: Vec<StepRateView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "DimensionRates"))]
#[serde(rename_all = "camelCase")]
pub struct DimensionRatesView {
    /// `origin` (talents: Italy or abroad), `female_led`, `under_35`, `university_spinoff`
    /// (startups, as they declared them).
    pub dimension: String,
    pub label_it: String,
    pub label_en: String,
    pub groups: Vec<GroupRatesView>,
}

/// Selection rates through an offer's or programme's pipeline by group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "FairnessReport"))]
#[serde(rename_all = "camelCase")]
pub struct FairnessView {
    pub target_id: Id,
    /// No group of fewer applicants is shown.
    pub k: i32,
    /// Applications counted (withdrawn ones are not).
    pub applications: i32,
    pub dimensions: Vec<DimensionRatesView>,
}

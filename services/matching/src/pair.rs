//! One subject against one counterpart, scored live: from the subject's side (a talent asking
//! about an offer, a startup about a programme), or from the poster's (an organisation reading
//! the applicant to its offer, as its candidate list ranks her). Unlike the lists, an excluded
//! pair is still scored, and the answer says every hard constraint that keeps it out, because
//! a talent looking at one offer wants to know why it is not in their list.

use crate::eligibility::{Reason, Verdict};
use crate::engine::{Engine, Side, mutual};
use crate::explain::Explained;
use crate::scoring;
use crate::text::{self, Stats};
use crocevia_domain::Entity;
use uuid::Uuid;

/// Whose side a pair is scored from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Viewpoint {
    /// The talent's or startup's own: how the offer appeals to her (her list's order).
    #[default]
    Subject,
    /// The offer's or programme's: how the applicant fits it, worded for the organisation
    /// (its candidate list's order and score, so the two pages agree).
    Target,
}

/// The live score of one pair, from one side (serialisable: the gateway may ask a
/// matching process for it over HTTP).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairView {
    /// What the list of the side it is seen from ranks by: appeal for a talent, fit for an
    /// offer's candidate or a startup.
    pub score: f64,
    /// Both sides combined; 0 when a hard constraint excludes the pair.
    pub mutual: f64,
    /// 1-based place of the counterpart in the current list of the side it is seen from, if
    /// it is there.
    pub rank: Option<usize>,
    /// The hard constraints a talent breaks for an offer (always empty for a startup:
    /// programme rules give a verdict instead and never take a programme out of a list).
    pub exclusions: Vec<Reason>,
    /// A startup's eligibility for the programme; `None` for a talent.
    pub verdict: Option<Verdict>,
    pub explanation: Explained,
}

/// Why a pair cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum PairError {
    #[error("only a talent or a startup profile is scored against one target")]
    NotASubject,
    #[error("no offer or programme open to matching has this id")]
    TargetNotOpen,
    #[error("a {subject} is matched with {expected}s, not with {target}s")]
    KindsDoNotPair { subject: &'static str, expected: &'static str, target: &'static str },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Scores `subject` (as the caller read it, so a profile saved a moment ago counts even if
/// matching has not consumed it yet) against the open offer or programme `target`.
pub fn view(engine: &Engine, subject: &Entity, target: Uuid, from: Viewpoint) -> Result<PairView, PairError> {
    let subject_side = match subject {
        Entity::Talent(_) => Side::Talent,
        Entity::Startup(_) => Side::Startup,
        _ => return Err(PairError::NotASubject),
    };
    let target_side = match engine.side_of(target) {
        Some(side @ (Side::Offer | Side::Programme)) => side,
        Some(other) => {
            return Err(PairError::KindsDoNotPair {
                subject: subject_side.as_str(),
                expected: subject_side.counterpart().as_str(),
                target: other.as_str(),
            });
        }
        None => return Err(PairError::TargetNotOpen),
    };
    if target_side != subject_side.counterpart() {
        return Err(PairError::KindsDoNotPair {
            subject: subject_side.as_str(),
            expected: subject_side.counterpart().as_str(),
            target: target_side.as_str(),
        });
    }
    let mut stats = Stats::new(engine.index());
    let bm25 = match engine.query_terms(target) {
        Some(query) => {
            let profile = text::transient_profile(subject, engine.taxonomy(), engine.vocabulary());
            stats.bm25(query, &profile, engine.vocabulary())
        }
        None => 0.0,
    };
    // The place in the list of the side it is seen from.
    let (holder, other) = match from {
        Viewpoint::Subject => (subject.id(), target),
        Viewpoint::Target => (target, subject.id()),
    };
    let rank = engine.list(holder).iter().position(|e| e.counterpart == other).map(|i| i + 1);
    match subject {
        Entity::Talent(talent) => {
            let offer = engine.offer(target).ok_or(PairError::TargetNotOpen)?;
            let appeal = scoring::offer_appeal(talent, offer, bm25);
            let exclusions: Vec<Reason> = scoring::exclusions(talent, offer)
                .into_iter()
                .map(|e| Reason { rule: e.rule, it: e.it, en: e.en })
                .collect();
            let fit = scoring::talent_offer_explained(engine.taxonomy(), talent, offer, bm25);
            let mutual = if exclusions.is_empty() { mutual(fit.score, appeal.score) } else { 0.0 };
            let explanation = match from {
                Viewpoint::Subject => appeal,
                Viewpoint::Target => fit,
            };
            Ok(PairView { score: explanation.score, mutual, rank, exclusions, verdict: None, explanation })
        }
        Entity::Startup(startup) => {
            let programme = engine.programme(target).ok_or(PairError::TargetNotOpen)?;
            let (verdict, fit) = scoring::startup_programme(startup, programme, bm25);
            Ok(PairView {
                score: fit.score,
                mutual: fit.score,
                rank,
                exclusions: vec![],
                verdict: Some(verdict),
                explanation: fit,
            })
        }
        _ => Err(PairError::NotASubject),
    }
}

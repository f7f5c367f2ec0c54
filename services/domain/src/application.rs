//! Applications of talents to offers and of startups to programmes, with their stages.

use crate::ids::{ApplicationId, OfferId, ProgrammeId, StartupId, TalentId};
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Applicant {
    Talent(TalentId),
    Startup(StartupId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ApplicationTarget {
    Offer(OfferId),
    Programme(ProgrammeId),
}

/// The pipeline an application moves through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ApplicationStage {
    Submitted,
    Screening,
    Interview,
    Offered,
    /// Selected for a programme whose cohort is full: waits, in rank order, for a place.
    Waitlisted,
    Accepted,
    Rejected,
    Withdrawn,
}

impl ApplicationStage {
    /// No move leaves a rejected or withdrawn application; an accepted one may still be
    /// withdrawn by its applicant (a startup leaving its cohort frees its place).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Withdrawn)
    }

    /// Forward moves only; rejection and withdrawal are possible from any open stage. A
    /// programme's organisation waitlists instead of accepting when the cohort is full.
    pub fn can_move_to(self, next: Self) -> bool {
        use ApplicationStage::*;
        match (self, next) {
            (from, _) if from.is_final() => false,
            (Accepted, next) => next == Withdrawn,
            (_, Rejected | Withdrawn) => true,
            (Submitted, Screening) | (Screening, Interview) | (Interview, Offered) | (Offered, Accepted) => true,
            (Screening, Offered) => true,
            (Screening | Interview | Offered, Waitlisted) | (Waitlisted, Accepted) => true,
            _ => false,
        }
    }

    /// [`Self::can_move_to`] for an application to a programme (`to_programme`) or to an
    /// offer: only a programme, which fills a cohort, keeps a waitlist. The server decides
    /// with this, and the web app offers exactly these moves.
    pub fn can_move_to_for(self, next: Self, to_programme: bool) -> bool {
        self.can_move_to(next) && (next != Self::Waitlisted || to_programme)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub stage: ApplicationStage,
    pub at: DateTime<Utc>,
}

/// One criterion of an organisation's rubric and the points given for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricScore {
    pub criterion: String,
    pub points: u8,
    pub max_points: u8,
}

/// The 0-100 score of a rubric: points given over points possible.
pub fn rubric_total(rubric: &[RubricScore]) -> Option<u8> {
    let max: u32 = rubric.iter().map(|r| u32::from(r.max_points)).sum();
    let got: u32 = rubric.iter().map(|r| u32::from(r.points)).sum();
    (max > 0).then(|| u8::try_from((got * 100 + max / 2) / max).unwrap_or(100))
}

/// A condition a startup must still meet, recorded with its application when the programme
/// admitted it as "eligible if" (e.g. incorporate before the deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityCondition {
    /// The programme rule, e.g. `legal_form`.
    pub rule: String,
    pub it: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub id: ApplicationId,
    pub applicant: Applicant,
    pub target: ApplicationTarget,
    pub stage: ApplicationStage,
    #[serde(default)]
    pub history: Vec<StageChange>,
    #[serde(default)]
    pub motivation: String,
    /// Rubric score given by the organisation, 0 to 100.
    #[serde(default)]
    pub score: Option<u8>,
    /// The rubric behind `score`, criterion by criterion.
    #[serde(default)]
    pub rubric: Vec<RubricScore>,
    /// The conditions of an "eligible if" verdict when the startup applied.
    #[serde(default)]
    pub conditions: Vec<EligibilityCondition>,
    /// The answers to the programme's form, as submitted.
    #[serde(default)]
    pub answers: Vec<crate::form::Answer>,
    /// Set when a talent's application to an offer is accepted: the hire, as counted.
    #[serde(default)]
    pub hire: Option<crate::education::Hire>,
}

impl Validate for Application {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        let paired = matches!(
            (self.applicant, self.target),
            (Applicant::Talent(_), ApplicationTarget::Offer(_))
                | (Applicant::Startup(_), ApplicationTarget::Programme(_))
        );
        v.check(paired, "target", "talents apply to offers and startups to programmes");
        v.text("motivation", &self.motivation, MAX_TEXT_CHARS, false);
        v.check(self.rubric.len() <= 20, "rubric", "has more than 20 criteria");
        for (i, r) in self.rubric.iter().enumerate() {
            v.name(&format!("rubric[{i}].criterion"), &r.criterion);
            v.check(r.max_points >= 1, format!("rubric[{i}].max_points"), "must be at least 1");
            v.check(r.points <= r.max_points, format!("rubric[{i}].points"), "must not exceed max_points");
        }
        if !self.rubric.is_empty() {
            v.check(self.score == rubric_total(&self.rubric), "score", "must be the rubric's total");
        }
        if let Some(score) = self.score {
            v.check(score <= 100, "score", "must be between 0 and 100");
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStage::*;

    #[test]
    fn stages_move_forward_only() {
        assert!(Submitted.can_move_to(Screening));
        assert!(Interview.can_move_to(Rejected));
        assert!(!Screening.can_move_to(Submitted));
        assert!(Accepted.can_move_to(Withdrawn) && !Accepted.can_move_to(Rejected));
        assert!(!Withdrawn.can_move_to(Submitted));
        assert!(!Submitted.can_move_to(Accepted));
        assert!(Offered.can_move_to(Waitlisted) && Waitlisted.can_move_to(Accepted));
        assert!(Waitlisted.can_move_to(Withdrawn) && !Waitlisted.can_move_to(Offered));
    }
}

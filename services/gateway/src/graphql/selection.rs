//! Selection of a programme's applicants: review panels, reviews, conflicts of interest, the
//! blind first round, the raw and calibrated ranking, and the cohort. Every rule is the
//! application boundary's (`crocevia_profiles::app::selection` and `cohort`); these resolvers
//! only map arguments.

use super::mutation::{Saved, version};
use super::query::uuid;
use super::{app, app_error, field_error, signed_in};
use async_graphql::{Context, ID, Object, OneofObject, Result};
use crocevia_api::{
    CohortView, DecisionExplanationView, DecisionExportView, FairnessView, NamedView, RankingReplayView,
    ReviewPacketView, ReviewView, SelectionRankingView,
};
use crocevia_profiles::app::ConflictWith;

fn uuids(field: &str, ids: &[ID]) -> Result<Vec<uuid::Uuid>> {
    ids.iter().enumerate().map(|(i, id)| uuid(&format!("{field}[{i}]"), id)).collect()
}

/// Whom a conflict of interest is with: a startup (or talent) by id, or the applicant of an
/// application in my review queue, whom a blind round does not name.
#[derive(OneofObject, Debug)]
pub enum ConflictInput {
    Applicant(ID),
    Application(ID),
}

#[derive(Debug, Default)]
pub struct SelectionMutation;

#[Object]
impl SelectionMutation {
    /// Sets a programme's review panel (members of its organisation) and whether its first
    /// round is blind (reviewers then see no name, founder, contact or link of the startups).
    async fn set_review_panel(
        &self,
        ctx: &Context<'_>,
        programme: ID,
        reviewers: Vec<ID>,
        #[graphql(default)] blind_first_round: bool,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (programme, expected) = (uuid("programme", &programme)?, version("expectedVersion", expected_version)?);
        let reviewers = uuids("reviewers", &reviewers)?;
        let saved =
            app(ctx)?.set_review_panel(signed_in(ctx)?, programme, reviewers, blind_first_round, expected).await;
        Ok(saved.map_err(app_error)?.into())
    }

    /// Ends a programme's blind first round: its reviewers see the startups from now on.
    async fn end_blind_round(&self, ctx: &Context<'_>, programme: ID, expected_version: Option<i64>) -> Result<Saved> {
        let (programme, expected) = (uuid("programme", &programme)?, version("expectedVersion", expected_version)?);
        Ok(app(ctx)?.end_blind_round(signed_in(ctx)?, programme, expected).await.map_err(app_error)?.into())
    }

    /// Assigns one application to reviewers by name; an empty list gives it back to the
    /// programme's panel. A reviewer in conflict with its applicant is refused.
    async fn assign_reviewers(&self, ctx: &Context<'_>, application: ID, reviewers: Vec<ID>) -> Result<bool> {
        let application = uuid("application", &application)?;
        let reviewers = uuids("reviewers", &reviewers)?;
        app(ctx)?.assign_reviewers(signed_in(ctx)?, application, reviewers).await.map_err(app_error)?;
        Ok(true)
    }

    /// Declares my conflict of interest with an applicant: I am never assigned their
    /// applications, and a review I already gave one is void.
    async fn declare_conflict(
        &self,
        ctx: &Context<'_>,
        with: ConflictInput,
        #[graphql(default)] reason: String,
    ) -> Result<bool> {
        if reason.chars().count() > crocevia_profiles::reviews::MAX_REASON_CHARS {
            return Err(field_error("reason", "is longer than 500 characters"));
        }
        let with = match with {
            ConflictInput::Applicant(id) => ConflictWith::Applicant(uuid("with.applicant", &id)?),
            ConflictInput::Application(id) => ConflictWith::Application(uuid("with.application", &id)?),
        };
        app(ctx)?.declare_conflict(signed_in(ctx)?, with, reason).await.map_err(app_error)?;
        Ok(true)
    }
}

#[derive(Debug, Default)]
pub struct SelectionQuery;

#[Object]
impl SelectionQuery {
    /// The applications I review, each without anything that names the startup while its
    /// programme's first round is blind; other reviewers' scores only once mine is in.
    async fn review_queue(&self, ctx: &Context<'_>) -> Result<Vec<ReviewPacketView>> {
        app(ctx)?.review_queue(signed_in(ctx)?).await.map_err(app_error)
    }

    /// The reviews of one application (its organisation; a reviewer of it once theirs is in).
    async fn application_reviews(&self, ctx: &Context<'_>, id: ID) -> Result<Vec<ReviewView>> {
        let id = uuid("id", &id)?;
        app(ctx)?.application_reviews(signed_in(ctx)?, id).await.map_err(app_error)
    }

    /// A programme's applications ranked by the panel's raw and calibrated scores, side by
    /// side, with each reviewer's leniency (its organisation).
    async fn selection_ranking(&self, ctx: &Context<'_>, programme: ID) -> Result<SelectionRankingView> {
        let programme = uuid("programme", &programme)?;
        app(ctx)?.selection_ranking(signed_in(ctx)?, programme).await.map_err(app_error)
    }

    /// Every decision record of an offer or programme (its organisation): the rankings shown
    /// to its members with what reproduces them, and each decision with the ranking it
    /// followed (EU AI Act Art. 12).
    async fn decision_records(&self, ctx: &Context<'_>, target: ID) -> Result<DecisionExportView> {
        let target = uuid("target", &target)?;
        app(ctx)?.decision_records(signed_in(ctx)?, target).await.map_err(app_error)
    }

    /// The decisions on my application with their reasons, and the factors the ranking used
    /// for me, in Italian and English (EU AI Act Art. 86).
    async fn my_decision(&self, ctx: &Context<'_>, application: ID) -> Result<DecisionExplanationView> {
        let application = uuid("application", &application)?;
        app(ctx)?.my_decision(signed_in(ctx)?, application).await.map_err(app_error)
    }

    /// A recorded ranking computed again from what was recorded: whether it gives the same
    /// order (its organisation).
    async fn replay_ranking(&self, ctx: &Context<'_>, id: ID) -> Result<RankingReplayView> {
        let id = uuid("id", &id)?;
        app(ctx)?.replay_ranking(signed_in(ctx)?, id).await.map_err(app_error)
    }

    /// Selection rates through an offer's or programme's pipeline by group (talents' origin,
    /// startups' declared founder traits), no group under the open data's k shown, a rate
    /// under four fifths of the highest flagged (its organisation).
    async fn fairness(&self, ctx: &Context<'_>, target: ID) -> Result<FairnessView> {
        let target = uuid("target", &target)?;
        app(ctx)?.fairness(signed_in(ctx)?, target).await.map_err(app_error)
    }

    /// An organisation's members by name, to choose a review panel from (its members and
    /// administrators).
    async fn organisation_members(&self, ctx: &Context<'_>, organisation: ID) -> Result<Vec<NamedView>> {
        let organisation = uuid("organisation", &organisation)?;
        app(ctx)?.organisation_members(signed_in(ctx)?, organisation).await.map_err(app_error)
    }

    /// A programme's cohort, its dates and its waitlist (its organisation, and the startups
    /// that applied: their own stage and place).
    async fn cohort(&self, ctx: &Context<'_>, programme: ID) -> Result<CohortView> {
        let programme = uuid("programme", &programme)?;
        app(ctx)?.cohort(signed_in(ctx)?, programme).await.map_err(app_error)
    }
}

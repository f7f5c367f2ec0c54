//! The pipeline of an application and a programme's cohort. A programme accepts at most its
//! capacity; beyond it, applications wait on a waitlist in rank order (the panel's
//! calibrated score, then the application's score, then who waited first), and a place freed
//! by a withdrawal or a rejection goes to the first of them in the same transaction.

use super::queries::ends;
use super::{Actor, App, AppError, DecisionNote, owns};
use crate::reviews::{self, Review};
use crate::service::{Work, WriteOutcome};
use chrono::Utc;
use crocevia_api::{CohortView, NamedView, wire};
use crocevia_domain::{
    Application, ApplicationStage, Entity, EntityKind, Programme, ReviewTotal, StageChange, calibrate,
};
use std::collections::BTreeMap;
use uuid::Uuid;

const CORRELATION: &str = "pipeline";

/// `applications` in rank order: calibrated panel score, then the application's score, then
/// the time it reached its current stage, then id.
fn in_rank_order(mut applications: Vec<Application>, reviews: &[Review]) -> Vec<Application> {
    let totals: Vec<ReviewTotal<Uuid, Uuid>> = reviews
        .iter()
        .map(|r| ReviewTotal { application: r.application_id, reviewer: r.reviewer_id, total: r.total })
        .collect();
    let calibrated: BTreeMap<Uuid, f64> =
        calibrate(&totals).applications.into_iter().map(|c| (c.application, c.calibrated)).collect();
    let since = |a: &Application| a.history.last().map(|h| h.at);
    applications.sort_by(|a, b| {
        let (ca, cb) = (calibrated.get(&a.id.as_uuid()), calibrated.get(&b.id.as_uuid()));
        cb.unwrap_or(&f64::NEG_INFINITY)
            .total_cmp(ca.unwrap_or(&f64::NEG_INFINITY))
            .then(b.score.cmp(&a.score))
            .then(since(a).cmp(&since(b)))
            .then(a.id.cmp(&b.id))
    });
    applications
}

/// The applications to `programme` read inside `work`, withdrawn ones left out.
async fn applications_to(work: &Work<'_>, programme: Uuid) -> Result<Vec<Application>, AppError> {
    let mut out = Vec::new();
    for (kind, id, field) in work.inbound(programme, 100_000).await? {
        if kind != EntityKind::Application.as_str() || field != "target" {
            continue;
        }
        if let Some(stored) = work.find(EntityKind::Application, id).await?
            && let Entity::Application(a) = stored.entity
            && a.stage != ApplicationStage::Withdrawn
        {
            out.push(a);
        }
    }
    Ok(out)
}

impl App {
    /// Moves an application: its organisation moves it forward, waitlists or rejects it; its
    /// applicant may only withdraw it. Forward-only transitions (see
    /// `ApplicationStage::can_move_to`). A member who declared a conflict with the applicant
    /// does not decide on it. Accepting into a full cohort is refused (waitlist instead);
    /// when an accepted startup leaves, the first on the waitlist takes its place.
    pub async fn move_application(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        self.decide(actor, id, stage, expected_version, DecisionNote::default()).await
    }

    /// [`App::move_application`] with the decision-maker's note: the reason, and whether it
    /// goes against the ranking they saw (then the reason is required). The move is recorded
    /// with the ranking its maker saw last (see `app::decisions`), in the same transaction.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: ApplicationStage,
        expected_version: Option<u64>,
        note: DecisionNote,
    ) -> Result<WriteOutcome, AppError> {
        let user = actor.require()?;
        if note.reason.chars().count() > crate::decisions::MAX_REASON_CHARS {
            return Err(AppError::invalid("reason", "is longer than 2000 characters"));
        }
        if note.against_ranking && note.reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "say why this decision goes against the ranking"));
        }
        let (seen, version, relation) = self.application(actor, id).await?;
        let allowed = relation.organisation || (relation.applicant && stage == ApplicationStage::Withdrawn);
        if !allowed {
            return Err(AppError::forbidden(
                "only the organisation moves an application; the applicant may withdraw it",
            ));
        }
        let ((_, applicant), (target_kind, target)) = ends(&seen);
        if !relation.applicant && self.in_conflict(self.profiles.db(), user.id.as_uuid(), applicant).await? {
            return Err(AppError::forbidden(
                "you declared a conflict of interest with this applicant; another member decides",
            ));
        }
        if !seen.stage.can_move_to(stage) {
            return Err(AppError::invalid(
                "stage",
                format!("an application cannot move from {:?} to {stage:?}", seen.stage),
            ));
        }
        if !seen.stage.can_move_to_for(stage, target_kind == EntityKind::Programme) {
            return Err(AppError::invalid("stage", "only applications to programmes are waitlisted"));
        }
        let mut work = self.profiles.work().await?;
        // Holds the programme: two decisions on one cohort take turns, so it never overfills.
        let programme = match target_kind {
            EntityKind::Programme => match work.lock(EntityKind::Programme, target).await?.entity {
                Entity::Programme(p) => Some(p),
                _ => None,
            },
            _ => None,
        };
        // The stored application, not the one read for the actor (which may withhold scores).
        let stored = work.get(EntityKind::Application, id).await?;
        let Entity::Application(mut application) = stored.entity else {
            return Err(AppError::not_found("no such application"));
        };
        let previous = application.stage;
        if let Some(p) = &programme
            && stage == ApplicationStage::Accepted
        {
            let accepted = applications_to(&work, target)
                .await?
                .iter()
                .filter(|a| a.stage == ApplicationStage::Accepted && a.id != application.id)
                .count();
            if accepted >= p.capacity as usize {
                return Err(AppError::Refused {
                    field: "stage".into(),
                    message: format!(
                        "the cohort is full ({accepted} of {} places): waitlist the application, or free a place first",
                        p.capacity
                    ),
                    reasons: vec![],
                });
            }
        }
        let now = Utc::now();
        application.stage = stage;
        application.history.push(StageChange { stage, at: now });
        if stage == ApplicationStage::Accepted && application.hire.is_none() {
            application.hire = hire_of(&work, &application, now.date_naive()).await?;
        }
        let expected = Some(expected_version.unwrap_or(version));
        let outcome = work.upsert(Entity::Application(application.clone()), expected, CORRELATION).await?;
        self.record_decision(work.txn(), Some(actor), &application, previous, &note).await?;
        if let Some(p) = &programme
            && previous == ApplicationStage::Accepted
            && matches!(stage, ApplicationStage::Withdrawn | ApplicationStage::Rejected)
        {
            self.promote(&mut work, p).await?;
        }
        work.commit().await?;
        Ok(outcome)
    }

    /// Gives a free place of `programme`'s cohort to the first on its waitlist, if any.
    async fn promote(&self, work: &mut Work<'_>, p: &Programme) -> Result<(), AppError> {
        let programme = p.id.as_uuid();
        let all = applications_to(work, programme).await?;
        let accepted = all.iter().filter(|a| a.stage == ApplicationStage::Accepted).count();
        if accepted >= p.capacity as usize {
            return Ok(());
        }
        let waiting: Vec<Application> = all.into_iter().filter(|a| a.stage == ApplicationStage::Waitlisted).collect();
        let reviews = reviews::of_target(work.txn(), programme).await?;
        let Some(mut first) = in_rank_order(waiting, &reviews).into_iter().next() else { return Ok(()) };
        let version = work.get(EntityKind::Application, first.id.as_uuid()).await?.version;
        first.stage = ApplicationStage::Accepted;
        first.history.push(StageChange { stage: ApplicationStage::Accepted, at: Utc::now() });
        tracing::info!(application = %first.id, programme = %programme, "first on the waitlist takes the freed place");
        work.upsert(Entity::Application(first.clone()), Some(version), CORRELATION).await?;
        let note = DecisionNote {
            reason: "a place in the cohort was freed: the first on the waitlist takes it".into(),
            against_ranking: false,
        };
        self.record_decision(work.txn(), None, &first, ApplicationStage::Waitlisted, &note).await?;
        Ok(())
    }

    /// A programme's cohort: its accepted startups and dates, for its organisation (with the
    /// waitlist in rank order) and for the startups that applied (with their own stage and
    /// place on the waitlist).
    pub async fn cohort(&self, actor: &Actor, programme: Uuid) -> Result<CohortView, AppError> {
        actor.require()?;
        let stored = self.profiles.get(EntityKind::Programme, programme).await?;
        let Entity::Programme(p) = &stored.entity else {
            return Err(AppError::not_found("no programme has this id"));
        };
        let manager = actor.is_admin() || owns(actor, &stored.entity);
        let db = self.profiles.db();
        let all = self.applications_to(programme).await?;
        let mine = match self.own_profile(actor).await? {
            Some((EntityKind::Startup, me)) => all.iter().filter(|a| ends(a).0.1 == me).max_by_key(|a| a.id).cloned(),
            _ => None,
        };
        if !manager && mine.is_none() {
            return Err(AppError::forbidden("a cohort is shown to its organisation and to the startups that applied"));
        }
        let mut members = Vec::new();
        for a in all.iter().filter(|a| a.stage == ApplicationStage::Accepted) {
            let (kind, id) = ends(a).0;
            members.push(NamedView { id: wire::id(id), name: self.title(kind, id).await? });
        }
        let waiting: Vec<Application> =
            all.iter().filter(|a| a.stage == ApplicationStage::Waitlisted).cloned().collect();
        let waitlisted = waiting.len();
        let order = in_rank_order(waiting, &reviews::of_target(db, programme).await?);
        let my_waitlist_position = mine
            .as_ref()
            .and_then(|m| order.iter().position(|a| a.id == m.id).map(|i| i32::try_from(i + 1).unwrap_or(i32::MAX)));
        let mut waitlist = Vec::new();
        if manager {
            for a in &order {
                let (kind, id) = ends(a).0;
                waitlist.push(NamedView { id: wire::id(id), name: self.title(kind, id).await? });
            }
        }
        Ok(CohortView {
            programme_id: wire::id(programme),
            title: p.title.clone(),
            cohort_start: crocevia_api::Date(p.cohort_start),
            cohort_end: crocevia_api::Date(p.cohort_end),
            capacity: i32::try_from(p.capacity).unwrap_or(i32::MAX),
            members,
            waitlisted: i32::try_from(waitlisted).unwrap_or(i32::MAX),
            waitlist,
            my_stage: mine.map(|m| m.stage),
            my_waitlist_position,
        })
    }
}

/// The hire a talent's accepted application to an offer records, with what the open data
/// counts it by as it is today (the talent's origin, the offer's sectors and employer), so a
/// later edit of either does not rewrite the past. `None` for a startup's application to a
/// programme, which is not a hire.
async fn hire_of(
    work: &Work<'_>,
    application: &Application,
    day: chrono::NaiveDate,
) -> Result<Option<crocevia_domain::Hire>, AppError> {
    let (crocevia_domain::Applicant::Talent(talent), crocevia_domain::ApplicationTarget::Offer(offer)) =
        (application.applicant, application.target)
    else {
        return Ok(None);
    };
    let Entity::Talent(talent) = work.get(EntityKind::Talent, talent.as_uuid()).await?.entity else {
        return Ok(None);
    };
    let Entity::Offer(offer) = work.get(EntityKind::Offer, offer.as_uuid()).await?.entity else {
        return Ok(None);
    };
    Ok(Some(crocevia_domain::Hire {
        hired_on: day,
        origin: talent.country_of_origin,
        sectors: offer.sectors,
        by_startup: offer.startup_id.is_some(),
    }))
}

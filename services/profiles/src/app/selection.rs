//! Selection of a programme's applicants: the review panel, each reviewer's own review, the
//! conflicts of interest reviewers declare, the blind first round, and the raw and calibrated
//! ranking. The rules, decided here for every door:
//!
//! - reviewers are members of the programme's organisation; an application is reviewed by
//!   the reviewers assigned to it by name, else by the programme's panel, never by one who
//!   declared a conflict with its applicant (a review they gave before declaring is void);
//! - a reviewer reviews once, and sees no other score of an application (its reviews, its
//!   aggregate, its place in the ranking) before submitting their own;
//! - in a blind first round a panel member does not own the programme (see [`super::owns`]):
//!   every door that shows applicants is closed to them, and the review door shows each
//!   application without anything that names the startup.
//!
//! Offers have no panel: every member of the organisation may review, each once.

use super::queries::ends;
use super::{Actor, App, AppError, RubricLine, owns};
use crate::reviews::{self, Review};
use crate::service::WriteOutcome;
use crate::store;
use crocevia_api::{
    NamedView, Party, RankedApplicationView, ReviewPacketView, ReviewView, ReviewerLeniencyView, SelectionRankingView,
    wire,
};
use crocevia_domain::{
    AnswerValue, Application, ApplicationStage, Entity, EntityKind, OrganisationId, Programme, QuestionKind,
    ReviewTotal, Role, RubricScore, Startup, UserId, calibrate, rubric_total,
};
use sea_orm::ConnectionTrait;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

const CORRELATION: &str = "selection";

/// Whom a reviewer declares a conflict of interest with.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub enum ConflictWith {
    /// A startup (or talent) by id, before any review.
    Applicant(Uuid),
    /// The applicant of an application in the reviewer's queue, without learning who it is.
    Application(Uuid),
}

/// Who reviews one application.
#[derive(Debug, Default)]
pub(super) struct Reviewers {
    /// True when a panel or a named assignment decides who reviews (else any member may).
    pub panel: bool,
    /// The reviewers of the application, conflicted ones left out.
    pub assigned: Vec<Uuid>,
    /// The candidate reviewers who declared a conflict with its applicant.
    pub conflicted: Vec<Uuid>,
}

impl Reviewers {
    pub fn may_review(&self, user: Uuid) -> bool {
        !self.conflicted.contains(&user) && (!self.panel || self.assigned.contains(&user))
    }
}

pub(super) fn organisation_of(entity: &Entity) -> Option<OrganisationId> {
    match entity {
        Entity::Offer(o) => o.organisation_id,
        Entity::Programme(p) => Some(p.organisation_id),
        _ => None,
    }
}

/// The panel's mean of each criterion (as a share of its points, put back on the first
/// review's scale), so the application's score, that rubric's total, is the mean of the
/// reviewers' totals up to rounding.
fn mean_rubric(reviews: &[Vec<RubricScore>]) -> Vec<RubricScore> {
    let mut order: Vec<(String, u8)> = Vec::new();
    let mut shares: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for rubric in reviews {
        for line in rubric {
            if !shares.contains_key(&line.criterion) {
                order.push((line.criterion.clone(), line.max_points));
            }
            shares
                .entry(line.criterion.clone())
                .or_default()
                .push(f64::from(line.points) / f64::from(line.max_points.max(1)));
        }
    }
    order
        .into_iter()
        .map(|(criterion, max_points)| {
            let s = &shares[&criterion];
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            // Within 0..=max_points by construction: every share is within 0..=1.
            let points = (mean * f64::from(max_points)).round().clamp(0.0, f64::from(max_points)) as u8;
            RubricScore { criterion, points, max_points }
        })
        .collect()
}

/// A review's rubric total on 0-100, unrounded.
fn total_of(rubric: &[RubricScore]) -> f64 {
    let max: u32 = rubric.iter().map(|r| u32::from(r.max_points)).sum();
    let got: u32 = rubric.iter().map(|r| u32::from(r.points)).sum();
    if max == 0 { 0.0 } else { f64::from(got) * 100.0 / f64::from(max) }
}

/// A label for an application that does not name its applicant.
fn label(application: Uuid) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(application.as_bytes());
    format!("#{}", hex::encode_upper(&hash[..3]))
}

/// `text` with every occurrence of the startup's name, website and address masked.
fn masked(text: &str, startup: &Startup) -> String {
    let mut out = text.to_owned();
    let mut needles = vec![startup.name.clone(), startup.contact_email.clone()];
    needles.extend(startup.website.clone());
    for needle in needles.into_iter().filter(|n| n.trim().chars().count() >= 2) {
        out = replace_caseless(&out, needle.trim(), "▇▇▇");
    }
    out
}

fn replace_caseless(text: &str, needle: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    // Lowercasing can change byte lengths (rare letters); then mask by characters instead.
    if lower.len() != text.len() {
        return text.replace(&needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find(&needle) {
        let start = at + found;
        out.push_str(&text[at..start]);
        out.push_str(with);
        at = start + needle.len();
    }
    out.push_str(&text[at..]);
    out
}

impl App {
    /// Who reviews `application`, whose target is `target`.
    pub(super) async fn reviewers(
        &self,
        conn: &impl ConnectionTrait,
        application: &Application,
        target: &Entity,
    ) -> Result<Reviewers, AppError> {
        let named = reviews::assigned(conn, application.id.as_uuid()).await?;
        let candidates: Vec<Uuid> = if !named.is_empty() {
            named
        } else if let Entity::Programme(p) = target {
            p.review.reviewers.iter().map(|u| u.as_uuid()).collect()
        } else {
            vec![]
        };
        let panel = !candidates.is_empty();
        let applicant = ends(application).0.1;
        let conflicted = if panel { reviews::conflicted(conn, applicant, &candidates).await? } else { vec![] };
        let assigned = candidates.into_iter().filter(|c| !conflicted.contains(c)).collect();
        Ok(Reviewers { panel, assigned, conflicted })
    }

    /// Whether a reviewer of the organisation declared a conflict with the applicant.
    pub(super) async fn in_conflict(
        &self,
        conn: &impl ConnectionTrait,
        user: Uuid,
        applicant: Uuid,
    ) -> Result<bool, AppError> {
        Ok(!reviews::conflicted(conn, applicant, &[user]).await?.is_empty())
    }

    /// Hides an application's aggregate score and rubric from whoever is not its poster's
    /// (the applicant included: the scores are the poster's own assessment, not feedback),
    /// and from a reviewer who must review it and has not yet: no door shows them another
    /// score before their own. Administrators see them.
    pub(super) async fn withhold_scores(&self, actor: &Actor, application: &mut Application) -> Result<(), AppError> {
        if (application.score.is_none() && application.rubric.is_empty()) || actor.is_admin() {
            return Ok(());
        }
        let hide = |application: &mut Application| {
            application.score = None;
            application.rubric.clear();
        };
        let db = self.profiles.db();
        let (target_kind, target) = ends(application).1;
        let target = store::find(db, target_kind, target).await?;
        // Its organisation's members, a blind round's reviewers among them (who do not own
        // the programme meanwhile), or the startup that posted the offer.
        let poster = target.as_ref().is_some_and(|t| {
            owns(actor, &t.entity) || actor.organisation().is_some_and(|org| organisation_of(&t.entity) == Some(org))
        });
        let (Some(user), Some(target), true) = (actor.user(), target, poster) else {
            hide(application);
            return Ok(());
        };
        let me = user.id.as_uuid();
        // Without a panel (an offer) every member sees the scores: nobody is assigned.
        let reviewers = self.reviewers(db, application, &target.entity).await?;
        let must_review = reviewers.panel && reviewers.assigned.contains(&me);
        let reviewed = reviews::of_application(db, application.id.as_uuid()).await?.iter().any(|r| r.reviewer_id == me);
        if must_review && !reviewed {
            hide(application);
        }
        Ok(())
    }

    /// A reviewer's review of an application: once, final, on its rubric (each criterion's
    /// points within its maximum). The application's score becomes the mean of its reviews
    /// (see [`mean_rubric`]). Offers: any member of the organisation; programmes with a panel:
    /// the reviewers assigned to the application, never one in conflict with its applicant.
    pub async fn score_application(
        &self,
        actor: &Actor,
        id: Uuid,
        rubric: Vec<RubricLine>,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let user = actor.require()?;
        let me = user.id.as_uuid();
        if rubric.is_empty() {
            return Err(AppError::invalid("rubric", "must name at least one criterion"));
        }
        let mut scores = Vec::with_capacity(rubric.len());
        for (i, line) in rubric.into_iter().enumerate() {
            let small = |field: &str, v: i64| {
                u8::try_from(v)
                    .map_err(|_| AppError::invalid(format!("rubric[{i}].{field}"), "must be between 0 and 255"))
            };
            let points = small("points", line.points)?;
            let max_points = small("maxPoints", line.max_points)?;
            if max_points == 0 {
                return Err(AppError::invalid(format!("rubric[{i}].maxPoints"), "must be at least 1"));
            }
            if points > max_points {
                return Err(AppError::invalid(format!("rubric[{i}].points"), "must not exceed maxPoints"));
            }
            scores.push(RubricScore { criterion: line.criterion, points, max_points });
        }
        let mut work = self.profiles.work().await?;
        // Holds the application: reviews of one application take turns, so each aggregate
        // counts every review before it.
        let stored = work.lock(EntityKind::Application, id).await?;
        let Entity::Application(mut application) = stored.entity else {
            return Err(AppError::not_found("no such application"));
        };
        if let Some(expected) = expected_version
            && expected != stored.version
        {
            return Err(AppError::Conflict {
                message: format!("the application is at version {}, not {expected}; reload and retry", stored.version),
                current: Some(stored.version),
            });
        }
        let ((_, applicant), (target_kind, target_id)) = ends(&application);
        let target = work.get(target_kind, target_id).await?.entity;
        let receives = match &target {
            // An offer's employer (an organisation, or a startup that hires) scores its
            // applications; no panel, no blind round.
            Entity::Offer(_) => super::owns(actor, &target),
            _ => actor.organisation().is_some() && organisation_of(&target) == actor.organisation(),
        };
        if !receives {
            return Err(AppError::forbidden("only members of the organisation that received it review an application"));
        }
        let reviewers = self.reviewers(work.txn(), &application, &target).await?;
        if reviewers.conflicted.contains(&me) || self.in_conflict(work.txn(), me, applicant).await? {
            return Err(AppError::forbidden("you declared a conflict of interest with this applicant"));
        }
        if !reviewers.may_review(me) {
            return Err(AppError::forbidden("you are not on this application's review panel"));
        }
        if matches!(application.stage, ApplicationStage::Withdrawn | ApplicationStage::Rejected) {
            return Err(AppError::invalid("id", "a withdrawn or rejected application is not reviewed"));
        }
        let earlier = reviews::of_application(work.txn(), id).await?;
        if earlier.iter().any(|r| r.reviewer_id == me) {
            return Err(AppError::Refused {
                field: "rubric".into(),
                message: "you have already reviewed this application; a review is final".into(),
                reasons: vec![],
            });
        }
        let round = match &target {
            Entity::Programme(p) => p.review.round(),
            _ => 2,
        };
        reviews::insert(work.txn(), id, me, target_id, round, &scores, total_of(&scores)).await?;
        let mut rubrics = earlier.iter().map(Review::lines).collect::<Result<Vec<_>, _>>()?;
        rubrics.push(scores);
        application.rubric = mean_rubric(&rubrics);
        application.score = rubric_total(&application.rubric);
        let outcome = work.upsert(Entity::Application(application), Some(stored.version), CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Reviews the aggregate of `application` again after a review was voided.
    async fn rescore(&self, work: &mut crate::Work<'_>, id: Uuid) -> Result<(), AppError> {
        let stored = work.lock(EntityKind::Application, id).await?;
        let Entity::Application(mut application) = stored.entity else { return Ok(()) };
        let rubrics =
            reviews::of_application(work.txn(), id).await?.iter().map(Review::lines).collect::<Result<Vec<_>, _>>()?;
        application.rubric = mean_rubric(&rubrics);
        application.score = if rubrics.is_empty() { None } else { rubric_total(&application.rubric) };
        work.upsert(Entity::Application(application), Some(stored.version), CORRELATION).await?;
        Ok(())
    }

    /// Declares a conflict of interest: the reviewer is never assigned that applicant's
    /// applications, and a review they already gave one is void (the aggregate is computed
    /// again without it). Declared on an application, it names nobody to the reviewer.
    pub async fn declare_conflict(&self, actor: &Actor, with: ConflictWith, reason: String) -> Result<(), AppError> {
        let user = actor.require()?;
        let org = actor.organisation().ok_or_else(|| AppError::forbidden("reviewers are organisation members"))?;
        let me = user.id.as_uuid();
        let mut work = self.profiles.work().await?;
        let applicant = match with {
            ConflictWith::Applicant(id) => {
                let held = [EntityKind::Startup, EntityKind::Talent];
                let mut found = false;
                for kind in held {
                    found |= work.find(kind, id).await?.is_some();
                }
                if !found {
                    return Err(AppError::not_found("no startup or talent has this id"));
                }
                id
            }
            ConflictWith::Application(id) => {
                let Entity::Application(application) = work.get(EntityKind::Application, id).await?.entity else {
                    return Err(AppError::not_found("no such application"));
                };
                let ((_, applicant), (kind, target)) = ends(&application);
                if organisation_of(&work.get(kind, target).await?.entity) != Some(org) {
                    return Err(AppError::forbidden("this application went to another organisation"));
                }
                applicant
            }
        };
        reviews::declare_conflict(work.txn(), me, applicant, reason.trim()).await?;
        for (kind, application, field) in work.inbound(applicant, 100_000).await? {
            if kind != EntityKind::Application.as_str() || field != "applicant" {
                continue;
            }
            let voided = reviews::of_application(work.txn(), application).await?.iter().any(|r| r.reviewer_id == me);
            if voided {
                reviews::void(work.txn(), application, me).await?;
                self.rescore(&mut work, application).await?;
            }
        }
        work.commit().await?;
        tracing::info!(reviewer = %user.id, "conflict of interest declared");
        Ok(())
    }

    /// A programme the actor's organisation runs, locked in `work` for a change to its review,
    /// with the version read; FORBIDDEN for anyone else (and a reviewer in its blind round).
    async fn programme_to_change(
        &self,
        work: &crate::Work<'_>,
        actor: &Actor,
        programme: Uuid,
        what: &str,
    ) -> Result<(Programme, u64), AppError> {
        actor.require()?;
        let current = work.lock(EntityKind::Programme, programme).await?;
        if !owns(actor, &current.entity) {
            return Err(AppError::forbidden(format!("only the programme's organisation {what}")));
        }
        match current.entity {
            Entity::Programme(p) => Ok((p, current.version)),
            _ => Err(AppError::not_found("no programme has this id")),
        }
    }

    /// Whether `user` is a member of `org`.
    async fn is_member(work: &crate::Work<'_>, user: Uuid, org: OrganisationId) -> Result<bool, AppError> {
        Ok(match work.find(EntityKind::User, user).await?.map(|s| s.entity) {
            Some(Entity::User(u)) => u.role == Role::Organisation && u.organisation_id == Some(org),
            _ => false,
        })
    }

    /// Sets a programme's review panel (members of its organisation) and whether its first
    /// round is blind. The organisation only, and not a reviewer while the round is blind.
    pub async fn set_review_panel(
        &self,
        actor: &Actor,
        programme: Uuid,
        reviewers: Vec<Uuid>,
        blind_first_round: bool,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let mut work = self.profiles.work().await?;
        let (mut p, version) = self.programme_to_change(&work, actor, programme, "sets its panel").await?;
        for (i, id) in reviewers.iter().enumerate() {
            if !Self::is_member(&work, *id, p.organisation_id).await? {
                return Err(AppError::invalid(
                    format!("reviewers[{i}]"),
                    "is not a member of the programme's organisation",
                ));
            }
        }
        if p.review.blind_round_ended && !blind_first_round {
            p.review.blind_round_ended = false;
        }
        p.review.reviewers = reviewers.into_iter().map(UserId::from_uuid).collect();
        p.review.blind_first_round = blind_first_round;
        let outcome = work
            .upsert(Entity::Programme(p), Some(expected_version.unwrap_or(version)), CORRELATION)
            .await
            .map_err(|e| super::commands::in_api_spelling("panel", e.into()))?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Ends a programme's blind first round: its reviewers see the startups from now on.
    pub async fn end_blind_round(
        &self,
        actor: &Actor,
        programme: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let mut work = self.profiles.work().await?;
        let (mut p, version) = self.programme_to_change(&work, actor, programme, "ends its blind round").await?;
        if !p.review.blind_first_round || p.review.blind_round_ended {
            return Err(AppError::invalid("programme", "this programme has no blind round going on"));
        }
        p.review.blind_round_ended = true;
        let outcome = work.upsert(Entity::Programme(p), Some(expected_version.unwrap_or(version)), CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Assigns one application to reviewers by name (members of the organisation, none in
    /// conflict with its applicant); an empty list gives it back to the programme's panel.
    pub async fn assign_reviewers(&self, actor: &Actor, id: Uuid, reviewers: Vec<Uuid>) -> Result<(), AppError> {
        let (application, _, relation) = self.application(actor, id).await?;
        if !relation.organisation {
            return Err(AppError::forbidden("only the organisation that received it assigns its reviewers"));
        }
        let ((_, applicant), (kind, target)) = ends(&application);
        if kind != EntityKind::Programme {
            return Err(AppError::invalid("id", "reviewers are assigned to programme applications"));
        }
        let work = self.profiles.work().await?;
        let Some(org) = organisation_of(&work.get(kind, target).await?.entity) else {
            return Err(AppError::not_found("no programme has this id"));
        };
        let mut unique = BTreeSet::new();
        for (i, reviewer) in reviewers.iter().enumerate() {
            let field = format!("reviewers[{i}]");
            if !Self::is_member(&work, *reviewer, org).await? {
                return Err(AppError::invalid(field, "is not a member of the programme's organisation"));
            }
            if self.in_conflict(work.txn(), *reviewer, applicant).await? {
                return Err(AppError::Refused {
                    field,
                    message: "declared a conflict of interest with this applicant".into(),
                    reasons: vec![],
                });
            }
            if !unique.insert(*reviewer) {
                return Err(AppError::invalid(field, "is named twice"));
            }
        }
        reviews::assign(work.txn(), id, &reviewers).await?;
        work.commit().await?;
        Ok(())
    }

    fn review_view(&self, review: &Review, names: &BTreeMap<Uuid, String>, me: Uuid) -> Result<ReviewView, AppError> {
        let rubric = review
            .lines()?
            .into_iter()
            .map(|l| crocevia_api::RubricLine {
                criterion: l.criterion,
                points: i32::from(l.points),
                max_points: i32::from(l.max_points),
            })
            .collect();
        Ok(ReviewView {
            reviewer_id: wire::id(review.reviewer_id),
            reviewer_name: names.get(&review.reviewer_id).cloned().unwrap_or_default(),
            round: i32::from(review.round),
            rubric,
            total: review.total,
            submitted_at: crocevia_api::DateTime(review.submitted_at),
            mine: review.reviewer_id == me,
        })
    }

    async fn names(&self, ids: Vec<Uuid>) -> Result<BTreeMap<Uuid, String>, AppError> {
        let mut out = BTreeMap::new();
        for id in ids {
            if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(id) {
                slot.insert(self.title(EntityKind::User, id).await?);
            }
        }
        Ok(out)
    }

    /// The reviews of one application: all of them for the organisation; for a reviewer who
    /// must review it, only once their own is in.
    pub async fn application_reviews(&self, actor: &Actor, id: Uuid) -> Result<Vec<ReviewView>, AppError> {
        let user = actor.require()?;
        let me = user.id.as_uuid();
        let (application, _, relation) = self.application(actor, id).await?;
        if !relation.organisation && !actor.is_admin() {
            return Err(AppError::forbidden("only the organisation that received it reads its reviews"));
        }
        let db = self.profiles.db();
        let all = reviews::of_application(db, id).await?;
        let (kind, target) = ends(&application).1;
        let target = self.profiles.get(kind, target).await?.entity;
        let reviewers = self.reviewers(db, &application, &target).await?;
        let must_review = reviewers.panel && reviewers.assigned.contains(&me);
        if must_review && !all.iter().any(|r| r.reviewer_id == me) {
            return Ok(vec![]);
        }
        let ids: Vec<Uuid> = all.iter().map(|r| r.reviewer_id).collect();
        let names = self.names(ids).await?;
        all.iter().map(|r| self.review_view(r, &names, me)).collect()
    }

    /// The applications the actor reviews, each as a [`ReviewPacketView`]: blind while the
    /// programme's first round is.
    pub async fn review_queue(&self, actor: &Actor) -> Result<Vec<ReviewPacketView>, AppError> {
        let user = actor.require()?;
        let me = user.id.as_uuid();
        let Some(org) = actor.organisation() else { return Ok(vec![]) };
        let db = self.profiles.db();
        let mut out = Vec::new();
        for programme in self.pointing(db, org.as_uuid(), EntityKind::Programme, "organisation_id").await? {
            let Some(stored) = store::find(db, EntityKind::Programme, programme).await? else { continue };
            let target = stored.entity;
            let Entity::Programme(p) = &target else { continue };
            for application in self.applications_to(programme).await? {
                if matches!(application.stage, ApplicationStage::Withdrawn) {
                    continue;
                }
                let reviewers = self.reviewers(db, &application, &target).await?;
                if !reviewers.panel || !reviewers.assigned.contains(&me) {
                    continue;
                }
                out.push(self.packet(p, &application, me).await?);
            }
        }
        Ok(out)
    }

    async fn packet(&self, p: &Programme, application: &Application, me: Uuid) -> Result<ReviewPacketView, AppError> {
        let blind = p.review.is_blind_for(UserId::from_uuid(me));
        let ((kind, applicant), _) = ends(application);
        let Entity::Startup(startup) = self.profiles.get(kind, applicant).await?.entity else {
            return Err(AppError::Other(anyhow::anyhow!("applicant {applicant} of a programme is not a startup")));
        };
        let all = reviews::of_application(self.profiles.db(), application.id.as_uuid()).await?;
        let mine = all.iter().find(|r| r.reviewer_id == me);
        let ids: Vec<Uuid> = all.iter().map(|r| r.reviewer_id).collect();
        let names = self.names(ids).await?;
        let my_review = mine.map(|r| self.review_view(r, &names, me)).transpose()?;
        let other_reviews = match mine {
            Some(_) => all
                .iter()
                .filter(|r| r.reviewer_id != me)
                .map(|r| self.review_view(r, &names, me))
                .collect::<Result<_, _>>()?,
            None => vec![],
        };
        let text = |t: &str| if blind { masked(t, &startup) } else { t.to_owned() };
        // A seat elsewhere (Milano, Munich) is a place, but not in the metropolitan area.
        let metro = startup.seat_comune().is_some();
        Ok(ReviewPacketView {
            application_id: wire::id(application.id),
            programme_id: wire::id(p.id),
            programme_title: p.title.clone(),
            round: i32::from(p.review.round()),
            blind,
            label: label(application.id.as_uuid()),
            applicant: (!blind).then(|| Party { kind, id: wire::id(applicant) }),
            applicant_name: (!blind).then(|| startup.name.clone()),
            stage: application.stage,
            sectors: startup.sectors.clone(),
            startup_stage: startup.stage,
            legal_form: startup.legal_form,
            team_size: i32::from(startup.team_size),
            funding_raised_eur: startup.funding_raised_eur as f64,
            founded_year: startup.founded_on.map(|d| chrono::Datelike::year(&d)),
            seat_in_metro_area: metro,
            description: text(&startup.description),
            motivation: text(&application.motivation),
            answers: self.packet_answers(p, application, blind, &startup),
            my_review,
            other_reviews,
        })
    }

    /// The answers as a reviewer reads them: in a blind round, texts masked and link and file
    /// answers withheld (they lead to the startup).
    fn packet_answers(
        &self,
        p: &Programme,
        application: &Application,
        blind: bool,
        startup: &Startup,
    ) -> Vec<crocevia_api::AnswerView> {
        application
            .answers
            .iter()
            .filter_map(|a| {
                let kind = p.form.iter().find(|q| q.key == a.key).map(|q| q.kind);
                if !blind {
                    return Some(crocevia_api::AnswerView::from(a));
                }
                match (&a.value, kind) {
                    (_, Some(QuestionKind::Url | QuestionKind::File)) | (AnswerValue::File { .. }, _) => None,
                    (AnswerValue::Text(t), _) => Some(crocevia_api::AnswerView::from(&crocevia_domain::Answer {
                        key: a.key.clone(),
                        value: AnswerValue::Text(masked(t, startup)),
                    })),
                    _ => Some(crocevia_api::AnswerView::from(a)),
                }
            })
            .collect()
    }

    /// A programme's applications ranked by the panel's raw and calibrated scores, with each
    /// reviewer's leniency. The organisation only (a reviewer in a blind round is not, see
    /// [`owns`]); a panel member does not see the applications they have yet to review.
    pub async fn selection_ranking(&self, actor: &Actor, programme: Uuid) -> Result<SelectionRankingView, AppError> {
        let user = actor.require()?;
        let me = user.id.as_uuid();
        let db = self.profiles.db();
        let stored = self.profiles.get(EntityKind::Programme, programme).await?;
        let Entity::Programme(p) = &stored.entity else {
            return Err(AppError::not_found("no programme has this id"));
        };
        if !actor.is_admin() && !owns(actor, &stored.entity) {
            return Err(AppError::forbidden("only the programme's organisation sees its ranking"));
        }
        let mut applications = BTreeMap::new();
        let mut withheld = BTreeSet::new();
        for a in self.applications_to(programme).await? {
            if a.stage == ApplicationStage::Withdrawn {
                continue;
            }
            let reviewers = self.reviewers(db, &a, &stored.entity).await?;
            applications.insert(a.id.as_uuid(), (a, reviewers));
        }
        let all = reviews::of_target(db, programme).await?;
        for (id, (_, reviewers)) in &applications {
            if reviewers.assigned.contains(&me) && !all.iter().any(|r| r.reviewer_id == me && r.application_id == *id) {
                withheld.insert(*id);
            }
        }
        let counted: Vec<ReviewTotal<Uuid, Uuid>> = all
            .iter()
            .filter(|r| applications.contains_key(&r.application_id))
            .map(|r| ReviewTotal { application: r.application_id, reviewer: r.reviewer_id, total: r.total })
            .collect();
        let calibration = calibrate(&counted);
        let mut raw_order: Vec<_> = calibration.applications.iter().map(|c| (c.application, c.raw)).collect();
        raw_order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let raw_rank: BTreeMap<Uuid, i32> = raw_order
            .iter()
            .filter(|(id, _)| !withheld.contains(id))
            .zip(1..)
            .map(|((id, _), rank)| (*id, rank))
            .collect();
        let ids: Vec<Uuid> =
            p.review.reviewers.iter().map(|u| u.as_uuid()).chain(all.iter().map(|r| r.reviewer_id)).collect();
        let names = self.names(ids).await?;
        let mut rows = Vec::new();
        let mut rank = 0;
        let mut ranked = BTreeSet::new();
        for c in &calibration.applications {
            if withheld.contains(&c.application) {
                continue;
            }
            let Some((a, _)) = applications.get(&c.application) else { continue };
            rank += 1;
            ranked.insert(c.application);
            rows.push(
                self.ranked_row(a, Some((c.reviews, c.raw, c.calibrated, raw_rank.get(&c.application).copied(), rank)))
                    .await?,
            );
        }
        for (id, (a, _)) in &applications {
            if !ranked.contains(id) && !withheld.contains(id) {
                rows.push(self.ranked_row(a, None).await?);
            }
        }
        let reviewers = calibration
            .reviewers
            .iter()
            .map(|l| ReviewerLeniencyView {
                reviewer_id: wire::id(l.reviewer),
                reviewer_name: names.get(&l.reviewer).cloned().unwrap_or_default(),
                reviews: i32::try_from(l.reviews).unwrap_or(i32::MAX),
                mean: l.mean,
                sd: l.sd,
                offset: l.offset,
            })
            .collect();
        let panel = p
            .review
            .reviewers
            .iter()
            .map(|u| NamedView { id: wire::id(u), name: names.get(&u.as_uuid()).cloned().unwrap_or_default() })
            .collect();
        let versions = super::decisions::applicant_versions(self, &rows).await?;
        self.record_selection(actor, programme, stored.version, &counted, &rows, &versions).await?;
        Ok(SelectionRankingView {
            programme_id: wire::id(programme),
            panel,
            blind_first_round: p.review.blind_first_round,
            blind_round_ended: p.review.blind_round_ended,
            mean: calibration.mean,
            sd: calibration.sd,
            applications: rows,
            reviewers,
            withheld: i32::try_from(withheld.len()).unwrap_or(i32::MAX),
        })
    }

    async fn ranked_row(
        &self,
        a: &Application,
        scored: Option<(usize, f64, f64, Option<i32>, i32)>,
    ) -> Result<RankedApplicationView, AppError> {
        let (kind, applicant) = ends(a).0;
        Ok(RankedApplicationView {
            application_id: wire::id(a.id),
            applicant: Party { kind, id: wire::id(applicant) },
            applicant_name: self.title(kind, applicant).await?,
            stage: a.stage,
            reviews: scored.map_or(0, |s| i32::try_from(s.0).unwrap_or(i32::MAX)),
            raw: scored.map(|s| s.1),
            calibrated: scored.map(|s| s.2),
            raw_rank: scored.and_then(|s| s.3),
            calibrated_rank: scored.map(|s| s.4),
            motivation: a.motivation.clone(),
            answers: a.answers.iter().map(Into::into).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(criterion: &str, points: u8, max_points: u8) -> RubricScore {
        RubricScore { criterion: criterion.into(), points, max_points }
    }

    #[test]
    fn the_mean_rubric_totals_the_mean_of_the_reviews() {
        let a = vec![line("Team", 8, 10), line("Fit", 3, 5)];
        let b = vec![line("Team", 4, 10), line("Fit", 5, 5)];
        let mean = mean_rubric(&[a.clone(), b.clone()]);
        assert_eq!(mean, vec![line("Team", 6, 10), line("Fit", 4, 5)]);
        let expected = (total_of(&a) + total_of(&b)) / 2.0;
        assert_eq!(f64::from(rubric_total(&mean).unwrap()), expected.round());
    }

    #[test]
    fn masking_hides_the_name_in_any_case() {
        assert_eq!(replace_caseless("Noi di ACME srl: acme è", "Acme", "▇"), "Noi di ▇ srl: ▇ è");
        assert_eq!(label(Uuid::nil()).len(), 7);
    }
}

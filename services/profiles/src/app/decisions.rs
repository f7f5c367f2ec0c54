//! Decision records (EU AI Act Annex III 4(a): ranking people for jobs and for
//! self-employment is high-risk). Every ranking a decision-maker is shown (an offer's
//! candidates, a programme's startups, a panel's calibrated ranking) is recorded with what
//! reproduces it (Art. 12): the versions of the entities, each entry's factors and weights,
//! the engine version, and for a calibrated ranking the review totals it came from. Every
//! human decision on an application is recorded with the ranking its maker saw last for the
//! offer or programme, their applicant's place in it, whether they marked it as going
//! against the ranking (Art. 14: a reason is then required), and the reason. The
//! organisation exports them; the applicant reads their own (Art. 86).

use super::queries::ends;
use super::{Actor, App, AppError, owns};
use crate::decisions::{self, Decision, NewRanking, Ranking, RankingEntry};
use chrono::Utc;
use crocevia_api::{
    DecisionExplanationView, DecisionExportView, DecisionRecordView, RankedApplicationView, RankingRecordView,
    RankingReplayView, RecordedEntryView, RecordedFactorView, wire,
};
use crocevia_domain::{Application, ApplicationStage, EntityKind, ReviewTotal, calibrate};
use crocevia_matching::engine::{Key, Ranks, rank};
use crocevia_matching::explain::Explained;
use crocevia_matching::{Entry, Side};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// The calibration a selection ranking was made with (see `crocevia_domain::review`).
pub const CALIBRATION_VERSION: &str = "crocevia-calibration 1: z-scores within each reviewer's reviews";

/// What a decision-maker adds to a move: why, and whether it goes against the ranking.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DecisionNote {
    pub reason: String,
    pub against_ranking: bool,
}

fn list_name(side: Side) -> Option<&'static str> {
    match side {
        Side::Offer => Some("candidates"),
        Side::Programme => Some("startups"),
        Side::Talent | Side::Startup => None,
    }
}

fn stage_key(stage: ApplicationStage) -> String {
    crocevia_api::wire::enum_name(&stage).unwrap_or_default()
}

fn parse_stage(stage: &str) -> Result<ApplicationStage, AppError> {
    crocevia_api::wire::parse_enum(stage).map_err(|e| AppError::Other(anyhow::anyhow!("stored stage {stage}: {e}")))
}

fn entry_view(row: &RankingEntry, list: &str) -> Result<RecordedEntryView, AppError> {
    let decode = |e: serde_json::Error| AppError::Other(anyhow::anyhow!("a recorded entry does not decode: {e}"));
    let (score, raw, verdict, factors) = if list == "selection" {
        let selection: SelectionEntry = serde_json::from_value(row.entry.clone()).map_err(decode)?;
        (selection.calibrated, Some(selection.raw), None, vec![])
    } else {
        let entry: Entry = serde_json::from_value(row.entry.clone()).map_err(decode)?;
        let factors = entry
            .explanation
            .factors
            .iter()
            .map(|f| RecordedFactorView {
                key: f.key.clone(),
                weight: f.weight,
                value: f.value,
                reason_it: f.reason_it.clone(),
                reason_en: f.reason_en.clone(),
            })
            .collect();
        (entry.score, None, entry.verdict.as_ref().map(|v| v.key().to_owned()), factors)
    };
    Ok(RecordedEntryView {
        position: row.position,
        counterpart_id: row.counterpart_id.map(wire::id),
        counterpart_version: row.counterpart_version,
        score,
        raw,
        verdict,
        factors,
    })
}

/// A selection ranking's entry as recorded.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SelectionEntry {
    application: Uuid,
    raw: f64,
    calibrated: f64,
    reviews: usize,
}

/// A selection ranking's input as recorded: one review's total.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct RecordedReview {
    application: Uuid,
    reviewer: Uuid,
    total: f64,
}

fn decision_view(d: &Decision, for_applicant: bool) -> Result<DecisionRecordView, AppError> {
    Ok(DecisionRecordView {
        id: wire::id(d.id),
        application_id: d.application_id.map(wire::id),
        applicant_id: d.applicant_id.map(wire::id),
        decided_by: (!for_applicant && !d.actor_id.is_nil()).then(|| wire::id(d.actor_id)),
        from_stage: parse_stage(&d.from_stage)?,
        to_stage: parse_stage(&d.to_stage)?,
        ranking_id: d.ranking_id.map(wire::id),
        rank_seen: d.rank_seen,
        against_ranking: d.against_ranking,
        reason: d.reason.clone(),
        decided_at: crocevia_api::DateTime(d.decided_at),
    })
}

/// A recorded entry put back in the engine's order: class, score computed again from the
/// recorded factors and weights, counterpart.
struct Replayed {
    position: i32,
    key: Key,
}

impl Ranks for Replayed {
    fn key(&self) -> Key {
        self.key
    }
}

impl App {
    fn retain_until(&self) -> chrono::DateTime<Utc> {
        Utc::now() + self.retention
    }

    /// Records a ranking as a write of its own (on SQLite a deferred transaction that reads
    /// first could not take the write lock while another write holds it: the one write path
    /// queues instead).
    async fn record(&self, ranking: NewRanking) -> Result<Uuid, AppError> {
        let work = self.profiles.work().await?;
        let id = decisions::record(work.txn(), ranking, self.retain_until()).await?;
        work.commit().await?;
        Ok(id)
    }

    /// Records an offer's or programme's list as shown to a member of its organisation.
    pub(super) async fn record_list(
        &self,
        actor: &Actor,
        side: Side,
        subject: Uuid,
        entries: &[Entry],
    ) -> Result<(), AppError> {
        let (Some(user), Some(list)) = (actor.user(), list_name(side)) else { return Ok(()) };
        // Lists shown to whoever decides on them: an organisation's members, or a startup for
        // its own offers.
        if actor.employer().is_none() {
            return Ok(());
        }
        let counterpart_kind = if side == Side::Offer { EntityKind::Talent } else { EntityKind::Startup };
        let target_version = self.profiles.get(super::kind_of(side), subject).await?.version;
        let mut recorded = Vec::with_capacity(entries.len());
        for entry in entries {
            let version = match self.profiles.get(counterpart_kind, entry.counterpart).await {
                Ok(stored) => stored.version,
                Err(crate::ProfilesError::NotFound { .. }) => 0,
                Err(e) => return Err(e.into()),
            };
            let value = serde_json::to_value(entry).map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
            recorded.push((entry.counterpart, version, value));
        }
        self.record(NewRanking {
            viewer: user.id.as_uuid(),
            target: subject,
            list,
            engine_version: crocevia_matching::ENGINE_VERSION.to_owned(),
            target_version,
            inputs: serde_json::Value::Null,
            entries: recorded,
        })
        .await?;
        Ok(())
    }

    /// Records a programme's selection ranking as shown, with the review totals it came from.
    pub(super) async fn record_selection(
        &self,
        actor: &Actor,
        programme: Uuid,
        programme_version: u64,
        reviews: &[ReviewTotal<Uuid, Uuid>],
        rows: &[RankedApplicationView],
        applicants: &[(Uuid, u64)],
    ) -> Result<(), AppError> {
        let Some(user) = actor.user() else { return Ok(()) };
        let inputs: Vec<RecordedReview> = reviews
            .iter()
            .map(|r| RecordedReview { application: r.application, reviewer: r.reviewer, total: r.total })
            .collect();
        let mut entries = Vec::new();
        for (row, (applicant, version)) in rows.iter().zip(applicants) {
            let (Some(raw), Some(calibrated)) = (row.raw, row.calibrated) else { continue };
            let application = row.application_id.parse().map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
            let reviews = usize::try_from(row.reviews).unwrap_or(0);
            let entry = SelectionEntry { application, raw, calibrated, reviews };
            let value = serde_json::to_value(entry).map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
            entries.push((*applicant, *version, value));
        }
        let inputs = serde_json::to_value(inputs).map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
        self.record(NewRanking {
            viewer: user.id.as_uuid(),
            target: programme,
            list: "selection",
            engine_version: CALIBRATION_VERSION.to_owned(),
            target_version: programme_version,
            inputs,
            entries,
        })
        .await?;
        Ok(())
    }

    /// Records a move of `application` (already written in `conn`'s transaction) by `actor`
    /// (`None`: the platform, moving the waitlist up), with the ranking they saw last.
    pub(super) async fn record_decision(
        &self,
        conn: &impl ConnectionTrait,
        actor: Option<&Actor>,
        application: &Application,
        from: ApplicationStage,
        note: &DecisionNote,
    ) -> Result<(), AppError> {
        let ((_, applicant), (_, target)) = ends(application);
        let viewer = actor.and_then(Actor::user).map(|u| u.id.as_uuid());
        let seen = match viewer {
            Some(viewer) => decisions::last_seen(conn, viewer, target, applicant).await?,
            None => None,
        };
        decisions::insert_decision(
            conn,
            Decision {
                id: Uuid::now_v7(),
                application_id: Some(application.id.as_uuid()),
                target_id: target,
                applicant_id: Some(applicant),
                actor_id: viewer.unwrap_or_else(Uuid::nil),
                from_stage: stage_key(from),
                to_stage: stage_key(application.stage),
                ranking_id: seen.map(|s| s.0),
                rank_seen: seen.and_then(|s| s.1),
                against_ranking: note.against_ranking,
                reason: note.reason.trim().to_owned(),
                decided_at: Utc::now(),
                retain_until: self.retain_until(),
            },
        )
        .await?;
        Ok(())
    }

    async fn ranking_view(&self, ranking: &Ranking) -> Result<RankingRecordView, AppError> {
        let entries = decisions::entries_of(self.profiles.db(), ranking.id).await?;
        Ok(RankingRecordView {
            id: wire::id(ranking.id),
            viewer_id: wire::id(ranking.viewer_id),
            list: ranking.list.clone(),
            engine_version: ranking.engine_version.clone(),
            target_version: ranking.target_version,
            shown_at: crocevia_api::DateTime(ranking.created_at),
            last_shown_at: crocevia_api::DateTime(ranking.last_shown_at),
            retain_until: crocevia_api::DateTime(ranking.retain_until),
            entries: entries.iter().map(|e| entry_view(e, &ranking.list)).collect::<Result<_, _>>()?,
        })
    }

    /// Whether the actor runs the offer or programme `target` (or is an administrator).
    async fn runs(&self, actor: &Actor, target: Uuid) -> Result<bool, AppError> {
        if actor.is_admin() {
            return Ok(true);
        }
        for kind in [EntityKind::Offer, EntityKind::Programme] {
            match self.profiles.get(kind, target).await {
                Ok(stored) => return Ok(owns(actor, &stored.entity)),
                Err(crate::ProfilesError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::not_found("no offer or programme has this id"))
    }

    /// Every record of an offer or programme: the rankings shown, newest first, and the
    /// decisions, oldest first. Its organisation and administrators only.
    pub async fn decision_records(&self, actor: &Actor, target: Uuid) -> Result<DecisionExportView, AppError> {
        actor.require()?;
        if !self.runs(actor, target).await? {
            return Err(AppError::forbidden("only the organisation that runs it exports its decision records"));
        }
        let db = self.profiles.db();
        let mut rankings = Vec::new();
        for ranking in decisions::rankings_of(db, target).await? {
            rankings.push(self.ranking_view(&ranking).await?);
        }
        let decisions = decisions::decisions_of(db, target)
            .await?
            .iter()
            .map(|d| decision_view(d, false))
            .collect::<Result<_, _>>()?;
        Ok(DecisionExportView {
            target_id: wire::id(target),
            exported_at: crocevia_api::DateTime(Utc::now()),
            rankings,
            decisions,
        })
    }

    /// For the talent or startup who applied: the decisions on their application with their
    /// reasons, and the factors the ranking behind the last of them used for them.
    pub async fn my_decision(&self, actor: &Actor, application: Uuid) -> Result<DecisionExplanationView, AppError> {
        let (_, _, relation) = self.application(actor, application).await?;
        if !relation.applicant {
            return Err(AppError::forbidden("the explanation of a decision is for the one who applied"));
        }
        let db = self.profiles.db();
        let made = decisions::decisions_on(db, application).await?;
        let mut out = DecisionExplanationView {
            application_id: wire::id(application),
            list: None,
            engine_version: None,
            rank_seen: None,
            list_length: None,
            score: None,
            verdict: None,
            factors: vec![],
            decisions: made.iter().map(|d| decision_view(d, true)).collect::<Result<_, _>>()?,
        };
        let last_ranking = made.iter().rev().find_map(|d| d.ranking_id);
        if let Some(ranking) = last_ranking
            && let Some(ranking) = decisions::ranking(db, ranking).await?
        {
            let entries = decisions::entries_of(db, ranking.id).await?;
            let applicant = made.iter().rev().find_map(|d| d.applicant_id);
            out.list = Some(ranking.list.clone());
            out.engine_version = Some(ranking.engine_version.clone());
            out.list_length = Some(i32::try_from(entries.len()).unwrap_or(i32::MAX));
            if let Some(mine) = entries.iter().find(|e| e.counterpart_id.is_some() && e.counterpart_id == applicant) {
                let view = entry_view(mine, &ranking.list)?;
                out.rank_seen = Some(view.position);
                out.score = Some(view.score);
                out.verdict = view.verdict;
                out.factors = view.factors;
            }
        }
        Ok(out)
    }

    /// Computes a recorded ranking again from what was recorded (each entry's factors and
    /// weights with the engine's order, or a selection's review totals with the calibration)
    /// and says whether it gives the same order.
    pub async fn replay_ranking(&self, actor: &Actor, id: Uuid) -> Result<RankingReplayView, AppError> {
        actor.require()?;
        let db = self.profiles.db();
        let ranking = decisions::ranking(db, id).await?.ok_or_else(|| AppError::not_found("no such ranking record"))?;
        if !self.runs(actor, ranking.target_id).await? {
            return Err(AppError::forbidden("only the organisation that runs it replays its rankings"));
        }
        let entries = decisions::entries_of(db, id).await?;
        let decode = |e: serde_json::Error| AppError::Other(anyhow::anyhow!("a recorded ranking does not decode: {e}"));
        let replayed_order: Vec<i32> = if ranking.list == "selection" {
            let inputs: Vec<RecordedReview> = serde_json::from_value(ranking.inputs.clone()).map_err(decode)?;
            let totals: Vec<ReviewTotal<Uuid, Uuid>> = inputs
                .iter()
                .map(|r| ReviewTotal { application: r.application, reviewer: r.reviewer, total: r.total })
                .collect();
            let mut positions = std::collections::BTreeMap::new();
            for e in &entries {
                let entry: SelectionEntry = serde_json::from_value(e.entry.clone()).map_err(decode)?;
                positions.insert(entry.application, e.position);
            }
            calibrate(&totals).applications.iter().filter_map(|c| positions.get(&c.application).copied()).collect()
        } else {
            let mut list = Vec::with_capacity(entries.len());
            for e in &entries {
                let entry: Entry = serde_json::from_value(e.entry.clone()).map_err(decode)?;
                let score = Explained::from_factors(entry.explanation.factors.clone()).score;
                list.push(Replayed { position: e.position, key: (entry.class(), score, entry.counterpart) });
            }
            rank(&mut list);
            list.iter().map(|r| r.position).collect()
        };
        let same = replayed_order.iter().copied().eq(1..=i32::try_from(entries.len()).unwrap_or(i32::MAX));
        Ok(RankingReplayView {
            ranking_id: wire::id(id),
            list: ranking.list,
            engine_version: ranking.engine_version,
            replayed_order,
            same,
        })
    }
}

/// The versions of the applicants of `rows`, for a selection ranking's record.
pub(super) async fn applicant_versions(
    app: &App,
    rows: &[RankedApplicationView],
) -> Result<Vec<(Uuid, u64)>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: Uuid = row.applicant.id.parse().map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
        let version = match app.profiles.get(row.applicant.kind, id).await {
            Ok(stored) => stored.version,
            Err(crate::ProfilesError::NotFound { .. }) => 0,
            Err(e) => return Err(e.into()),
        };
        out.push((id, version));
    }
    Ok(out)
}

//! A programme's selection through the application boundary: a panel with a blind first
//! round, a reviewer's conflict of interest, independent reviews, raw and calibrated
//! rankings, and a cohort capped at its capacity with a waitlist that moves up. Every rule is
//! checked with the actor it is about, and the blind round's packets are searched for any
//! field that names a startup.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_domain::{ApplicationStage, Entity, EntityKind, Role};
use crocevia_profiles::app::{CALIBRATION_VERSION, ConflictWith, DecisionNote, RubricLine};
use crocevia_profiles::{Actor, AppError, WriteOutcome};
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;

fn rubric(team: i64, fit: i64) -> Vec<RubricLine> {
    vec![
        RubricLine { criterion: "Team".into(), points: team, max_points: 10 },
        RubricLine { criterion: "Fit".into(), points: fit, max_points: 10 },
    ]
}

fn user_id(actor: &Actor) -> Uuid {
    actor.user().unwrap().id.as_uuid()
}

struct Round {
    w: World,
    manager: Actor,
    reviewers: [Actor; 3],
    startups: Vec<(Actor, Value)>,
    programme: WriteOutcome,
    applications: Vec<Uuid>,
}

/// An incubator's programme (capacity 2, blind first round, three reviewers) and four
/// startups that applied; the third reviewer declared a conflict with the first startup
/// before the panel was set.
async fn round(w: World) -> Round {
    let manager = member(&w, 2, "manager@example.org").await;
    let reviewers = [
        member(&w, 2, "r1@example.org").await,
        member(&w, 2, "r2@example.org").await,
        member(&w, 2, "r3@example.org").await,
    ];
    let mut p = programme(json!([]));
    p["capacity"] = json!(2);
    let programme = w.app.save_posting(&manager, None, posting(EntityKind::Programme, p), None).await.unwrap();
    let mut startups = Vec::new();
    let mut applications = Vec::new();
    for i in 0..4 {
        let record = demo("startups.json")[i].clone();
        let actor = signed_up(&w, &format!("s{i}@example.org"), Role::Startup).await;
        w.app.save_profile(&actor, profile_input(record.clone()), None).await.unwrap();
        let name = record["name"].as_str().unwrap().to_owned();
        let applied = w.app.apply(&actor, programme.id, format!("Noi di {name} vogliamo crescere")).await.unwrap();
        applications.push(applied.id);
        startups.push((actor, record));
    }
    let first = w.app.own_profile(&startups[0].0).await.unwrap().unwrap().1;
    w.app.declare_conflict(&reviewers[2], ConflictWith::Applicant(first), "my brother's company".into()).await.unwrap();
    let ids = reviewers.iter().map(user_id).collect();
    let programme = w.app.set_review_panel(&manager, programme.id, ids, true, None).await.unwrap();
    Round { w, manager, reviewers, startups, programme, applications }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_round_shows_reviewers_nothing_that_names_a_startup() {
    let r = round(sqlite().await).await;
    let (w, reviewer) = (&r.w, &r.reviewers[0]);
    // Every door that shows applicants is closed to a panel member while the round is blind.
    assert!(w.app.applications(reviewer).await.unwrap().is_empty());
    for id in &r.applications {
        assert_eq!(code(&w.app.application(reviewer, *id).await.unwrap_err()), "FORBIDDEN");
        assert_eq!(code(&w.app.entity(reviewer, EntityKind::Application, *id).await.unwrap_err()), "FORBIDDEN");
        assert_eq!(code(&w.app.application_reviews(reviewer, *id).await.unwrap_err()), "FORBIDDEN");
    }
    assert!(!w.app.owned_subjects(reviewer).await.unwrap().contains(&r.programme.id));
    assert_eq!(code(&w.app.selection_ranking(reviewer, r.programme.id).await.unwrap_err()), "FORBIDDEN");
    assert_eq!(code(&w.app.end_blind_round(reviewer, r.programme.id, None).await.unwrap_err()), "FORBIDDEN");
    let e = w.app.set_review_panel(reviewer, r.programme.id, vec![], false, None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN");

    // Editing the programme keeps its panel and its blind round.
    let mut edited = programme(json!([]));
    edited["capacity"] = json!(3);
    w.app.save_posting(&r.manager, Some(r.programme.id), posting(EntityKind::Programme, edited), None).await.unwrap();
    assert_eq!(code(&w.app.application(reviewer, r.applications[0]).await.unwrap_err()), "FORBIDDEN");

    // The review door: every application, and nothing that names its startup.
    let queue = w.app.review_queue(reviewer).await.unwrap();
    assert_eq!(queue.len(), 4);
    let sent = serde_json::to_string(&queue).unwrap();
    for (actor, record) in &r.startups {
        let profile = w.app.own_profile(actor).await.unwrap().unwrap().1;
        for needle in [
            record["name"].as_str().unwrap().to_owned(),
            record["contact_email"].as_str().unwrap().to_owned(),
            profile.to_string(),
            record["founded_on"].as_str().unwrap_or("none").to_owned(),
        ] {
            assert!(!sent.to_lowercase().contains(&needle.to_lowercase()), "{needle} left the server: {sent}");
        }
        if let Some(site) = record["website"].as_str() {
            assert!(!sent.contains(site), "{site}");
        }
    }
    assert!(queue.iter().all(|p| p.blind && p.applicant.is_none() && p.applicant_name.is_none() && p.round == 1));
    assert!(queue[0].motivation.starts_with("Noi di ▇▇▇"), "{}", queue[0].motivation);
    // The reviewer in conflict is never given that startup's application.
    let conflicted = w.app.review_queue(&r.reviewers[2]).await.unwrap();
    assert_eq!(conflicted.len(), 3);
    assert!(conflicted.iter().all(|p| p.application_id.as_str() != r.applications[0].to_string()));
    let e = w.app.score_application(&r.reviewers[2], r.applications[0], rubric(5, 5), None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");
    let e = w.app.assign_reviewers(&r.manager, r.applications[0], vec![user_id(&r.reviewers[2])]).await.unwrap_err();
    assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some("reviewers[0]")), "{e}");

    // The organisation ends the round: the reviewers see whom they review.
    w.app.end_blind_round(&r.manager, r.programme.id, None).await.unwrap();
    let queue = w.app.review_queue(reviewer).await.unwrap();
    assert!(queue.iter().all(|p| !p.blind && p.applicant_name.is_some() && p.round == 2));
    assert_eq!(w.app.applications(reviewer).await.unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewers_score_independently_and_the_organisation_sees_raw_and_calibrated_rankings() {
    let r = round(sqlite().await).await;
    let w = &r.w;
    let [r1, r2, r3] = &r.reviewers;
    let a = &r.applications;
    // r1 is lenient, r2 strict; they rank 1 and 2 alike, r3 reviews 1..3.
    for (app, points) in a.iter().zip([(9, 9), (8, 8), (7, 7), (6, 6)]) {
        w.app.score_application(r1, *app, rubric(points.0, points.1), None).await.unwrap();
    }
    let again = w.app.score_application(r1, a[0], rubric(1, 1), None).await.unwrap_err();
    assert_eq!((code(&again), again.field()), ("BAD_USER_INPUT", Some("rubric")), "a review is final: {again}");
    // r2 has not reviewed: the packet shows no other score, the aggregate is withheld.
    let packet = |queue: Vec<crocevia_api::ReviewPacketView>, id: Uuid| {
        queue.into_iter().find(|p| p.application_id.as_str() == id.to_string()).unwrap()
    };
    let before = packet(w.app.review_queue(r2).await.unwrap(), a[1]);
    assert!(before.other_reviews.is_empty() && before.my_review.is_none(), "{before:?}");
    for (app, points) in a.iter().zip([(5, 5), (4, 4), (3, 3), (2, 2)]) {
        w.app.score_application(r2, *app, rubric(points.0, points.1), None).await.unwrap();
    }
    let after = packet(w.app.review_queue(r2).await.unwrap(), a[1]);
    assert_eq!(after.my_review.as_ref().unwrap().total, 40.0);
    assert_eq!(after.other_reviews.len(), 1, "{after:?}");
    assert_eq!(after.other_reviews[0].total, 80.0);
    // The blind round ends; r3 (not yet reviewing) reads the applications with no score.
    w.app.end_blind_round(&r.manager, r.programme.id, None).await.unwrap();
    let (seen, _, _) = w.app.application(r3, a[1]).await.unwrap();
    assert_eq!((seen.score, seen.rubric.len()), (None, 0), "withheld before r3's own review");
    assert!(w.app.application_reviews(r3, a[1]).await.unwrap().is_empty());
    let view = serde_json::to_string(&w.app.entity(r3, EntityKind::Application, a[1]).await.unwrap()).unwrap();
    assert!(view.contains("\"score\":null"), "{view}");
    let ranking = w.app.selection_ranking(r3, r.programme.id).await.unwrap();
    assert_eq!(ranking.withheld, 3, "r3 reviews 3 of 4 and has reviewed none");
    assert_eq!(ranking.applications.len(), 1);
    // The manager sees both scores: the mean of the totals and the calibrated one.
    let (managed, _, _) = w.app.application(&r.manager, a[1]).await.unwrap();
    assert_eq!(managed.score, Some(60), "(80 + 40) / 2");
    let ranking = w.app.selection_ranking(&r.manager, r.programme.id).await.unwrap();
    assert_eq!(ranking.withheld, 0);
    let order: Vec<String> = ranking.applications.iter().map(|x| x.application_id.as_str().to_owned()).collect();
    assert_eq!(order, a.iter().map(Uuid::to_string).collect::<Vec<_>>(), "both reviewers rank alike");
    assert_eq!(ranking.applications[0].calibrated_rank, Some(1));
    let lenient = ranking.reviewers.iter().find(|l| l.reviewer_id.as_str() == user_id(r1).to_string()).unwrap();
    let strict = ranking.reviewers.iter().find(|l| l.reviewer_id.as_str() == user_id(r2).to_string()).unwrap();
    assert!(lenient.offset > 0.0 && strict.offset < 0.0, "{lenient:?} {strict:?}");
    assert!((lenient.offset - strict.offset - 40.0).abs() < 1e-9, "r1 gives 40 points more");
    assert_eq!(ranking.panel.len(), 3);
    // r1 recognises the second startup and declares a conflict on it: r1's review is void.
    w.app.declare_conflict(r1, ConflictWith::Application(a[1]), String::new()).await.unwrap();
    let (managed, _, _) = w.app.application(&r.manager, a[1]).await.unwrap();
    assert_eq!(managed.score, Some(40), "only r2's review counts now");
    assert_eq!(w.app.application_reviews(&r.manager, a[1]).await.unwrap().len(), 1);
    let e = w.app.move_application(r1, a[1], ApplicationStage::Screening, None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "a member in conflict does not decide: {e}");
    // Outsiders: another organisation, a startup.
    let other = member(w, 3, "other@example.org").await;
    assert_eq!(code(&w.app.selection_ranking(&other, r.programme.id).await.unwrap_err()), "FORBIDDEN");
    assert_eq!(code(&w.app.score_application(&other, a[2], rubric(1, 1), None).await.unwrap_err()), "FORBIDDEN");
    let startup = &r.startups[2].0;
    assert_eq!(code(&w.app.selection_ranking(startup, r.programme.id).await.unwrap_err()), "FORBIDDEN");
    assert_eq!(code(&w.app.application_reviews(startup, a[2]).await.unwrap_err()), "FORBIDDEN");
    assert!(w.app.review_queue(startup).await.unwrap().is_empty());
    let e = w.app.set_review_panel(&r.manager, r.programme.id, vec![user_id(&other)], false, None).await.unwrap_err();
    assert_eq!(e.field(), Some("reviewers[0]"), "{e}");
}

async fn advance(w: &World, manager: &Actor, id: Uuid, to: ApplicationStage) -> Result<WriteOutcome, AppError> {
    let (current, _, _) = w.app.application(manager, id).await?;
    let path: &[ApplicationStage] = match current.stage {
        ApplicationStage::Submitted => &[ApplicationStage::Screening, ApplicationStage::Offered],
        _ => &[],
    };
    for stage in path {
        w.app.move_application(manager, id, *stage, None).await?;
    }
    w.app.move_application(manager, id, to, None).await
}

async fn run_cohort(w: World) {
    let r = round(w).await;
    let (w, m) = (&r.w, &r.manager);
    let a = &r.applications;
    w.app.end_blind_round(m, r.programme.id, None).await.unwrap();
    // Reviews rank the fourth above the third.
    for (app, points) in a.iter().zip([(9, 9), (8, 8), (3, 3), (7, 7)]) {
        w.app.score_application(&r.reviewers[0], *app, rubric(points.0, points.1), None).await.unwrap();
    }
    advance(w, m, a[0], ApplicationStage::Accepted).await.unwrap();
    advance(w, m, a[1], ApplicationStage::Accepted).await.unwrap();
    let full = advance(w, m, a[2], ApplicationStage::Accepted).await.unwrap_err();
    assert_eq!((code(&full), full.field()), ("BAD_USER_INPUT", Some("stage")), "{full}");
    assert!(full.to_string().contains("2 of 2"), "{full}");
    w.app.move_application(m, a[2], ApplicationStage::Waitlisted, None).await.unwrap();
    advance(w, m, a[3], ApplicationStage::Waitlisted).await.unwrap();
    let cohort = w.app.cohort(m, r.programme.id).await.unwrap();
    assert_eq!((cohort.members.len(), cohort.waitlisted, cohort.capacity), (2, 2, 2));
    let fourth = w.app.own_profile(&r.startups[3].0).await.unwrap().unwrap().1.to_string();
    assert_eq!(cohort.waitlist[0].id.as_str(), fourth, "rank order: the better-scored one first");
    let mine = w.app.cohort(&r.startups[3].0, r.programme.id).await.unwrap();
    assert_eq!((mine.my_stage, mine.my_waitlist_position), (Some(ApplicationStage::Waitlisted), Some(1)));
    assert!(mine.waitlist.is_empty(), "a startup does not see who else waits");
    assert_eq!(mine.members.len(), 2);
    let stranger = signed_up(w, "stranger@example.org", Role::Startup).await;
    assert_eq!(code(&w.app.cohort(&stranger, r.programme.id).await.unwrap_err()), "FORBIDDEN");
    // An accepted startup withdraws: the first on the waitlist takes its place.
    w.app.move_application(&r.startups[0].0, a[0], ApplicationStage::Withdrawn, None).await.unwrap();
    let Entity::Application(moved) = w.profiles.get(EntityKind::Application, a[3]).await.unwrap().entity else {
        panic!()
    };
    assert_eq!(moved.stage, ApplicationStage::Accepted);
    assert_eq!(moved.history.last().unwrap().stage, ApplicationStage::Accepted);
    let mine = w.app.cohort(&r.startups[2].0, r.programme.id).await.unwrap();
    assert_eq!(mine.my_waitlist_position, Some(1));
    assert_eq!(w.app.cohort(m, r.programme.id).await.unwrap().members.len(), 2);
    // Offers have no waitlist.
    let offer = w.app.save_posting(m, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let talent = signed_up(w, "t@example.org", Role::Talent).await;
    w.app.save_profile(&talent, profile_input(demo("talents.json")[0].clone()), None).await.unwrap();
    let applied = w.app.apply(&talent, offer.id, String::new()).await.unwrap();
    w.app.move_application(m, applied.id, ApplicationStage::Screening, None).await.unwrap();
    let e = w.app.move_application(m, applied.id, ApplicationStage::Waitlisted, None).await.unwrap_err();
    assert_eq!(e.field(), Some("stage"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cohort_is_capped_at_its_capacity_and_its_waitlist_moves_up_on_sqlite() {
    run_cohort(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cohort_is_capped_at_its_capacity_and_its_waitlist_moves_up_on_postgres() {
    run_cohort(postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_acceptances_never_overfill_a_cohort_on_postgres() {
    let r = round(postgres().await).await;
    let (w, m) = (&r.w, &r.manager);
    for id in &r.applications {
        w.app.move_application(m, *id, ApplicationStage::Screening, None).await.unwrap();
        w.app.move_application(m, *id, ApplicationStage::Offered, None).await.unwrap();
    }
    let tries = r.applications.iter().map(|id| w.app.move_application(m, *id, ApplicationStage::Accepted, None));
    let results = futures::future::join_all(tries).await;
    let accepted = results.iter().filter(|x| x.is_ok()).count();
    assert_eq!(accepted, 2, "{results:?}");
    assert_eq!(w.app.cohort(m, r.programme.id).await.unwrap().members.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_are_recorded_with_the_ranking_seen_and_the_ranking_replays() {
    let r = round(sqlite().await).await;
    let (w, m) = (&r.w, &r.manager);
    let a = &r.applications;
    w.app.end_blind_round(m, r.programme.id, None).await.unwrap();
    for (app, points) in a.iter().zip([(9, 9), (8, 8), (3, 3), (7, 7)]) {
        w.app.score_application(&r.reviewers[0], *app, rubric(points.0, points.1), None).await.unwrap();
    }
    for (app, points) in a.iter().zip([(6, 6), (5, 5), (4, 4), (1, 1)]) {
        w.app.score_application(&r.reviewers[1], *app, rubric(points.0, points.1), None).await.unwrap();
    }
    let shown = w.app.selection_ranking(m, r.programme.id).await.unwrap();
    // Seen again unchanged: one record, not two.
    w.app.selection_ranking(m, r.programme.id).await.unwrap();
    let third = shown.applications.iter().position(|x| x.application_id.as_str() == a[2].to_string()).unwrap();
    w.app.move_application(m, a[2], ApplicationStage::Screening, None).await.unwrap();
    let note = |reason: &str, against_ranking| DecisionNote { reason: reason.into(), against_ranking };
    let e = w.app.decide(m, a[2], ApplicationStage::Offered, None, note("  ", true)).await.unwrap_err();
    assert_eq!(e.field(), Some("reason"), "an override says why: {e}");
    w.app.decide(m, a[2], ApplicationStage::Offered, None, note("strong pilot with the city", true)).await.unwrap();

    let export = w.app.decision_records(m, r.programme.id).await.unwrap();
    assert_eq!(export.rankings.len(), 1, "{:?}", export.rankings);
    let ranking = &export.rankings[0];
    assert_eq!((ranking.list.as_str(), ranking.entries.len()), ("selection", 4));
    assert_eq!(ranking.engine_version, CALIBRATION_VERSION);

    let offered = export.decisions.iter().find(|d| d.to_stage == ApplicationStage::Offered).unwrap();
    assert_eq!(offered.ranking_id.as_ref(), Some(&ranking.id));
    assert_eq!(offered.rank_seen, Some(i32::try_from(third).unwrap() + 1));
    assert!(offered.against_ranking);
    assert_eq!(offered.decided_by.as_ref().map(|id| id.as_str().to_owned()), Some(user_id(m).to_string()));
    let replay = w.app.replay_ranking(m, ranking.id.parse().unwrap()).await.unwrap();
    assert!(replay.same, "{replay:?}");
    assert!(w.app.decision_records(&r.reviewers[2], r.programme.id).await.is_ok(), "any member of the organisation");

    // The startup reads its own: the decisions with the reason, its place, not who decided.
    let mine = w.app.my_decision(&r.startups[2].0, a[2]).await.unwrap();
    assert_eq!(mine.decisions.len(), 2);
    assert_eq!(mine.decisions[1].reason, "strong pilot with the city");
    assert!(mine.decisions.iter().all(|d| d.decided_by.is_none()));
    assert_eq!(mine.rank_seen, offered.rank_seen);
    assert_eq!(mine.list.as_deref(), Some("selection"));
    for (who, code_expected) in [(&r.startups[1].0, "FORBIDDEN"), (m, "FORBIDDEN")] {
        assert_eq!(code(&w.app.my_decision(who, a[2]).await.unwrap_err()), code_expected);
    }
    for outsider in [&r.startups[2].0, &member(w, 3, "other@example.org").await] {
        let e = w.app.decision_records(outsider, r.programme.id).await.unwrap_err();
        assert_eq!(code(&e), "FORBIDDEN");
        assert_eq!(code(&w.app.replay_ranking(outsider, ranking.id.parse().unwrap()).await.unwrap_err()), "FORBIDDEN");
    }

    // A record whose entries were swapped no longer replays the same.
    let db = w.profiles.db();
    let swap = "UPDATE decision_ranking_entries SET position = 10 - position";
    sea_orm::ConnectionTrait::execute_unprepared(db, swap).await.unwrap();
    let replay = w.app.replay_ranking(m, ranking.id.parse().unwrap()).await.unwrap();
    assert!(!replay.same, "{replay:?}");
    sea_orm::ConnectionTrait::execute_unprepared(db, swap).await.unwrap();

    // Erased with the person: nothing that names the startup is left; the record still replays.
    let startup_id = w.app.own_profile(&r.startups[2].0).await.unwrap().unwrap().1;
    w.app.erase(&r.startups[2].0).await.unwrap();
    let export = w.app.decision_records(m, r.programme.id).await.unwrap();
    let text = serde_json::to_string(&export).unwrap();
    assert!(!text.contains(&startup_id.to_string()) && !text.contains(&a[2].to_string()), "{text}");
    assert!(!text.contains("strong pilot"), "the reason about her goes too");
    assert!(export.decisions.iter().any(|d| d.to_stage == ApplicationStage::Offered && d.applicant_id.is_none()));
    assert!(w.app.replay_ranking(m, export.rankings[0].id.parse().unwrap()).await.unwrap().same);

    // Past their retention, records are deleted.
    let later = chrono::Utc::now() + chrono::Duration::days(731);
    let (rankings, decisions) = crocevia_profiles::decisions::purge_expired(db, later).await.unwrap();
    assert_eq!((rankings, decisions), (1, export.decisions.len() as u64));
    assert!(w.app.decision_records(m, r.programme.id).await.unwrap().decisions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_rates_by_group_hide_small_groups_and_flag_a_group_under_four_fifths() {
    let r = round(sqlite().await).await;
    let (w, m) = (&r.w, &r.manager);
    let offer = w.app.save_posting(m, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let mut applied = Vec::new();
    for i in 0..11 {
        let mut talent = demo("talents.json")[i % 3].clone();
        talent["country_of_origin"] = json!(if i < 6 { "IT" } else { "BR" });
        let actor = signed_up(w, &format!("t{i}@example.org"), Role::Talent).await;
        w.app.save_profile(&actor, profile_input(talent), None).await.unwrap();
        applied.push(w.app.apply(&actor, offer.id, String::new()).await.unwrap().id);
    }
    // Five of six local talents are screened, one of five from abroad.
    for id in applied[..5].iter().chain(&applied[6..7]) {
        w.app.move_application(m, *id, ApplicationStage::Screening, None).await.unwrap();
    }
    let report = w.app.fairness(m, offer.id).await.unwrap();
    assert_eq!((report.k, report.applications), (5, 11));
    let origin = report.dimensions.iter().find(|d| d.dimension == "origin").unwrap();
    let group = |g: &str| origin.groups.iter().find(|x| x.group == g).unwrap();
    let (local, abroad) = (group("local"), group("international"));
    assert_eq!((local.applicants, abroad.applicants), (Some(6), Some(5)));
    assert_eq!((local.steps[0].reached, abroad.steps[0].reached), (Some(5), Some(1)));
    assert!(abroad.steps[0].flagged && !local.steps[0].flagged, "{origin:?}");
    assert!(local.steps[1..].iter().all(|s| !s.flagged), "no one went further: nothing to compare");
    // The programme's four startups: every group is under k, so nothing is shown.
    let programme = w.app.fairness(m, r.programme.id).await.unwrap();
    assert_eq!(programme.applications, 4);
    for dimension in &programme.dimensions {
        assert!(dimension.groups.iter().all(|g| g.applicants.is_none() && g.steps.iter().all(|s| s.rate.is_none())));
    }
    // The organisation only; a reviewer in the blind round is not it.
    let other = member(w, 3, "other@example.org").await;
    for who in [&r.reviewers[0], &other, &r.startups[0].0] {
        assert_eq!(code(&w.app.fairness(who, r.programme.id).await.unwrap_err()), "FORBIDDEN");
    }
    assert_eq!(code(&w.app.fairness(&other, offer.id).await.unwrap_err()), "FORBIDDEN");
}

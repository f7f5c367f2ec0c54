//! The welcome path: an accepted talent from outside the EU/EEA and Switzerland (or a startup
//! based outside them) and the organisation that accepted them read the checklist of their
//! case, nobody else does; the route follows the offer (job: Blue Card, PhD: research) or the
//! programme (Startup Visa), a graduate of an Italian university converts her study permit; ticks are the applicant's alone, exported and erased with them;
//! an administrator alone saves a new version, checked field by field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_api::{WelcomeChecklistInput, WelcomeChecklistView};
use crocevia_domain::welcome::WelcomeChecklist;
use crocevia_domain::{ApplicationStage, EntityKind, Role};
use crocevia_profiles::app::DecisionNote;
use crocevia_profiles::{Actor, AppError};
use serde_json::json;
use support::*;
use uuid::Uuid;

async fn accept(w: &World, org: &Actor, application: Uuid) {
    for stage in [ApplicationStage::Screening, ApplicationStage::Offered, ApplicationStage::Accepted] {
        w.app.decide(org, application, stage, None, DecisionNote::default()).await.unwrap();
    }
}

/// A talent from `country` signed up, with a profile; her profile id.
async fn talent(w: &World, email: &str, country: &str) -> (Actor, Uuid) {
    let actor = signed_up(w, email, Role::Talent).await;
    let mut profile = demo("talents.json")[0].clone();
    profile["country_of_origin"] = json!(country);
    // Studied abroad: no study permit to convert.
    profile["education"] = json!([]);
    let saved = w.app.save_profile(&actor, profile_input(profile), None).await.unwrap();
    (actor, saved.id)
}

fn ids(view: &WelcomeChecklistView) -> Vec<&str> {
    view.steps.iter().map(|s| s.id.as_str()).collect()
}

fn refused(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    code(&result.unwrap_err())
}

async fn welcome_path(w: World) {
    let org = member(&w, 14, "hr@example.org").await;
    let uni = member(&w, 0, "phd@example.org").await;
    let offer = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let mut phd = demo("offers.json")[9].clone();
    phd["posted_on"] = json!(in_days(-10));
    phd["deadline"] = json!(in_days(30));
    let phd = w.app.save_posting(&uni, None, posting(EntityKind::Offer, phd), None).await.unwrap();

    let (priya, priya_profile) = talent(&w, "priya@example.org", "IN").await;
    let (lena, _) = talent(&w, "lena@example.org", "DE").await;
    let (chen, _) = talent(&w, "chen@example.org", "CN").await;
    // A Brazilian who graduated at the Politecnico holds a study permit to convert.
    let graduate = signed_up(&w, "ana@example.org", Role::Talent).await;
    let mut profile = demo("talents.json")[0].clone();
    profile["country_of_origin"] = json!("BR");
    profile["education"] = json!([{"institution": "polito", "level": "master", "field": "ict", "course": "Ingegneria informatica", "graduated_on": in_days(-60)}]);
    w.app.save_profile(&graduate, profile_input(profile), None).await.unwrap();
    let job = w.app.apply(&priya, offer.id, "Vorrei venire a Torino".into()).await.unwrap().id;
    let eu_job = w.app.apply(&lena, offer.id, "Ich komme".into()).await.unwrap().id;
    let research = w.app.apply(&chen, phd.id, "PhD".into()).await.unwrap().id;
    let conversion = w.app.apply(&graduate, offer.id, "Resto a Torino".into()).await.unwrap().id;

    // Nothing before acceptance.
    assert!(w.app.welcome_checklist(&priya, job).await.unwrap().is_none());
    accept(&w, &org, job).await;
    accept(&w, &org, eu_job).await;
    accept(&w, &uni, research).await;
    accept(&w, &org, conversion).await;

    // The talent: the Blue Card route of a job, with the common steps, and her tick state.
    let mine = w.app.welcome_checklist(&priya, job).await.unwrap().expect("a checklist for a talent from India");
    assert_eq!((mine.route.as_str(), mine.route_en.as_str()), ("blue-card", "EU Blue Card"));
    assert!(mine.can_tick);
    assert_eq!(mine.version, "1.0.0");
    for step in ["blue-card-nulla-osta", "codice-fiscale", "health-service", "registered-residence", "housing"] {
        assert!(ids(&mine).contains(&step), "{step}: {:?}", ids(&mine));
    }
    assert!(!ids(&mine).contains(&"startup-visa-application"), "another route's step: {:?}", ids(&mine));
    assert!(mine.steps.iter().all(|s| s.done == Some(false) && s.source.starts_with("https://")));
    // The organisation that accepted her: the same steps, no tick state.
    let theirs = w.app.welcome_checklist(&org, job).await.unwrap().unwrap();
    assert_eq!(ids(&theirs), ids(&mine));
    assert!(!theirs.can_tick && theirs.steps.iter().all(|s| s.done.is_none()));
    // Nobody else: another organisation, another talent, an administrator, nobody signed in.
    assert_eq!(refused(w.app.welcome_checklist(&uni, job).await), "FORBIDDEN");
    assert_eq!(refused(w.app.welcome_checklist(&chen, job).await), "FORBIDDEN");
    assert_eq!(refused(w.app.welcome_checklist(&w.admin, job).await), "FORBIDDEN");
    assert_eq!(refused(w.app.welcome_checklist(&Actor::Anonymous, job).await), "UNAUTHENTICATED");
    assert_eq!(refused(w.app.welcome_checklist(&priya, Uuid::now_v7()).await), "NOT_FOUND");
    // An EU citizen needs no permit: no checklist, for her or her organisation.
    assert!(w.app.welcome_checklist(&lena, eu_job).await.unwrap().is_none());
    assert!(w.app.welcome_checklist(&org, eu_job).await.unwrap().is_none());
    // A PhD position takes the research permit.
    let phd_view = w.app.welcome_checklist(&chen, research).await.unwrap().unwrap();
    assert_eq!(phd_view.route, "research");
    assert!(ids(&phd_view).contains(&"research-hosting-agreement"));
    assert!(!ids(&phd_view).contains(&"blue-card-nulla-osta"));
    // A job for a graduate of an Italian university: the study permit's conversion.
    let converting = w.app.welcome_checklist(&graduate, conversion).await.unwrap().unwrap();
    assert_eq!(converting.route, "study-conversion");
    assert!(ids(&converting).contains(&"study-permit-conversion") && !ids(&converting).contains(&"entry-visa"));

    // Ticks: the talent's alone.
    let ticked = w.app.tick_welcome_step(&priya, job, "codice-fiscale".into(), true).await.unwrap();
    assert_eq!(
        ticked.steps.iter().filter(|s| s.done == Some(true)).map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["codice-fiscale"]
    );
    w.app.tick_welcome_step(&priya, job, "housing".into(), true).await.unwrap();
    w.app.tick_welcome_step(&priya, job, "housing".into(), false).await.unwrap();
    let again = w.app.welcome_checklist(&priya, job).await.unwrap().unwrap();
    let done: Vec<&str> = again.steps.iter().filter(|s| s.done == Some(true)).map(|s| s.id.as_str()).collect();
    assert_eq!(done, ["codice-fiscale"], "ticked, unticked, kept");
    assert!(w.app.welcome_checklist(&org, job).await.unwrap().unwrap().steps.iter().all(|s| s.done.is_none()));
    assert_eq!(refused(w.app.tick_welcome_step(&org, job, "housing".into(), true).await), "FORBIDDEN");
    assert_eq!(refused(w.app.tick_welcome_step(&chen, job, "housing".into(), true).await), "FORBIDDEN");
    for step in ["no-such-step", "startup-visa-application"] {
        let e = w.app.tick_welcome_step(&priya, job, step.into(), true).await.unwrap_err();
        assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some("step")), "{step}: {e}");
    }
    let e = w.app.tick_welcome_step(&lena, eu_job, "housing".into(), true).await.unwrap_err();
    assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some("application")), "{e}");
    // In her own data export.
    let export = w.app.export(&priya).await.unwrap();
    assert_eq!(export.welcome_ticks.len(), 1);
    assert_eq!(
        (export.welcome_ticks[0].step.as_str(), export.welcome_ticks[0].application_id.as_str()),
        ("codice-fiscale", job.to_string().as_str())
    );
    assert!(w.app.export(&chen).await.unwrap().welcome_ticks.is_empty());

    // The administrator edits; nobody else does.
    let reference = WelcomeChecklist::reference().unwrap();
    let mut edit = WelcomeChecklistInput::of(&reference);
    edit.version = "1.1.0".into();
    for who in [&org, &priya] {
        assert_eq!(refused(w.app.update_welcome_checklist(who, edit.clone()).await), "FORBIDDEN");
        assert_eq!(refused(w.app.welcome_document(who).await), "FORBIDDEN");
    }
    assert_eq!(refused(w.app.update_welcome_checklist(&Actor::Anonymous, edit.clone()).await), "UNAUTHENTICATED");
    for (change, field) in [
        ((3, "source", "http://www.example.org/"), "document.steps[3].source"),
        ((2, "titleEn", ""), "document.steps[2].titleEn"),
        ((1, "checkedOn", "ieri"), "document.steps[1].checkedOn"),
        ((0, "routes", "golden-visa"), "document.steps[0].routes[0]"),
    ] {
        let mut bad = edit.clone();
        let (i, key, value) = change;
        let step = &mut bad.steps[i];
        match key {
            "source" => step.source = value.into(),
            "titleEn" => step.title_en = value.into(),
            "checkedOn" => step.checked_on = value.into(),
            _ => step.routes = vec![value.into()],
        }
        let e = w.app.update_welcome_checklist(&w.admin, bad).await.unwrap_err();
        assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some(field)), "{e}");
    }
    let mut stale = edit.clone();
    stale.version = "1.0.0".into();
    let e = w.app.update_welcome_checklist(&w.admin, stale).await.unwrap_err();
    assert_eq!(e.field(), Some("document.version"), "{e}");
    // A new version without the codice fiscale step: served at once; the tick of the step it
    // no longer has is just not shown.
    edit.steps.retain(|s| s.id != "codice-fiscale");
    let housing = edit.steps.iter_mut().find(|s| s.id == "housing").unwrap();
    housing.checked_on = "2027-01-10".into();
    let saved = w.app.update_welcome_checklist(&w.admin, edit).await.unwrap();
    assert_eq!(saved.version, "1.1.0");
    assert!(saved.saved_at.is_some());
    assert_eq!(w.app.welcome_document(&w.admin).await.unwrap().version, "1.1.0");
    let now = w.app.welcome_checklist(&priya, job).await.unwrap().unwrap();
    assert_eq!(now.version, "1.1.0");
    assert!(!ids(&now).contains(&"codice-fiscale"));
    assert!(now.steps.iter().all(|s| s.done == Some(false)));
    let housing = now.steps.iter().find(|s| s.id == "housing").unwrap();
    assert_eq!(housing.checked_on.0.to_string(), "2027-01-10");

    // Erasure takes her ticks with her.
    w.app.tick_welcome_step(&priya, job, "housing".into(), true).await.unwrap();
    assert_eq!(crocevia_profiles::welcome::of_applicants(w.profiles.db(), &[priya_profile]).await.unwrap().len(), 2);
    w.app.erase(&priya).await.unwrap();
    assert!(crocevia_profiles::welcome::of_applicants(w.profiles.db(), &[priya_profile]).await.unwrap().is_empty());
}

/// Startups: the founders of one based outside the EU get the Startup Visa route; one based
/// in Torino gets nothing.
async fn startup_visa(w: World) {
    let incubator = member(&w, 2, "incubator@example.org").await;
    let mut p = programme(json!([]));
    p["capacity"] = json!(10);
    let posted = w.app.save_posting(&incubator, None, posting(EntityKind::Programme, p), None).await.unwrap();
    let mut applications = Vec::new();
    for (i, record) in [30, 0].into_iter().enumerate() {
        let startup = signed_up(&w, &format!("founder{i}@example.org"), Role::Startup).await;
        w.app.save_profile(&startup, profile_input(demo("startups.json")[record].clone()), None).await.unwrap();
        let id = w.app.apply(&startup, posted.id, "Veniamo a Torino".into()).await.unwrap().id;
        accept(&w, &incubator, id).await;
        applications.push((startup, id));
    }
    let (abroad, abroad_app) = &applications[0];
    let view = w.app.welcome_checklist(abroad, *abroad_app).await.unwrap().expect("a seat in Bengaluru");
    assert_eq!(view.route, "startup-visa");
    assert!(ids(&view).contains(&"startup-visa-application") && ids(&view).contains(&"italian-courses"));
    assert!(view.can_tick);
    let theirs = w.app.welcome_checklist(&incubator, *abroad_app).await.unwrap().unwrap();
    assert!(!theirs.can_tick);
    w.app.tick_welcome_step(abroad, *abroad_app, "startup-registration".into(), true).await.unwrap();
    let (local, local_app) = &applications[1];
    assert!(w.app.welcome_checklist(local, *local_app).await.unwrap().is_none(), "a seat in Torino");
    let other = member(&w, 4, "other@example.org").await;
    assert_eq!(refused(w.app.welcome_checklist(&other, *abroad_app).await), "FORBIDDEN");
    assert_eq!(refused(w.app.welcome_checklist(local, *abroad_app).await), "FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_path_is_the_applicants_and_their_organisations_on_sqlite() {
    welcome_path(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_path_is_the_applicants_and_their_organisations_on_postgres() {
    welcome_path(postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn founders_of_a_startup_based_abroad_get_the_startup_visa_route_on_sqlite() {
    startup_visa(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn founders_of_a_startup_based_abroad_get_the_startup_visa_route_on_postgres() {
    startup_visa(postgres().await).await;
}

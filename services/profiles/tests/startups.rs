//! Startups hire: a startup account posts jobs and internships in its startup's name, edits
//! and closes them, and runs their applications like an organisation does; another startup, a
//! talent and an organisation member may do none of it. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_api::{EmployerKind, EntityView, PostingView};
use crocevia_domain::{ApplicationStage, EntityKind, Role};
use crocevia_profiles::app::RubricLine;
use serde_json::{Value, json};
use support::*;

fn internship() -> Value {
    let mut offer = open_offer();
    offer["kind"] = json!("internship");
    offer["contract"] = json!("internship");
    offer["title"] = json!("Stage in growth marketing");
    offer
}

async fn startups_hire(w: World) {
    let founder = signed_up(&w, "founder@example.org", Role::Startup).await;
    // No profile yet: no startup to post in the name of.
    let e = w.app.save_posting(&founder, None, posting(EntityKind::Offer, internship()), None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");
    let startup = demo("startups.json")[0].clone();
    w.app.save_profile(&founder, profile_input(startup.clone()), None).await.unwrap();
    let founder = again(&w, &founder).await;
    let mine = founder.startup().expect("the startup it acts for");
    let rival = signed_up(&w, "rival@example.org", Role::Startup).await;
    w.app.save_profile(&rival, profile_input(demo("startups.json")[1].clone()), None).await.unwrap();
    let rival = again(&w, &rival).await;
    let talent = signed_up(&w, "talent@example.org", Role::Talent).await;
    w.app.save_profile(&talent, profile_input(demo("talents.json")[0].clone()), None).await.unwrap();
    let member = member(&w, 0, "member@example.org").await;

    // Posted in the startup's name; everyone reads its public name, never its contact.
    let posted = w.app.save_posting(&founder, None, posting(EntityKind::Offer, internship()), None).await.unwrap();
    let EntityView::Offer(view) = w.app.entity(&talent, EntityKind::Offer, posted.id).await.unwrap() else { panic!() };
    assert!(view.from_startup);
    assert_eq!(
        (view.employer.kind, view.employer.name.as_str()),
        (EmployerKind::Startup, startup["name"].as_str().unwrap())
    );
    assert_eq!(view.startup_id.as_ref().map(|id| id.as_str()), Some(mine.to_string().as_str()));
    assert_eq!(view.organisation_id, None);
    let contact = startup["contact_email"].as_str().unwrap();
    assert!(!serde_json::to_string(&view).unwrap().contains(contact));
    let postings = w.app.my_postings(&founder).await.unwrap();
    assert!(matches!(&postings[..], [PostingView::Offer(o)] if o.id.as_str() == posted.id.to_string()), "{postings:?}");
    assert!(w.app.my_postings(&rival).await.unwrap().is_empty());

    // Jobs and internships only; programmes are organisations'.
    let mut phd = internship();
    phd["kind"] = json!("phd_position");
    let e = w.app.save_posting(&founder, None, posting(EntityKind::Offer, phd), None).await.unwrap_err();
    assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some("offer.kind")), "{e}");
    let e = w
        .app
        .save_posting(&founder, None, posting(EntityKind::Programme, programme(json!([]))), None)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");

    // Only its startup edits and closes it.
    let mut edited = internship();
    edited["title"] = json!("Stage in growth marketing (6 mesi)");
    for other in [&rival, &talent, &member] {
        let e = w
            .app
            .save_posting(other, Some(posted.id), posting(EntityKind::Offer, edited.clone()), None)
            .await
            .unwrap_err();
        assert_eq!(code(&e), "FORBIDDEN", "{other:?}: {e}");
        let e = w.app.close_posting(other, EntityKind::Offer, posted.id, None).await.unwrap_err();
        assert_eq!(code(&e), "FORBIDDEN", "{other:?}: {e}");
    }
    w.app.save_posting(&founder, Some(posted.id), posting(EntityKind::Offer, edited), None).await.unwrap();

    // A talent applies; the startup sees the application and moves and scores it, as an
    // organisation does; nobody else does.
    let applied = w.app.apply(&talent, posted.id, "Ciao!".into()).await.unwrap();
    let (_, _, relation) = w.app.application(&founder, applied.id).await.unwrap();
    assert!(relation.organisation && !relation.applicant);
    assert!(w.app.applications(&founder).await.unwrap().iter().any(|a| a.id.as_uuid() == applied.id));
    for other in [&rival, &member] {
        let e = w.app.application(other, applied.id).await.unwrap_err();
        assert_eq!(code(&e), "FORBIDDEN", "{other:?}: {e}");
        let e = w.app.move_application(other, applied.id, ApplicationStage::Screening, None).await.unwrap_err();
        assert_eq!(code(&e), "FORBIDDEN", "{other:?}: {e}");
    }
    let e = w.app.move_application(&talent, applied.id, ApplicationStage::Screening, None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");
    w.app.move_application(&founder, applied.id, ApplicationStage::Screening, None).await.unwrap();
    let rubric = || vec![RubricLine { criterion: "Fit".into(), points: 4, max_points: 5 }];
    let e = w.app.score_application(&rival, applied.id, rubric(), None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");
    w.app.score_application(&founder, applied.id, rubric(), None).await.unwrap();
    // Its export is its own data: the talent's application is not in it.
    let export = w.app.export(&founder).await.unwrap();
    assert!(export.applications.is_empty(), "{:?}", export.applications);

    w.app.close_posting(&founder, EntityKind::Offer, posted.id, None).await.unwrap();
    // Erasing the startup's account takes its offers and the applications to them along.
    w.app.erase(&founder).await.unwrap();
    assert_eq!(code(&w.app.entity(&talent, EntityKind::Offer, posted.id).await.unwrap_err()), "NOT_FOUND");
    assert!(w.app.applications(&talent).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_startup_hires_like_an_organisation_and_nobody_else_touches_its_offers_on_sqlite() {
    startups_hire(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_startup_hires_like_an_organisation_and_nobody_else_touches_its_offers_on_postgres() {
    startups_hire(postgres().await).await;
}

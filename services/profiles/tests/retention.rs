//! Education and retention: a talent records her degrees; a hire is recorded when her
//! application is accepted; a year after a graduation or a hire, once she consented, she is
//! asked whether she still lives and works in the metropolitan area. Only she sees and answers
//! her check-ins; a profile save keeps the answers; a check-in is answered once, while open.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_api::{CheckInAnswer, CheckInKind, Date};
use crocevia_domain::{ApplicationStage, ConsentPurpose, Entity, EntityKind, Institution, Role};
use crocevia_profiles::app::DecisionNote;
use serde_json::json;
use support::*;

fn day(offset: i64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Duration::days(offset)
}

fn graduate(offset: i64) -> serde_json::Value {
    let mut profile = demo("talents.json")[0].clone();
    profile["country_of_origin"] = json!("IN");
    profile["check_ins"] = json!([]);
    profile["education"] = json!([{
        "institution": "polito", "level": "master", "field": "ict",
        "course": "Computer Engineering", "graduated_on": day(offset).to_string()
    }]);
    profile
}

fn answer(graduated: chrono::NaiveDate, lives: bool) -> CheckInAnswer {
    CheckInAnswer {
        kind: CheckInKind::Graduation,
        institution: Some(Institution::Polito),
        graduated_on: Some(Date(graduated)),
        application: None,
        lives_in_area: lives,
        works_in_area: false,
    }
}

async fn retention(w: World) {
    let talent = signed_up(&w, "grad@example.org", Role::Talent).await;
    // Graduated 13 months ago: the check-in fell due a month ago.
    let graduated = day(-396);
    w.app.save_profile(&talent, profile_input(graduate(-396)), None).await.unwrap();

    // Without consent nothing is asked, and nothing can be answered.
    assert!(w.app.my_check_ins(&talent).await.unwrap().is_empty());
    let e = w.app.answer_check_in(&talent, answer(graduated, true)).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");

    w.app.set_consent(&talent, ConsentPurpose::RetentionCheckIn, true).await.unwrap();
    let open = w.app.my_check_ins(&talent).await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(
        (open[0].kind, open[0].institution, open[0].answered_on),
        (CheckInKind::Graduation, Some(Institution::Polito), None)
    );
    assert_eq!(open[0].due_on.0, crocevia_domain::education::check_in_due(graduated));

    // A graduation that is not hers is named as the wrong field.
    let e = w.app.answer_check_in(&talent, answer(day(-300), true)).await.unwrap_err();
    assert_eq!(e.field(), Some("answer.graduatedOn"), "{e}");
    // Nobody else has check-ins.
    let org = member(&w, 0, "hr@example.org").await;
    assert_eq!(code(&w.app.my_check_ins(&org).await.unwrap_err()), "FORBIDDEN");
    let startup = signed_up(&w, "s@example.org", Role::Startup).await;
    assert_eq!(code(&w.app.answer_check_in(&startup, answer(graduated, true)).await.unwrap_err()), "FORBIDDEN");

    w.app.answer_check_in(&talent, answer(graduated, true)).await.unwrap();
    let answered = w.app.my_check_ins(&talent).await.unwrap();
    assert_eq!((answered[0].answered_on, answered[0].lives_in_area), (Some(Date(day(0))), Some(true)));
    let e = w.app.answer_check_in(&talent, answer(graduated, false)).await.unwrap_err();
    assert!(e.field() == Some("answer") && e.to_string().contains("already answered"), "answered once: {e}");

    // Saving the profile again keeps the answer (the form does not carry it).
    w.app.save_profile(&talent, profile_input(graduate(-396)), None).await.unwrap();
    let (_, id) = w.app.own_profile(&talent).await.unwrap().unwrap();
    let Entity::Talent(stored) = w.profiles.get(EntityKind::Talent, id).await.unwrap().entity else { panic!() };
    assert_eq!(stored.check_ins.len(), 1);
    assert!(stored.check_ins[0].stayed());

    // Withdrawn consent: the answer stays hers to see; nothing new is asked.
    w.app.set_consent(&talent, ConsentPurpose::RetentionCheckIn, false).await.unwrap();
    let consents = w.app.my_consents(&talent).await.unwrap();
    assert_eq!(consents.len(), 1, "one consent per purpose, updated: {consents:?}");
    assert!(!consents[0].granted);
    assert_eq!(w.app.my_check_ins(&talent).await.unwrap().len(), 1);

    // A check-in closes six months after falling due: a graduation of two years ago is not asked.
    let late = signed_up(&w, "late@example.org", Role::Talent).await;
    w.app.save_profile(&late, profile_input(graduate(-730)), None).await.unwrap();
    w.app.set_consent(&late, ConsentPurpose::RetentionCheckIn, true).await.unwrap();
    assert!(w.app.my_check_ins(&late).await.unwrap().is_empty());
    let e = w.app.answer_check_in(&late, answer(day(-730), true)).await.unwrap_err();
    assert_eq!(e.field(), Some("answer"), "closed: {e}");

    // A hire is recorded when the application is accepted, with the talent's origin and the
    // offer's sectors as they are that day; its check-in falls due a year on.
    let posted = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let applied = w.app.apply(&late, posted.id, "Ciao".into()).await.unwrap();
    for stage in [ApplicationStage::Screening, ApplicationStage::Offered, ApplicationStage::Accepted] {
        w.app.decide(&org, applied.id, stage, None, DecisionNote::default()).await.unwrap();
    }
    let Entity::Application(a) = w.profiles.get(EntityKind::Application, applied.id).await.unwrap().entity else {
        panic!()
    };
    let hire = a.hire.expect("an accepted application to an offer records the hire");
    assert_eq!((hire.hired_on, hire.origin.as_str(), hire.by_startup), (day(0), "IN", false));
    assert_eq!(
        hire.sectors,
        open_offer()["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| serde_json::from_value(s.clone()).unwrap())
            .collect::<Vec<crocevia_domain::Sector>>()
    );
    assert!(w.app.my_check_ins(&late).await.unwrap().is_empty(), "a hire of today is asked about in a year");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graduates_and_hires_are_asked_a_year_on_on_sqlite() {
    retention(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graduates_and_hires_are_asked_a_year_on_on_postgres() {
    retention(postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_degree_from_an_unlisted_institution_names_it() {
    let w = sqlite().await;
    let talent = signed_up(&w, "abroad@example.org", Role::Talent).await;
    let mut profile = graduate(-100);
    profile["education"][0]["institution"] = json!("abroad");
    let e = w.app.save_profile(&talent, profile_input(profile.clone()), None).await.unwrap_err();
    assert_eq!(e.field(), Some("profile.talent.education[0].institutionName"), "{e}");
    profile["education"][0]["institution_name"] = json!("IIT Bombay");
    w.app.save_profile(&talent, profile_input(profile), None).await.unwrap();
}

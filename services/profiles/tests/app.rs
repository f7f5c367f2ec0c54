//! The application boundary on both databases: one success and one CONFLICT for two
//! concurrent updates, erasure as one transaction under concurrent writes, the application
//! rules, and tokens that end with their account.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_domain::{ApplicationStage, Entity, EntityKind, Role, UserId};
use crocevia_profiles::app::RubricLine;
use crocevia_profiles::{AppError, Session, saved};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use support::*;

async fn concurrent_updates(w: World) {
    let org = member(&w, 14, "m@example.org").await;
    let posted = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let mut a = open_offer();
    a["title"] = json!("Rust developer (A)");
    let mut b = open_offer();
    b["title"] = json!("Rust developer (B)");
    let (x, y) = tokio::join!(
        w.app.save_posting(&org, Some(posted.id), posting(EntityKind::Offer, a), Some(posted.version)),
        w.app.save_posting(&org, Some(posted.id), posting(EntityKind::Offer, b), Some(posted.version)),
    );
    let (ok, conflict) = match (x, y) {
        (Ok(ok), Err(e)) | (Err(e), Ok(ok)) => (ok, e),
        other => panic!("expected one success and one conflict, got {other:?}"),
    };
    assert_eq!(code(&conflict), "CONFLICT");
    match conflict {
        AppError::Conflict { current, .. } => {
            assert_eq!(current, Some(ok.version), "the conflict names the version now stored")
        }
        other => panic!("{other:?}"),
    }
    // The read-modify-write paths carry the version they read, too.
    let stale = w.app.close_posting(&org, EntityKind::Offer, posted.id, Some(posted.version)).await.unwrap_err();
    assert_eq!(code(&stale), "CONFLICT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_updates_give_one_success_and_one_conflict_on_sqlite() {
    concurrent_updates(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_updates_give_one_success_and_one_conflict_on_postgres() {
    concurrent_updates(postgres().await).await;
}

/// Rows of any table that still hold `needle` (an id or an e-mail) in a text rendering.
async fn rows_mentioning(w: &World, needle: &str) -> Vec<String> {
    let db = w.profiles.db();
    let backend = db.get_database_backend();
    let mut found = Vec::new();
    for table in
        ["users", "consents", "talents", "startups", "applications", "gateway_credentials", "gateway_saved_searches"]
    {
        let sql = match backend {
            sea_orm::DbBackend::Postgres => format!("SELECT CAST(t.* AS TEXT) AS row FROM {table} t"),
            _ => format!("SELECT * FROM {table}"),
        };
        for row in db.query_all(Statement::from_string(backend, sql)).await.unwrap() {
            let text = format!("{row:?}");
            if text.contains(needle) {
                found.push(format!("{table}: {text}"));
            }
        }
    }
    found
}

async fn erasure_under_concurrent_writes(w: World, rounds: usize) {
    let org = member(&w, 14, "org@example.org").await;
    let offer = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let bystander = signed_up(&w, "bystander@example.org", Role::Talent).await;
    let mut profile = demo("talents.json")[1].clone();
    w.app.save_profile(&bystander, profile_input(profile.clone()), None).await.unwrap();
    for round in 0..rounds {
        let email = format!("erase{round}@example.org");
        let talent = signed_up(&w, &email, Role::Talent).await;
        w.app.save_profile(&talent, profile_input(demo("talents.json")[0].clone()), None).await.unwrap();
        w.app.apply(&talent, offer.id, "ciao".into()).await.unwrap();
        let search = crocevia_search::SearchRequest { text: "rust".into(), ..Default::default() };
        w.app.save_search(&talent, "mine", search).await.unwrap();
        let me = talent.user().unwrap().id;
        // Other writers of the same database at the same moment: an organisation editing its
        // offer, another talent editing her profile.
        profile["headline"] = json!(format!("Engineer, round {round}"));
        let mut edited = open_offer();
        edited["title"] = json!(format!("Rust developer {round}"));
        let (erased, _, _) = tokio::join!(
            w.app.erase(&talent),
            w.app.save_posting(&org, Some(offer.id), posting(EntityKind::Offer, edited), None),
            w.app.save_profile(&bystander, profile_input(profile.clone()), None),
        );
        assert_eq!(erased.unwrap(), 3, "round {round}: application, profile and user");
        assert_eq!(rows_mentioning(&w, &me.to_string()).await, Vec::<String>::new(), "round {round}");
        assert_eq!(rows_mentioning(&w, &email).await, Vec::<String>::new(), "round {round}");
        let gone = w.app.actor(Some(Session { user: me, generation: 0 })).await.unwrap_err();
        assert_eq!(code(&gone), "UNAUTHENTICATED", "round {round}: the token ends with the account");
        // The e-mail is free again: registering it makes one new account, not a second one.
        let again = signed_up(&w, &email, Role::Talent).await;
        w.app.erase(&again).await.unwrap();
    }
    assert!(saved::of_user(w.profiles.db(), bystander.user().unwrap().id.as_uuid()).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn erasure_under_concurrent_writes_50_times_on_sqlite() {
    erasure_under_concurrent_writes(sqlite().await, 50).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn erasure_under_concurrent_writes_50_times_on_postgres() {
    erasure_under_concurrent_writes(postgres().await, 50).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn applications_follow_the_rules() {
    let w = sqlite().await;
    let org = member(&w, 2, "i3p@example.org").await; // an incubator
    let talent = signed_up(&w, "t@example.org", Role::Talent).await;
    w.app.save_profile(&talent, profile_input(demo("talents.json")[0].clone()), None).await.unwrap();
    let startup = signed_up(&w, "s@example.org", Role::Startup).await;
    w.app.save_profile(&startup, profile_input(demo("startups.json")[0].clone()), None).await.unwrap(); // seed, incorporated

    // Offers: open is fine once; twice is refused; closed and expired are refused.
    let offer = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    let applied = w.app.apply(&talent, offer.id, "ciao".into()).await.unwrap();
    let twice = w.app.apply(&talent, offer.id, "ancora".into()).await.unwrap_err();
    assert_eq!((code(&twice), twice.field()), ("BAD_USER_INPUT", Some("target")), "{twice}");
    // Withdrawn, one may apply again.
    w.app.move_application(&talent, applied.id, ApplicationStage::Withdrawn, None).await.unwrap();
    w.app.apply(&talent, offer.id, "di nuovo".into()).await.unwrap();
    let mut expired = open_offer();
    expired["posted_on"] = json!(in_days(-30));
    expired["deadline"] = json!(in_days(-1));
    let expired = w.app.save_posting(&org, None, posting(EntityKind::Offer, expired), None).await.unwrap();
    let e = w.app.apply(&talent, expired.id, String::new()).await.unwrap_err();
    assert!(e.to_string().contains("deadline"), "{e}");
    let closed = w.app.save_posting(&org, None, posting(EntityKind::Offer, open_offer()), None).await.unwrap();
    w.app.close_posting(&org, EntityKind::Offer, closed.id, None).await.unwrap();
    let e = w.app.apply(&talent, closed.id, String::new()).await.unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");

    // Programmes: NOT_ELIGIBLE is refused with every reason at once.
    let strict = programme(json!([
        {"rule": "stage_in", "stages": ["idea", "pre_seed"]},
        {"rule": "team_size", "min": 1, "max": 3},
    ]));
    let strict = w.app.save_posting(&org, None, posting(EntityKind::Programme, strict), None).await.unwrap();
    match w.app.apply(&startup, strict.id, String::new()).await.unwrap_err() {
        AppError::Refused { field, reasons, .. } => {
            assert_eq!(field, "target");
            assert_eq!(reasons.len(), 2, "both failed rules are given: {reasons:?}");
        }
        other => panic!("{other:?}"),
    }
    // ELIGIBLE_IF is accepted, and its conditions are recorded on the application.
    let mut not_incorporated = demo("startups.json")[0].clone();
    not_incorporated["legal_form"] = json!("not_incorporated");
    not_incorporated["founded_on"] = Value::Null;
    let founder = signed_up(&w, "f@example.org", Role::Startup).await;
    w.app.save_profile(&founder, profile_input(not_incorporated), None).await.unwrap();
    let lenient = programme(json!([
        {"rule": "legal_form_in", "forms": ["srl", "innovative_startup"], "incorporation_by_deadline": true},
    ]));
    let lenient = w.app.save_posting(&org, None, posting(EntityKind::Programme, lenient), None).await.unwrap();
    let applied = w.app.apply(&founder, lenient.id, String::new()).await.unwrap();
    let Entity::Application(application) = w.profiles.get(EntityKind::Application, applied.id).await.unwrap().entity
    else {
        panic!()
    };
    assert_eq!(application.conditions.len(), 1, "{:?}", application.conditions);

    // Only the organisation moves an application forward; transitions are checked.
    let e = w.app.move_application(&founder, applied.id, ApplicationStage::Screening, None).await.unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN");
    w.app.move_application(&org, applied.id, ApplicationStage::Screening, None).await.unwrap();
    let e = w.app.move_application(&org, applied.id, ApplicationStage::Submitted, None).await.unwrap_err();
    assert_eq!(e.field(), Some("stage"));
    let line = RubricLine { criterion: "Team".into(), points: 300, max_points: 10 };
    let e = w.app.score_application(&org, applied.id, vec![line], None).await.unwrap_err();
    assert_eq!(e.field(), Some("rubric[0].points"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_organisations_that_run_programmes_post_them() {
    let w = sqlite().await;
    let company = member(&w, 14, "company@example.org").await;
    let org_kind = demo("organisations.json")[14]["kind"].clone();
    assert_eq!(org_kind, "company", "the fixture is a company");
    let e = w
        .app
        .save_posting(&company, None, posting(EntityKind::Programme, programme(json!([]))), None)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "FORBIDDEN", "{e}");
    let incubator = member(&w, 2, "incubator@example.org").await;
    w.app.save_posting(&incubator, None, posting(EntityKind::Programme, programme(json!([]))), None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_end_with_their_account_and_credentials() {
    let w = sqlite().await;
    let talent = signed_up(&w, "t@example.org", Role::Talent).await;
    let user = talent.user().unwrap().id;
    let first = Session { user, generation: 0 };
    assert!(w.app.actor(Some(first)).await.is_ok());
    // A new password ends every earlier token; the new generation works.
    let renewed =
        w.app.change_password(&talent, "correct horse battery", "another good passphrase".into()).await.unwrap();
    assert_eq!(code(&w.app.actor(Some(first)).await.unwrap_err()), "UNAUTHENTICATED");
    let second = Session { user, generation: renewed.generation };
    assert!(w.app.actor(Some(second)).await.is_ok());
    let wrong = w.app.change_password(&talent, "not the password", "yet another passphrase".into()).await.unwrap_err();
    assert_eq!(wrong.field(), Some("currentPassword"));
    // Log out everywhere: the current token ends too.
    w.app.log_out_everywhere(&talent).await.unwrap();
    assert_eq!(code(&w.app.actor(Some(second)).await.unwrap_err()), "UNAUTHENTICATED");
    // A token naming no user.
    let nobody = Session { user: UserId::from_uuid(uuid::Uuid::now_v7()), generation: 0 };
    assert_eq!(code(&w.app.actor(Some(nobody)).await.unwrap_err()), "UNAUTHENTICATED");
    // An erased administrator's actor can do nothing more.
    let admin_id = w.admin.user().unwrap().id;
    w.app.erase(&w.admin).await.unwrap();
    let e = w.app.actor(Some(Session { user: admin_id, generation: 0 })).await.unwrap_err();
    assert_eq!(code(&e), "UNAUTHENTICATED");
}

//! What the application-boundary tests share: a world on SQLite or PostgreSQL with the demo
//! organisations and skills, sign-ups confirmed through their e-mail, organisation members,
//! and demo records as the inputs clients send.

#![allow(dead_code, reason = "each test file uses its share")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_api::ProfileInput;
use crocevia_domain::{Entity, EntityKind, Locale, Role, User, UserId};
use crocevia_kit::testing;
use crocevia_profiles::accounts::Accounts;
use crocevia_profiles::app::{NewAccount, PostingInput};
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::{Actor, App, AppError, Profiles, Session};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::PathBuf;

pub fn demo(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

pub struct World {
    pub app: App,
    pub profiles: Profiles,
    pub _dir: Option<tempfile::TempDir>,
    pub admin: Actor,
}

/// The reference skills taxonomy (built into the binary), loaded once for all tests.
pub fn reference_skills() -> &'static crocevia_domain::SkillTaxonomy {
    static SKILLS: std::sync::LazyLock<crocevia_domain::SkillTaxonomy> =
        std::sync::LazyLock::new(|| crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")));
    &SKILLS
}

pub async fn world(url: String, dir: Option<tempfile::TempDir>) -> World {
    let db = crocevia_kit::db::connect(&SecretString::from(url), 8).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let profiles = Profiles::new(db.clone(), "profiles.v1");
    profiles.upsert_skills(reference_skills().concepts()).await.unwrap();
    for org in demo("organisations.json") {
        let entity: Entity = serde_json::from_value(json!({ "kind": "organisation", "data": org })).unwrap();
        profiles.upsert(entity, None, "t").await.unwrap();
    }
    let app = App::new(profiles.clone(), Accounts::open(db).await.unwrap(), None, None);
    let admin = User {
        id: UserId::from_uuid(uuid::Uuid::now_v7()),
        email: "admin@example.org".into(),
        display_name: "Admin".into(),
        role: Role::Admin,
        organisation_id: None,
        locale: Locale::It,
    };
    let admin = app.provision_account(admin, "administrator pass".into()).await.unwrap();
    let session = Session { user: admin.id, generation: 0 };
    World { app, profiles, _dir: dir, admin: Actor::User(admin, session, None) }
}

pub async fn sqlite() -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("app.db").display());
    world(url, Some(dir)).await
}

pub async fn postgres() -> World {
    world(testing::fresh_postgres_database("crocevia_app").await, None).await
}

/// Signs up and confirms the address with the link e-mailed to it (read from the outbox).
pub async fn signed_up(w: &World, email: &str, role: Role) -> Actor {
    w.app
        .register(NewAccount {
            email: email.into(),
            password: "correct horse battery".into(),
            display_name: "Anna".into(),
            role,
            locale: Locale::It,
        })
        .await
        .unwrap();
    let mail = crocevia_profiles::mail::waiting(w.profiles.db(), Some(email), 100).await.unwrap();
    let token = mail.iter().rev().find_map(|m| crocevia_profiles::mail::link_token(&m.body, "verify")).unwrap();
    let (user, credentials) = w.app.confirm_email(token).await.unwrap();
    w.app.actor(Some(Session { user: user.id, generation: credentials.generation })).await.unwrap()
}

/// A member of the `i`-th demo organisation.
pub async fn member(w: &World, i: usize, email: &str) -> Actor {
    let org = demo("organisations.json")[i]["id"].as_str().unwrap().parse().unwrap();
    let user = w.app.create_member(&w.admin, org, email, "member password".into(), "M").await.unwrap();
    let session = Session { user: user.id, generation: 0 };
    Actor::User(user, session, None)
}

/// The actor resolved again, as the next request resolves it (a startup account acts for its
/// startup once the profile is saved).
pub async fn again(w: &World, actor: &Actor) -> Actor {
    w.app.actor(actor.session()).await.unwrap()
}

pub fn open_offer() -> Value {
    let mut offer = demo("offers.json")[0].clone();
    offer["posted_on"] = json!(in_days(-10));
    offer["deadline"] = json!(in_days(30));
    offer
}

pub fn programme(rules: Value) -> Value {
    let mut p = demo("programmes.json")[0].clone();
    p["eligibility"] = rules;
    p["application_deadline"] = json!(in_days(30));
    p["cohort_start"] = json!(in_days(40));
    p["cohort_end"] = json!(in_days(200));
    p
}

/// A domain record as the input a client sends for it.
pub fn posting(kind: EntityKind, record: Value) -> PostingInput {
    let input = crocevia_api::input_of(kind, record).unwrap();
    match kind {
        EntityKind::Offer => PostingInput::Offer(serde_json::from_value(input).unwrap()),
        _ => PostingInput::Programme(serde_json::from_value(input).unwrap()),
    }
}

pub fn profile_input(record: Value) -> ProfileInput {
    let kind = if record.get("display_name").is_some() { EntityKind::Talent } else { EntityKind::Startup };
    serde_json::from_value(crocevia_api::input_of(kind, record).unwrap()).unwrap()
}

pub fn code(e: &AppError) -> &'static str {
    e.code().as_str()
}

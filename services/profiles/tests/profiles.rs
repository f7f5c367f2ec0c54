//! The profiles service against both databases it supports: SQLite (a fresh file) and
//! PostgreSQL (a fresh database on the real server).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use chrono::Utc;
use crocevia_domain::*;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{EventBus, TopicSpec};
use crocevia_kit::testing;
use crocevia_profiles::import::import_dir;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::relay::Relay;
use crocevia_profiles::{Profiles, ProfilesError, store};
use crocevia_proto::envelope::{self, Change};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const TOPIC: &str = "profiles.v1";

fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

fn demo<T: serde::de::DeserializeOwned>(file: &str) -> Vec<T> {
    serde_json::from_str(&std::fs::read_to_string(demo_dir().join(file)).unwrap()).unwrap()
}

/// The reference skills taxonomy, loaded once.
fn reference() -> &'static SkillTaxonomy {
    static SKILLS: std::sync::LazyLock<SkillTaxonomy> =
        std::sync::LazyLock::new(|| crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")));
    &SKILLS
}

struct Db {
    profiles: Profiles,
    _dir: Option<tempfile::TempDir>,
}

async fn open(url: String, dir: Option<tempfile::TempDir>) -> Db {
    let db = crocevia_kit::db::connect(&SecretString::from(url), 4).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let profiles = Profiles::new(db, TOPIC);
    profiles.upsert_skills(reference().concepts()).await.unwrap();
    Db { profiles, _dir: dir }
}

async fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("profiles.db").display());
    open(url, Some(dir)).await
}

async fn postgres() -> Db {
    open(testing::fresh_postgres_database("crocevia_profiles").await, None).await
}

fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Events in the outbox, decoded, in write order.
/// (A person's events are sealed with their key: opened here as a consumer would.)
async fn outbox(p: &Profiles) -> Vec<(envelope::EventMeta, Change)> {
    use crocevia_kit::bus::opening::Opener;
    let keys = crocevia_profiles::keys::KeyRing::new(p.db().clone());
    let mut events = Vec::new();
    for row in store::unpublished(p.db(), 100_000).await.unwrap() {
        let opened = keys.open(&row.payload).await.unwrap().unwrap_or(row.payload);
        events.push(envelope::decode(&opened).unwrap());
    }
    events
}

/// One entity of every kind, linked together, built from the demo data with fresh ids.
fn chain() -> Vec<Entity> {
    let mut org: Organisation = demo::<Organisation>("organisations.json").remove(0);
    org.id = OrganisationId::from_uuid(new_id());
    let user = User {
        id: UserId::from_uuid(new_id()),
        email: "recruiter@example.org".into(),
        display_name: "Recruiter".into(),
        role: Role::Organisation,
        organisation_id: Some(org.id),
        locale: Locale::It,
    };
    let consent = Consent {
        id: ConsentId::from_uuid(new_id()),
        user_id: user.id,
        purpose: ConsentPurpose::Matching,
        granted: true,
        at: Utc::now(),
    };
    let mut talent: Talent = demo::<Talent>("talents.json").remove(0);
    talent.id = TalentId::from_uuid(new_id());
    let mut startup: Startup = demo::<Startup>("startups.json").remove(0);
    startup.id = StartupId::from_uuid(new_id());
    let mut programme: Programme = demo::<Programme>("programmes.json").remove(0);
    programme.id = ProgrammeId::from_uuid(new_id());
    programme.organisation_id = org.id;
    let mut offer: Offer = demo::<Offer>("offers.json").remove(0);
    offer.id = OfferId::from_uuid(new_id());
    offer.organisation_id = Some(org.id);
    let applied = |applicant, target| Application {
        id: ApplicationId::from_uuid(new_id()),
        applicant,
        target,
        stage: ApplicationStage::Submitted,
        history: vec![],
        motivation: "Motivazione".into(),
        score: None,
        rubric: vec![],
        conditions: vec![],
        answers: vec![],
        hire: None,
    };
    let a1 = applied(Applicant::Talent(talent.id), ApplicationTarget::Offer(offer.id));
    let a2 = applied(Applicant::Startup(startup.id), ApplicationTarget::Programme(programme.id));
    vec![
        Entity::Organisation(org),
        Entity::User(user),
        Entity::Consent(consent),
        Entity::Talent(talent),
        Entity::Startup(startup),
        Entity::Programme(programme),
        Entity::Offer(offer),
        Entity::Application(a1),
        Entity::Application(a2),
    ]
}

/// A visible change to any entity.
fn touched(entity: &Entity) -> Entity {
    let mut e = entity.clone();
    match &mut e {
        Entity::User(u) => u.display_name.push_str(" (updated)"),
        Entity::Consent(c) => c.granted = !c.granted,
        Entity::Organisation(o) => o.description.push_str(" Aggiornato."),
        Entity::Talent(t) => t.headline.push_str(" (updated)"),
        Entity::Startup(s) => s.team_size += 1,
        Entity::Programme(p) => p.capacity += 1,
        Entity::Offer(o) => o.title.push_str(" (updated)"),
        Entity::Application(a) => a.score = Some(77),
    }
    e
}

async fn create_update_delete_every_kind(db: Db) {
    let p = &db.profiles;
    let entities = chain();
    for e in &entities {
        let out = p.upsert(e.clone(), None, "t").await.unwrap();
        assert!(out.created && out.changed && out.version == 1, "{:?} {out:?}", e.kind());
        assert_eq!(p.get(e.kind(), e.id()).await.unwrap().entity, *e);
    }
    for e in &entities {
        let updated = touched(e);
        let out = p.upsert(updated.clone(), Some(1), "t").await.unwrap();
        assert_eq!((out.version, out.created, out.changed), (2, false, true), "{}", e.kind());
        let stored = p.get(e.kind(), e.id()).await.unwrap();
        assert_eq!((stored.entity, stored.version), (updated.clone(), 2));
        // Writing the same value again is a no-op: no version, no event.
        let again = p.upsert(updated, None, "t").await.unwrap();
        assert_eq!((again.version, again.changed), (2, false));
    }
    for e in entities.iter().rev() {
        assert_eq!(p.delete(e.kind(), e.id(), "deleted", "t").await.unwrap(), 3, "{}", e.kind());
        assert!(matches!(p.get(e.kind(), e.id()).await, Err(ProfilesError::NotFound { .. })));
    }
    // Three events per entity, versions 1, 2, 3 in order, the last an erasure.
    let events = outbox(p).await;
    assert_eq!(events.len(), entities.len() * 3);
    for e in &entities {
        let mine: Vec<_> = events.iter().filter(|(m, _)| m.entity_id == e.id()).collect();
        assert_eq!(mine.iter().map(|(m, _)| m.entity_version).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(matches!(mine[2].1, Change::Erased { .. }));
        assert_eq!(mine[1].1, Change::Upserted(touched(e)));
    }
    // A re-created entity continues the version sequence after its tombstone.
    let org = entities[0].clone();
    assert_eq!(p.upsert(org, None, "t").await.unwrap().version, 4);
}

async fn bad_input_names_the_field_and_writes_nothing(db: Db) {
    let p = &db.profiles;
    let entities = chain();
    p.upsert(entities[0].clone(), None, "t").await.unwrap();
    let Entity::Offer(offer) = entities[6].clone() else { panic!() };
    let before = outbox(p).await.len();

    let cases: Vec<(Offer, &str)> = vec![
        (Offer { title: "   ".into(), ..offer.clone() }, "title"),
        (Offer { description: "x".repeat(10_001), ..offer.clone() }, "description"),
        (Offer { organisation_id: Some(OrganisationId::from_uuid(new_id())), ..offer.clone() }, "organisation_id"),
        (Offer { organisation_id: None, ..offer.clone() }, "organisation_id"),
        (Offer { startup_id: Some(StartupId::from_uuid(new_id())), ..offer.clone() }, "startup_id"),
        (
            Offer { required_skills: vec![SkillId::new("basket-weaving-on-mars").unwrap()], ..offer.clone() },
            "required_skills[0]",
        ),
        (Offer { deadline: Some(offer.posted_on - chrono::Days::new(1)), ..offer.clone() }, "deadline"),
    ];
    for (bad, field) in cases {
        let err = p.upsert(Entity::Offer(bad), None, "t").await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert_eq!(err.code(), crocevia_kit::ErrorCode::BadUserInput);
    }
    assert!(matches!(p.get(EntityKind::Offer, offer.id.as_uuid()).await, Err(ProfilesError::NotFound { .. })));
    assert_eq!(outbox(p).await.len(), before, "nothing half-written");
    assert_eq!(p.count(EntityKind::Offer).await.unwrap(), 0);
}

async fn conflicts_are_refused(db: Db) {
    let p = &db.profiles;
    let entities = chain();
    p.upsert(entities[0].clone(), None, "t").await.unwrap();
    p.upsert(touched(&entities[0]), None, "t").await.unwrap();
    let err = p.upsert(entities[0].clone(), Some(1), "t").await.unwrap_err();
    assert_eq!(err.code(), crocevia_kit::ErrorCode::Conflict, "{err}");
    // An organisation with an offer cannot be deleted out from under it.
    p.upsert(entities[6].clone(), None, "t").await.unwrap();
    let err = p.delete(EntityKind::Organisation, entities[0].id(), "deleted", "t").await.unwrap_err();
    assert!(err.to_string().contains("offer"), "{err}");
    assert!(p.get(EntityKind::Organisation, entities[0].id()).await.is_ok());
}

async fn import_is_complete_and_idempotent(db: Db) {
    let p = &db.profiles;
    let first = import_dir(p, &demo_dir(), reference(), false).await.unwrap();
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    assert!(first.created > 150, "{}", first.created);
    assert_eq!(
        p.count(EntityKind::Organisation).await.unwrap(),
        demo::<serde_json::Value>("organisations.json").len() as u64
    );
    let events = outbox(p).await.len();
    assert_eq!(events, first.created);
    let second = import_dir(p, &demo_dir(), reference(), false).await.unwrap();
    assert_eq!((second.created, second.updated, second.unchanged), (0, 0, first.created));
    assert_eq!(outbox(p).await.len(), events);
}

async fn import_reports_bad_entities_by_file_index_and_field(db: Db) {
    let p = &db.profiles;
    let dir = tempfile::tempdir().unwrap();
    let orgs: Vec<serde_json::Value> = demo("organisations.json");
    let mut bad = orgs[1].clone();
    bad["comune"] = "milano".into();
    let mut unknown = orgs[2].clone();
    unknown["ceo"] = "someone".into();
    std::fs::write(
        dir.path().join("organisations.json"),
        serde_json::to_string(&vec![orgs[0].clone(), bad, unknown]).unwrap(),
    )
    .unwrap();
    let report = import_dir(p, dir.path(), reference(), false).await.unwrap();
    assert_eq!(report.created, 1);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures[0].starts_with("organisations.json[1].comune:"), "{failures:?}");
    assert!(failures[1].starts_with("organisations.json[2]") && failures[1].contains("ceo"), "{failures:?}");
    assert_eq!(p.count(EntityKind::Organisation).await.unwrap(), 1);
}

/// An export or a CV names skills as people write them: the import maps the text to its
/// concept with the taxonomy's normaliser, and refuses text that names none, with its field.
async fn import_maps_skills_typed_as_text(db: Db) {
    let p = &db.profiles;
    let dir = tempfile::tempdir().unwrap();
    let talents: Vec<serde_json::Value> = demo("talents.json");
    let mut typed = talents[0].clone();
    typed["skills"] = serde_json::json!([
        {"skill": "Rust (avanzato)", "years": 4},
        {"skill": "PostgreSQL", "years": 2},
        {"skill": "metrology", "years": 1}
    ]);
    let mut unknown = talents[1].clone();
    unknown["skills"] = serde_json::json!([{"skill": "Python"}, {"skill": "Basket-weaving (amatoriale)"}]);
    // An old folder's taxonomy file is ignored, not refused.
    std::fs::write(dir.path().join("skills.json"), "[]").unwrap();
    std::fs::write(dir.path().join("talents.json"), serde_json::to_string(&vec![typed, unknown]).unwrap()).unwrap();
    let report = import_dir(p, dir.path(), reference(), false).await.unwrap();
    assert_eq!(report.created, 1, "{:?}", report.failures);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].starts_with("talents.json[1].skills[1].skill:"), "{failures:?}");
    let id = talents[0]["id"].as_str().unwrap().parse().unwrap();
    let Entity::Talent(t) = p.get(EntityKind::Talent, id).await.unwrap().entity else { panic!("not a talent") };
    let skills: Vec<&str> = t.skills.iter().map(|s| s.skill.as_str()).collect();
    assert_eq!(skills, ["rust", "postgresql", "metrology"]);
}

async fn relay_publishes_in_order_and_marks(db: Db) {
    let p = &db.profiles;
    let bus = Arc::new(InProcessBus::ephemeral("dlq"));
    bus.create_topics(&[TopicSpec::new(TOPIC, 3)]).await.unwrap();
    let entities = chain();
    let mut org = entities[0].clone();
    p.upsert(org.clone(), None, "t").await.unwrap();
    for _ in 0..4 {
        org = touched(&org);
        p.upsert(org.clone(), None, "t").await.unwrap();
    }
    p.upsert(entities[3].clone(), None, "t").await.unwrap();
    let relay = Relay {
        db: p.db().clone(),
        bus: bus.clone(),
        batch_size: 2,
        interval: Duration::from_millis(50),
        wake: p.relay_wake(),
        failpoint: None,
    };
    assert_eq!(relay.drain().await.unwrap(), 6);
    assert_eq!(store::unpublished_count(p.db()).await.unwrap(), 0);
    assert_eq!(relay.drain().await.unwrap(), 0, "marked rows are not published again");

    let mut sub = bus.subscribe(&[TOPIC.to_owned()], "test").await.unwrap();
    let mut versions = Vec::new();
    while let Some(d) = sub.poll(Duration::from_millis(200)).await.unwrap() {
        let meta = envelope::decode_meta(&d.payload).unwrap();
        assert_eq!(d.key, meta.entity_id.to_string());
        if meta.entity_id == org.id() {
            versions.push(meta.entity_version);
        }
    }
    assert_eq!(versions, [1, 2, 3, 4, 5]);
}

/// Many writers at once, as the embedded platform has (requests, import, relay): none fails.
async fn concurrent_writers_all_succeed(db: Db) {
    let talents: Vec<Talent> = demo("talents.json");
    let profiles = std::sync::Arc::new(db.profiles);
    let mut tasks = Vec::new();
    for round in 0..4 {
        for template in &talents {
            let mut t = template.clone();
            t.id = TalentId::from_uuid(new_id());
            t.headline = format!("round {round}");
            let p = profiles.clone();
            tasks.push(tokio::spawn(async move { p.upsert(Entity::Talent(t), None, "t").await }));
        }
    }
    let total = tasks.len();
    let mut failed = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            failed.push(format!("{e:#}"));
        }
    }
    assert!(failed.is_empty(), "{} of {total} writes failed: {:?}", failed.len(), failed.first());
    assert_eq!(profiles.count(EntityKind::Talent).await.unwrap(), total as u64);
}

/// A mixed batch: new entities of every kind (one referring to another of the same batch),
/// an application, the same id twice, an entity re-created after its deletion, an update of a
/// stored one, and three refusals (a missing reference, a skill outside the taxonomy, invalid
/// input). `Work::upsert_many` answers each as `Work::upsert` one at a time does, and leaves
/// the same rows and the same events.
async fn a_batch_writes_what_one_at_a_time_writes(db: Db) {
    let other = if sea_orm::ConnectionTrait::get_database_backend(db.profiles.db()) == sea_orm::DbBackend::Postgres {
        postgres().await
    } else {
        sqlite().await
    };
    let entities = chain();
    let mut gone: Talent = demo::<Talent>("talents.json").remove(1);
    gone.id = TalentId::from_uuid(new_id());
    for p in [&db.profiles, &other.profiles] {
        p.upsert(entities[0].clone(), None, "t").await.unwrap();
        p.upsert(Entity::Talent(gone.clone()), None, "t").await.unwrap();
        p.delete(EntityKind::Talent, gone.id.as_uuid(), "test", "t").await.unwrap();
    }
    let mut orphan: Offer = demo::<Offer>("offers.json").remove(1);
    orphan.id = OfferId::from_uuid(new_id());
    orphan.organisation_id = Some(OrganisationId::from_uuid(new_id()));
    let mut unskilled: Talent = demo::<Talent>("talents.json").remove(2);
    unskilled.id = TalentId::from_uuid(new_id());
    unskilled.skills[0].skill = SkillId::new("no-such-skill").unwrap();
    let mut nameless: Talent = demo::<Talent>("talents.json").remove(3);
    nameless.id = TalentId::from_uuid(new_id());
    nameless.display_name = String::new();
    let mut batch = entities[1..].to_vec();
    batch.insert(4, touched(&entities[3]));
    batch.extend([
        Entity::Talent(gone.clone()),
        Entity::Offer(orphan),
        Entity::Talent(unskilled),
        Entity::Talent(nameless),
        touched(&entities[0]),
    ]);

    let mut work = db.profiles.work().await.unwrap();
    let together = work.upsert_many(batch.clone(), "t").await.unwrap();
    work.commit().await.unwrap();
    let mut work = other.profiles.work().await.unwrap();
    let mut alone = Vec::new();
    for entity in batch.clone() {
        alone.push(work.upsert(entity, None, "t").await);
    }
    work.commit().await.unwrap();

    let answer = |o: &Result<crocevia_profiles::WriteOutcome, ProfilesError>| match o {
        Ok(w) => format!("{} v{} created {} changed {}", w.id, w.version, w.created, w.changed),
        Err(e) => format!("refused: {e}"),
    };
    assert_eq!(together.len(), batch.len());
    for (i, (a, b)) in together.iter().zip(&alone).enumerate() {
        assert_eq!(answer(a), answer(b), "entity {i}");
    }
    assert_eq!(together.iter().filter(|o| o.is_err()).count(), 3);
    assert!(answer(&together[batch.len() - 5]).contains(" v3 created true"), "re-created after its deletion");

    let events = |events: Vec<(envelope::EventMeta, Change)>| {
        let mut seen: Vec<String> =
            events.into_iter().map(|(m, c)| format!("{} v{} {:?}", m.entity_id, m.entity_version, c)).collect();
        seen.sort();
        seen
    };
    assert_eq!(events(outbox(&db.profiles).await), events(outbox(&other.profiles).await));
    for entity in &batch {
        let (a, b) =
            (db.profiles.get(entity.kind(), entity.id()).await, other.profiles.get(entity.kind(), entity.id()).await);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::sqlite().await).await;
                }
            )*
        }
        mod postgres_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::postgres().await).await;
                }
            )*
        }
    };
}

on_both!(
    create_update_delete_every_kind,
    bad_input_names_the_field_and_writes_nothing,
    conflicts_are_refused,
    import_is_complete_and_idempotent,
    a_batch_writes_what_one_at_a_time_writes,
    import_reports_bad_entities_by_file_index_and_field,
    import_maps_skills_typed_as_text,
    relay_publishes_in_order_and_marks,
    concurrent_writers_all_succeed
);

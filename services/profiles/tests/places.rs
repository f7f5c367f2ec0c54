//! Rows written before places were typed still read: a talent's residence and a startup's
//! seat were a comune id or null, and are now a comune or a city with its country. Checked on
//! both databases the service supports, with rows written as the previous version wrote them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_domain::*;
use crocevia_kit::testing;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::store::{self, tables};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::PathBuf;

fn demo(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn connect(url: String) -> DatabaseConnection {
    let db = crocevia_kit::db::connect(&SecretString::from(url), 2).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    db
}

/// A talent row as the previous version stored it: the comune id as a string, or null.
fn old_talent(residence: Value) -> (uuid::Uuid, Value) {
    let mut data = demo("talents.json")[0].clone();
    let id = uuid::Uuid::now_v7();
    data["id"] = json!(id);
    data["residence"] = residence;
    (id, data)
}

async fn write_talent_row(db: &DatabaseConnection, id: uuid::Uuid, data: Value) {
    let now = chrono::Utc::now();
    tables::talents::ActiveModel {
        id: Set(id),
        version: Set(1),
        label: Set("old row".into()),
        data: Set(data),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
}

async fn read_talent(db: &DatabaseConnection, id: uuid::Uuid) -> Talent {
    match store::find(db, EntityKind::Talent, id).await.unwrap().unwrap().entity {
        Entity::Talent(t) => t,
        other => panic!("{other:?}"),
    }
}

async fn old_rows_still_read(db: DatabaseConnection) {
    let (in_area, data) = old_talent(json!("moncalieri"));
    write_talent_row(&db, in_area, data).await;
    let (unstated, data) = old_talent(Value::Null);
    write_talent_row(&db, unstated, data).await;

    let t = read_talent(&db, in_area).await;
    assert_eq!(t.residence, Some(Place::Metro(ComuneId::new("moncalieri").unwrap())));
    assert!(!t.lives_outside_metro());
    let t = read_talent(&db, unstated).await;
    assert_eq!(t.residence, None);
    assert!(!t.lives_outside_metro(), "an unstated residence is not known to be outside the area");

    // Saved again with a place abroad, the row reads back as written.
    let mut t = read_talent(&db, in_area).await;
    t.residence = Some(Place::elsewhere("Lyon", CountryCode::resolve("Francia").unwrap()));
    assert!(store::update(&db, &Entity::Talent(t.clone()), 2, 1, chrono::Utc::now()).await.unwrap());
    assert_eq!(read_talent(&db, in_area).await.residence, t.residence);
    assert!(t.lives_outside_metro());
}

#[tokio::test]
async fn old_rows_still_read_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("profiles.db").display());
    old_rows_still_read(connect(url).await).await;
}

#[tokio::test]
async fn old_rows_still_read_on_postgres() {
    old_rows_still_read(connect(testing::fresh_postgres_database("crocevia_places").await).await).await;
}

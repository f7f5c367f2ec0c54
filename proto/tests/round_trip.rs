//! Every demo entity survives domain -> protobuf bytes -> domain unchanged, and bad bytes
//! are refused with an error naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use chrono::{TimeZone, Utc};
use crocevia_domain::{Entity, EntityKind};
use crocevia_proto::envelope::{self, Change};
use crocevia_proto::v1;
use prost::Message;
use std::path::PathBuf;

fn demo_entities() -> Vec<Entity> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/demo");
    let mut all = Vec::new();
    for (file, kind) in [
        ("organisations.json", "organisation"),
        ("talents.json", "talent"),
        ("startups.json", "startup"),
        ("programmes.json", "programme"),
        ("offers.json", "offer"),
        ("applications.json", "application"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert!(!items.is_empty(), "{file} is empty");
        for item in items {
            let tagged = serde_json::json!({ "kind": kind, "data": item });
            all.push(serde_json::from_value(tagged).unwrap());
        }
    }
    all
}

#[test]
fn every_demo_entity_round_trips() {
    let at = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
    let entities = demo_entities();
    assert!(entities.len() > 100);
    for entity in entities {
        let change = Change::Upserted(entity.clone());
        let bytes = envelope::encode(&envelope::build(&change, 3, "corr-1", at));
        let (meta, decoded) = envelope::decode(&bytes).unwrap();
        assert_eq!(decoded, change, "{} {}", entity.kind(), entity.id());
        assert_eq!(meta.entity_id, entity.id());
        assert_eq!(meta.entity_version, 3);
        assert_eq!(meta.entity_kind, entity.kind());
        assert_eq!(meta.occurred_at, at);
        assert_eq!(meta.correlation_id, "corr-1");
        assert_eq!(meta.event_id.get_version_num(), 7);
    }
}

#[test]
fn erasure_round_trips() {
    let id = uuid::Uuid::now_v7();
    let change = Change::Erased { kind: EntityKind::Talent, id, reason: "erasure_request".into() };
    let bytes = envelope::encode(&envelope::build(&change, 9, "c", Utc::now()));
    let (meta, decoded) = envelope::decode(&bytes).unwrap();
    assert_eq!(decoded, change);
    assert_eq!(meta.entity_version, 9);
}

#[test]
fn garbage_is_refused() {
    assert!(envelope::decode(b"\xff\xff\xff not protobuf").is_err());
}

#[test]
fn a_bad_field_is_named() {
    let entity = demo_entities().into_iter().find(|e| e.kind() == EntityKind::Offer).unwrap();
    let mut env = envelope::build(&Change::Upserted(entity), 1, "c", Utc::now());
    if let Some(v1::envelope::Payload::Offer(offer)) = env.payload.as_mut() {
        offer.kind = "gig".into();
    }
    let err = envelope::decode(&env.encode_to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("offer.kind:"), "{err}");

    let mut env = envelope::build(
        &Change::Erased { kind: EntityKind::Offer, id: uuid::Uuid::now_v7(), reason: String::new() },
        1,
        "c",
        Utc::now(),
    );
    env.entity_version = 0;
    let err = envelope::decode(&env.encode_to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("entity_version:"), "{err}");
}

#[test]
fn a_payload_must_match_its_kind() {
    let entity = demo_entities().into_iter().find(|e| e.kind() == EntityKind::Talent).unwrap();
    let mut env = envelope::build(&Change::Upserted(entity), 1, "c", Utc::now());
    env.entity_kind = v1::EntityKind::Offer as i32;
    let err = envelope::decode(&env.encode_to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("payload:"), "{err}");
}

#[test]
fn a_place_elsewhere_travels_beside_the_comune_field_older_readers_know() {
    let talent = demo_entities()
        .into_iter()
        .find_map(|e| match e {
            Entity::Talent(t) if t.residence.as_ref().is_some_and(|p| !p.in_metro()) => Some(t),
            _ => None,
        })
        .expect("a demo talent lives abroad");
    let env = envelope::build(&Change::Upserted(Entity::Talent(talent.clone())), 1, "c", Utc::now());
    let Some(v1::envelope::Payload::Talent(payload)) = env.payload.as_ref() else { panic!("{env:?}") };
    // A reader of the previous schema sees no comune: outside the area, as it always did.
    assert_eq!(payload.residence, None);
    let elsewhere = payload.residence_elsewhere.as_ref().unwrap();
    assert_eq!(
        (elsewhere.city.as_str(), elsewhere.country.as_str()),
        (talent.residence.as_ref().unwrap().city(), "IN")
    );

    let with = |residence: Option<&str>, elsewhere: bool| {
        let mut env = env.clone();
        if let Some(v1::envelope::Payload::Talent(t)) = env.payload.as_mut() {
            t.residence = residence.map(str::to_owned);
            if !elsewhere {
                t.residence_elsewhere = None;
            }
        }
        envelope::decode(&env.encode_to_vec())
    };
    // An event of the previous version, with the comune alone, still decodes.
    let Ok((_, Change::Upserted(Entity::Talent(old)))) = with(Some("torino"), false) else { panic!("old event") };
    assert_eq!(old.residence.unwrap().comune().map(|c| c.as_str().to_owned()).as_deref(), Some("torino"));
    // Both at once is refused, naming the field.
    let err = with(Some("torino"), true).unwrap_err().to_string();
    assert!(err.starts_with("talent.residence:"), "{err}");
}

#[test]
fn a_startup_offer_travels_in_its_own_field_and_an_offer_names_one_employer() {
    let Entity::Offer(mut offer) = demo_entities().into_iter().find(|e| e.kind() == EntityKind::Offer).unwrap() else {
        unreachable!()
    };
    // Older events (and every organisation's offer) carry organisation_id only.
    let env = envelope::build(&Change::Upserted(Entity::Offer(offer.clone())), 1, "c", Utc::now());
    let Some(v1::envelope::Payload::Offer(payload)) = env.payload.as_ref() else { unreachable!() };
    assert!(payload.startup_id.is_empty());
    assert_eq!(payload.organisation_id, offer.organisation_id.unwrap().to_string());

    let startup = crocevia_domain::StartupId::from_uuid(uuid::Uuid::now_v7());
    offer.organisation_id = None;
    offer.startup_id = Some(startup);
    let change = Change::Upserted(Entity::Offer(offer.clone()));
    let mut env = envelope::build(&change, 2, "c", Utc::now());
    let Some(v1::envelope::Payload::Offer(payload)) = env.payload.as_ref() else { unreachable!() };
    assert!(payload.organisation_id.is_empty());
    assert_eq!(payload.startup_id, startup.to_string());
    let (_, decoded) = envelope::decode(&env.encode_to_vec()).unwrap();
    assert_eq!(decoded, change);

    // Both, or neither: refused, naming the field.
    if let Some(v1::envelope::Payload::Offer(payload)) = env.payload.as_mut() {
        payload.organisation_id = uuid::Uuid::now_v7().to_string();
    }
    let err = envelope::decode(&env.encode_to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("offer.organisation_id:"), "{err}");
    if let Some(v1::envelope::Payload::Offer(payload)) = env.payload.as_mut() {
        payload.organisation_id.clear();
        payload.startup_id.clear();
    }
    let err = envelope::decode(&env.encode_to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("offer.organisation_id:"), "{err}");
}

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

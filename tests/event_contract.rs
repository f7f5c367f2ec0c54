//! The event contract holds for a reader outside Rust: `proto/examples/decode_topic.py`, with
//! only `proto/` and a Kafka client (confluent-kafka), decodes what Crocevia publishes on the
//! real broker, by the content-type header the relay sets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use chrono::Utc;
use crocevia_domain::{Entity, EntityKind};
use crocevia_kit::bus::outbox::HEADER_EVENT_ID;
use crocevia_kit::bus::{EventBus, OutMessage, TopicSpec};
use crocevia_proto::envelope::{self, Change};
use crocevia_proto::{HEADER_CONTENT_TYPE, PROFILES_TOPIC, content_type, v1};
use serde_json::Value;
use std::process::Command;
use support::{demo_dir, repo_root};

#[tokio::test]
async fn a_python_reader_decodes_the_topics_with_proto_alone() {
    let brokers = crocevia_kit::testing::require_kafka().await;
    let suffix = crocevia_kit::testing::unique_suffix();
    let topic = format!("{PROFILES_TOPIC}-{suffix}");
    let bus = support::kafka::bus(&brokers, &format!("dlq.v1-{suffix}"));
    bus.create_topics(&[TopicSpec::new(&topic, 2)]).await.unwrap();

    // An offer, as the relay publishes it (offers hold no personal data, so nothing is sealed).
    let items: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(demo_dir().join("offers.json")).unwrap()).unwrap();
    let offer: Entity = serde_json::from_value(serde_json::json!({ "kind": "offer", "data": items[0] })).unwrap();
    assert_eq!(offer.kind(), EntityKind::Offer);
    let built = envelope::build(&Change::Upserted(offer.clone()), 3, "contract-test", Utc::now());
    let event_id = built.event_id.clone();
    let mut message = OutMessage::new(offer.id().to_string(), envelope::encode(&built));
    message.headers = vec![
        (HEADER_EVENT_ID.to_owned(), event_id.clone()),
        (HEADER_CONTENT_TYPE.to_owned(), content_type::<v1::Envelope>()),
    ];
    bus.publish(&topic, vec![message]).await.unwrap();

    let out = Command::new("python3")
        .args(["proto/examples/decode_topic.py", "--brokers", &brokers, "--topic", &topic, "--max", "1"])
        .args(["--idle-seconds", "30"])
        .current_dir(repo_root())
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "decode_topic.py: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let line: Value = serde_json::from_str(stdout.lines().next().expect("one message")).unwrap();
    assert_eq!(line["type"], "crocevia.events.v1.Envelope", "{line}");
    assert_eq!(line["key"], offer.id().to_string());
    assert_eq!(line["event_id"], event_id);
    let decoded = &line["message"];
    assert_eq!(decoded["entityKind"], "ENTITY_KIND_OFFER", "{decoded}");
    assert_eq!(decoded["entityVersion"], "3");
    assert_eq!(decoded["offer"]["title"], items[0]["title"], "{decoded}");
}

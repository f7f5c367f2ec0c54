//! The event contract's documents agree with the code: `proto/asyncapi.yaml` is a valid
//! AsyncAPI 3.0.0 document (checked against the official JSON Schema) naming exactly the
//! topics, headers, content types and messages the services use, and every eligibility rule
//! documented in `events.proto` is one the code reads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_domain::EligibilityRule;
use crocevia_kit::bus::outbox::HEADER_EVENT_ID;
use crocevia_kit::bus::{
    HEADER_ERROR, HEADER_GROUP, HEADER_SOURCE_OFFSET, HEADER_SOURCE_PARTITION, HEADER_SOURCE_TOPIC,
};
use crocevia_kit::telemetry::TRACE_HEADERS;
use crocevia_proto::{
    DEAD_LETTER_TOPIC, HEADER_CONTENT_TYPE, INDEXED_TOPIC, MATCHES_TOPIC, PROFILES_TOPIC, content_type, v1,
};
use prost::Name;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn set<I: IntoIterator<Item = S>, S: ToString>(items: I) -> BTreeSet<String> {
    items.into_iter().map(|s| s.to_string()).collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().unwrap_or_else(|| panic!("a list: {v}")).iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_asyncapi_document_is_valid_and_names_what_the_code_uses() {
    let out = Command::new("python3").arg(root().join("tests/validate_asyncapi.py")).output().expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "proto/asyncapi.yaml: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let declared: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let addresses: BTreeSet<String> =
        declared["channels"].as_object().unwrap().values().map(|a| a.as_str().unwrap().to_owned()).collect();
    assert_eq!(addresses, set([PROFILES_TOPIC, MATCHES_TOPIC, INDEXED_TOPIC, DEAD_LETTER_TOPIC]));
    let headers = [
        HEADER_EVENT_ID,
        HEADER_CONTENT_TYPE,
        HEADER_ERROR,
        HEADER_SOURCE_TOPIC,
        HEADER_SOURCE_PARTITION,
        HEADER_SOURCE_OFFSET,
        HEADER_GROUP,
    ];
    // The W3C trace context travels on profiles.v1 (and its dead letters) when traces are on.
    let headers = headers.into_iter().chain(TRACE_HEADERS);
    assert_eq!(strings(&declared["headers"]), set(headers), "headers documented vs used");
    assert_eq!(
        strings(&declared["content_types"]),
        set([content_type::<v1::Envelope>(), content_type::<v1::MatchChanged>(), content_type::<v1::Indexed>()])
    );
    assert_eq!(
        strings(&declared["protobuf_messages"]),
        set([v1::Envelope::full_name(), v1::MatchChanged::full_name(), v1::Indexed::full_name()])
    );
}

#[test]
fn every_documented_eligibility_rule_is_read_by_the_code() {
    let proto = std::fs::read_to_string(root().join("schemas/crocevia/events/v1/events.proto")).unwrap();
    let examples: Vec<&str> = proto
        .lines()
        .filter_map(|l| l.trim().strip_prefix("//"))
        .map(str::trim)
        .filter(|l| l.starts_with("{\"rule\""))
        .map(|l| &l[..=l.rfind('}').unwrap()])
        .collect();
    let mut documented = BTreeSet::new();
    for example in &examples {
        let rule: EligibilityRule =
            serde_json::from_str(example).unwrap_or_else(|e| panic!("documented rule {example} does not parse: {e}"));
        documented.insert(variant(&rule));
    }
    assert_eq!(documented.len(), examples.len(), "one example per rule: {examples:?}");
    assert_eq!(documented, (0..VARIANTS).collect(), "every rule is documented in events.proto");
}

const VARIANTS: usize = 9;

/// Exhaustive on purpose: a new rule does not compile here until it is documented in
/// events.proto and counted in [`VARIANTS`].
fn variant(rule: &EligibilityRule) -> usize {
    match rule {
        EligibilityRule::StageIn { .. } => 0,
        EligibilityRule::SectorIn { .. } => 1,
        EligibilityRule::MaxAgeMonths { .. } => 2,
        EligibilityRule::MinAgeMonths { .. } => 3,
        EligibilityRule::SeatInMetroArea { .. } => 4,
        EligibilityRule::TeamSize { .. } => 5,
        EligibilityRule::FundingRaised { .. } => 6,
        EligibilityRule::LegalFormIn { .. } => 7,
        EligibilityRule::Founders { .. } => 8,
    }
}

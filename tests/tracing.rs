//! One GraphQL mutation is one trace through every process of the distributed mode: the
//! gateway, the profiles process (called over HTTP), its outbox relay, the broker, and the
//! search, matching and insights consumers. Each process exports its spans over OTLP/HTTP
//! to a collector this test runs; the W3C trace context travels in HTTP headers and in the
//! Kafka headers of the event. The event's `correlation_id` is the request's id.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use axum::routing::post;
use crocevia_kit::bus::EventBus;
use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::input;
use support::stack::{Stack, demo, process};

/// Every export request the collector received, as JSON.
type Received = Arc<Mutex<Vec<Value>>>;

async fn collector() -> (String, Received) {
    let received: Received = Arc::default();
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                ([("content-type", "application/json")], "{}")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// Every span received so far, as (service, trace id, span name, attributes).
fn spans(received: &Received) -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for request in received.lock().unwrap().iter() {
        for resource in request["resourceSpans"].as_array().into_iter().flatten() {
            let service = resource["resource"]["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|a| a["key"] == "service.name")
                .and_then(|a| a["value"]["stringValue"].as_str())
                .unwrap_or_default()
                .to_owned();
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    out.push((
                        service.clone(),
                        span["traceId"].as_str().unwrap_or_default().to_owned(),
                        span["name"].as_str().unwrap_or_default().to_owned(),
                        span["attributes"].clone(),
                    ));
                }
            }
        }
    }
    out
}

fn attribute<'a>(attributes: &'a Value, key: &str) -> Option<&'a str> {
    attributes.as_array()?.iter().find(|a| a["key"] == key)?["value"]["stringValue"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_mutation_is_one_trace_through_every_process() {
    let (endpoint, received) = collector().await;
    let brokers = crocevia_kit::testing::require_kafka().await;
    let stack =
        Stack::start_with(&brokers, "crocevia_tracing", true, &[("CROCEVIA__TELEMETRY__OTLP_ENDPOINT", &endpoint)])
            .await;
    // Insights first rebuilds its figures from the database and moves past what the topics
    // hold; a change made meanwhile is counted from the database, in no consumer's span.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = stack.gateway.get("/open-data/v1/").await;
        if status == 200 && !body.contains("\"building\"") {
            break;
        }
        assert!(Instant::now() < deadline, "the open data is still being built: {status} {body}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let outbox = process("profiles", stack.dir.path(), &stack.database, &stack.brokers, &stack.suffix);
    let token = stack.gateway.sign_up(&outbox, "traced@example.org", "correct horse battery", "T", "TALENT").await;

    // The client names its request; the answer says which id it ran as.
    let request_id = format!("trace-test-{}", stack.suffix);
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", stack.gateway.base))
        .bearer_auth(&token)
        .header("x-request-id", &request_id)
        .json(&json!({
            "query": "mutation Save($v: ProfileInput!) { saveProfile(profile: $v) { id } }",
            "variables": { "v": input("talent", &demo("talents.json")[0]) },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], request_id.as_str());
    let body: Value = response.json().await.unwrap();
    let talent = body["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();

    // The gateway's request span, found by the request id, names the trace; every process
    // takes part in it.
    let wanted: BTreeSet<&str> =
        ["crocevia-gateway", "crocevia-profiles", "crocevia-search", "crocevia-matching", "crocevia-insights"].into();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (trace, services, names) = loop {
        let all = spans(&received);
        let trace = all
            .iter()
            .find(|(service, _, name, attributes)| {
                service == "crocevia-gateway"
                    && name == "request"
                    && attribute(attributes, "request_id") == Some(&request_id)
            })
            .map(|(_, trace, _, _)| trace.clone());
        if let Some(trace) = trace {
            let of_trace: Vec<_> = all.iter().filter(|(_, t, _, _)| *t == trace).collect();
            let services: BTreeSet<String> = of_trace.iter().map(|(s, _, _, _)| s.clone()).collect();
            let names: BTreeSet<(String, String)> =
                of_trace.iter().map(|(s, _, n, _)| (s.clone(), n.clone())).collect();
            if wanted.iter().all(|w| services.contains(*w)) || Instant::now() > deadline {
                break (trace, services, names);
            }
        }
        assert!(Instant::now() < deadline, "no gateway span for request {request_id} among {} spans", all.len());
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    for service in &wanted {
        assert!(services.contains(*service), "{service} is not in trace {trace}: {names:?}");
    }
    for (service, name) in [
        ("crocevia-profiles", "request"),
        ("crocevia-profiles", "outbox publish"),
        ("crocevia-search", "consume"),
        ("crocevia-matching", "consume"),
        ("crocevia-insights", "consume"),
    ] {
        assert!(names.contains(&(service.to_owned(), name.to_owned())), "no {name} span of {service}: {names:?}");
    }

    // The event the mutation caused carries the request's id as its correlation id.
    let bus = KafkaBus::connect(KafkaSettings {
        brokers: brokers.clone(),
        replication_factor: 1,
        dead_letter_topic: format!("dlq.v1-{}", stack.suffix),
        extra: vec![],
    })
    .unwrap();
    let topic = format!("profiles.v1-{}", stack.suffix);
    let mut sub = bus.subscribe(&[topic], &format!("tracing-reader-{}", stack.suffix)).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let meta = loop {
        assert!(Instant::now() < deadline, "the talent's event was not found on the topic");
        let Some(delivery) = sub.poll(Duration::from_secs(1)).await.unwrap() else { continue };
        let meta = crocevia_proto::envelope::decode_meta(&delivery.payload).unwrap();
        if meta.entity_id.to_string() == talent {
            assert!(delivery.header("traceparent").is_some_and(|t| t.contains(&trace)), "{:?}", delivery.headers);
            break meta;
        }
    };
    assert_eq!(meta.correlation_id, request_id);
    sub.close().await.unwrap();
}

//! The attack suite's fuzzer: random and adversarial documents (deep literals and lists,
//! long strings, odd unicode, huge numbers, broken JSON) at the running gateway through
//! every door (GraphQL over HTTP, GraphQL over WebSocket, REST). Each must get an answer
//! that is not a server error, and the server must still answer `/healthz` after each: a
//! panic or a stack overflow would abort the process. Deterministic (a fixed seed), so a
//! failure reproduces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use futures::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use support::*;
use tokio_tungstenite::tungstenite::Message;

/// How many documents each door gets.
const CASES: usize = 150;

/// A piece of a GraphQL document: names the schema knows, punctuation, odd literals.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            ":",
            "$p",
            "...",
            "@skip(if: true)",
            "query",
            "mutation",
            "subscription",
            "me",
            "search",
            "skills",
            "entity",
            "saveProfile",
            "__schema",
            "__type",
            "fragment F on Query",
            "input:",
            "kinds: [TALENT]",
            "profile:",
            "\"\"\"",
            "#",
            ",",
            "!",
            "=",
            "|",
            "&",
        ])
        .prop_map(str::to_owned),
        // Numbers no integer type holds.
        prop::sample::select(vec!["1e999999", "-99999999999999999999999999", "0x1F", "1.7976931348623157e309", "NaN"])
            .prop_map(str::to_owned),
        // Strings: long, unicode of every plane, escapes, NULs.
        ".{0,40}".prop_map(|s| format!("\"{}\"", s.replace('"', "\\\""))),
        (1usize..400).prop_map(|n| format!("\"{}\"", "é😀\u{202e}".repeat(n))),
        "[a-zA-Z_][a-zA-Z0-9_]{0,12}",
    ]
}

/// A document: a random run of tokens, or structure nested far deeper than any limit.
fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(token(), 0..80).prop_map(|t| t.join(" ")),
        1 => (1usize..8_000, prop::sample::select(vec!["{a:", "[", "(a:", "{ me ", "...on Query{"]))
            .prop_map(|(n, open)| format!("{{ skills(query: {}1) {{ id }} }}", open.repeat(n))),
        1 => (1usize..8_000).prop_map(|n| format!("{{ search(input: {{text: \"x\"{}}}) {{ total }} }}", "}".repeat(n))),
    ]
}

/// A JSON value for variables and REST bodies: nested, huge, or odd.
fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..50_000).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        (1usize..50_000).prop_map(|n| format!("{}1", "{\"a\":".repeat(n))),
        Just("{\"text\": 1e99999}".to_owned()),
        Just("{\"kinds\": [\"talent\", null, 7], \"limit\": -1}".to_owned()),
        Just("{\"filters\": [\"sector:\\u0000\"], \"limit\": 18446744073709551616}".to_owned()),
        ".{0,200}",
    ]
}

fn samples<S: Strategy>(strategy: S, seed: u8) -> Vec<S::Value> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..CASES).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

async fn alive(h: &Harness) {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    let status = client.get(format!("{}/healthz", h.base)).send().await.map(|r| r.status().as_u16()).ok();
    assert_eq!(status, Some(200), "the server stopped answering");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_adversarial_input_kills_nothing() {
    let h = start(false).await;
    let token = register(&h, "fuzz@example.org", "TALENT").await;
    // A request the server never answered would hang here: a timeout makes it a failure.
    // Each request on a new connection: the harness closes a kept-alive connection idle for
    // 600 ms (its header-read timeout), and a loaded machine's pause between two requests
    // would otherwise send the next one into a connection being closed.
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    // GraphQL over HTTP: documents, then variables.
    let mut statuses = std::collections::BTreeMap::new();
    let mut longest = 0;
    for (i, doc) in samples(document(), 1).into_iter().enumerate() {
        longest = longest.max(doc.len());
        let auth = if i % 2 == 0 { Some(token.as_str()) } else { None };
        let mut request = client.post(format!("{}/graphql", h.base)).json(&json!({ "query": doc }));
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        let status = request.send().await.unwrap().status().as_u16();
        assert!(status < 500, "{status} for document {i}: {}", doc.chars().take(200).collect::<String>());
        *statuses.entry(status).or_insert(0) += 1;
        alive(&h).await;
    }
    // The generator reaches past the limits: some documents are refused for their size.
    assert!(longest > 20_000, "the longest document had {longest} bytes");
    eprintln!("documents over HTTP, by status: {statuses:?}");
    for (i, value) in samples(json_value(), 2).into_iter().enumerate() {
        let body = format!(
            r#"{{"query":"mutation($p: ProfileInput!) {{ saveProfile(profile: $p) {{ id }} }}","variables":{{"p":{value}}}}}"#
        );
        let response = client
            .post(format!("{}/graphql", h.base))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().as_u16() < 500, "variables {i}: {}", response.status());
        alive(&h).await;
    }

    // REST: the same JSON as search bodies.
    for (i, value) in samples(json_value(), 3).into_iter().enumerate() {
        let response = client
            .post(format!("{}/api/v1/search", h.base))
            .header("content-type", "application/json")
            .body(value)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        // 503: this harness runs no search service; never a crash or a 500.
        assert!(status < 500 || status == 503, "REST body {i}: {status}");
        alive(&h).await;
    }

    // GraphQL over WebSocket: documents as subscriptions on one authenticated socket.
    let wait = std::time::Duration::from_secs(10);
    let mut socket = ws(&h, &token).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    for (i, doc) in samples(document(), 4).into_iter().enumerate() {
        let message = json!({ "id": i.to_string(), "type": "subscribe", "payload": { "query": doc } });
        let sent = tokio::time::timeout(wait, socket.send(Message::text(message.to_string()))).await;
        assert!(sent.is_ok(), "the server stopped reading the socket at document {i}");
        // Read what it answered (errors, mostly), so its writes never back up; a socket it
        // closed over a bad message is replaced: a new one must still open.
        let mut open = sent.is_ok_and(|r| r.is_ok());
        while open {
            match tokio::time::timeout(std::time::Duration::from_millis(20), socket.next()).await {
                Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => open = false,
                Ok(Some(Ok(_))) => {}
                Err(_) => break,
            }
        }
        if !open {
            socket = ws(&h, &token).await;
            assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
        }
        alive(&h).await;
    }
    let (status, body) = post(&h, Some(&token), json!({ "query": "{ me { email } }" })).await;
    assert_eq!((status, body["data"]["me"]["email"].clone()), (200, Value::from("fuzz@example.org")));
}

//! The distributed mode end to end: `crocevia serve profiles`, `search`, `matching` and
//! `gateway` as four processes, each started from its file in `deploy/config/`, on the real
//! Kafka-protocol broker and a fresh PostgreSQL database, with topics and consumer groups of
//! their own. Entities created through GraphQL on the gateway (whose every request goes to
//! the application service in the profiles process) become searchable and matched, answered
//! by the search and matching processes over HTTP. The insights process keeps the open data,
//! which the gateway publishes at the configured public address, complete from its first
//! answer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_kit::bus::{EventBus, HEADER_ERROR, HEADER_GROUP, OutMessage};
use crocevia_proto::{DEAD_LETTER_TOPIC, MATCHES_TOPIC, PROFILES_TOPIC};
use serde_json::{Value, json};
use std::time::Duration;
use support::stack::{Stack, demo, eventually, gql};
use support::{Server, input, repo_root};

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

async fn login(gateway: &Server, email: &str, password: &str) -> String {
    let body = gql(
        gateway,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    )
    .await;
    body["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

/// Signs up through the gateway and confirms with the link the profiles process queued (read
/// from the database with `crocevia outbox`).
async fn register(gateway: &Server, profiles: &support::Instance, email: &str, role: &str) -> String {
    gateway.sign_up(profiles, email, "correct horse battery", "D", role).await
}

/// Saves through `mutation` and returns the new entity's id.
async fn create(gateway: &Server, token: &str, mutation: &str, field: &str, value: &Value) -> String {
    let body = gql(gateway, Some(token), mutation, json!({ "v": value })).await;
    body["data"][field]["id"].as_str().unwrap_or_else(|| panic!("{field}: {body}")).to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entities_created_through_the_gateway_are_searched_and_matched_by_other_processes() {
    let Stack { dir: _dir, profiles, search, matching, insights, gateway, brokers, suffix, database } =
        Stack::start_with(
            &crocevia_kit::testing::require_kafka().await,
            "crocevia_distributed",
            true,
            &[("CROCEVIA__HTTP__PUBLIC_URL", PUBLIC)],
        )
        .await;
    let outbox = support::stack::process("profiles", _dir.path(), &database, &brokers, &suffix);
    open_data_is_complete_from_its_first_answer(&gateway, &database).await;

    // An organisation member posts an offer and a programme; a talent and a startup sign up.
    let admin = login(&gateway, "root@example.org", "administrator password").await;
    let offer = demo("offers.json").swap_remove(0);
    let programme = demo("programmes.json").swap_remove(0);
    let mut members = Vec::new();
    for (i, org) in [&offer["organisation_id"], &programme["organisation_id"]].into_iter().enumerate() {
        let email = format!("member{i}@example.org");
        let body = gql(
            &gateway,
            Some(&admin),
            "mutation($o: ID!, $e: String!) { createMember(organisationId: $o, email: $e, password: \"member password\", displayName: \"M\") { id } }",
            json!({ "o": org, "e": email }),
        )
        .await;
        assert!(body["errors"].is_null(), "{body}");
        members.push(login(&gateway, &email, "member password").await);
    }
    let offer_id = create(
        &gateway,
        &members[0],
        "mutation($v: OfferInput!) { postOffer(offer: $v) { id } }",
        "postOffer",
        &input("offer", &offer),
    )
    .await;
    let programme_id = create(
        &gateway,
        &members[1],
        "mutation($v: ProgrammeInput!) { postProgramme(programme: $v) { id } }",
        "postProgramme",
        &input("programme", &programme),
    )
    .await;
    let talent = register(&gateway, &outbox, "talent@example.org", "TALENT").await;
    let save = "mutation($v: ProfileInput!) { saveProfile(profile: $v) { id } }";
    let talent_id = create(&gateway, &talent, save, "saveProfile", &input("talent", &demo("talents.json")[0])).await;
    let startup = register(&gateway, &outbox, "startup@example.org", "STARTUP").await;
    let startup_id =
        create(&gateway, &startup, save, "saveProfile", &input("startup", &demo("startups.json")[0])).await;

    // Searchable: the search process indexed the offer (an Italian query finds the English offer).
    let found = eventually(
        "the offer in search",
        async || {
            gql(
                &gateway,
                None,
                "{ search(input: {kinds: [OFFER], text: \"sviluppatore rust\"}) { total hits { id title } } }",
                json!({}),
            )
            .await
        },
        |body| body["data"]["search"]["hits"][0]["id"] == offer_id.as_str(),
    )
    .await;
    assert_eq!(found["data"]["search"]["total"], 1, "{found}");

    // Matched: the matching process ranked the talent for the offer, with an explanation.
    let matches = "query($s: ID!) { matches(subject: $s) { counterpartId rank score factors { key } } }";
    let ranked = eventually(
        "the talent in the offer's matches",
        async || gql(&gateway, Some(&members[0]), matches, json!({ "s": offer_id })).await,
        |body| body["data"]["matches"][0]["counterpartId"] == talent_id.as_str(),
    )
    .await;
    assert!(!ranked["data"]["matches"][0]["factors"].as_array().unwrap().is_empty(), "{ranked}");
    let (status, text) = gateway.get_as(&format!("/api/v1/matches/{offer_id}"), Some(&members[0])).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(&talent_id), "{text}");

    // The live pair score and the eligibility verdict come from the matching process too.
    let pair = eventually(
        "the talent's score for the offer",
        async || {
            gql(
                &gateway,
                Some(&talent),
                "query($t: ID!) { myMatchWith(target: $t) { score rank excluded } }",
                json!({ "t": offer_id }),
            )
            .await
        },
        |body| body["data"]["myMatchWith"]["rank"] == 1,
    )
    .await;
    assert!(pair["data"]["myMatchWith"]["score"].as_f64().unwrap() > 0.0, "{pair}");
    let verdict = eventually(
        "the startup's eligibility",
        async || {
            gql(
                &gateway,
                Some(&startup),
                "query($s: ID!, $p: ID!) { eligibility(startup: $s, programme: $p) { verdict { status } fit } }",
                json!({ "s": startup_id, "p": programme_id }),
            )
            .await
        },
        |body| body["data"]["eligibility"]["verdict"]["status"].is_string(),
    )
    .await;
    assert!(verdict["data"]["eligibility"]["fit"].is_number(), "{verdict}");

    // Typed errors cross the network: a talent id is no target for a talent (BAD_USER_INPUT on
    // `target`), and an unknown id is NOT_FOUND.
    let wrong =
        gql(&gateway, Some(&talent), "query($t: ID!) { myMatchWith(target: $t) { score } }", json!({ "t": talent_id }))
            .await;
    assert_eq!(
        (code(&wrong), wrong["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("target")),
        "{wrong}"
    );
    let unknown = gql(
        &gateway,
        Some(&talent),
        "query($t: ID!) { myMatchWith(target: $t) { score } }",
        json!({ "t": uuid::Uuid::now_v7() }),
    )
    .await;
    assert_eq!(code(&unknown), Some("NOT_FOUND"), "{unknown}");
    // The gateway, the public door, has no internal endpoint at all; the matching process
    // answers its internal endpoints only to the service credential.
    let path = format!("/internal/v1/matching/side/{offer_id}");
    assert_eq!(gateway.get(&path).await.0, 404);
    assert_eq!(gateway.get_as(&path, Some(support::stack::SERVICE_TOKEN)).await.0, 404);
    assert_eq!(matching.get(&path).await.0, 401, "no credential");
    assert_eq!(matching.get_as(&path, Some("a-wrong-token-a-wrong-token-a-wrong-token")).await.0, 401);
    let (status, side) = matching.get_as(&path, Some(support::stack::SERVICE_TOKEN)).await;
    assert_eq!((status, side.as_str()), (200, r#"{"side":"offer"}"#));
    // Every call above went through the application service in the profiles process, which
    // answers only to the credential too; the gateway holds no rule of its own.
    let call = json!({ "session": null, "op": "entity", "kind": "offer", "id": offer_id });
    let app = |token: Option<&str>| {
        let request = reqwest::Client::new().post(format!("{}/internal/v1/app", profiles.base)).json(&call);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move { request.send().await.unwrap() }
    };
    assert_eq!(app(None).await.status().as_u16(), 401, "no credential");
    let answer: Value = app(Some(support::stack::SERVICE_TOKEN)).await.json().await.unwrap();
    assert_eq!(answer["__typename"], "Offer", "{answer}");
    assert_eq!(gateway.get_as("/internal/v1/app/notices", Some(support::stack::SERVICE_TOKEN)).await.0, 404);

    // A poison event goes to the dead-letter topic with its error, once from each consumer
    // group, and the consumers go on: the talent's next edit, behind it on her partition, is
    // searched and matched.
    let bus = support::kafka::bus(&brokers, &format!("{DEAD_LETTER_TOPIC}-{suffix}"));
    messages_name_their_payload_type(&bus, &suffix).await;
    let poison = b"not an envelope".to_vec();
    bus.publish(&format!("{PROFILES_TOPIC}-{suffix}"), vec![OutMessage::new(talent_id.clone(), poison.clone())])
        .await
        .unwrap();
    let mut edit = demo("talents.json").swap_remove(0);
    edit["id"] = json!(talent_id);
    edit["headline"] = json!("Quasarbotanica engineer");
    let edited = gql(&gateway, Some(&talent), save, json!({ "v": input("talent", &edit) })).await;
    assert!(edited["errors"].is_null(), "{edited}");
    eventually(
        "the edit behind the poison event in search",
        // Talents are found by organisations only.
        async || {
            let query = "{ search(input: {kinds: [TALENT], text: \"quasarbotanica\"}) { hits { id } } }";
            gql(&gateway, Some(&members[0]), query, json!({})).await
        },
        |body| body["data"]["search"]["hits"][0]["id"] == talent_id.as_str(),
    )
    .await;
    let mut sub = bus.subscribe(&[bus.dead_letter_topic().to_owned()], "distributed-dlq-check").await.unwrap();
    let mut dead = Vec::new();
    // Every consumer group of profiles.v1 dead-letters it once: insights, matching, search.
    while dead.len() < 3 {
        let delivery = sub.poll(Duration::from_secs(30)).await.unwrap().expect("the poison event dead-lettered");
        dead.push(delivery);
    }
    let mut groups: Vec<&str> = dead.iter().map(|d| d.header(HEADER_GROUP).unwrap()).collect();
    groups.sort_unstable();
    assert_eq!(
        groups,
        [format!("insights-{suffix}"), format!("matching-{suffix}.matching"), format!("search-{suffix}")]
    );
    for d in &dead {
        assert_eq!((d.payload.as_slice(), d.key.as_str()), (poison.as_slice(), talent_id.as_str()));
        assert!(!d.header(HEADER_ERROR).unwrap_or_default().is_empty(), "{d:?}");
    }

    // A search process that is gone is UNAVAILABLE (retry), not an internal error.
    assert!(search.stop().success());
    let down = gql(&gateway, None, "{ search(input: {text: \"rust\"}) { total } }", json!({})).await;
    assert_eq!(code(&down), Some("UNAVAILABLE"), "{down}");
    assert!(gateway.stop().success());
    assert!(matching.stop().success());
    assert!(insights.expect("started with insights").stop().success());
    assert!(profiles.stop().success());
}

const PUBLIC: &str = "https://crocevia.example.org";

/// The event contract (proto/asyncapi.yaml): what the relays published carries its event id
/// and a content type naming the protobuf message, which decodes it.
async fn messages_name_their_payload_type(bus: &dyn EventBus, suffix: &str) {
    use crocevia_proto::{HEADER_CONTENT_TYPE, content_type, v1};
    use prost::Message;
    for (topic, expected) in
        [(PROFILES_TOPIC, content_type::<v1::Envelope>()), (MATCHES_TOPIC, content_type::<v1::MatchChanged>())]
    {
        let topic = format!("{topic}-{suffix}");
        let mut sub = bus.subscribe(std::slice::from_ref(&topic), &format!("contract-{suffix}")).await.unwrap();
        let first = sub.poll(Duration::from_secs(30)).await.unwrap().unwrap_or_else(|| panic!("{topic} is empty"));
        assert_eq!(first.header(HEADER_CONTENT_TYPE), Some(expected.as_str()), "{topic}: {:?}", first.headers);
        assert!(first.header(crocevia_kit::bus::outbox::HEADER_EVENT_ID).is_some(), "{topic}: {:?}", first.headers);
        let decoded = if expected.ends_with("Envelope") {
            v1::Envelope::decode(first.payload.as_slice()).map(|_| ())
        } else {
            v1::MatchChanged::decode(first.payload.as_slice()).map(|_| ())
        };
        assert!(decoded.is_ok(), "{topic}: the payload is not the message its content type names");
        sub.close().await.unwrap();
    }
}

/// The gateway publishes what the insights process keeps: 503 until the figures hold every
/// recorded change (the stack seeds organisations only, so no talent: a population under k
/// is not published), then the figures the database holds, with download URLs on the public
/// address. (tests/harvest.rs shows the first figures complete with a populated platform.)
async fn open_data_is_complete_from_its_first_answer(gateway: &Server, database: &str) {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let db = Database::connect(database).await.unwrap();
    let talents = db
        .query_one(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM talents"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    let body = loop {
        let (status, body) = gateway.get("/open-data/v1/talents_by_origin.json").await;
        if status == 200 {
            break body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(std::time::Instant::now() < deadline, "the open data was never complete: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let dataset: Value = serde_json::from_str(&body).unwrap();
    let expected = (talents >= 5).then_some(talents);
    assert_eq!(dataset["total"].as_i64(), expected, "the first figures were partial ({talents} talents): {dataset}");
    assert_eq!(dataset["csv_url"], format!("{PUBLIC}/open-data/v1/talents_by_origin.csv"));
    let (status, catalogue) = gateway.get("/open-data/v1/catalog.jsonld").await;
    assert_eq!(status, 200, "{catalogue}");
    assert!(catalogue.contains(&format!("{PUBLIC}/open-data/v1/offers_by_sector.csv")), "{catalogue}");
}

/// deploy/: the compose file, the Kubernetes manifests and the local configs hang together,
/// and every crocevia configuration in them is valid (deploy/scripts/check-deploy.sh).
#[test]
fn deploy_manifests_are_consistent() {
    let out = std::process::Command::new(repo_root().join("deploy/scripts/check-deploy.sh"))
        .env("CROCEVIA_BIN", support::binary())
        .output()
        .expect("run check-deploy.sh");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

//! One authorization matrix, run through every door: GraphQL queries and mutations, the REST
//! API, and subscriptions over WebSocket, for six actors (anonymous, a talent, a startup, a
//! member of the owning organisation, a member of another organisation, an administrator).
//! The rules are decided once, in the application boundary; this shows they hold at each
//! door, and that anonymous, talent and startup actors never receive a talent's personal
//! data anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use futures::SinkExt;
use serde_json::{Value, json};
use std::sync::Arc;
use support::*;
use tokio_tungstenite::tungstenite::Message;

/// In the watched talent's name and biography only: a response that contains it leaked her.
const MARKER: &str = "Zorbaquintessa";

const ACTORS: [&str; 6] = ["anonymous", "talent", "startup", "owner", "other organisation", "admin"];

/// Who may see talents (people): organisation members and administrators.
fn sees_people(actor: &str) -> bool {
    matches!(actor, "owner" | "other organisation" | "admin")
}

struct World {
    h: Harness,
    tokens: Vec<(&'static str, Option<String>)>,
    watched: String,
    offer: String,
    programme: String,
    startup: String,
}

impl World {
    fn token(&self, actor: &str) -> Option<&str> {
        self.tokens.iter().find(|(a, _)| *a == actor).and_then(|(_, t)| t.as_deref())
    }
}

async fn rest(h: &Harness, token: Option<&str>, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", h.base);
    let mut request = if method == "POST" { client.post(url).json(&body.unwrap_or_default()) } else { client.get(url) };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn world() -> World {
    world_with(false).await
}

/// The world, its application service in-process or (`remote_app`) behind a second server,
/// as in the distributed mode.
async fn world_with(remote_app: bool) -> World {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin_token) = seed(&b, 2).await;
    let skills = reference_skills();
    let taxonomy = Arc::new(crocevia_search::taxonomy::Taxonomy::new(skills.concepts().to_vec()));
    let search = crocevia_search::SearchService::in_ram(taxonomy.clone()).unwrap();
    let matching =
        crocevia_matching::MatchingService::open(b.db.clone(), &b.dir.path().join("m"), taxonomy).await.unwrap();
    let profiles = b.profiles.clone();
    let h = serve(b, true, 256 * 1024, Some(search.clone()), Some(matching.clone())).await;

    let org_tokens = org_members(&h, &admin_token, &orgs[..2]).await;
    let save = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }";
    // The watched talent: her data must reach organisations and administrators only.
    let watched_token = register(&h, "watched@example.org", "TALENT").await;
    let mut watched = demo("talents.json")[0].clone();
    watched["display_name"] = json!(format!("Anna {MARKER}"));
    watched["bio"] = json!(format!("Backend engineer in Rust; {MARKER} is my unique word."));
    let body = gql(&h, Some(&watched_token), save, json!({ "p": input("talent", &watched) })).await;
    let watched_id = body["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let talent = register(&h, "talent@example.org", "TALENT").await;
    gql(&h, Some(&talent), save, json!({ "p": input("talent", &demo("talents.json")[1]) })).await;
    let startup = register(&h, "startup@example.org", "STARTUP").await;
    let body = gql(&h, Some(&startup), save, json!({ "p": input("startup", &demo("startups.json")[0]) })).await;
    let startup_id = body["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();

    let offer = open_offer(0);
    let body = gql(
        &h,
        Some(&org_tokens[0]),
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &offer) }),
    )
    .await;
    let offer_id = body["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let programme = open_programme(1);
    let body = gql(
        &h,
        Some(&org_tokens[0]),
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({ "p": input("programme", &programme) }),
    )
    .await;
    let programme_id = body["data"]["postProgramme"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(
        &h,
        Some(&watched_token),
        "mutation($t: ID!) { apply(target: $t, motivation: \"Ciao\") { id } }",
        json!({ "t": offer_id }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");

    // Search and matching learn every searchable entity, as they would from the bus.
    let kinds = [
        (crocevia_domain::EntityKind::Talent, watched_id.as_str()),
        (crocevia_domain::EntityKind::Startup, startup_id.as_str()),
        (crocevia_domain::EntityKind::Offer, offer_id.as_str()),
        (crocevia_domain::EntityKind::Programme, programme_id.as_str()),
    ];
    teach(&profiles, &search, &matching, &kinds).await;

    let tokens = vec![
        ("anonymous", None),
        ("talent", Some(talent)),
        ("startup", Some(startup)),
        ("owner", Some(org_tokens[0].clone())),
        ("other organisation", Some(org_tokens[1].clone())),
        ("admin", Some(admin_token)),
    ];
    World { h, tokens, watched: watched_id, offer: offer_id, programme: programme_id, startup: startup_id }
}

/// The outcome class of a GraphQL answer: "ok" or its error code.
fn outcome(body: &Value) -> String {
    if body["errors"].is_null() { "ok".into() } else { code(body).unwrap_or("NO CODE").to_owned() }
}

/// The outcome class of a REST answer.
fn rest_outcome(status: u16) -> String {
    match status {
        200 => "ok",
        400 => "BAD_USER_INPUT",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        _ => "OTHER",
    }
    .into()
}

fn expect(actor: &str, allowed: &[&str]) -> String {
    if allowed.contains(&actor) {
        "ok".into()
    } else if actor == "anonymous" {
        "UNAUTHENTICATED".into()
    } else {
        "FORBIDDEN".into()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_door_decides_the_same() {
    every_door_decides_the_same_in(world().await).await;
}

/// The same with the application service in another process, called over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_door_decides_the_same_with_a_remote_application_service() {
    every_door_decides_the_same_in(world_with(true).await).await;
}

async fn every_door_decides_the_same_in(w: World) {
    let people = ["owner", "other organisation", "admin"];
    let mut leaks = Vec::new();
    for actor in ACTORS {
        let token = w.token(actor);
        let mut seen = String::new();

        // Search for people: GraphQL and REST answer the same, and "everything" never
        // includes talents for those who may not see them.
        let body = gql(
            &w.h,
            token,
            "{ search(input: {kinds: [TALENT], text: \"rust\"}) { total hits { id title } } }",
            json!({}),
        )
        .await;
        let graphql = outcome(&body);
        seen += &body.to_string();
        let (status, text) =
            rest(&w.h, token, "POST", "/api/v1/search", Some(json!({ "kinds": ["talent"], "text": "rust" }))).await;
        seen += &text;
        let want = if sees_people(actor) { "ok" } else { "FORBIDDEN" };
        assert_eq!(
            (graphql.as_str(), rest_outcome(status).as_str()),
            (want, want),
            "search talents as {actor}: {body} {text}"
        );
        let body = gql(
            &w.h,
            token,
            &format!("{{ search(input: {{text: \"{MARKER}\"}}) {{ total hits {{ id kind title }} }} }}"),
            json!({}),
        )
        .await;
        seen += &body.to_string();
        let (_, text) = rest(&w.h, token, "POST", "/api/v1/search", Some(json!({ "text": MARKER }))).await;
        seen += &text;
        if sees_people(actor) {
            assert!(
                body.to_string().contains(MARKER) && text.contains(MARKER),
                "{actor} finds the talent: {body} {text}"
            );
        }

        // One talent's profile.
        let body = gql(
            &w.h,
            token,
            "query($id: ID!) { entity(kind: TALENT, id: $id) { ... on Talent { displayName bio contactEmail } } }",
            json!({ "id": w.watched }),
        )
        .await;
        seen += &body.to_string();
        assert_eq!(outcome(&body), expect(actor, &people), "entity(TALENT) as {actor}: {body}");
        if actor == "other organisation" {
            assert!(
                body["data"]["entity"]["contactEmail"].is_null() && body["data"]["entity"]["displayName"].is_string(),
                "no contact without application or consent: {body}"
            );
        }

        // Ranked people for an offer: GraphQL and REST.
        let body = gql(
            &w.h,
            token,
            "query($s: ID!) { matches(subject: $s) { counterpartId title } }",
            json!({ "s": w.offer }),
        )
        .await;
        seen += &body.to_string();
        let (status, text) = rest(&w.h, token, "GET", &format!("/api/v1/matches/{}", w.offer), None).await;
        seen += &text;
        let want = expect(actor, &["owner", "admin"]);
        assert_eq!(
            (outcome(&body), rest_outcome(status)),
            (want.clone(), want),
            "matches(offer) as {actor}: {body} {text}"
        );
        // A talent's own list.
        let body = gql(
            &w.h,
            token,
            "query($s: ID!) { matches(subject: $s) { counterpartId title } }",
            json!({ "s": w.watched }),
        )
        .await;
        let (status, text) = rest(&w.h, token, "GET", &format!("/api/v1/matches/{}", w.watched), None).await;
        let want = expect(actor, &["admin"]);
        assert_eq!(
            (outcome(&body), rest_outcome(status)),
            (want.clone(), want),
            "matches(talent) as {actor}: {body} {text}"
        );

        // Eligibility: the startup, the programme's organisation, administrators.
        let q = "query($s: ID!, $p: ID!) { eligibility(startup: $s, programme: $p) { verdict { status } } }";
        let body = gql(&w.h, token, q, json!({ "s": w.startup, "p": w.programme })).await;
        let (status, text) =
            rest(&w.h, token, "GET", &format!("/api/v1/eligibility/{}/{}", w.startup, w.programme), None).await;
        let want = expect(actor, &["startup", "owner", "admin"]);
        assert_eq!(
            (outcome(&body), rest_outcome(status)),
            (want.clone(), want),
            "eligibility as {actor}: {body} {text}"
        );

        // Applications: the watched talent's reaches the owner only (and administrators
        // through `entity`), never another organisation.
        let body = gql(&w.h, token, "{ myApplications { id applicantName } }", json!({})).await;
        seen += &body.to_string();
        if actor == "owner" {
            assert!(body.to_string().contains(MARKER), "the owner sees its applicant: {body}");
        }

        // Internal endpoints do not exist on the public port, for anybody.
        for path in
            [format!("/internal/v1/matching/matches/{}", w.offer), format!("/internal/v1/matching/side/{}", w.watched)]
        {
            let (status, text) = rest(&w.h, token, "GET", &path, None).await;
            assert!(!text.contains(MARKER), "{path} as {actor}: {text}");
            assert_ne!(status, 200, "{path} answers on the public port as {actor}: {text}");
        }
        let (status, _) = rest(&w.h, token, "POST", "/internal/v1/search", Some(json!({ "kinds": ["talent"] }))).await;
        assert_ne!(status, 200, "internal search answers on the public port as {actor}");

        // Subscriptions: a saved search for talents is refused to those who may not see
        // them, and a search of "everything" streams no talent to them.
        if let Some(token) = token {
            let body =
                gql(&w.h, Some(token), "mutation { saveSearch(name: \"p\", input: {kinds: [TALENT]}) }", json!({}))
                    .await;
            assert_eq!(
                outcome(&body),
                if sees_people(actor) { "ok" } else { "FORBIDDEN" },
                "saveSearch(TALENT) as {actor}: {body}"
            );
            let body = gql(
                &w.h,
                Some(token),
                &format!("mutation {{ saveSearch(name: \"all\", input: {{kinds: [], text: \"{MARKER}\"}}) }}"),
                json!({}),
            )
            .await;
            let id = body["data"]["saveSearch"].as_str().unwrap_or_else(|| panic!("{actor}: {body}")).to_owned();
            let mut socket = ws(&w.h, token).await;
            assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack", "{actor}");
            let sub = json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription($id: ID!) { savedSearchResults(id: $id) { hits { id kind title } total } }", "variables": { "id": id } } });
            socket.send(Message::text(sub.to_string())).await.unwrap();
            let first = next_json(&mut socket).await.expect("the first results");
            seen += &first.to_string();
            if sees_people(actor) {
                assert!(first.to_string().contains(MARKER), "{actor} streams the talent: {first}");
            }
        } else {
            let mut socket = ws(&w.h, "").await;
            let reply = next_json(&mut socket).await;
            assert!(reply.is_none() || reply.as_ref().is_some_and(|r| r["type"] != "connection_ack"), "{reply:?}");
        }

        if !sees_people(actor) && seen.contains(MARKER) {
            leaks.push(actor);
        }
    }
    assert!(leaks.is_empty(), "a talent's personal data reached {leaks:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_ends_with_its_account_at_every_door() {
    a_token_ends_with_its_account_at_every_door_in(world().await).await;
}

/// The same with the application service in another process, called over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_ends_with_its_account_at_every_door_with_a_remote_application_service() {
    a_token_ends_with_its_account_at_every_door_in(world_with(true).await).await;
}

async fn a_token_ends_with_its_account_at_every_door_in(w: World) {
    let admin = w.token("admin").unwrap().to_owned();
    let member = w.token("owner").unwrap().to_owned();
    // "Log out everywhere": the member's token stops working for GraphQL, REST and sockets.
    let body = gql(&w.h, Some(&member), "mutation { logOutEverywhere }", json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(code(&gql(&w.h, Some(&member), "{ me { id } }", json!({})).await), Some("UNAUTHENTICATED"));
    let (status, _) = rest(&w.h, Some(&member), "POST", "/api/v1/search", Some(json!({ "kinds": ["talent"] }))).await;
    assert_eq!(status, 401);
    let mut socket = ws(&w.h, &member).await;
    let reply = next_json(&mut socket).await;
    assert!(reply.is_none() || reply.as_ref().is_some_and(|r| r["type"] != "connection_ack"), "{reply:?}");
    // An erased administrator's token creates no member.
    let body = gql(&w.h, Some(&admin), "mutation { eraseMyData(confirm: true) }", json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let org = demo("organisations.json")[0]["id"].clone();
    let body = gql(&w.h, Some(&admin), "mutation($o: ID!) { createMember(organisationId: $o, email: \"x@example.org\", password: \"member password\", displayName: \"X\") { id } }", json!({ "o": org })).await;
    assert_eq!(code(&body), Some("UNAUTHENTICATED"), "{body}");
    // A new password ends the old token; the answer carries a working one.
    let talent = w.token("talent").unwrap().to_owned();
    let body = gql(&w.h, Some(&talent), "mutation { changePassword(currentPassword: \"correct horse battery\", newPassword: \"a brand new passphrase\") { token } }", json!({})).await;
    let fresh = body["data"]["changePassword"]["token"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    assert_eq!(code(&gql(&w.h, Some(&talent), "{ me { id } }", json!({})).await), Some("UNAUTHENTICATED"));
    assert!(gql(&w.h, Some(&fresh), "{ me { id } }", json!({})).await["errors"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_errors_are_problem_details() {
    let w = world().await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/matches/{}", w.h.base, w.offer))
        .bearer_auth(w.token("talent").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.unwrap();
    assert_eq!((problem["status"].as_u64(), problem["code"].as_str()), (Some(403), Some("FORBIDDEN")), "{problem}");
    assert!(problem["title"].is_string() && problem["detail"].is_string(), "{problem}");
    let (status, text) = rest(&w.h, None, "GET", "/api/v1/matches/not-an-id", None).await;
    assert_eq!(status, 400);
    let problem: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(problem["field"], "id", "{problem}");
}

/// The REST API documents itself: an OpenAPI 3.1 document generated from the code, valid
/// for `openapi-spec-validator` (PyPI; `make test` and CI install it), listing exactly the
/// routes the router serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_validates_and_matches_the_routes() {
    let h = start(true).await;
    let response = reqwest::get(format!("{}/api/v1/openapi.json", h.base)).await.unwrap();
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    let mut paths: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    paths.sort_unstable();
    let mut routes = crocevia_gateway::REST_ROUTES.to_vec();
    routes.sort_unstable();
    assert_eq!(paths, routes);
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer", "{doc}");
    // Every documented route answers (a wrong method or path would be 404/405).
    for route in crocevia_gateway::REST_ROUTES {
        let method = doc["paths"][route].as_object().unwrap().keys().next().unwrap().clone();
        let path = route.replace("{id}", "x").replace("{startup}", "x").replace("{programme}", "x");
        let url = format!("{}{path}", h.base);
        let client = reqwest::Client::new();
        let status = if method == "post" { client.post(url).json(&json!({})).send() } else { client.get(url).send() }
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(![404, 405].contains(&status), "{method} {route}: {status}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .arg(&file)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the document (installed? `pip install openapi-spec-validator==0.9.0`): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A socket opened with a token does not outlive the token: after "log out everywhere" the
/// next event that would reach it ends the subscription instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_socket_ends_with_its_token() {
    an_open_socket_ends_with_its_token_in(world().await).await;
}

/// The same with the application service in another process, called over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_socket_ends_with_its_token_with_a_remote_application_service() {
    an_open_socket_ends_with_its_token_in(world_with(true).await).await;
}

async fn an_open_socket_ends_with_its_token_in(w: World) {
    let old = w.token("owner").unwrap().to_owned();
    let body = gql(&w.h, Some(&old), "{ myApplications { id } }", json!({})).await;
    let application = body["data"]["myApplications"][0]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let mut socket = ws(&w.h, &old).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    let sub = json!({ "id": "a", "type": "subscribe", "payload": { "query": "subscription { myApplicationsChanged { id stage } }" } });
    socket.send(Message::text(sub.to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mv = "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { id } }";
    // While the token stands, the socket hears of a move.
    let moved = gql(&w.h, Some(&old), mv, json!({ "id": application, "s": "SCREENING" })).await;
    assert!(moved["errors"].is_null(), "{moved}");
    let event = next_json(&mut socket).await.expect("the event of the move");
    assert_eq!(event["payload"]["data"]["myApplicationsChanged"]["stage"], "SCREENING", "{event}");
    let body = gql(&w.h, Some(&old), "mutation { logOutEverywhere }", json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    // A fresh login moves the application: the old socket must not hear of it.
    let login = "mutation { login(email: \"member0@example.org\", password: \"member password\") { token } }";
    let fresh = gql(&w.h, None, login, json!({})).await["data"]["login"]["token"].as_str().unwrap().to_owned();
    let moved = gql(&w.h, Some(&fresh), mv, json!({ "id": application, "s": "INTERVIEW" })).await;
    assert!(moved["errors"].is_null(), "{moved}");
    let reply = next_json(&mut socket).await;
    assert!(
        reply.as_ref().is_none_or(|r| r["type"] == "complete"),
        "the revoked socket got no event, its subscription ended: {reply:?}"
    );
}

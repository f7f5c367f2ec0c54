//! The GraphQL gateway on port 0, driven over HTTP: the JWT negative suite, limits, error
//! codes, ownership, and the committed SDL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use base64::Engine;
use crocevia_gateway::graphql;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::sync::Arc;
use support::*;

const ME: &str = "{ me { id email role } }";

#[tokio::test]
async fn register_login_and_me() {
    let h = start(true).await;
    let token = register(&h, "Anna@Example.org", "TALENT").await;
    let (status, body) = post(&h, Some(&token), json!({ "query": ME })).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["me"]["email"], "anna@example.org");
    assert_eq!(body["data"]["me"]["role"], "TALENT");

    let login = json!({ "query": "mutation { login(email: \"anna@example.org\", password: \"correct horse battery\") { token } }" });
    let (_, body) = post(&h, None, login).await;
    assert!(body["data"]["login"]["token"].is_string(), "{body}");
    let wrong =
        json!({ "query": "mutation { login(email: \"anna@example.org\", password: \"wrong password!\") { token } }" });
    assert_eq!(code(&post(&h, None, wrong).await.1), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn bad_input_and_conflicts_carry_codes() {
    let h = start(true).await;
    let short = json!({ "query": "mutation { register(input: {email: \"a@example.org\", password: \"short\", displayName: \"A\", role: TALENT}) { email } }" });
    let (_, body) = post(&h, None, short).await;
    assert_eq!(
        (code(&body), body["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("password")),
        "{body}"
    );
    let bad_email = json!({ "query": "mutation { register(input: {email: \"not-an-email\", password: \"long enough pass\", displayName: \"A\", role: TALENT}) { email } }" });
    let (_, body) = post(&h, None, bad_email).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "email", "{body}");
    let admin = json!({ "query": "mutation { register(input: {email: \"x@example.org\", password: \"long enough pass\", displayName: \"A\", role: ADMIN}) { email } }" });
    assert_eq!(post(&h, None, admin).await.1["errors"][0]["extensions"]["field"], "role");
    assert_eq!(code(&post(&h, None, json!({ "query": ME })).await.1), Some("UNAUTHENTICATED"));
}

fn forge(claims: Value, key: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(key)).unwrap()
}

#[tokio::test]
async fn every_bad_token_is_refused() {
    let h = start(true).await;
    let good = register(&h, "jwt@example.org", "TALENT").await;
    assert_eq!(post(&h, Some(&good), json!({ "query": ME })).await.0, 200);
    let sub = {
        let payload = good.split('.').nth(1).unwrap();
        let claims: Value =
            serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["sub"].as_str().unwrap().to_owned()
    };
    let now = chrono::Utc::now().timestamp();
    let claims = |iss: &str, aud: &str, exp: Value| json!({ "sub": sub, "role": "ADMIN", "iss": iss, "aud": aud, "iat": now, "exp": exp });
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());

    let alg_none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&claims("crocevia", "crocevia-api", json!(now + 600)))
    );
    let wrong_key =
        forge(claims("crocevia", "crocevia-api", json!(now + 600)), b"another-secret-of-at-least-32-bytes!!");
    let expired = forge(claims("crocevia", "crocevia-api", json!(now - 600)), SECRET.as_bytes());
    let exp_string = forge(claims("crocevia", "crocevia-api", json!((now + 600).to_string())), SECRET.as_bytes());
    let wrong_aud = forge(claims("crocevia", "someone-else", json!(now + 600)), SECRET.as_bytes());
    let wrong_iss = forge(claims("evil", "crocevia-api", json!(now + 600)), SECRET.as_bytes());
    let tampered = {
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        parts[1] = b64(&claims("crocevia", "crocevia-api", json!(now + 600)));
        parts.join(".")
    };
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims("crocevia", "crocevia-api", json!(now + 600)),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    for (name, token) in [
        ("alg none", alg_none),
        ("wrong key", wrong_key),
        ("expired", expired),
        ("exp as a string", exp_string),
        ("wrong audience", wrong_aud),
        ("wrong issuer", wrong_iss),
        ("tampered payload", tampered),
        ("another algorithm", hs512),
        ("garbage", "not.a.token".into()),
    ] {
        let (status, body) = post(&h, Some(&token), json!({ "query": ME })).await;
        assert_eq!((status, code(&body)), (401, Some("UNAUTHENTICATED")), "{name}: {body}");
    }
}

#[tokio::test]
async fn limits_are_enforced() {
    let h = start(true).await;
    // Data queries keep the strict depth limit (an introspection field at the root does not
    // lift it for the rest of the operation).
    let deep = json!({ "query": "{ __typename me { id } __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }" });
    let (_, body) = post(&h, None, deep).await;
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("nested too deep"), "{body}");
    assert_eq!(code(&body), Some("BAD_USER_INPUT"), "validation errors carry a code: {body}");

    let aliases: String = (0..150).map(|i| format!("a{i}: me {{ id email role displayName }} ")).collect();
    let (_, body) = post(&h, None, json!({ "query": format!("{{ {aliases} }}") })).await;
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("too complex"), "{body}");

    let batch: Vec<Value> = (0..6).map(|_| json!({ "query": "{ __typename }" })).collect();
    let (status, body) = post(&h, None, Value::Array(batch)).await;
    assert_eq!((status, code(&body)), (400, Some("BAD_USER_INPUT")), "{body}");
    let small: Vec<Value> = (0..2).map(|_| json!({ "query": "{ __typename }" })).collect();
    assert_eq!(post(&h, None, Value::Array(small)).await.0, 200);

    let huge = json!({ "query": format!("{{ __typename }} #{}", "x".repeat(70 * 1024)) });
    assert_eq!(post(&h, None, huge).await.0, 413);
}

/// graphql-js's `getIntrospectionQuery()` as codegen tools send it (descriptions, directives,
/// type references 8 levels deep).
const STANDARD_INTROSPECTION: &str = r#"query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"#;

#[tokio::test]
async fn schema_tools_load_the_schema_from_the_url() {
    let h = start(true).await;
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", h.base))
        .header("accept", "application/json")
        .json(&json!({ "query": STANDARD_INTROSPECTION, "operationName": "IntrospectionQuery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/json", "graphql-over-HTTP: what the client accepts");
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Mutation"), "{body}");
    // A parse error carries a code too.
    let (_, body) = post(&h, None, json!({ "query": "{ me { id " })).await;
    assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn introspection_can_be_turned_off() {
    let on = start(true).await;
    let q = json!({ "query": "{ __schema { queryType { name } } }" });
    assert_eq!(post(&on, None, q.clone()).await.1["data"]["__schema"]["queryType"]["name"], "Query");
    let off = start(false).await;
    let (_, body) = post(&off, None, q).await;
    assert!(body["data"]["__schema"].is_null(), "the schema stays hidden: {body}");
    // Nor do error messages spell it out.
    let (_, body) = post(&off, None, json!({ "query": "{ serch(input: {}) { total } }" })).await;
    assert!(!body.to_string().contains("Did you mean"), "{body}");
    let (_, body) = post(&on, None, json!({ "query": "{ serch(input: {}) { total } }" })).await;
    assert!(body.to_string().contains("Did you mean"), "suggestions stay for developers: {body}");
}

#[tokio::test]
async fn talents_are_searchable_by_organisations_only() {
    let h = start(true).await;
    let token = register(&h, "t@example.org", "TALENT").await;
    let q = json!({ "query": "{ search(input: {kinds: [TALENT], text: \"rust\"}) { total } }" });
    assert_eq!(code(&post(&h, Some(&token), q.clone()).await.1), Some("FORBIDDEN"));
    assert_eq!(code(&post(&h, None, q).await.1), Some("FORBIDDEN"));
    let m = json!({ "query": "{ matches(subject: \"00000000-0000-4000-8000-000000000000\") { rank } }" });
    assert_eq!(code(&post(&h, None, m).await.1), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn graphiql_is_served() {
    let h = start(true).await;
    let page = reqwest::get(format!("{}/graphql", h.base)).await.unwrap().text().await.unwrap();
    assert!(page.to_lowercase().contains("graphiql"));
}

#[test]
fn the_committed_sdl_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let sdl = graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo test -p crocevia-gateway --test graphql` and commit it"
    );
}

// ---------- ownership: every mutation x every role ----------

struct World {
    h: Harness,
    tokens: Vec<(&'static str, Option<String>)>,
    offer: String,
    programme: String,
    application: String,
}

async fn world() -> World {
    // The harness with two organisations, the taxonomy, and an administrator.
    let b = backend().await;
    let (orgs, admin_token) = seed(&b, 2).await;
    let h = serve(b, true, 256 * 1024, None, None).await;

    let org_tokens = org_members(&h, &admin_token, &orgs[..2]).await;
    let talent = register(&h, "talent@example.org", "TALENT").await;
    let startup = register(&h, "startup@example.org", "STARTUP").await;
    let save = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id created } }";
    let body = gql(&h, Some(&talent), save, json!({ "p": input("talent", &demo("talents.json")[0]) })).await;
    assert_eq!(body["data"]["saveProfile"]["created"], true, "{body}");
    let body = gql(&h, Some(&startup), save, json!({ "p": input("startup", &demo("startups.json")[0]) })).await;
    assert_eq!(body["data"]["saveProfile"]["created"], true, "{body}");
    let body = gql(
        &h,
        Some(&org_tokens[0]),
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &open_offer(0)) }),
    )
    .await;
    let offer = body["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(
        &h,
        Some(&org_tokens[0]),
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({ "p": input("programme", &open_programme(0)) }),
    )
    .await;
    let programme = body["data"]["postProgramme"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(
        &h,
        Some(&talent),
        "mutation($t: ID!) { apply(target: $t, motivation: \"Ciao\") { id } }",
        json!({ "t": offer }),
    )
    .await;
    let application = body["data"]["apply"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let tokens = vec![
        ("anonymous", None),
        ("talent", Some(talent)),
        ("startup", Some(startup)),
        ("member of the owner", Some(org_tokens[0].clone())),
        ("member of another organisation", Some(org_tokens[1].clone())),
        ("admin", Some(admin_token)),
    ];
    World { h, tokens, offer, programme, application }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutation_for_every_role() {
    let w = world().await;
    let offer_json = demo("offers.json")[1].clone();
    let programme_json = demo("programmes.json")[1].clone();
    type Case = (&'static str, &'static str, Value, &'static [&'static str]);
    let cases: Vec<Case> = vec![
        (
            "saveProfile",
            "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
            json!({ "p": input("talent", &demo("talents.json")[1]) }),
            &["talent"],
        ),
        (
            "postOffer",
            "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
            json!({ "o": input("offer", &offer_json) }),
            // A startup posts jobs and internships too (in its own name: see `startups_hire`).
            &["startup", "member of the owner", "member of another organisation"],
        ),
        (
            "updateOffer",
            "mutation($id: ID!, $o: OfferInput!) { updateOffer(id: $id, offer: $o) { id } }",
            json!({ "id": w.offer, "o": input("offer", &demo("offers.json")[0]) }),
            &["member of the owner"],
        ),
        (
            "postProgramme",
            "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
            json!({ "p": input("programme", &programme_json) }),
            &["member of the owner", "member of another organisation"],
        ),
        (
            "updateProgramme",
            "mutation($id: ID!, $p: ProgrammeInput!) { updateProgramme(id: $id, programme: $p) { id } }",
            json!({ "id": w.programme, "p": input("programme", &demo("programmes.json")[0]) }),
            &["member of the owner"],
        ),
        (
            "scoreApplication",
            "mutation($id: ID!) { scoreApplication(id: $id, rubric: [{criterion: \"Team\", points: 8, maxPoints: 10}, {criterion: \"Fit\", points: 3, maxPoints: 5}]) { id } }",
            json!({ "id": w.application }),
            &["member of the owner"],
        ),
        (
            "moveApplication",
            "mutation($id: ID!) { moveApplication(id: $id, stage: SCREENING) { id } }",
            json!({ "id": w.application }),
            &["member of the owner"],
        ),
        (
            "createMember",
            "mutation($o: ID!) { createMember(organisationId: $o, email: \"new@example.org\", password: \"member password\", displayName: \"N\") { id } }",
            json!({ "o": demo("organisations.json")[0]["id"] }),
            &["admin"],
        ),
        (
            "createOrganisation",
            "mutation($o: OrganisationInput!) { createOrganisation(organisation: $o) { id created } }",
            json!({ "o": input("organisation", &demo("organisations.json")[5]) }),
            &["admin"],
        ),
        (
            "closeOffer",
            "mutation($id: ID!) { closeOffer(id: $id) { id } }",
            json!({ "id": w.offer }),
            &["member of the owner"],
        ),
        (
            "closeProgramme",
            "mutation($id: ID!) { closeProgramme(id: $id) { id } }",
            json!({ "id": w.programme }),
            &["member of the owner"],
        ),
    ];
    for (name, query, variables, allowed) in cases {
        for (role, token) in &w.tokens {
            let body = gql(&w.h, token.as_deref(), query, variables.clone()).await;
            let code = code(&body);
            if allowed.contains(role) {
                assert!(body["errors"].is_null(), "{name} as {role} should succeed: {body}");
            } else {
                let expected = if token.is_none() { "UNAUTHENTICATED" } else { "FORBIDDEN" };
                // saveProfile by a startup is allowed too (its own startup profile) but fails
                // on the talent-shaped input: that is not an authorisation outcome.
                if *role == "startup" && name == "saveProfile" {
                    assert_eq!(code, Some("BAD_USER_INPUT"), "{body}");
                    continue;
                }
                assert_eq!(code, Some(expected), "{name} as {role}: {body}");
            }
        }
    }
    // apply: a talent to an offer, a startup to a programme; nobody else. (The world's offer
    // and programme were closed above, and the talent applied to its offer already: fresh,
    // open ones.)
    let owner = w.tokens[3].1.as_deref();
    let body = gql(
        &w.h,
        owner,
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &open_offer(2)) }),
    )
    .await;
    let offer = body["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(
        &w.h,
        owner,
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({ "p": input("programme", &open_programme(2)) }),
    )
    .await;
    let programme = body["data"]["postProgramme"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let apply = "mutation($t: ID!) { apply(target: $t) { id } }";
    for (role, token) in &w.tokens {
        let target = if *role == "startup" { &programme } else { &offer };
        let body = gql(&w.h, token.as_deref(), apply, json!({ "t": target })).await;
        match *role {
            "talent" | "startup" => assert!(body["errors"].is_null(), "apply as {role}: {body}"),
            "anonymous" => assert_eq!(code(&body), Some("UNAUTHENTICATED")),
            _ => assert_eq!(code(&body), Some("FORBIDDEN"), "apply as {role}: {body}"),
        }
    }
    // The applicant may withdraw, but not move the application forward.
    let talent = w.tokens[1].1.as_deref();
    let body = gql(
        &w.h,
        talent,
        "mutation($id: ID!) { moveApplication(id: $id, stage: WITHDRAWN) { id } }",
        json!({ "id": w.application }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = gql(
        &w.h,
        w.tokens[3].1.as_deref(),
        "mutation($id: ID!) { moveApplication(id: $id, stage: INTERVIEW) { id } }",
        json!({ "id": w.application }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "stage", "a withdrawn application stays withdrawn: {body}");

    // Every signed-in role saves searches and exports or erases its own data; nobody anonymous.
    for mutation in [
        "mutation { saveSearch(name: \"s\", input: {kinds: [OFFER], text: \"rust\"}) }",
        "mutation { exportMyData { exportedAt } }",
        "mutation { eraseMyData(confirm: true) }",
    ] {
        for (role, token) in &w.tokens {
            let body = gql(&w.h, token.as_deref(), mutation, json!({})).await;
            match token {
                None => assert_eq!(code(&body), Some("UNAUTHENTICATED"), "{mutation} as {role}"),
                Some(_) => assert!(body["errors"].is_null(), "{mutation} as {role}: {body}"),
            }
        }
    }
    // After erasure, every token is dead.
    for (role, token) in w.tokens.iter().filter(|(_, t)| t.is_some()) {
        assert_eq!(code(&gql(&w.h, token.as_deref(), ME, json!({})).await), Some("UNAUTHENTICATED"), "{role}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_postings_name_the_field() {
    let w = world().await;
    let member = w.tokens[3].1.as_deref();
    let mut offer = demo("offers.json")[2].clone();
    offer["title"] = "  ".into();
    let body = gql(
        &w.h,
        member,
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &offer) }),
    )
    .await;
    assert_eq!(
        (code(&body), body["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("offer.title")),
        "{body}"
    );
    let mut offer = input("offer", &demo("offers.json")[2]);
    offer["remote"] = "SOMETIMES".into();
    let body =
        gql(&w.h, member, "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }", json!({ "o": offer })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "offer.remote", "{body}");
    let mut offer = input("offer", &demo("offers.json")[2]);
    (offer["salaryMinEur"], offer["salaryMaxEur"]) = (json!(40000), json!(30000));
    let body =
        gql(&w.h, member, "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }", json!({ "o": offer })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "offer.salaryMaxEur", "in the API's spelling: {body}");
    let mut offer = input("offer", &demo("offers.json")[2]);
    offer["comune"] = "milano".into();
    let body =
        gql(&w.h, member, "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }", json!({ "o": offer })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "offer.comune", "{body}");
    let mut programme = demo("programmes.json")[3].clone();
    programme["eligibility"] =
        json!([{ "rule": "min_age_months", "months": 24 }, { "rule": "max_age_months", "months": 12 }]);
    let body = gql(
        &w.h,
        member,
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({ "p": input("programme", &programme) }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "programme.eligibility[1].months",
        "contradicting rules are refused: {body}"
    );
}

// ---------- reads with privacy, export and erasure ----------

const EXPORT: &str = "mutation { exportMyData { user { email } talent { displayName contactEmail skills { skill years } } startup { name } applications { id stage motivation history { stage at } } consents { purpose granted } savedSearches { name kinds } exportedAt } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_details_reach_only_who_may_see_them() {
    let w = world().await;
    let talent_id = {
        let body = gql(&w.h, w.tokens[1].1.as_deref(), "{ myApplications { applicantId } }", json!({})).await;
        body["data"]["myApplications"][0]["applicantId"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
    };
    let read = "query($id: ID!) { entity(kind: TALENT, id: $id) { ... on Talent { displayName contactEmail } } }";
    let email = |body: &Value| body["data"]["entity"]["contactEmail"].as_str().map(str::to_owned);
    let own = gql(&w.h, w.tokens[1].1.as_deref(), read, json!({ "id": talent_id })).await;
    assert!(email(&own).is_some(), "the talent sees their own contact: {own}");
    let applied_to = gql(&w.h, w.tokens[3].1.as_deref(), read, json!({ "id": talent_id })).await;
    assert!(email(&applied_to).is_some(), "the organisation applied to sees it: {applied_to}");
    let other = gql(&w.h, w.tokens[4].1.as_deref(), read, json!({ "id": talent_id })).await;
    assert!(other["errors"].is_null() && email(&other).is_none(), "another organisation does not: {other}");
    assert_eq!(code(&gql(&w.h, None, read, json!({ "id": talent_id })).await), Some("UNAUTHENTICATED"));
    assert_eq!(code(&gql(&w.h, w.tokens[2].1.as_deref(), read, json!({ "id": talent_id })).await), Some("FORBIDDEN"));

    let dashboard = gql(&w.h, w.tokens[3].1.as_deref(), "{ dashboard { stage count } }", json!({})).await;
    assert_eq!(dashboard["data"]["dashboard"][0], json!({ "stage": "SUBMITTED", "count": 1 }), "{dashboard}");
    assert_eq!(
        code(&gql(&w.h, w.tokens[1].1.as_deref(), "{ dashboard { stage } }", json!({})).await),
        Some("FORBIDDEN")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_erase() {
    let w = world().await;
    let talent = w.tokens[1].1.as_deref();
    let export = gql(&w.h, talent, EXPORT, json!({})).await;
    let data = &export["data"]["exportMyData"];
    assert_eq!(data["user"]["email"], "talent@example.org", "{export}");
    assert_eq!(data["talent"]["contactEmail"], demo("talents.json")[0]["contact_email"], "{export}");
    assert!(data["startup"].is_null());
    assert_eq!(data["applications"].as_array().unwrap().len(), 1);
    assert_eq!(data["applications"][0]["stage"], "SUBMITTED");
    assert_eq!(data["applications"][0]["motivation"], "Ciao");

    assert_eq!(
        gql(&w.h, talent, "mutation { eraseMyData(confirm: false) }", json!({})).await["errors"][0]["extensions"]["field"],
        "confirm"
    );
    let erased = gql(&w.h, talent, "mutation { eraseMyData(confirm: true) }", json!({})).await;
    assert_eq!(erased["data"]["eraseMyData"], 3, "application, profile and account: {erased}");
    assert_eq!(code(&gql(&w.h, talent, ME, json!({})).await), Some("UNAUTHENTICATED"), "the account is gone");
    let login = gql(
        &w.h,
        None,
        "mutation { login(email: \"talent@example.org\", password: \"correct horse battery\") { token } }",
        json!({}),
    )
    .await;
    assert_eq!(code(&login), Some("UNAUTHENTICATED"));
    let read = gql(&w.h, w.tokens[3].1.as_deref(), "{ myApplications { id } }", json!({})).await;
    assert_eq!(read["data"]["myApplications"], json!([]), "the organisation no longer sees the application: {read}");
}

// ---------- subscriptions over graphql-transport-ws ----------

use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn application_changes_reach_the_applicant_live() {
    let w = world().await;
    let mut socket = ws(&w.h, w.tokens[1].1.as_deref().unwrap()).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { myApplicationsChanged { id stage version } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let moved = gql(
        &w.h,
        w.tokens[3].1.as_deref(),
        "mutation($id: ID!) { moveApplication(id: $id, stage: SCREENING) { id } }",
        json!({ "id": w.application }),
    )
    .await;
    assert!(moved["errors"].is_null(), "{moved}");
    let event = next_json(&mut socket).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["payload"]["data"]["myApplicationsChanged"]["stage"], "SCREENING", "{event}");
    assert_eq!(event["payload"]["data"]["myApplicationsChanged"]["id"], w.application.as_str());

    // Another organisation's member hears nothing of it.
    let mut other = ws(&w.h, w.tokens[4].1.as_deref().unwrap()).await;
    assert_eq!(next_json(&mut other).await.unwrap()["type"], "connection_ack");
    other.send(Message::text(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { myApplicationsChanged { id } }" } }).to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    gql(
        &w.h,
        w.tokens[3].1.as_deref(),
        "mutation($id: ID!) { scoreApplication(id: $id, rubric: [{criterion: \"Team\", points: 7, maxPoints: 10}]) { id } }",
        json!({ "id": w.application }),
    )
    .await;
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(800), other.next()).await.is_err(),
        "no event for a stranger"
    );
}

#[tokio::test]
async fn a_socket_without_a_valid_token_is_refused() {
    let w = world().await;
    let mut socket = ws(&w.h, "forged.token.value").await;
    let reply = next_json(&mut socket).await;
    assert!(reply.is_none() || reply.as_ref().is_some_and(|r| r["type"] != "connection_ack"), "{reply:?}");
}

#[tokio::test]
async fn metrics_are_exposed() {
    let h = start(true).await;
    post(&h, None, json!({ "query": "{ __typename }" })).await;
    let text = reqwest::get(format!("{}/metrics", h.base)).await.unwrap().text().await.unwrap();
    assert!(text.contains("crocevia_http_requests_total{route=\"/graphql\",status=\"200\"}"), "{text}");
    assert!(text.contains("crocevia_http_request_seconds_bucket"));
    assert!(text.contains("crocevia_outbox_published_total"));
}

/// Until the open data holds every recorded change (here: never, no consumer runs), every
/// door that shows figures withholds them, decided once in the insights service: downloads,
/// DCAT, data packages and CKAN answer 503 with Retry-After, GraphQL UNAVAILABLE (what the
/// web app's Osservatorio reads); the catalogue and the dictionary, which hold no figures,
/// answer and say so.
#[tokio::test]
async fn every_open_data_door_withholds_figures_while_they_are_built() {
    let h = start(true).await;
    for path in [
        "/open-data/v1/talents_by_origin.csv",
        "/open-data/v1/talents_by_origin.json",
        "/open-data/v1/talents_by_origin/datapackage.json",
        "/open-data/v1/datapackage.json",
        "/open-data/v1/catalog.jsonld",
        "/open-data/v1/catalog.ttl",
        "/api/3/action/package_show?id=talents_by_origin",
        "/api/3/action/package_search?q=talenti",
    ] {
        let response = reqwest::get(format!("{}{path}", h.base)).await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(retry.as_deref(), Some("5"), "{path}");
    }
    let (_, answer) = post(&h, None, json!({ "query": "{ openData { datasets { id total } } }" })).await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{answer}");
    let catalogue: Value = reqwest::get(format!("{}/open-data/v1/", h.base)).await.unwrap().json().await.unwrap();
    assert_eq!(catalogue["status"], "building", "{catalogue}");
    assert!(catalogue["refreshed_at"].is_null(), "{catalogue}");
    let dictionary = reqwest::get(format!("{}/open-data/v1/dictionary.json", h.base)).await.unwrap();
    assert_eq!(dictionary.status(), 200);
    // Unknown datasets are still told apart from figures not yet built.
    let missing = reqwest::get(format!("{}/open-data/v1/no_such_dataset.csv", h.base)).await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// `/graphql` is one route: latency and errors are also counted per operation name, with the
/// error code, whether the name comes from the document or the request.
#[tokio::test]
async fn metrics_tell_operations_apart() {
    let h = start(true).await;
    post(&h, None, json!({ "query": "query MetricsProbe { __typename }" })).await;
    let picked = "query Unused { __typename } query MetricsPicked { __typename }";
    post(&h, None, json!({ "query": picked, "operationName": "MetricsPicked" })).await;
    let (_, bad) = post(
        &h,
        None,
        json!({ "query": "query MetricsBad { search(input: {kinds: [OFFER], filters: [\"colour:red\"]}) { total } }" }),
    )
    .await;
    assert!(!bad["errors"].is_null(), "{bad}");
    let text = reqwest::get(format!("{}/metrics", h.base)).await.unwrap().text().await.unwrap();
    for name in ["MetricsProbe", "MetricsPicked", "MetricsBad"] {
        assert!(
            text.contains(&format!("crocevia_graphql_operation_seconds_count{{operation=\"{name}\"}} 1")),
            "{name}: {text}"
        );
    }
    assert!(!text.contains("operation=\"Unused\""), "{text}");
    let code = bad["errors"][0]["extensions"]["code"].as_str().unwrap();
    assert!(
        text.contains(&format!("crocevia_graphql_errors_total{{code=\"{code}\",operation=\"MetricsBad\"}} 1")),
        "{text}"
    );
    // An operation that does not validate is counted too, under its name and its code.
    let (_, unknown) = post(&h, None, json!({ "query": "query MetricsUnknown { noSuchField }" })).await;
    let code = unknown["errors"][0]["extensions"]["code"].as_str().unwrap_or("none");
    let text = reqwest::get(format!("{}/metrics", h.base)).await.unwrap().text().await.unwrap();
    assert!(
        text.contains(&format!("crocevia_graphql_errors_total{{code=\"{code}\",operation=\"MetricsUnknown\"}} 1")),
        "{text}"
    );
}

// ---------- live matches and saved searches ----------

async fn world_with_search_and_matching()
-> (Harness, String, String, crocevia_search::SearchService, crocevia_matching::MatchingService, Value) {
    let b = backend().await;
    let skills = reference_skills();
    b.profiles.upsert_skills(skills.concepts()).await.unwrap();
    // The postings are in profiles too, where titles are read; matching learns them per test.
    for (kind, file) in
        [("organisation", "organisations.json"), ("offer", "offers.json"), ("programme", "programmes.json")]
    {
        for data in demo(file) {
            let entity = serde_json::from_value(json!({ "kind": kind, "data": data })).unwrap();
            b.profiles.upsert(entity, None, "t").await.unwrap();
        }
    }
    let taxonomy = Arc::new(crocevia_search::taxonomy::Taxonomy::new(skills.concepts().to_vec()));
    let search = crocevia_search::SearchService::in_ram(taxonomy.clone()).unwrap();
    let matching =
        crocevia_matching::MatchingService::open(b.db.clone(), &b.dir.path().join("m"), taxonomy).await.unwrap();
    let h = serve(b, true, 256 * 1024, Some(search.clone()), Some(matching.clone())).await;
    let token = register(&h, "live@example.org", "TALENT").await;
    let mut talent = demo("talents.json")[0].clone();
    talent["seeking"] = json!([]);
    let talent_id = save_talent(&h, &token, &talent).await;
    (h, token, talent_id, search, matching, talent)
}

/// Saves `talent` as the token's profile; its id.
async fn save_talent(h: &Harness, token: &str, talent: &Value) -> String {
    let saved = gql(
        h,
        Some(token),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("talent", talent) }),
    )
    .await;
    saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned()
}

/// Matching learns the demo offers and the talent `data` at version 1, as it would from the
/// bus.
async fn rank_with_offers(matching: &crocevia_matching::MatchingService, data: &Value) {
    let mut batch: Vec<crocevia_kit::bus::Delivery> = Vec::new();
    for (i, offer) in demo("offers.json").into_iter().enumerate() {
        let entity = serde_json::from_value(json!({ "kind": "offer", "data": offer })).unwrap();
        batch.push(delivery(&entity, 1, i as i64));
    }
    let talent: crocevia_domain::Entity = serde_json::from_value(json!({ "kind": "talent", "data": data })).unwrap();
    batch.push(delivery(&talent, 1, 100));
    matching.process(&batch).await.unwrap();
}

/// A socket subscribed to `myMatchesChanged` as the token's owner.
async fn subscribe_to_my_matches(
    h: &Harness,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut socket = ws(h, token).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    socket.send(Message::text(json!({ "id": "m", "type": "subscribe", "payload": { "query": "subscription { myMatchesChanged { subject } }" } }).to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    socket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_matches_change_live() {
    let (h, token, talent_id, _search, matching, talent_json) = world_with_search_and_matching().await;
    // The matching service learns the offers and the talent (as it would from the bus).
    let mut data = talent_json.clone();
    data["id"] = talent_id.clone().into();
    rank_with_offers(&matching, &data).await;
    let list = gql(
        &h,
        Some(&token),
        "query($s: ID!) { matches(subject: $s) { rank score factors { key reasonIt reasonEn } } }",
        json!({ "s": talent_id }),
    )
    .await;
    assert!(!list["data"]["matches"].as_array().unwrap().is_empty(), "{list}");

    let mut socket = subscribe_to_my_matches(&h, &token).await;
    // The talent learns a new skill: their list is recomputed and the subscriber hears of it.
    let mut more = data.clone();
    more["skills"].as_array_mut().unwrap().push(json!({ "skill": "kubernetes", "years": 2 }));
    more["headline"] = "Backend engineer moving to platform work".into();
    let changed: crocevia_domain::Entity = serde_json::from_value(json!({ "kind": "talent", "data": more })).unwrap();
    matching.process(&[delivery(&changed, 2, 101)]).await.unwrap();
    let event = next_json(&mut socket).await.expect("an event");
    assert_eq!(event["payload"]["data"]["myMatchesChanged"]["subject"], talent_id.as_str(), "{event}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_of_a_profile_saved_after_subscribing_are_heard() {
    let (h, _, _, _search, matching, talent_json) = world_with_search_and_matching().await;
    let token = register(&h, "later@example.org", "TALENT").await;
    let mut socket = subscribe_to_my_matches(&h, &token).await;
    // No profile when subscribing: it is saved now, then ranked (as matching would from the bus).
    let mut data = talent_json.clone();
    data["seeking"] = json!([]);
    let talent_id = save_talent(&h, &token, &data).await;
    data["id"] = talent_id.clone().into();
    rank_with_offers(&matching, &data).await;
    // Lists of offers change too (they are not hers): only her own is announced.
    let event = next_json(&mut socket).await.expect("an event");
    assert_eq!(event["payload"]["data"]["myMatchesChanged"]["subject"], talent_id.as_str(), "{event}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_searches_stream_new_results() {
    let (h, token, _talent, search, _matching, _) = world_with_search_and_matching().await;
    let index = search.index();
    for offer in demo("offers.json") {
        let entity: crocevia_domain::Entity =
            serde_json::from_value(json!({ "kind": "offer", "data": offer })).unwrap();
        let meta = crocevia_proto::envelope::EventMeta {
            event_id: uuid::Uuid::now_v7(),
            entity_kind: entity.kind(),
            entity_id: entity.id(),
            entity_version: 1,
            occurred_at: chrono::Utc::now(),
            correlation_id: "t".into(),
        };
        index.apply(&meta, &crocevia_proto::envelope::Change::Upserted(entity)).unwrap();
    }
    index.commit().unwrap();
    let saved = gql(
        &h,
        Some(&token),
        "mutation { saveSearch(name: \"Rust a Torino\", input: {kinds: [OFFER], text: \"rust\"}) }",
        json!({}),
    )
    .await;
    let id = saved["data"]["saveSearch"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned();
    let bad =
        gql(&h, Some(&token), "mutation { saveSearch(name: \"x\", input: {filters: [\"colour:red\"]}) }", json!({}))
            .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.filters[0]", "{bad}");

    let mut socket = ws(&h, &token).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    let sub = json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription($id: ID!) { savedSearchResults(id: $id) { hits { id title } total } }", "variables": { "id": id } } });
    socket.send(Message::text(sub.to_string())).await.unwrap();
    let first = next_json(&mut socket).await.expect("the current results");
    let hits = first["payload"]["data"]["savedSearchResults"]["hits"].as_array().unwrap().len();
    assert!(hits >= 2, "{first}");

    // A profiles write (any searchable kind) wakes the subscription; search indexes it, with a
    // new Rust offer, only well after the write (a slow consumer): the saved search runs again
    // once search announces that commit, not after a guess of how long indexing takes.
    let talent = demo("talents.json")[2].clone();
    let write = gql(
        &h,
        Some(&token),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id version } }",
        json!({ "p": input("talent", &talent) }),
    )
    .await;
    assert!(write["errors"].is_null(), "{write}");
    let version = write["data"]["saveProfile"]["version"].as_u64().unwrap();
    let mut talent = talent;
    talent["id"] = write["data"]["saveProfile"]["id"].clone();
    let mut offer = demo("offers.json")[0].clone();
    let new_id = uuid::Uuid::now_v7();
    offer["id"] = new_id.to_string().into();
    offer["title"] = "Rust embedded engineer, Mirafiori".into();
    let offer: crocevia_domain::Entity = serde_json::from_value(json!({ "kind": "offer", "data": offer })).unwrap();
    let talent: crocevia_domain::Entity = serde_json::from_value(json!({ "kind": "talent", "data": talent })).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let poison = search.apply(&[delivery(&offer, 1, 500), delivery(&talent, version, 501)]).await.unwrap();
    assert!(poison.is_empty(), "{poison:?}");
    let next = next_json(&mut socket).await.expect("new results");
    let fresh = next["payload"]["data"]["savedSearchResults"]["hits"].as_array().unwrap();
    assert_eq!(fresh.len(), 1, "{next}");
    assert_eq!(fresh[0]["id"], new_id.to_string().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_are_scored_with_a_rubric() {
    let w = world().await;
    let member = w.tokens[3].1.as_deref();
    let score = "mutation($id: ID!, $r: [RubricInput!]!) { scoreApplication(id: $id, rubric: $r) { version } }";
    let rubric = json!([{ "criterion": "Competenze / Skills", "points": 8, "maxPoints": 10 }, { "criterion": "Motivazione / Motivation", "points": 3, "maxPoints": 5 }]);
    let body = gql(&w.h, member, score, json!({ "id": w.application, "r": rubric })).await;
    assert!(body["errors"].is_null(), "{body}");
    let read = gql(
        &w.h,
        member,
        "query($id: ID!) { entity(kind: APPLICATION, id: $id) { ... on Application { score rubric { criterion points maxPoints } } } }",
        json!({ "id": w.application }),
    )
    .await;
    assert_eq!(read["data"]["entity"]["score"], 73, "11 of 15 points: {read}");
    assert_eq!(read["data"]["entity"]["rubric"][1]["maxPoints"], 5, "{read}");
    // The score is the organisation's own assessment: the applicant reads her application
    // without it, at every door that shows it (one rule in the application boundary).
    let talent = w.tokens[1].1.as_deref();
    let entity =
        "query($id: ID!) { entity(kind: APPLICATION, id: $id) { ... on Application { score rubric { points } } } }";
    let read = gql(&w.h, talent, entity, json!({ "id": w.application })).await;
    assert!(read["errors"].is_null(), "{read}");
    assert_eq!(
        (&read["data"]["entity"]["score"], &read["data"]["entity"]["rubric"]),
        (&Value::Null, &json!([])),
        "{read}"
    );
    let mine = gql(&w.h, talent, "{ myApplications { id score } }", json!({})).await;
    assert_eq!(mine["data"]["myApplications"][0]["id"], w.application.as_str(), "{mine}");
    assert_eq!(mine["data"]["myApplications"][0]["score"], Value::Null, "{mine}");
    let admin = gql(&w.h, w.tokens[5].1.as_deref(), entity, json!({ "id": w.application })).await;
    assert_eq!(admin["data"]["entity"]["score"], 73, "{admin}");
    let too_many = json!([{ "criterion": "Team", "points": 6, "maxPoints": 5 }]);
    let body = gql(&w.h, member, score, json!({ "id": w.application, "r": too_many })).await;
    assert_eq!(
        (code(&body), body["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("rubric[0].points")),
        "{body}"
    );
    let body = gql(&w.h, member, score, json!({ "id": w.application, "r": [] })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "rubric");
}

// ---------- what the web app needs: my profile, one pair, reference data, titles ----------

#[tokio::test]
async fn my_profile_is_null_until_saved() {
    let b = backend().await;
    let skills = reference_skills();
    b.profiles.upsert_skills(skills.concepts()).await.unwrap();
    let h = serve(b, true, 256 * 1024, None, None).await;
    let q =
        "{ myProfile { __typename ... on Talent { id version displayName contactEmail } ... on Startup { id name } } }";
    assert_eq!(code(&post(&h, None, json!({ "query": q })).await.1), Some("UNAUTHENTICATED"));
    let talent = register(&h, "mine@example.org", "TALENT").await;
    let body = gql(&h, Some(&talent), q, json!({})).await;
    assert!(body["errors"].is_null() && body["data"]["myProfile"].is_null(), "{body}");

    let profile = demo("talents.json")[0].clone();
    let saved = gql(
        &h,
        Some(&talent),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("talent", &profile) }),
    )
    .await;
    let id = saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned();
    let body = gql(&h, Some(&talent), q, json!({})).await;
    let mine = &body["data"]["myProfile"];
    assert_eq!((mine["id"].as_str(), mine["__typename"].as_str()), (Some(id.as_str()), Some("Talent")), "{body}");
    assert_eq!(mine["displayName"], profile["display_name"]);
    assert_eq!(mine["contactEmail"], profile["contact_email"], "my own contact is mine to see");

    let startup = register(&h, "founder@example.org", "STARTUP").await;
    assert!(gql(&h, Some(&startup), q, json!({})).await["data"]["myProfile"].is_null(), "another user's is not mine");
    let saved = gql(
        &h,
        Some(&startup),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("startup", &demo("startups.json")[0]) }),
    )
    .await;
    assert!(saved["errors"].is_null(), "{saved}");
    let body = gql(&h, Some(&startup), q, json!({})).await;
    assert_eq!(body["data"]["myProfile"]["__typename"], "Startup", "{body}");
    assert_eq!(body["data"]["myProfile"]["name"], demo("startups.json")[0]["name"]);
}

/// Feeds entities to the matching service as the bus would.
async fn feed(matching: &crocevia_matching::MatchingService, entities: &[(&str, Value)], first_offset: i64) {
    let batch: Vec<crocevia_kit::bus::Delivery> = entities
        .iter()
        .enumerate()
        .map(|(i, (kind, data))| {
            let entity = serde_json::from_value(json!({ "kind": kind, "data": data })).unwrap();
            delivery(&entity, 1, first_offset + i as i64)
        })
        .collect();
    matching.process(&batch).await.unwrap();
}

const MATCH_WITH: &str = "query($t: ID!) { myMatchWith(target: $t) { score mutual rank excluded \
     exclusionReasons { rule it en } verdict { status reasons { rule en } } factors { key reasonIt reasonEn } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_match_with_one_offer_says_why_it_is_excluded() {
    let (h, token, talent_id, _search, matching, talent_json) = world_with_search_and_matching().await;
    let offers = demo("offers.json");
    let mut entities: Vec<(&str, Value)> = offers.iter().map(|o| ("offer", o.clone())).collect();
    let mut talent = talent_json.clone();
    talent["id"] = talent_id.clone().into();
    entities.push(("talent", talent));
    feed(&matching, &entities, 0).await;

    // Offer 2 asks for Italian C1 and does not sponsor a work permit: this talent speaks no
    // Italian and needs one.
    let strict = offers[1]["id"].as_str().unwrap();
    let body = gql(&h, Some(&token), MATCH_WITH, json!({ "t": strict })).await;
    let pair = &body["data"]["myMatchWith"];
    assert_eq!(pair["excluded"], true, "{body}");
    let rules: Vec<&str> =
        pair["exclusionReasons"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"language") && rules.contains(&"work_permit"), "{body}");
    let language = pair["exclusionReasons"].as_array().unwrap().iter().find(|r| r["rule"] == "language").unwrap();
    assert_eq!(language["en"], "required: Italian at least C1");
    assert_eq!(language["it"], "richiesto: italiano almeno C1");
    assert_eq!((pair["mutual"].as_f64(), pair["rank"].is_null()), (Some(0.0), true), "excluded, so not in my list");
    assert!(pair["verdict"].is_null() && !pair["factors"].as_array().unwrap().is_empty());

    // The first of my list scores what the list says, at rank 1, excluded by nothing.
    let list = gql(
        &h,
        Some(&token),
        "query($s: ID!) { matches(subject: $s) { counterpartId score mutual } }",
        json!({ "s": talent_id }),
    )
    .await;
    let first = &list["data"]["matches"][0];
    let body = gql(&h, Some(&token), MATCH_WITH, json!({ "t": first["counterpartId"] })).await;
    let pair = &body["data"]["myMatchWith"];
    assert_eq!((pair["rank"].as_i64(), pair["excluded"].as_bool()), (Some(1), Some(false)), "{body}");
    assert!((pair["score"].as_f64().unwrap() - first["score"].as_f64().unwrap()).abs() < 1e-9, "{body} vs {list}");
    assert!((pair["mutual"].as_f64().unwrap() - first["mutual"].as_f64().unwrap()).abs() < 1e-9);
    assert!(pair["exclusionReasons"].as_array().unwrap().is_empty());

    // Clear errors: a bad id, an unknown or closed target, a target of the wrong kind.
    let bad = gql(&h, Some(&token), MATCH_WITH, json!({ "t": "nope" })).await;
    assert_eq!(
        (code(&bad), bad["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("target"))
    );
    let unknown = gql(&h, Some(&token), MATCH_WITH, json!({ "t": uuid::Uuid::now_v7().to_string() })).await;
    assert_eq!(code(&unknown), Some("NOT_FOUND"), "{unknown}");
    let talent_as_target = gql(&h, Some(&token), MATCH_WITH, json!({ "t": talent_id })).await;
    assert_eq!(
        (code(&talent_as_target), talent_as_target["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("target")),
        "{talent_as_target}"
    );
    assert_eq!(
        code(&post(&h, None, json!({ "query": MATCH_WITH, "variables": { "t": strict } })).await.1),
        Some("UNAUTHENTICATED")
    );
    // A startup without a profile is told to create one.
    let startup = register(&h, "no-profile@example.org", "STARTUP").await;
    let body = gql(&h, Some(&startup), MATCH_WITH, json!({ "t": strict })).await;
    assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("startup profile"), "{body}");

    // Match titles and kinds come from the counterparts themselves.
    let list = gql(
        &h,
        Some(&token),
        "query($s: ID!) { matches(subject: $s) { counterpartId kind title } }",
        json!({ "s": talent_id }),
    )
    .await;
    let matches = list["data"]["matches"].as_array().unwrap();
    assert!(!matches.is_empty(), "{list}");
    for m in matches {
        let offer = offers.iter().find(|o| o["id"] == m["counterpartId"]).unwrap();
        assert_eq!((&m["kind"], &m["title"]), (&json!("OFFER"), &offer["title"]), "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_match_with_a_programme_gives_the_startup_its_verdict() {
    let (h, talent_token, _talent_id, _search, matching, _) = world_with_search_and_matching().await;
    let token = register(&h, "voltaria@example.org", "STARTUP").await;
    let mut startup = demo("startups.json")[0].clone();
    let saved = gql(
        &h,
        Some(&token),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("startup", &startup) }),
    )
    .await;
    let startup_id = saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned();
    startup["id"] = startup_id.clone().into();
    let programmes = demo("programmes.json");
    let mut entities: Vec<(&str, Value)> = programmes.iter().map(|p| ("programme", p.clone())).collect();
    entities.push(("startup", startup));
    entities.push(("offer", demo("offers.json")[0].clone()));
    feed(&matching, &entities, 0).await;

    // A seed-stage startup is not eligible for a pre-incubation programme for ideas and pre-seeds.
    let pre_incubation = programmes[0]["id"].as_str().unwrap();
    let body = gql(&h, Some(&token), MATCH_WITH, json!({ "t": pre_incubation })).await;
    let pair = &body["data"]["myMatchWith"];
    assert_eq!(pair["verdict"]["status"], "NOT_ELIGIBLE", "{body}");
    assert!(pair["verdict"]["reasons"].as_array().unwrap().iter().any(|r| r["rule"] == "stage_in"), "{body}");
    assert_eq!(pair["excluded"], false, "programme rules give a verdict, not an exclusion");
    let list = gql(
        &h,
        Some(&token),
        "query($s: ID!) { matches(subject: $s) { counterpartId kind title rank } }",
        json!({ "s": startup_id }),
    )
    .await;
    let list = list["data"]["matches"].as_array().unwrap_or_else(|| panic!("{list}")).clone();
    let first = programmes.iter().find(|p| p["id"] == list[0]["counterpartId"]).unwrap();
    assert_eq!((&list[0]["kind"], &list[0]["title"]), (&json!("PROGRAMME"), &first["title"]));

    // The same verdict and fit as the eligibility query.
    for programme in &programmes {
        let id = programme["id"].as_str().unwrap();
        let pair = gql(&h, Some(&token), MATCH_WITH, json!({ "t": id })).await;
        let check = gql(
            &h,
            Some(&token),
            "query($s: ID!, $p: ID!) { eligibility(startup: $s, programme: $p) { fit verdict { status } } }",
            json!({ "s": startup_id, "p": id }),
        )
        .await;
        assert_eq!(
            pair["data"]["myMatchWith"]["verdict"]["status"], check["data"]["eligibility"]["verdict"]["status"],
            "{pair} {check}"
        );
        let (score, fit) = (
            pair["data"]["myMatchWith"]["score"].as_f64().unwrap(),
            check["data"]["eligibility"]["fit"].as_f64().unwrap(),
        );
        assert!((score - fit).abs() < 1e-9, "{id}: {score} vs {fit}");
        // Its rank is its place in my list (the top 20 of the 24 programmes), or null.
        let listed = list.iter().find(|m| m["counterpartId"] == id).map(|m| m["rank"].clone()).unwrap_or(Value::Null);
        assert_eq!(pair["data"]["myMatchWith"]["rank"], listed, "{id}");
    }

    // A startup is matched with programmes, not offers; a talent with offers, not programmes.
    let offer = demo("offers.json")[0]["id"].clone();
    let body = gql(&h, Some(&token), MATCH_WITH, json!({ "t": offer })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "target", "{body}");
    let body = gql(&h, Some(&talent_token), MATCH_WITH, json!({ "t": pre_incubation })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "target", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_have_no_profile_to_match() {
    let w = world().await;
    let member = w.tokens[3].1.as_deref();
    assert!(gql(&w.h, member, "{ myProfile { id } }", json!({})).await["data"]["myProfile"].is_null());
    let body = gql(&w.h, member, MATCH_WITH, json!({ "t": w.offer })).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
}

const SKILLS: &str = "query($q: String!, $ids: [String!]!, $l: Int!) { skills(query: $q, ids: $ids, limit: $l) { id labelIt labelEn category } }";

async fn skills(h: &Harness, q: &str, ids: &[&str], limit: i64) -> Value {
    gql(h, None, SKILLS, json!({ "q": q, "ids": ids, "l": limit })).await
}

fn skill_ids(body: &Value) -> Vec<String> {
    body["data"]["skills"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn skills_for_a_picker() {
    let h = start(true).await;
    let body = skills(&h, "pyth", &[], 20).await;
    assert_eq!(skill_ids(&body)[0], "python", "{body}");
    assert_eq!(
        body["data"]["skills"][0],
        json!({ "id": "python", "labelIt": "Python", "labelEn": "Python", "category": "software" })
    );
    // Case and accents do not matter, and a word inside a label counts.
    for q in ["qualita", "QUALITÀ auto", "Automotive Qual"] {
        assert!(skill_ids(&skills(&h, q, &[], 20).await).contains(&"automotive-quality".to_owned()), "{q}");
    }
    // A label's start ranks before a later word's: "Rust" before anything merely mentioning it.
    assert_eq!(skill_ids(&skills(&h, "rus", &[], 20).await)[0], "rust");
    // Labels for the ids the UI holds, in its order; unknown ids are left out.
    let body = skills(&h, "", &["rust", "no-such-skill", "python"], 20).await;
    assert_eq!(skill_ids(&body), ["rust", "python"], "{body}");
    assert_eq!(body["data"]["skills"][0]["labelIt"], "Rust");
    // At most `limit`, never more than 50.
    assert_eq!(skill_ids(&skills(&h, "", &[], 3).await).len(), 3);
    assert_eq!(skill_ids(&skills(&h, "", &[], 500).await).len(), 50);
    let body = skills(&h, "py", &[], 0).await;
    assert_eq!(
        (code(&body), body["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("limit"))
    );
    let body = skills(&h, "py", &["python"], 5).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "ids", "{body}");
    assert!(skill_ids(&skills(&h, "zzzz", &[], 5).await).is_empty());
    // The defaults work too.
    let body = gql(&h, None, "{ skills(query: \"java\") { id } }", json!({})).await;
    assert!(skill_ids(&body).contains(&"java".to_owned()), "{body}");
    // What the whole text names comes first, whatever its qualifiers and endings.
    assert_eq!(skill_ids(&skills(&h, "Python (avanzato)", &[], 5).await)[0], "python");
    assert_eq!(skill_ids(&skills(&h, "metrologie", &[], 5).await)[0], "metrology");
    // The taxonomy in use, by version.
    let body = gql(&h, None, "{ skillTaxonomy { version concepts } }", json!({})).await;
    assert_eq!(body["data"]["skillTaxonomy"]["version"], reference_skills().version(), "{body}");
    assert!(body["data"]["skillTaxonomy"]["concepts"].as_i64().unwrap() >= 510, "{body}");
}

#[tokio::test]
async fn comuni_are_public() {
    let h = start(true).await;
    let body = gql(&h, None, "{ comuni { id name population } }", json!({})).await;
    let comuni = body["data"]["comuni"].as_array().unwrap_or_else(|| panic!("{body}"));
    assert_eq!(comuni.len(), crocevia_domain::place::all().len());
    assert_eq!((&comuni[0]["id"], &comuni[0]["name"]), (&json!("torino"), &json!("Torino")));
    assert!(comuni[0]["population"].as_i64().unwrap() > 800_000, "{}", comuni[0]);
    assert!(comuni.iter().any(|c| c["id"] == "moncalieri"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_name_their_target_and_applicant() {
    let w = world().await;
    let q = "{ myApplications { id targetTitle applicantName } }";
    let title = demo("offers.json")[0]["title"].clone();
    let name = demo("talents.json")[0]["display_name"].clone();
    for token in [w.tokens[1].1.as_deref(), w.tokens[3].1.as_deref()] {
        let body = gql(&w.h, token, q, json!({})).await;
        let a = &body["data"]["myApplications"][0];
        assert_eq!(
            (&a["id"], &a["targetTitle"], &a["applicantName"]),
            (&json!(w.application), &title, &name),
            "{body}"
        );
    }
}

// ---------- the web app ----------

#[tokio::test]
async fn the_web_app_is_served_beside_the_api() {
    let b = backend().await;
    let web = b.dir.path().join("web");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><title>Crocevia app</title><script src=\"/app.js\"></script>",
    )
    .unwrap();
    std::fs::write(web.join("crocevia_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(web.join("crocevia_bg.wasm.gz"), b"pretend gzip").unwrap();
    std::fs::write(web.join("assets/app.css"), "body { margin: 0 }").unwrap();
    std::fs::write(web.join("boot.0a1b2c3d4e5f.js"), "run();").unwrap();
    std::fs::write(web.join("boot.0a1b2c3d4e5f.js.br"), b"pretend brotli").unwrap();
    std::fs::write(web.join("boot.0a1b2c3d4e5f.js.gz"), b"pretend gzip").unwrap();
    let h = serve(b, true, 64 * 1024, None, None).await;
    let get = |path: &str| reqwest::get(format!("{}{path}", h.base));
    let get_accepting = |path: &str, encodings: &str| {
        reqwest::Client::new().get(format!("{}{path}", h.base)).header("accept-encoding", encodings).send()
    };

    let home = get("/").await.unwrap();
    assert_eq!(home.status(), 200);
    assert_eq!(home.headers()["cache-control"], "no-cache");
    // Security headers on the app: no inline script may run, no framing, no sniffing.
    let csp = home.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';") && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    assert_eq!(home.headers()["referrer-policy"], "no-referrer");
    assert!(home.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(home.text().await.unwrap().contains("Crocevia app"));

    let wasm = get("/crocevia_bg.wasm").await.unwrap();
    assert_eq!((wasm.status().as_u16(), wasm.headers()["content-type"].to_str().unwrap()), (200, "application/wasm"));
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");
    let zipped = get_accepting("/crocevia_bg.wasm", "gzip").await.unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["content-type"], "application/wasm");
    assert_eq!(zipped.bytes().await.unwrap().as_ref(), b"pretend gzip");
    let css = get("/assets/app.css").await.unwrap();
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.headers().get("cache-control").is_none(), "a name without its hash is revalidated");
    // A content-hashed name never changes content: kept a year; brotli before gzip.
    let boot = get_accepting("/boot.0a1b2c3d4e5f.js", "gzip, br").await.unwrap();
    assert_eq!(boot.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(boot.headers()["content-encoding"], "br");
    assert!(boot.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert_eq!(boot.bytes().await.unwrap().as_ref(), b"pretend brotli");
    assert_eq!(get("/boot.0a1b2c3d4e5f.js").await.unwrap().text().await.unwrap(), "run();");
    let missing = get("/boot.ffffffffffff.js").await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("cache-control").is_none(), "a miss is never kept");

    // The app routes in the fragment: any other path is a file or nothing.
    assert_eq!(get("/offerte/123").await.unwrap().status(), 404);
    assert_eq!(get("/missing.js").await.unwrap().status(), 404);
    assert_eq!(get("/api/v1/nothing").await.unwrap().status(), 404);
    assert_eq!(get("/%2e%2e/Cargo.toml").await.unwrap().status(), 404);

    let status = get("/status").await.unwrap().text().await.unwrap();
    assert!(status.contains("Piattaforma") && status.contains("<table"), "{status}");
    assert!(!status.contains("make run"), "the app is built: {status}");
    let (code_, body) = post(&h, None, json!({ "query": "{ comuni { id } }" })).await;
    assert_eq!((code_, &body["data"]["comuni"][0]["id"]), (200, &json!("torino")), "{body}");
    assert!(get("/graphql").await.unwrap().text().await.unwrap().to_lowercase().contains("graphiql"));
    assert_eq!(get("/healthz").await.unwrap().text().await.unwrap(), "ok");
}

#[tokio::test]
async fn without_a_build_the_home_page_says_how_to_get_one() {
    let h = start(true).await;
    let home = reqwest::get(format!("{}/", h.base)).await.unwrap().text().await.unwrap();
    assert!(home.contains("Piattaforma") && home.contains("make run"), "{home}");
    let status = reqwest::get(format!("{}/status", h.base)).await.unwrap().text().await.unwrap();
    assert!(status.contains("<table") && !status.contains("make run"), "{status}");
    assert_eq!(reqwest::get(format!("{}/app.wasm", h.base)).await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_list_their_postings_and_see_applicants_explained() {
    let w = world().await;
    let postings = "query { myPostings { __typename ... on Offer { id title status } ... on Programme { id capacity accepted } } }";
    let owner = gql(&w.h, w.tokens[3].1.as_deref(), postings, json!({})).await;
    let list = owner["data"]["myPostings"].as_array().unwrap_or_else(|| panic!("{owner}"));
    let ids: Vec<&str> = list.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&w.offer.as_str()) && ids.contains(&w.programme.as_str()), "{owner}");
    let offer = list.iter().find(|p| p["id"] == w.offer.as_str()).unwrap();
    assert_eq!((offer["__typename"].as_str(), offer["status"].as_str()), (Some("Offer"), Some("OPEN")));
    assert!(offer["title"].is_string());
    let programme = list.iter().find(|p| p["id"] == w.programme.as_str()).unwrap();
    assert_eq!(programme["accepted"], 0, "the organisation sees its cohort filling: {owner}");
    assert!(programme["capacity"].as_i64().is_some_and(|c| c > 0));
    let read = "query($id: ID!) { entity(kind: PROGRAMME, id: $id) { ... on Programme { capacity accepted } } }";
    let seen = gql(&w.h, None, read, json!({ "id": w.programme })).await;
    assert!(seen["data"]["entity"]["accepted"].is_null(), "a visitor sees the capacity, not the cohort: {seen}");
    assert!(seen["data"]["entity"]["capacity"].as_i64().is_some(), "{seen}");
    let other = gql(&w.h, w.tokens[4].1.as_deref(), postings, json!({})).await;
    let theirs: Vec<&str> =
        other["data"]["myPostings"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(!theirs.contains(&w.offer.as_str()), "another organisation's postings stay out: {other}");
    let talent = gql(&w.h, w.tokens[1].1.as_deref(), postings, json!({})).await;
    assert_eq!(code(&talent), Some("FORBIDDEN"));

    let explain = "query($id: ID!) { applicationMatch(id: $id) { score excluded } }";
    for (who, expected) in [(1, "FORBIDDEN"), (4, "FORBIDDEN"), (0, "UNAUTHENTICATED")] {
        let body = gql(&w.h, w.tokens[who].1.as_deref(), explain, json!({ "id": w.application })).await;
        assert_eq!(code(&body), Some(expected), "{}: {body}", w.tokens[who].0);
    }
    // This harness runs no matching service: the owner passes the check and hears so.
    let body = gql(&w.h, w.tokens[3].1.as_deref(), explain, json!({ "id": w.application })).await;
    assert_eq!(code(&body), Some("UNAVAILABLE"), "{body}");
}

/// Documents, variables and JSON bodies nested thousands of levels deep, through every door:
/// each gets a clear refusal, and the server still answers afterwards (a stack overflow
/// would abort the whole process).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_nesting_is_refused_and_kills_nothing() {
    let w = world().await;
    let talent = w.tokens[1].1.as_deref();
    let alive = || async { reqwest::get(format!("{}/healthz", w.h.base)).await.map(|r| r.status().as_u16()).ok() };
    let literal = |n: usize| format!("{}1{}", "{a:".repeat(n), "}".repeat(n));
    for n in [100, 1_500, 20_000] {
        let q = format!("{{ skills(query: {}) {{ id }} }}", literal(n));
        let (_, body) = post(&w.h, None, json!({ "query": q })).await;
        assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{n}: {body}");
        let q = format!("mutation {{ saveProfile(profile: {}) {{ id }} }}", literal(n));
        let (_, body) = post(&w.h, talent, json!({ "query": q })).await;
        assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{n}: {body}");
        let lists = format!("{{ skills(query: {}1{}) {{ id }} }}", "[".repeat(n), "]".repeat(n));
        let (_, body) = post(&w.h, None, json!({ "query": lists })).await;
        assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{n}: {body}");
        // Variables are JSON: serde's recursion limit refuses them before any GraphQL work.
        let deep_json = format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let raw = format!(
            r#"{{"query":"mutation($p: ProfileInput!) {{ saveProfile(profile: $p) {{ id }} }}","variables":{{"p":{deep_json}}}}}"#
        );
        let status = reqwest::Client::new()
            .post(format!("{}/graphql", w.h.base))
            .bearer_auth(talent.unwrap())
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_client_error() || status.is_success(), "{n}: {status}");
        // REST bodies too.
        let body = format!(r#"{{"kinds":{deep_json}}}"#);
        let status = reqwest::Client::new()
            .post(format!("{}/api/v1/search", w.h.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_client_error(), "{n}: {status}");
        assert_eq!(alive().await, Some(200), "the server still answers after depth {n}");
    }
    // And over a WebSocket.
    let mut socket = ws(&w.h, talent.unwrap()).await;
    assert_eq!(next_json(&mut socket).await.unwrap()["type"], "connection_ack");
    let q = format!("subscription {{ myApplicationsChanged(x: {}) {{ id }} }}", literal(5_000));
    socket
        .send(Message::text(json!({ "id": "d", "type": "subscribe", "payload": { "query": q } }).to_string()))
        .await
        .unwrap();
    let reply = next_json(&mut socket).await.expect("an answer");
    assert_eq!(reply["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{reply}");
    assert_eq!(alive().await, Some(200), "the server still answers after the socket");
}

/// Guessing a password stops: after five wrong passwords the account is locked for a while,
/// the right password included, with TOO_MANY_REQUESTS, `extensions.retryAfter` and a
/// Retry-After header; an unknown e-mail is answered exactly like a known one.
#[tokio::test]
async fn logins_are_throttled() {
    let h = start(true).await;
    register(&h, "anna@example.org", "TALENT").await;
    let login = |email: &str, password: &str| {
        json!({ "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                "variables": { "e": email, "p": password } })
    };
    for email in ["anna@example.org", "nobody@example.org"] {
        for _ in 0..5 {
            let (_, body) = post(&h, None, login(email, "wrong password!")).await;
            assert_eq!(code(&body), Some("UNAUTHENTICATED"), "{body}");
            assert_eq!(body["errors"][0]["message"], "wrong e-mail or password", "{body}");
        }
    }
    for (email, password) in
        [("anna@example.org", "correct horse battery"), ("nobody@example.org", "x".repeat(12).as_str())]
    {
        let response = reqwest::Client::new()
            .post(format!("{}/graphql", h.base))
            .json(&login(email, password))
            .send()
            .await
            .unwrap();
        let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 60, "{retry}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(code(&body), Some("TOO_MANY_REQUESTS"), "{email}: {body}");
        assert!(body["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() > 60, "{body}");
    }
}

/// Behind a trusted reverse proxy (this harness trusts loopback), the budget per address
/// counts the client `X-Forwarded-For` names, so one noisy client does not lock out everyone
/// behind the same proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_budget_counts_clients_behind_a_trusted_proxy() {
    let h = start(true).await;
    let login = |from: &str, email: String| {
        reqwest::Client::new()
            .post(format!("{}/graphql", h.base))
            .header("x-forwarded-for", format!("6.6.6.6, {from}"))
            .json(
                &json!({ "query": "mutation($e: String!) { login(email: $e, password: \"wrong password!\") { token } }",
                           "variables": { "e": email } }),
            )
            .send()
    };
    // 30 failures from one client, on accounts of its own (each under its own budget of 5).
    for i in 0..30 {
        let body: Value =
            login("203.0.113.7", format!("noisy{}@example.org", i / 5)).await.unwrap().json().await.unwrap();
        assert_eq!(code(&body), Some("UNAUTHENTICATED"), "{i}: {body}");
    }
    let body: Value = login("203.0.113.7", "fresh@example.org".into()).await.unwrap().json().await.unwrap();
    assert_eq!(code(&body), Some("TOO_MANY_REQUESTS"), "the noisy client is out of budget: {body}");
    let body: Value = login("203.0.113.8", "fresh@example.org".into()).await.unwrap().json().await.unwrap();
    assert_eq!(code(&body), Some("UNAUTHENTICATED"), "its neighbour behind the proxy is not: {body}");
}

/// The close code a socket ends with, waiting at most `limit`.
async fn close_code(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    limit: std::time::Duration,
) -> Option<u16> {
    loop {
        match tokio::time::timeout(limit, socket.next()).await.ok()?? {
            Ok(Message::Close(Some(frame))) => return Some(frame.code.into()),
            Ok(Message::Close(None)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// graphql-transport-ws's rules for the start of a connection: no `connection_init` in time
/// closes it with 4408 (idle sockets cannot pile up), another message first with 4401, a
/// token that is not valid with 4403.
#[tokio::test]
async fn sockets_that_do_not_authenticate_are_closed_with_the_protocol_codes() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let h = start(true).await;
    let open = || async {
        let mut request = format!("{}/graphql/ws", h.base.replace("http", "ws")).into_client_request().unwrap();
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        tokio_tungstenite::connect_async(request).await.unwrap().0
    };
    let started = std::time::Instant::now();
    let mut idle = open().await;
    assert_eq!(close_code(&mut idle, std::time::Duration::from_secs(5)).await, Some(4408));
    let waited = started.elapsed().as_millis() as u64;
    assert!((WS_INIT_TIMEOUT_MS..WS_INIT_TIMEOUT_MS + 2_000).contains(&waited), "closed after {waited} ms");

    let mut rude = open().await;
    rude.send(Message::text(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { myMatchesChanged { subject } }" } }).to_string())).await.unwrap();
    assert_eq!(close_code(&mut rude, std::time::Duration::from_secs(5)).await, Some(4401));

    let mut forged = open().await;
    forged
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "token": "forged.token.value" } }).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(close_code(&mut forged, std::time::Duration::from_secs(5)).await, Some(4403));
}

/// Slow clients cannot hold the server: headers that do not arrive within the header-read
/// timeout end their connection, connections past the limit are closed at once, and once the
/// idle ones are gone the server answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_too_many_connections_are_cut() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let h = start(true).await;
    let addr = h.base.trim_start_matches("http://").to_owned();
    // Partial headers, then silence: the connection ends soon after the timeout.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 512];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), slow.read(&mut buf)).await;
    let waited = started.elapsed();
    assert!(read.is_ok(), "the slow connection was never closed");
    assert!(waited >= LIMITS.header_read_timeout / 2 && waited < std::time::Duration::from_secs(3), "{waited:?}");
    // Fill every slot with connections that send half a request.
    let mut idle = Vec::new();
    for _ in 0..LIMITS.max_connections {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        idle.push(c);
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut extra = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let n = tokio::time::timeout(std::time::Duration::from_millis(500), extra.read(&mut buf)).await;
    assert!(matches!(n, Ok(Ok(0)) | Ok(Err(_))), "a connection past the limit is closed at once: {n:?}");
    // The idle ones time out; the server answers again.
    tokio::time::sleep(LIMITS.header_read_timeout * 3).await;
    let status = reqwest::get(format!("{}/healthz", h.base)).await.unwrap().status();
    assert_eq!(status, 200);
}

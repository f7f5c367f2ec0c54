//! Education and retention over GraphQL, in process and with the application service in its
//! own process: a talent records her degree, consents to the 12-month check-in, answers it
//! once; only she reads or answers it; an accepted application shows its hire.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use support::*;

const SAVE: &str = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }";
const CHECK_INS: &str = "{ myCheckIns { kind on dueOn institution answeredOn livesInArea worksInArea } }";
const CONSENT: &str = "mutation($g: Boolean!) { setConsent(purpose: RETENTION_CHECK_IN, granted: $g) { id } }";
const ANSWER: &str = "mutation($a: CheckInAnswer!) { answerCheckIn(answer: $a) { version } }";

fn ok(body: &Value) -> &Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"]
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

async fn retention(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 1).await;
    let h = serve(b, true, 256 * 1024, None, None).await;
    let members = org_members(&h, &admin, &orgs).await;
    let org = &members[0];
    let talent = register(&h, "laurea@example.org", "TALENT").await;
    let mut profile = input("talent", &demo("talents.json")[0]);
    profile["talent"]["skills"] = json!([]);
    let graduated = day(-400);
    profile["talent"]["education"] = json!([{ "institution": "POLITO", "level": "MASTER", "field": "ICT",
        "course": "Computer Engineering", "graduatedOn": graduated }]);
    ok(&gql(&h, Some(&talent), SAVE, json!({ "p": profile })).await);
    let body = gql(
        &h,
        Some(&talent),
        "{ myProfile { ... on Talent { education { institution level field graduatedOn } } } }",
        json!({}),
    )
    .await;
    assert_eq!(ok(&body)["myProfile"]["education"][0]["institution"], "POLITO", "{body}");

    // Asked only once she consents.
    assert_eq!(ok(&gql(&h, Some(&talent), CHECK_INS, json!({})).await)["myCheckIns"], json!([]));
    ok(&gql(&h, Some(&talent), CONSENT, json!({ "g": true })).await);
    let body = gql(&h, Some(&talent), CHECK_INS, json!({})).await;
    let open = &ok(&body)["myCheckIns"][0];
    assert_eq!(
        (&open["kind"], &open["institution"], &open["answeredOn"]),
        (&json!("GRADUATION"), &json!("POLITO"), &Value::Null),
        "{body}"
    );

    // Nobody else reads or answers it: an organisation member, a visitor.
    assert_eq!(code(&gql(&h, Some(org), CHECK_INS, json!({})).await), Some("FORBIDDEN"));
    assert_eq!(code(&gql(&h, None, CHECK_INS, json!({})).await), Some("UNAUTHENTICATED"));
    let answer = json!({ "a": { "kind": "GRADUATION", "institution": "POLITO", "graduatedOn": graduated,
        "livesInArea": true, "worksInArea": true } });
    assert_eq!(code(&gql(&h, Some(org), ANSWER, answer.clone()).await), Some("FORBIDDEN"));

    ok(&gql(&h, Some(&talent), ANSWER, answer.clone()).await);
    let body = gql(&h, Some(&talent), CHECK_INS, json!({})).await;
    assert_eq!(ok(&body)["myCheckIns"][0]["answeredOn"], day(0), "{body}");
    let again = gql(&h, Some(&talent), ANSWER, answer).await;
    assert!(again["errors"][0]["message"].as_str().unwrap_or_default().contains("already answered"), "{again}");
    let body = gql(&h, Some(&talent), "{ myConsents { purpose granted } }", json!({})).await;
    assert_eq!(ok(&body)["myConsents"], json!([{ "purpose": "RETENTION_CHECK_IN", "granted": true }]));

    // Accepted: the hire is recorded, its check-in due a year on.
    let body = gql(
        &h,
        Some(org),
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &open_offer(0)) }),
    )
    .await;
    let offer = ok(&body)["postOffer"]["id"].as_str().unwrap().to_owned();
    let body = gql(
        &h,
        Some(&talent),
        "mutation($t: ID!) { apply(target: $t, motivation: \"Ciao\") { id } }",
        json!({ "t": offer }),
    )
    .await;
    let application = ok(&body)["apply"]["id"].as_str().unwrap().to_owned();
    let moved = "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { version } }";
    for stage in ["SCREENING", "OFFERED", "ACCEPTED"] {
        ok(&gql(&h, Some(org), moved, json!({ "id": application, "s": stage })).await);
    }
    let body = gql(&h, Some(&talent), "{ myApplications { id hire { hiredOn checkInDueOn } } }", json!({})).await;
    let hire = &ok(&body)["myApplications"][0]["hire"];
    assert_eq!(hire["hiredOn"], day(0), "{body}");
    assert_eq!(
        hire["checkInDueOn"],
        day(0).replacen(&day(0)[..4], &(day(0)[..4].parse::<i32>().unwrap() + 1).to_string(), 1),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_keeps_its_rules_at_the_graphql_door() {
    retention(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_keeps_its_rules_with_a_remote_application_service() {
    retention(true).await;
}

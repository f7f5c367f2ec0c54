//! The welcome path through the GraphQL door, with the application service in process and in
//! another process: a talent from India accepted for a job reads her Blue Card checklist and
//! ticks it, the organisation reads it without ticks, nobody else reads it, and only an
//! administrator saves a new version (errors naming the field).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use support::*;

fn ok(body: &Value) -> &Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"]
}

const CHECKLIST: &str = "query($a: ID!) { welcomeChecklist(application: $a) { applicationId route routeIt routeEn version checkedOn canTick steps { id titleIt titleEn explanationIt source checkedOn done } } }";
const TICK: &str = "mutation($a: ID!, $s: String!, $d: Boolean!) { tickWelcomeStep(application: $a, step: $s, done: $d) { steps { id done } } }";
const UPDATE: &str =
    "mutation($d: WelcomeChecklistInput!) { updateWelcomeChecklist(document: $d) { version savedAt steps { id } } }";

fn done_steps(checklist: &Value) -> Vec<&str> {
    checklist["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["done"] == true)
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

async fn welcome(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 2).await;
    let h = serve(b, true, 256 * 1024, None, None).await;
    let members = org_members(&h, &admin, &orgs).await;
    let (org, other_org) = (&members[0], &members[1]);
    let body = gql(
        &h,
        Some(org),
        "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }",
        json!({ "o": input("offer", &open_offer(0)) }),
    )
    .await;
    let offer = ok(&body)["postOffer"]["id"].as_str().unwrap().to_owned();
    let talent = register(&h, "priya@example.org", "TALENT").await;
    let mut profile = demo("talents.json")[0].clone();
    assert_eq!(profile["country_of_origin"], "IN");
    // Studied abroad: a job takes the Blue Card (a degree in Italy would convert a study permit).
    profile["education"] = json!([]);
    let body = gql(
        &h,
        Some(&talent),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("talent", &profile) }),
    )
    .await;
    ok(&body);
    let body = gql(
        &h,
        Some(&talent),
        "mutation($t: ID!) { apply(target: $t, motivation: \"Ciao\") { id } }",
        json!({ "t": offer }),
    )
    .await;
    let application = ok(&body)["apply"]["id"].as_str().unwrap().to_owned();
    let a = json!({ "a": application });

    // Not accepted yet: nothing.
    let body = gql(&h, Some(&talent), CHECKLIST, a.clone()).await;
    assert!(ok(&body)["welcomeChecklist"].is_null(), "{body}");
    let moved = "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { version } }";
    for stage in ["SCREENING", "OFFERED", "ACCEPTED"] {
        ok(&gql(&h, Some(org), moved, json!({ "id": application, "s": stage })).await);
    }

    let body = gql(&h, Some(&talent), CHECKLIST, a.clone()).await;
    let mine = &ok(&body)["welcomeChecklist"];
    assert_eq!(
        (&mine["route"], &mine["routeIt"], &mine["canTick"]),
        (&json!("blue-card"), &json!("Carta blu UE"), &json!(true))
    );
    assert_eq!(mine["applicationId"], application.as_str());
    assert_eq!(mine["version"], "1.0.0");
    assert!(mine["checkedOn"].as_str().unwrap().len() == 10, "{mine}");
    let steps = mine["steps"].as_array().unwrap();
    let codice = steps.iter().find(|s| s["id"] == "codice-fiscale").expect("the codice fiscale step");
    assert!(codice["source"].as_str().unwrap().starts_with("https://www.agenziaentrate.gov.it/"));
    assert_eq!(codice["titleIt"], "Codice fiscale");
    assert!(steps.iter().all(|s| s["done"] == false), "{mine}");

    // Ticks: the talent's, invisible to the organisation.
    let body = gql(&h, Some(&talent), TICK, json!({ "a": application, "s": "codice-fiscale", "d": true })).await;
    assert_eq!(done_steps(&ok(&body)["tickWelcomeStep"]), ["codice-fiscale"]);
    let body = gql(&h, Some(&talent), CHECKLIST, a.clone()).await;
    assert_eq!(done_steps(&ok(&body)["welcomeChecklist"]), ["codice-fiscale"]);
    let body = gql(&h, Some(org), CHECKLIST, a.clone()).await;
    let theirs = &ok(&body)["welcomeChecklist"];
    assert_eq!(theirs["canTick"], false);
    assert!(theirs["steps"].as_array().unwrap().iter().all(|s| s["done"].is_null()), "{theirs}");
    let body = gql(&h, Some(org), TICK, json!({ "a": application, "s": "housing", "d": true })).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    let body = gql(&h, Some(&talent), TICK, json!({ "a": application, "s": "golden-visa", "d": true })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "step", "{body}");

    // Nobody else.
    let stranger = register(&h, "curious@example.org", "TALENT").await;
    for token in [other_org.as_str(), stranger.as_str(), admin.as_str()] {
        let body = gql(&h, Some(token), CHECKLIST, a.clone()).await;
        assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    }
    let body = gql(&h, None, CHECKLIST, a.clone()).await;
    assert_eq!(code(&body), Some("UNAUTHENTICATED"), "{body}");

    // Her export holds her ticks.
    let body =
        gql(&h, Some(&talent), "mutation { exportMyData { welcomeTicks { applicationId step tickedAt } } }", json!({}))
            .await;
    assert_eq!(ok(&body)["exportMyData"]["welcomeTicks"][0]["step"], "codice-fiscale", "{body}");

    // The administrator's edit, checked field by field; nobody else edits.
    let body = gql(&h, Some(&admin), "{ welcomeChecklistDocument { version savedAt steps { id routes titleIt titleEn explanationIt explanationEn source checkedOn } } }", json!({})).await;
    let document = ok(&body)["welcomeChecklistDocument"].clone();
    assert!(document["savedAt"].is_null(), "the reference checklist: {document}");
    let mut edit = json!({ "version": "1.0.1", "steps": document["steps"] });
    let body = gql(&h, Some(&talent), UPDATE, json!({ "d": edit })).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    edit["steps"][3]["source"] = json!("ftp://example.org/");
    let body = gql(&h, Some(&admin), UPDATE, json!({ "d": edit })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "document.steps[3].source", "{body}");
    edit["steps"][3]["source"] = document["steps"][3]["source"].clone();
    edit["steps"][0]["titleIt"] = json!("Il datore di lavoro chiede la Carta blu UE allo Sportello unico");
    let body = gql(&h, Some(&admin), UPDATE, json!({ "d": edit })).await;
    assert_eq!(ok(&body)["updateWelcomeChecklist"]["version"], "1.0.1");
    let body = gql(&h, Some(&talent), CHECKLIST, a.clone()).await;
    let mine = &ok(&body)["welcomeChecklist"];
    assert_eq!(mine["version"], "1.0.1");
    assert_eq!(mine["steps"][0]["titleIt"], "Il datore di lavoro chiede la Carta blu UE allo Sportello unico");
    assert_eq!(done_steps(mine), ["codice-fiscale"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_path_keeps_its_rules_at_the_graphql_door() {
    welcome(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_path_keeps_its_rules_with_a_remote_application_service() {
    welcome(true).await;
}

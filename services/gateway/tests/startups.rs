//! Startups hire, at every door: a startup posts an internship through GraphQL, only it edits
//! and closes it and reads its ranked candidates (GraphQL and REST), everyone sees its
//! employer by name and `fromStartup`, the search filter `employer:startup` finds it and not an
//! organisation's offer, and a talent's matches mark it. Run in-process and with the
//! application service behind its internal wire, as the distributed mode runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_domain::EntityKind;
use serde_json::{Value, json};
use std::sync::Arc;
use support::*;

async fn rest(h: &Harness, token: &str, path: &str) -> (u16, String) {
    let response = reqwest::Client::new().get(format!("{}{path}", h.base)).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn internship() -> Value {
    let mut offer = open_offer(0);
    offer["kind"] = json!("internship");
    offer["contract"] = json!("internship");
    offer["title"] = json!("Stage in sviluppo backend Rust");
    offer
}

const POST: &str = "mutation($o: OfferInput!) { postOffer(offer: $o) { id } }";
const UPDATE: &str = "mutation($id: ID!, $o: OfferInput!) { updateOffer(id: $id, offer: $o) { id } }";
const CLOSE: &str = "mutation($id: ID!) { closeOffer(id: $id) { id } }";
const MATCHES: &str = "query($s: ID!) { matches(subject: $s) { counterpartId fromStartup } }";

async fn startups_hire_at(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 1).await;
    let profiles = b.profiles.clone();
    let taxonomy = Arc::new(crocevia_search::taxonomy::Taxonomy::new(reference_skills().concepts().to_vec()));
    let search = crocevia_search::SearchService::in_ram(taxonomy.clone()).unwrap();
    let matching =
        crocevia_matching::MatchingService::open(b.db.clone(), &b.dir.path().join("m"), taxonomy).await.unwrap();
    let h = serve(b, true, 256 * 1024, Some(search.clone()), Some(matching.clone())).await;
    let member = org_members(&h, &admin, &orgs).await.remove(0);
    let save = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }";
    let founder = register(&h, "founder@example.org", "STARTUP").await;
    let body = gql(&h, Some(&founder), POST, json!({ "o": input("offer", &internship()) })).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "no startup profile yet: {body}");
    let startup = demo("startups.json")[0].clone();
    let body = gql(&h, Some(&founder), save, json!({ "p": input("startup", &startup) })).await;
    assert!(body["errors"].is_null(), "{body}");
    let rival = register(&h, "rival@example.org", "STARTUP").await;
    gql(&h, Some(&rival), save, json!({ "p": input("startup", &demo("startups.json")[1]) })).await;
    let talent = register(&h, "talent@example.org", "TALENT").await;
    let mut person = demo("talents.json")[0].clone();
    person["seeking"] = json!([]);
    let body = gql(&h, Some(&talent), save, json!({ "p": input("talent", &person) })).await;
    let talent_id = body["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();

    // The startup posts; a PhD position and a programme are refused.
    let body = gql(&h, Some(&founder), POST, json!({ "o": input("offer", &internship()) })).await;
    let offer = body["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let mut phd = internship();
    phd["kind"] = json!("phd_position");
    let body = gql(&h, Some(&founder), POST, json!({ "o": input("offer", &phd) })).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "offer.kind", "{body}");
    let body = gql(
        &h,
        Some(&founder),
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({ "p": input("programme", &open_programme(0)) }),
    )
    .await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    let body = gql(&h, Some(&member), POST, json!({ "o": input("offer", &open_offer(1)) })).await;
    let org_offer = body["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();

    // Everyone reads who posted it: the startup's public name, never its contact.
    let read = "query($id: ID!) { entity(kind: OFFER, id: $id) { ... on Offer { organisationId startupId fromStartup employer { kind id name } } } }";
    let body = gql(&h, None, read, json!({ "id": offer })).await;
    let seen = &body["data"]["entity"];
    assert_eq!(seen["fromStartup"], true, "{body}");
    assert_eq!((&seen["employer"]["kind"], &seen["employer"]["name"]), (&json!("STARTUP"), &startup["name"]), "{body}");
    assert!(seen["organisationId"].is_null() && seen["startupId"] == seen["employer"]["id"], "{body}");
    assert!(!body.to_string().contains(startup["contact_email"].as_str().unwrap()));
    let body = gql(&h, None, read, json!({ "id": org_offer })).await;
    assert_eq!(
        (&body["data"]["entity"]["fromStartup"], &body["data"]["entity"]["employer"]["kind"]),
        (&json!(false), &json!("ORGANISATION"))
    );
    let body = gql(&h, Some(&founder), "query { myPostings { ... on Offer { id } } }", json!({})).await;
    assert_eq!(body["data"]["myPostings"], json!([{ "id": offer }]), "{body}");

    // Search and matching learn the offers and the talent, as from the bus.
    teach(
        &profiles,
        &search,
        &matching,
        &[(EntityKind::Offer, &offer), (EntityKind::Offer, &org_offer), (EntityKind::Talent, &talent_id)],
    )
    .await;
    let find = "query($f: [String!]!) { search(input: {kinds: [OFFER], filters: $f}) { total hits { id } } }";
    let body = gql(&h, Some(&talent), find, json!({ "f": ["employer:startup"] })).await;
    assert_eq!(body["data"]["search"]["hits"], json!([{ "id": offer }]), "{body}");
    let (status, text) = {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/search", h.base))
            .json(&json!({ "kinds": ["offer"], "filters": ["employer:startup"] }))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(&offer) && !text.contains(&org_offer), "{text}");

    // Its ranked candidates: the startup only (GraphQL and REST).
    for (who, token, allowed) in
        [("founder", &founder, true), ("rival", &rival, false), ("talent", &talent, false), ("member", &member, false)]
    {
        let body = gql(&h, Some(token), MATCHES, json!({ "s": offer })).await;
        let (status, text) = rest(&h, token, &format!("/api/v1/matches/{offer}")).await;
        if allowed {
            assert!(body["errors"].is_null(), "{who}: {body}");
            assert_eq!(status, 200, "{who}: {text}");
        } else {
            assert_eq!((code(&body), status), (Some("FORBIDDEN"), 403), "{who}: {body} {text}");
        }
    }
    // The talent's own list marks the startup's offer.
    let body = gql(&h, Some(&talent), MATCHES, json!({ "s": talent_id })).await;
    let list = body["data"]["matches"].as_array().unwrap_or_else(|| panic!("{body}"));
    let flag = |id: &str| list.iter().find(|m| m["counterpartId"] == id).map(|m| m["fromStartup"].clone());
    assert_eq!(flag(&offer), Some(json!(true)), "{body}");
    assert!(list.iter().filter(|m| m["counterpartId"] != offer.as_str()).all(|m| m["fromStartup"] == false), "{body}");

    // Editing and closing: the startup only.
    for (who, token) in [("rival", &rival), ("talent", &talent), ("member", &member)] {
        let body = gql(&h, Some(token), UPDATE, json!({ "id": offer, "o": input("offer", &internship()) })).await;
        assert_eq!(code(&body), Some("FORBIDDEN"), "update as {who}: {body}");
        let body = gql(&h, Some(token), CLOSE, json!({ "id": offer })).await;
        assert_eq!(code(&body), Some("FORBIDDEN"), "close as {who}: {body}");
    }
    let body = gql(&h, Some(&founder), UPDATE, json!({ "id": offer, "o": input("offer", &internship()) })).await;
    assert!(body["errors"].is_null(), "{body}");

    // A talent applies; the startup moves the application, a rival may not.
    let body = gql(
        &h,
        Some(&talent),
        "mutation($t: ID!) { apply(target: $t, motivation: \"Ciao\") { id } }",
        json!({ "t": offer }),
    )
    .await;
    let application = body["data"]["apply"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(&h, Some(&founder), "query { myApplications { id applicantName } }", json!({})).await;
    assert!(body["data"]["myApplications"].to_string().contains(&application), "{body}");
    let mv = "mutation($id: ID!) { moveApplication(id: $id, stage: SCREENING) { id } }";
    let body = gql(&h, Some(&rival), mv, json!({ "id": application })).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    let body = gql(&h, Some(&founder), mv, json!({ "id": application })).await;
    assert!(body["errors"].is_null(), "{body}");
    let body = gql(&h, Some(&founder), CLOSE, json!({ "id": offer })).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startups_hire() {
    startups_hire_at(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startups_hire_with_a_remote_application_service() {
    startups_hire_at(true).await;
}

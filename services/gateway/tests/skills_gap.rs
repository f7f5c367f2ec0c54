//! `mySkillsGap` through the GraphQL door, with the application service in process and in
//! another process (the distributed mode's internal wire): a talent missing exactly one
//! required skill of three offers sees it opening three, labelled in both languages with
//! where it is taught; an offer her languages exclude is not counted; nobody else may ask.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use std::sync::Arc;
use support::*;

const GAP: &str = "query { mySkillsGap { offersThatFit offersOpenNow \
     skills { skill labelIt labelEn opens missingIn courses { institution titleIt titleEn url } } } }";

/// Demo offer `i`, open, in Torino, asking for `required` and English B2 only.
fn offer(i: usize, required: &[&str]) -> Value {
    let mut o = open_offer(i);
    o["required_skills"] = json!(required);
    o["nice_to_have_skills"] = json!([]);
    o["languages"] = json!([{ "language": "en", "level": "B2" }]);
    o["comune"] = json!("torino");
    o["remote"] = json!("on_site");
    o["starts_on"] = Value::Null;
    o["sponsors_work_permit"] = json!(true);
    o["status"] = json!("open");
    o
}

async fn gap_at_the_door(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let skills = reference_skills();
    b.profiles.upsert_skills(skills.concepts()).await.unwrap();
    let (_, admin) = seed(&b, 1).await;
    let taxonomy = Arc::new(crocevia_search::taxonomy::Taxonomy::new(skills.concepts().to_vec()));
    let matching =
        crocevia_matching::MatchingService::open(b.db.clone(), &b.dir.path().join("m"), taxonomy).await.unwrap();
    let h = serve(b, true, 256 * 1024, None, Some(matching.clone())).await;

    // Before she has a profile, she is told to make one.
    let token = register(&h, "gap@example.org", "TALENT").await;
    let body = gql(&h, Some(&token), GAP, json!({})).await;
    assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("talent profile"), "{body}");

    // A data scientist in Torino: Python and statistics, English C1, no Italian.
    let mut talent = demo("talents.json")[0].clone();
    talent["skills"] = json!([{ "skill": "python", "years": 3 }, { "skill": "statistics", "years": 3 }]);
    talent["languages"] = json!([{ "language": "en", "level": "C1" }]);
    talent["residence"] = json!("torino");
    talent["needs_work_permit"] = json!(false);
    talent["seeking"] = json!([]);
    let saved = gql(
        &h,
        Some(&token),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({ "p": input("talent", &talent) }),
    )
    .await;
    assert!(saved["errors"].is_null(), "{saved}");

    // Three offers she misses only cybersecurity for; one she misses it for but whose Italian
    // C1 keeps her out anyway.
    let mut offers: Vec<Value> = (0..3).map(|i| offer(i, &["python", "cybersecurity"])).collect();
    let mut italian = offer(3, &["python", "cybersecurity"]);
    italian["languages"] = json!([{ "language": "it", "level": "C1" }]);
    offers.push(italian);
    let batch: Vec<_> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let entity = serde_json::from_value(json!({ "kind": "offer", "data": o })).unwrap();
            delivery(&entity, 1, i as i64)
        })
        .collect();
    matching.process(&batch).await.unwrap();

    let body = gql(&h, Some(&token), GAP, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let gap = &body["data"]["mySkillsGap"];
    assert_eq!((gap["offersThatFit"].as_i64(), gap["offersOpenNow"].as_i64()), (Some(3), Some(0)), "{body}");
    let skills = gap["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 1, "{body}");
    let cyber = &skills[0];
    assert_eq!((cyber["opens"].as_i64(), cyber["missingIn"].as_i64()), (Some(3), Some(3)), "{body}");
    assert_eq!(
        (cyber["labelIt"].as_str(), cyber["labelEn"].as_str()),
        (Some("Sicurezza informatica"), Some("Cybersecurity"))
    );
    let courses = cyber["courses"].as_array().unwrap();
    assert!(courses.iter().any(|c| c["institution"] == "Politecnico di Torino"), "{body}");
    assert!(courses.iter().all(|c| c["url"].as_str().unwrap().starts_with("https://")));

    // Hers alone: not a startup's, not an administrator's, not an anonymous visitor's.
    let startup = register(&h, "gap-startup@example.org", "STARTUP").await;
    for other in [startup.as_str(), admin.as_str()] {
        let body = gql(&h, Some(other), GAP, json!({})).await;
        assert_eq!(code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert_eq!(code(&post(&h, None, json!({ "query": GAP })).await.1), Some("UNAUTHENTICATED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_talent_reads_her_skills_gap_and_nobody_else_does() {
    gap_at_the_door(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_talent_reads_her_skills_gap_with_a_remote_application_service() {
    gap_at_the_door(true).await;
}

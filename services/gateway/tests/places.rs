//! Places over GraphQL: a talent abroad saves a city with its country typed by name, in either
//! language, and reads it back by name in both; an unknown country is refused naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use support::*;

const SAVE: &str = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }";
const MINE: &str = "{ myProfile { ... on Talent { countryOfOrigin residence { comune city country countryNameIt \
                    countryNameEn inMetroArea } } ... on Startup { seat { comune city country countryNameIt } } } }";

async fn save_talent(h: &Harness, token: &str, residence: Value, origin: &str) -> Value {
    let mut p = input("talent", &demo("talents.json")[0]);
    p["talent"]["residence"] = residence;
    p["talent"]["countryOfOrigin"] = json!(origin);
    // Skills are beside the point, and this harness loads no taxonomy.
    p["talent"]["skills"] = json!([]);
    gql(h, Some(token), SAVE, json!({ "p": p })).await
}

#[tokio::test]
async fn a_talent_abroad_types_her_country_by_name_and_reads_it_in_both_languages() {
    let h = start(true).await;
    let talent = register(&h, "priya@example.org", "TALENT").await;

    for (typed, code, it, en) in [("Germania", "DE", "Germania", "Germany"), ("India", "IN", "India", "India")] {
        let saved = save_talent(&h, &talent, json!({ "city": "Monaco di Baviera", "country": typed }), typed).await;
        assert!(saved["errors"].is_null(), "{typed}: {saved}");
        let body = gql(&h, Some(&talent), MINE, json!({})).await;
        let mine = &body["data"]["myProfile"];
        assert_eq!(mine["countryOfOrigin"], code, "a country of origin typed by name is kept as its code: {body}");
        assert_eq!(
            mine["residence"],
            json!({ "comune": null, "city": "Monaco di Baviera", "country": code, "countryNameIt": it,
                    "countryNameEn": en, "inMetroArea": false }),
            "{typed}: {body}"
        );
    }

    // A comune of the area reads back by its name, with its id for editors.
    let saved = save_talent(&h, &talent, json!({ "comune": "settimo-torinese" }), "IT").await;
    assert!(saved["errors"].is_null(), "{saved}");
    let body = gql(&h, Some(&talent), MINE, json!({})).await;
    let residence = &body["data"]["myProfile"]["residence"];
    assert_eq!(
        (residence["comune"].as_str(), residence["city"].as_str()),
        (Some("settimo-torinese"), Some("Settimo Torinese"))
    );
    assert_eq!(residence["inMetroArea"], true, "{body}");
}

#[tokio::test]
async fn an_unknown_country_is_refused_naming_the_field() {
    let h = start(true).await;
    let talent = register(&h, "atlantis@example.org", "TALENT").await;
    let body = save_talent(&h, &talent, json!({ "city": "Poseidonia", "country": "Atlantide" }), "IT").await;
    assert_eq!(code(&body), Some("BAD_USER_INPUT"), "{body}");
    let error = &body["errors"][0];
    let field = error["extensions"]["field"].as_str().unwrap_or_default();
    assert!(field.ends_with("residence.country"), "{body}");
    assert!(error["message"].as_str().unwrap_or_default().contains("unknown country 'Atlantide'"), "{body}");

    let body = save_talent(&h, &talent, json!({ "city": "Lyon" }), "IT").await;
    assert!(
        body["errors"][0]["extensions"]["field"].as_str().unwrap_or_default().ends_with("residence.country"),
        "{body}"
    );

    // A startup's seat is a place too.
    let startup = register(&h, "munich@example.org", "STARTUP").await;
    let mut p = input("startup", &demo("startups.json")[0]);
    p["startup"]["seat"] = json!({ "city": "München", "country": "Germany" });
    let saved = gql(&h, Some(&startup), SAVE, json!({ "p": p })).await;
    assert!(saved["errors"].is_null(), "{saved}");
    let body = gql(&h, Some(&startup), MINE, json!({})).await;
    assert_eq!(
        body["data"]["myProfile"]["seat"],
        json!({ "comune": null, "city": "München", "country": "DE", "countryNameIt": "Germania" }),
        "{body}"
    );
}

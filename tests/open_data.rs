//! Open data end to end, on the real binary: the aggregates the platform publishes (kept from
//! the events) agree with counts recomputed straight from the database, on the Torino demo
//! data and on a generated data set; no published cell counts fewer than k; no filter
//! combination singles out a talent; the exports parse and match the data dictionary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use support::{Instance, Server, demo_dir};

const K: u64 = 5;

/// Each population's members, as the key sets of each dimension, recounted from the
/// entity tables (not from the events).
#[derive(Default, Debug)]
struct Recount {
    /// dataset id -> one key set per member.
    members: BTreeMap<&'static str, Vec<BTreeSet<String>>>,
}

fn keys_or_not_stated(list: &Value, field: Option<&str>) -> BTreeSet<String> {
    let set: BTreeSet<String> = list
        .as_array()
        .map(|a| a.iter().filter_map(|v| field.map_or(v.as_str(), |f| v[f].as_str())).map(str::to_owned).collect())
        .unwrap_or_default();
    if set.is_empty() { BTreeSet::from(["not_stated".to_owned()]) } else { set }
}

fn one(v: &Value, fallback: &str) -> BTreeSet<String> {
    BTreeSet::from([v.as_str().unwrap_or(fallback).to_owned()])
}

async fn rows(db: &sea_orm::DatabaseConnection, table: &str) -> Vec<Value> {
    let backend = db.get_database_backend();
    let sql = format!("SELECT data FROM {table}");
    let rows = db.query_all(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter()
        .map(|r| match r.try_get::<Value>("", "data") {
            Ok(v) => v,
            Err(_) => serde_json::from_str(&r.try_get::<String>("", "data").unwrap()).unwrap(),
        })
        .collect()
}

async fn recount(url: &str) -> Recount {
    let db = Database::connect(url).await.unwrap();
    let mut r = Recount::default();
    let mut push = |id: &'static str, keys: BTreeSet<String>| r.members.entry(id).or_default().push(keys);
    for o in rows(&db, "offers").await {
        push("offers_by_sector", keys_or_not_stated(&o["sectors"], None));
        push("offers_by_kind", one(&o["kind"], ""));
        push("offers_by_comune", one(&o["comune"], ""));
        push("offers_by_month", BTreeSet::from([o["posted_on"].as_str().unwrap()[..7].to_owned()]));
    }
    for t in rows(&db, "talents").await {
        push("talents_by_field", keys_or_not_stated(&t["sectors"], None));
        push("talents_by_origin", one(&t["country_of_origin"], ""));
        push("talents_by_language", keys_or_not_stated(&t["languages"], Some("language")));
        push("talents_by_comune", one(&t["residence"], "outside_metro"));
        for c in t["check_ins"].as_array().into_iter().flatten().filter(|c| c["about"]["kind"] == "graduation") {
            push("graduates_retention_by_institution", one(&c["about"]["institution"], ""));
            push("graduates_retention_by_field", one(&c["about"]["field"], ""));
        }
    }
    for s in rows(&db, "startups").await {
        push("startups_by_sector", keys_or_not_stated(&s["sectors"], None));
        push("startups_by_stage", one(&s["stage"], ""));
        push("startups_by_comune", one(&s["seat"], "outside_metro"));
    }
    let mut programmes = BTreeMap::new();
    for p in rows(&db, "programmes").await {
        push("programmes_by_model", one(&p["model"], ""));
        push("programmes_by_sector", keys_or_not_stated(&p["sectors"], None));
        programmes.insert(p["id"].as_str().unwrap().to_owned(), p);
    }
    for a in rows(&db, "applications").await {
        if a["target"]["kind"] == "offer" && !a["hire"].is_null() {
            push("hires_by_sector", keys_or_not_stated(&a["hire"]["sectors"], None));
            push("hires_by_origin", one(&a["hire"]["origin"], ""));
        }
        if a["target"]["kind"] != "programme" {
            continue;
        }
        let Some(p) = programmes.get(a["target"]["id"].as_str().unwrap()) else { continue };
        push("applications_by_model", one(&p["model"], ""));
        push("applications_by_sector", keys_or_not_stated(&p["sectors"], None));
    }
    r
}

async fn json_of(server: &Server, path: &str) -> Value {
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {body}"))
}

/// Every published row: at least k; a named row equals the recount of its key; `other`
/// equals the members with any key that is not published; the total is the population.
fn check_against(dataset: &Value, members: &[BTreeSet<String>]) {
    let id = dataset["id"].as_str().unwrap();
    if (members.len() as u64) < K {
        assert!(dataset["total"].is_null(), "{id}: a population of {} must not be published", members.len());
        assert_eq!(dataset["rows"].as_array().unwrap().len(), 0, "{id}");
        return;
    }
    assert_eq!(dataset["total"].as_u64(), Some(members.len() as u64), "{id}: total");
    let published: BTreeSet<&str> = dataset["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .filter(|k| *k != "other")
        .collect();
    for row in dataset["rows"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        let count = row["count"].as_u64().unwrap();
        assert!(count >= K, "{id}: row {key} counts {count} < k");
        let expected = if key == "other" {
            members.iter().filter(|m| m.iter().any(|k| !published.contains(k.as_str()))).count()
        } else {
            members.iter().filter(|m| m.contains(key)).count()
        };
        assert_eq!(count, expected as u64, "{id}: row {key}");
    }
}

/// Waits until the aggregates have caught up with the database, then checks every dataset.
async fn assert_aggregates_match_database(server: &Server, url: &str) {
    let recount = recount(url).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut behind = Vec::new();
        for (id, members) in &recount.members {
            // 503 until the first figures are complete (tests/harvest.rs checks that).
            let (status, body) = server.get(&format!("/open-data/v1/{id}.json")).await;
            if status == 503 {
                behind.push(format!("{id}: not built yet"));
                continue;
            }
            assert_eq!(status, 200, "{id}: {body}");
            let d: Value = serde_json::from_str(&body).unwrap();
            let expected = (members.len() as u64 >= K).then_some(members.len() as u64);
            if d["total"].as_u64() != expected {
                behind.push(format!("{id}: {} of {:?}", d["total"], expected));
            }
        }
        if behind.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "open data did not catch up with the database: {behind:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for (id, members) in &recount.members {
        check_against(&json_of(server, &format!("/open-data/v1/{id}.json")).await, members);
    }
    check_skills(server, url).await;
    check_retention(server, url).await;
}

/// Graduates' retention: a row's share who stayed is published only when at least k stayed
/// and at least k left (the share and the count would otherwise give a small group away),
/// and then equals the recount; the same rule holds for the headline.
async fn check_retention(server: &Server, url: &str) {
    let db = Database::connect(url).await.unwrap();
    let mut answers: Vec<(String, String, bool)> = Vec::new();
    for t in rows(&db, "talents").await {
        for c in t["check_ins"].as_array().into_iter().flatten().filter(|c| c["about"]["kind"] == "graduation") {
            let stayed = c["lives_in_area"] == true || c["works_in_area"] == true;
            let about = &c["about"];
            answers.push((
                about["institution"].as_str().unwrap().into(),
                about["field"].as_str().unwrap().into(),
                stayed,
            ));
        }
    }
    let rate = |of: &[&(String, String, bool)]| -> Option<f64> {
        let stayed = of.iter().filter(|a| a.2).count();
        (stayed as u64 >= K && (of.len() - stayed) as u64 >= K).then(|| stayed as f64 / of.len() as f64)
    };
    for (id, by_institution) in [("graduates_retention_by_institution", true), ("graduates_retention_by_field", false)]
    {
        let d = json_of(server, &format!("/open-data/v1/{id}.json")).await;
        let all: Vec<&(String, String, bool)> = answers.iter().collect();
        let close = |v: &Value, expected: Option<f64>| match expected {
            Some(e) => (v.as_f64().unwrap() - e).abs() < 1e-9,
            None => v.is_null(),
        };
        if (all.len() as u64) < K {
            continue;
        }
        assert!(close(&d["headline"], rate(&all)), "{id}: headline {} for {all:?}", d["headline"]);
        for row in d["rows"].as_array().unwrap() {
            let key = row["key"].as_str().unwrap();
            if key == "other" {
                continue;
            }
            let of: Vec<&(String, String, bool)> =
                answers.iter().filter(|a| if by_institution { a.0 == key } else { a.1 == key }).collect();
            assert!(close(&row["value"], rate(&of)), "{id}: row {key} value {} for {of:?}", row["value"]);
        }
    }
}

/// One side of skills demand or supply: an open offer's required skills, or a talent's skills,
/// with its sectors and comune.
struct Skilled {
    skills: BTreeSet<String>,
    sectors: BTreeSet<String>,
    comune: String,
}

/// Skills demand (open offers) and supply (talents), recounted from the entity tables; only
/// members with at least one skill count.
async fn skills_recount(url: &str) -> (Vec<Skilled>, Vec<Skilled>) {
    let db = Database::connect(url).await.unwrap();
    let skills = |list: &Value, field: Option<&str>| -> BTreeSet<String> {
        list.as_array()
            .map(|a| a.iter().filter_map(|v| field.map_or(v.as_str(), |f| v[f].as_str())).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let offers = rows(&db, "offers")
        .await
        .iter()
        .filter(|o| o["status"] == "open")
        .map(|o| Skilled {
            skills: skills(&o["required_skills"], None),
            sectors: keys_or_not_stated(&o["sectors"], None),
            comune: o["comune"].as_str().unwrap().to_owned(),
        })
        .filter(|s| !s.skills.is_empty())
        .collect();
    let talents = rows(&db, "talents")
        .await
        .iter()
        .map(|t| Skilled {
            skills: skills(&t["skills"], Some("skill")),
            sectors: keys_or_not_stated(&t["sectors"], None),
            comune: t["residence"].as_str().unwrap_or("outside_metro").to_owned(),
        })
        .filter(|s| !s.skills.is_empty())
        .collect();
    (offers, talents)
}

/// Rows of a paired table: every row holds k on both sides (count = demand, value = supply);
/// a named row equals the recount of its key, `other` the members with any key not published.
fn check_pairs(id: &str, rows: &[&Value], demand: &[BTreeSet<String>], supply: &[BTreeSet<String>]) {
    let published: BTreeSet<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).filter(|k| *k != "other").collect();
    for row in rows {
        let key = row["key"].as_str().unwrap();
        let (count, value) = (row["count"].as_u64().unwrap(), row["value"].as_f64().unwrap() as u64);
        assert!(count >= K && value >= K, "{id}: row {key} has demand {count}, supply {value}: below k");
        let expected = |members: &[BTreeSet<String>]| -> u64 {
            if key == "other" {
                members.iter().filter(|m| m.iter().any(|k| !published.contains(k.as_str()))).count() as u64
            } else {
                members.iter().filter(|m| m.contains(key)).count() as u64
            }
        };
        assert_eq!((count, value), (expected(demand), expected(supply)), "{id}: row {key}");
    }
}

async fn check_skills(server: &Server, url: &str) {
    let (offers, talents) = skills_recount(url).await;
    let overall = json_of(server, "/open-data/v1/skills_demand_supply.json").await;
    if (offers.len() as u64) < K || (talents.len() as u64) < K {
        assert!(overall["total"].is_null() && overall["rows"].as_array().unwrap().is_empty(), "{overall}");
        return;
    }
    assert_eq!(overall["total"].as_u64(), Some(offers.len() as u64), "skills: open offers with a required skill");
    assert_eq!(overall["headline"].as_f64(), Some(talents.len() as f64), "skills: talents with a skill");
    let skills_of = |side: &[Skilled]| -> Vec<BTreeSet<String>> { side.iter().map(|s| s.skills.clone()).collect() };
    let rows: Vec<&Value> = overall["rows"].as_array().unwrap().iter().collect();
    check_pairs("skills_demand_supply", &rows, &skills_of(&offers), &skills_of(&talents));
    // Split by sector and by comune: each published skill's offers and talents, by group.
    for (id, group) in [
        ("skills_demand_supply_by_sector", (|s: &Skilled| s.sectors.clone()) as fn(&Skilled) -> BTreeSet<String>),
        ("skills_demand_supply_by_comune", |s: &Skilled| BTreeSet::from([s.comune.clone()])),
    ] {
        let split = json_of(server, &format!("/open-data/v1/{id}.json")).await;
        let split_rows = split["rows"].as_array().unwrap();
        for skill in rows.iter().map(|r| r["key"].as_str().unwrap()).filter(|k| *k != "other") {
            let of_skill: Vec<Value> = split_rows
                .iter()
                .filter_map(|r| {
                    let (g, s) = r["key"].as_str().unwrap().split_once('/').unwrap();
                    let mut row = r.clone();
                    row["key"] = json!(g);
                    (s == skill).then_some(row)
                })
                .collect();
            let groups = |side: &[Skilled]| -> Vec<BTreeSet<String>> {
                side.iter().filter(|s| s.skills.contains(skill)).map(group).collect()
            };
            check_pairs(
                &format!("{id} ({skill})"),
                &of_skill.iter().collect::<Vec<_>>(),
                &groups(&offers),
                &groups(&talents),
            );
            if id.ends_with("comune") {
                // One comune each: a skill's rows add up to its overall row, so none is recoverable.
                let overall_row = rows.iter().find(|r| r["key"] == skill).unwrap();
                let sum: u64 = of_skill.iter().map(|r| r["count"].as_u64().unwrap()).sum();
                assert_eq!(sum, overall_row["count"].as_u64().unwrap(), "{id}: {skill} adds up");
            }
        }
        assert!(
            split_rows.iter().all(|r| rows.iter().any(|o| {
                r["key"].as_str().unwrap().ends_with(&format!("/{}", o["key"].as_str().unwrap())) && o["key"] != "other"
            })),
            "{id}: only skills published overall are split"
        );
    }
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=ro", dir.join("crocevia.db").display())
}

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) strictly.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR without LF"),
            (false, '\n') => panic!("bare LF line end"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(!quoted && field.is_empty() && row.is_empty(), "CSV ends mid-record");
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_aggregates_match_the_database_and_exports_match_the_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let server = Instance::embedded(dir.path()).serve(&["all", "--demo-data", demo_dir().to_str().unwrap()]);
    server.wait_ready(Duration::from_secs(120)).await;
    assert_aggregates_match_database(&server, &sqlite_url(dir.path())).await;

    // The demo data is big enough for some figures: they must be published.
    let skills = json_of(&server, "/open-data/v1/skills_demand_supply.json").await;
    let published: Vec<&str> = skills["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert!(published.contains(&"python") && published.len() >= 3, "{skills}");
    assert_eq!(skills["rows"][0]["label_en"], "Python", "skills are published with their labels");
    let origin = json_of(&server, "/open-data/v1/talents_by_origin.json").await;
    assert!(origin["rows"].as_array().unwrap().iter().any(|r| r["key"] == "IT"), "{origin}");
    assert!(origin["rows"].as_array().unwrap().iter().any(|r| r["key"] == "other"), "{origin}");

    let dictionary = json_of(&server, "/open-data/v1/dictionary.json").await;
    assert_eq!(dictionary["licence"], "CC BY 4.0");
    let catalogue = json_of(&server, "/open-data/v1/").await;
    let described: Vec<&Value> = dictionary["datasets"].as_array().unwrap().iter().collect();
    assert_eq!(catalogue["datasets"].as_array().unwrap().len(), described.len());
    for entry in described {
        let id = entry["id"].as_str().unwrap();
        for text in ["title_it", "title_en", "description_it", "description_en"] {
            assert!(entry[text].as_str().is_some_and(|t| !t.is_empty()), "{id}: {text}");
        }
        let columns: Vec<&str> =
            entry["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        for c in entry["columns"].as_array().unwrap() {
            assert!(
                !c["description_it"].as_str().unwrap().is_empty() && !c["description_en"].as_str().unwrap().is_empty()
            );
        }
        let (status, csv) = server.get(&format!("/open-data/v1/{id}.csv")).await;
        assert_eq!(status, 200);
        let table = parse_csv(&csv);
        assert_eq!(table[0], columns, "{id}: CSV header vs dictionary");
        let json = json_of(&server, &format!("/open-data/v1/{id}.json")).await;
        assert_eq!(json["licence"], "CC BY 4.0");
        assert_eq!(json["rows"].as_array().unwrap().len(), table.len() - 1, "{id}: CSV and JSON rows");
        for (row, record) in json["rows"].as_array().unwrap().iter().zip(&table[1..]) {
            assert_eq!(record.len(), columns.len(), "{id}: ragged CSV row");
            let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), columns.len(), "{id}: JSON row fields vs dictionary");
            for (column, cell) in columns.iter().zip(record) {
                let value = &row[*column];
                let rendered = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    Value::Number(n) => n.to_string(),
                    other => panic!("{id}.{column}: {other}"),
                };
                if let (Ok(a), Ok(b)) = (cell.parse::<f64>(), rendered.parse::<f64>()) {
                    assert!((a - b).abs() < 1e-3, "{id}.{column}: CSV {cell} vs JSON {rendered}");
                } else {
                    assert_eq!(cell, &rendered, "{id}.{column}");
                }
            }
        }
    }
    let (status, body) = server.get("/open-data/v1/nope.csv").await;
    assert_eq!(status, 404, "{body}");
}

async fn graphql(server: &Server, query: &str, variables: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

const DATASET: &str = "query($id: String!, $keys: [String!], $from: String, $to: String) {
  openData { dataset(id: $id, keys: $keys, from: $from, to: $to) { id total headline rows { key labelIt labelEn count share value } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn no_filter_combination_singles_out_a_talent() {
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::embedded(dir.path());
    let server = instance.serve(&["all", "--demo-data", demo_dir().to_str().unwrap()]);
    server.wait_ready(Duration::from_secs(120)).await;
    // One talent who is the only one with her country, comune, language and field.
    let token =
        server.sign_up(&instance, "solveig@example.org", "a long enough secret", "Solveig Unique", "TALENT").await;
    let save = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(&token)
        .json(&json!({ "query": "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }", "variables": { "p": { "talent": {
            "displayName": "Solveig Unique", "contactEmail": "solveig@example.org", "countryOfOrigin": "IS",
            "residence": {"comune": "pianezza"}, "languages": [{"language": "is", "level": "NATIVE"}],
            "sectors": ["TOURISM"], "fieldOfStudy": "Volcanology"
        }}}}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let talent_id = save["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{save}")).to_owned();
    let url = sqlite_url(dir.path());
    // Her profile is counted once the aggregates caught up.
    assert_aggregates_match_database(&server, &url).await;

    let secrets = ["Solveig", "solveig@example.org", talent_id.as_str(), "Volcanology", "\"IS\"", "\"is\"", "pianezza"];
    let catalogue = json_of(&server, "/open-data/v1/").await;
    let ids: Vec<String> =
        catalogue["datasets"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect();
    let probe_keys = [
        vec![],
        vec!["IS"],
        vec!["is"],
        vec!["pianezza"],
        vec!["tourism"],
        vec!["other"],
        vec!["IS", "other", "pianezza", "is", "tourism"],
        vec!["torino", "IT", "en", "ict"],
    ];
    let months = [None, Some("2026-11"), Some("2000-01"), Some("2099-12")];
    let mut asked = 0;
    for id in &ids {
        for keys in &probe_keys {
            for from in months {
                for to in months {
                    let month_filter = id == "offers_by_month";
                    let vars = json!({
                        "id": id,
                        "keys": if keys.is_empty() { Value::Null } else { json!(keys) },
                        "from": if month_filter { json!(from) } else { Value::Null },
                        "to": if month_filter { json!(to) } else { Value::Null },
                    });
                    let answer = graphql(&server, DATASET, vars).await;
                    asked += 1;
                    let text = answer.to_string();
                    for secret in secrets {
                        assert!(!text.contains(secret), "{id} with {keys:?}: {secret} leaked: {text}");
                    }
                    let dataset = &answer["data"]["openData"]["dataset"];
                    assert!(dataset.is_object(), "{id} {keys:?} {from:?} {to:?}: {answer}");
                    for row in dataset["rows"].as_array().unwrap() {
                        assert!(row["count"].as_u64().unwrap() >= K, "{id} {keys:?}: {row}");
                    }
                    if !month_filter {
                        break;
                    }
                }
                if id != "offers_by_month" {
                    break;
                }
            }
        }
    }
    assert!(asked > 100, "{asked}");
    // Subtraction attack: with single-valued dimensions the rows add up to the total, so
    // `total - sum(rows)` reveals no hidden small group.
    for id in ["talents_by_origin", "talents_by_comune", "offers_by_kind", "startups_by_stage"] {
        let d = json_of(&server, &format!("/open-data/v1/{id}.json")).await;
        if let Some(total) = d["total"].as_u64() {
            let sum: u64 = d["rows"].as_array().unwrap().iter().map(|r| r["count"].as_u64().unwrap()).sum();
            assert_eq!(sum, total, "{id}");
        }
    }
    // The raw downloads hold nothing about her either.
    for id in &ids {
        let (_, csv) = server.get(&format!("/open-data/v1/{id}.csv")).await;
        let json = json_of(&server, &format!("/open-data/v1/{id}.json")).await;
        for body in [csv.clone(), json.to_string()] {
            for secret in &secrets[..4] {
                assert!(!body.contains(secret), "{id}: {secret} leaked");
            }
        }
        let csv_keys = parse_csv(&csv).into_iter().skip(1).map(|r| r[0].clone());
        let json_keys = json["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap().to_owned());
        for key in csv_keys.chain(json_keys) {
            assert!(!["IS", "is", "pianezza"].contains(&key.as_str()), "{id}: her {key} is published");
        }
    }
    // Bad filters name their field.
    let bad = graphql(&server, DATASET, json!({"id": "offers_by_month", "from": "2026-13"})).await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "from", "{bad}");
    let bad = graphql(&server, DATASET, json!({"id": "talents_by_names"})).await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "id", "{bad}");
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_data_aggregates_match_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("generated");
    let url = crocevia_kit::testing::fresh_postgres_database("open_data").await;
    let instance = Instance::embedded(dir.path()).with("CROCEVIA__DATABASE__URL", &url);
    let (status, out) =
        instance.run(&["generate", "--talents", "3000", "--seed", "7", "--out", data.to_str().unwrap()]);
    assert!(status.success(), "{out}");
    // The running platform loads the taxonomy the import validates skills against, and its
    // relay publishes what the import writes.
    let server = instance.serve(&["all"]);
    server.wait_ready(Duration::from_secs(120)).await;
    let (status, out) = instance.run(&["import", data.to_str().unwrap()]);
    assert!(status.success(), "{out}");
    assert_aggregates_match_database(&server, &url).await;
    // With thousands of people, the headline figures are published.
    let origin = json_of(&server, "/open-data/v1/talents_by_origin.json").await;
    let share = origin["headline"].as_f64().expect("international share");
    assert!((0.05..0.95).contains(&share), "{share}");
    let months = json_of(&server, "/open-data/v1/offers_by_month.json").await;
    assert!(months["rows"].as_array().unwrap().len() >= 2, "{months}");
}

//! Open data as portals harvest it, on the real binary with the Torino demo data and the
//! tools the open-data world uses: the DCAT-AP_IT catalogue against the project's SHACL
//! shapes (pySHACL), the data packages with `frictionless validate`, the CKAN action API with
//! the ckanapi client and with plain GETs as CKAN's harvester sends them, conditional GETs,
//! and no download presented as current before the first figures are complete.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{Instance, Server, demo_dir, repo_root};

const DATASETS: usize = 23;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `python3 args...` from the repository root: (exit code, stdout + stderr).
fn python(args: &[&str]) -> (i32, String) {
    let out = Command::new("python3").args(args).current_dir(repo_root()).output().expect("python3");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

async fn get(url: &str, headers: &[(reqwest::header::HeaderName, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

async fn json_at(url: &str) -> Value {
    let response = get(url, &[]).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.json().await.unwrap()
}

/// Platform up with the demo data, its public URL its own address. The open-data consumer
/// takes one event per batch, so building the first figures takes seconds: the window in
/// which partial figures could be served is wide.
fn start(dir: &Path) -> (Instance, Server, String) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let instance =
        Instance::embedded(dir).with("CROCEVIA__HTTP__PUBLIC_URL", &base).with("CROCEVIA__INSIGHTS__BATCH_MAX", "1");
    let port = port.to_string();
    let server = instance.serve(&["all", "--demo-data", demo_dir().to_str().unwrap(), "--port", &port]);
    (instance, server, base)
}

/// From the first moment the server listens: every answer for a download is either 503
/// with `Retry-After` or the complete figures. Returns the first complete `offers_by_kind`.
async fn first_figures(base: &str) -> String {
    let url = format!("{base}/open-data/v1/offers_by_kind.csv");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut withheld = 0;
    loop {
        let response = get(&url, &[]).await;
        match response.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                withheld += 1;
                let retry: u64 = response.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
                assert!((1..=60).contains(&retry), "Retry-After {retry}");
                let problem: Value = response.json().await.unwrap();
                assert_eq!(problem["code"], "UNAVAILABLE", "{problem}");
                let catalogue = json_at(&format!("{base}/open-data/v1/")).await;
                assert!(["building", "current"].contains(&catalogue["status"].as_str().unwrap()), "{catalogue}");
            }
            StatusCode::OK => {
                let body = response.text().await.unwrap();
                eprintln!("complete figures after {withheld} withheld answers");
                return body;
            }
            other => panic!("{url}: {other}"),
        }
        assert!(Instant::now() < deadline, "the open data never became complete");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn offers_in_database(dir: &Path) -> u64 {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let url = format!("sqlite://{}?mode=ro", dir.join("crocevia.db").display());
    let db = Database::connect(&url).await.unwrap();
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM offers"))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as u64
}

fn check_dcat(base: &str, catalogue: &Value) {
    // The JSON-LD and the Turtle both pass (and are the same graph, below).
    for file in ["catalog.jsonld", "catalog.ttl"] {
        let url = format!("{base}/open-data/v1/{file}");
        let (code, out) = python(&["tests/open_data/validate_dcat.py", "tests/open_data/dcat-ap_it.shapes.ttl", &url]);
        assert_eq!(code, 0, "DCAT-AP_IT validation of {file}: {out}");
        let counts = format!("1 catalogues, {DATASETS} datasets, {} distributions", 2 * DATASETS);
        assert!(out.contains(&counts), "{file}: {out}");
    }
    let same = "import sys, rdflib\nfrom rdflib.compare import isomorphic\n\
                a = rdflib.Graph().parse(sys.argv[1], format='json-ld')\n\
                b = rdflib.Graph().parse(sys.argv[2], format='turtle')\n\
                print(len(a), len(b))\nsys.exit(0 if len(a) > 100 and isomorphic(a, b) else 1)";
    let (code, out) = python(&[
        "-c",
        same,
        &format!("{base}/open-data/v1/catalog.jsonld"),
        &format!("{base}/open-data/v1/catalog.ttl"),
    ]);
    assert_eq!(code, 0, "the Turtle and the JSON-LD are not the same graph: {out}");
    // Every download URL is absolute, on the public address, and answers.
    let datasets = catalogue["@graph"][0]["dcat:dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), DATASETS);
    for d in datasets {
        assert!(d["dct:identifier"].as_str().unwrap().starts_with("cmto:crocevia-"), "{d}");
        for dist in d["dcat:distribution"].as_array().unwrap() {
            let url = dist["dcat:downloadURL"]["@id"].as_str().unwrap();
            assert!(url.starts_with(&format!("{base}/open-data/v1/")), "{url}");
        }
    }
}

/// `one` is a dataset's package URL, `package` and `csv` its descriptor and CSV as served.
fn check_frictionless(base: &str, dir: &Path, one: &str, package: &str, csv: &str) {
    let (code, out) =
        python(&["-m", "frictionless", "validate", "--json", &format!("{base}/open-data/v1/datapackage.json")]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("frictionless ({code}, {e}): {out}"));
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["stats"]["tasks"].as_u64(), Some(DATASETS as u64), "{report}");
    let (code, out) = python(&["-m", "frictionless", "validate", "--json", one]);
    assert_eq!(code, 0, "{out}");

    // The schema's constraints bite: the same package over a copy whose count is below k
    // and whose key repeats is invalid.
    let mut package: Value = serde_json::from_str(package).unwrap();
    let mut lines: Vec<String> = csv.split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect();
    assert!(lines.len() >= 3, "the demo data publishes origins: {csv}");
    let cells: Vec<&str> = lines[1].split(',').collect();
    lines.push(format!("{},{},{},3,0.01", cells[0], cells[1], cells[2]));
    let local = dir.join("tampered");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("data.csv"), lines.join("\r\n") + "\r\n").unwrap();
    package["resources"][0]["path"] = json!("data.csv");
    std::fs::write(local.join("datapackage.json"), package.to_string()).unwrap();
    let descriptor = local.join("datapackage.json");
    let (code, out) = python(&["-m", "frictionless", "validate", "--json", descriptor.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("frictionless ({code}, {e}): {out}"));
    assert_eq!(report["valid"], false, "{report}");
    let errors = report["tasks"][0]["errors"].to_string();
    assert!(errors.contains("constraint-error") && errors.contains("minimum"), "{errors}");
    assert!(errors.contains("primary-key"), "{errors}");
}

async fn check_ckan(base: &str) {
    let (code, out) = python(&["tests/open_data/ckan_client.py", base]);
    assert_eq!(code, 0, "ckanapi: {out}");
    let got: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(got["package_list"].as_array().unwrap().len(), DATASETS, "{got}");
    assert_eq!(got["search_count"].as_u64(), Some(DATASETS as u64));
    let paged: Vec<&str> = got["search_pages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p.as_array().unwrap())
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(paged.len(), DATASETS, "the pages hold every package once: {paged:?}");
    assert_eq!(got["organization_list"][0]["name"], "crocevia");
    assert_eq!(got["missing"], "NotFound");
    assert!(got["bad_rows"]["rows"].is_array(), "CKAN's validation error is keyed by the field: {got}");
    assert!(got["text_search"].as_array().unwrap().iter().any(|n| n == "startups_by_sector"), "{got}");
    // What CKAN's harvester reads of a package.
    let package = &got["package_show"];
    for field in
        ["id", "name", "title", "notes", "metadata_modified", "license_id", "owner_org", "identifier", "modified"]
    {
        assert!(package[field].as_str().is_some_and(|v| !v.is_empty()), "{field}: {package}");
    }
    assert_eq!(package["organization"]["name"], "crocevia");
    assert_eq!(package["license_id"], "CC-BY-4.0");
    for resource in package["resources"].as_array().unwrap() {
        let url = resource["url"].as_str().unwrap();
        assert!(url.starts_with(base), "{url}");
        assert!(["CSV", "JSON"].contains(&resource["format"].as_str().unwrap()), "{resource}");
        assert_eq!(get(url, &[]).await.status(), StatusCode::OK, "{url}");
    }
    assert_eq!(got["with_resources"].as_array().unwrap().len(), 3);

    // Plain GETs, as the harvester's gather stage sends them.
    let future = json_at(&format!(
        "{base}/api/3/action/package_search?fq=metadata_modified:[2099-01-01T00:00:00Z TO *]&rows=1000"
    ))
    .await;
    assert_eq!(future["result"]["count"], 0, "{future}");
    let response = get(&format!("{base}/api/3/action/package_search?fq=groups:x"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert!(body["error"]["fq"].is_array(), "{body}");
    let response = get(&format!("{base}/api/3/action/package_create"), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a read-only API");
}

/// ETag and Last-Modified on every download; conditional GETs answer 304 until the figures
/// change.
async fn check_conditional_gets(server: &Server, instance: &Instance, base: &str) {
    let url = format!("{base}/open-data/v1/talents_by_origin.csv");
    let first = get(&url, &[]).await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let modified = first.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "a strong tag: {tag}");
    for headers in [vec![(IF_NONE_MATCH, tag.as_str())], vec![(IF_MODIFIED_SINCE, modified.as_str())]] {
        let again = get(&url, &headers).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{headers:?}");
        assert_eq!(again.headers()[ETAG], tag.as_str());
        assert!(again.bytes().await.unwrap().is_empty());
    }
    assert_eq!(get(&url, &[(IF_NONE_MATCH, "\"stale\"")]).await.status(), StatusCode::OK);
    for path in ["catalog.jsonld", "datapackage.json", "dictionary.json", "", "talents_by_origin.json"] {
        let response = get(&format!("{base}/open-data/v1/{path}"), &[]).await;
        let tag = response.headers()[ETAG].to_str().unwrap().to_owned();
        assert_eq!(get(&format!("{base}/open-data/v1/{path}"), &[(IF_NONE_MATCH, &tag)]).await.status(), 304, "{path}");
    }

    // A new talent changes the figures: the old validators no longer match.
    let token = server.sign_up(instance, "harvest@example.org", "a long enough secret", "Ines Harvest", "TALENT").await;
    let saved = server
        .graphql(
            Some(&token),
            "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
            json!({ "p": { "talent": {
                "displayName": "Ines Harvest", "contactEmail": "harvest@example.org", "countryOfOrigin": "IT",
                "residence": {"comune": "torino"}, "languages": [{"language": "it", "level": "NATIVE"}], "sectors": ["ICT"]
            }}}),
        )
        .await;
    assert!(saved["data"]["saveProfile"]["id"].is_string(), "{saved}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response = get(&url, &[(IF_NONE_MATCH, tag.as_str())]).await;
        if response.status() == StatusCode::OK {
            let newer = response.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
            let parse = |d: &str| chrono::DateTime::parse_from_rfc2822(d).unwrap();
            assert!(parse(&newer) >= parse(&modified), "{newer} before {modified}");
            assert_ne!(response.headers()[ETAG], tag.as_str());
            break;
        }
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert!(Instant::now() < deadline, "the figures did not take in the new talent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_harvests_the_open_data_as_dcat_ap_it_frictionless_packages_and_ckan() {
    let dir = tempfile::tempdir().unwrap();
    let (instance, server, base) = start(dir.path());
    let first = first_figures(&base).await;
    server.wait_ready(Duration::from_secs(60)).await;
    // The first figures served are complete: every offer the first-start import wrote (before
    // the platform was ready) is counted; kinds are single-valued, so the rows add up to the
    // population.
    let counted: u64 = first
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    let offers = offers_in_database(dir.path()).await;
    assert!(offers >= 40, "the demo data has its offers: {offers}");
    assert_eq!(counted, offers, "the first figures served were partial: {first}");

    let catalogue = json_at(&format!("{base}/open-data/v1/catalog.jsonld")).await;
    let negotiated = reqwest::Client::new()
        .get(format!("{base}/open-data/v1/"))
        .header("Accept", "application/ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(negotiated.headers()["content-type"], "application/ld+json");
    assert_eq!(negotiated.json::<Value>().await.unwrap(), catalogue);
    let own = json_at(&format!("{base}/open-data/v1/")).await;
    assert_eq!(own["status"], "current");
    assert_eq!(own["datasets"][0]["csv_url"], format!("{base}/open-data/v1/offers_by_sector.csv"));

    check_dcat(&base, &catalogue);
    let one = format!("{base}/open-data/v1/talents_by_origin/datapackage.json");
    let package = get(&one, &[]).await.text().await.unwrap();
    let csv = get(&format!("{base}/open-data/v1/talents_by_origin.csv"), &[]).await.text().await.unwrap();
    let (base2, dir2) = (base.clone(), dir.path().to_owned());
    tokio::task::spawn_blocking(move || check_frictionless(&base2, &dir2, &one, &package, &csv)).await.unwrap();
    check_ckan(&base).await;
    check_conditional_gets(&server, &instance, &base).await;
}

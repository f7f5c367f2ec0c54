//! GDPR Art. 17 in the distributed mode: profiles, search, matching, insights and the gateway
//! as five processes on the real broker and a fresh PostgreSQL database. A talent with
//! unmistakable words in her profile is indexed and matched, exports her data, erases it, and
//! within 10 s nothing of her is left: no database row, no search hit, no match entry, and (after
//! the merge the erasure triggers) none of her words in the index files of search or matching.
//! On the topic, the last event of each of her entities is the erasure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_proto::envelope::{self, Change};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::Server;
use support::input;
use support::stack::{Stack, demo, eventually, gql};
use uuid::Uuid;

/// Letters of this run only: a scan of a long-lived broker's storage then finds this run's
/// words, not those an earlier run left in clear before events were sealed.
static RUN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Uuid::now_v7().as_u128().to_le_bytes()[..6].iter().map(|b| char::from(b'a' + b % 26)).collect()
});

/// Her words: none of them occurs anywhere in the demo data or the taxonomy.
fn word(base: &str) -> String {
    format!("{base}{}", *RUN)
}

fn name() -> String {
    format!("{} {}", word("Zephyrine"), word("Quokkalind"))
}

const EXPORT: &str = "mutation { exportMyData { user { id email } talent { id displayName headline bio contactEmail } applications { id motivation } consents { id purpose } savedSearches { id name } } }";
const HEADLINE_WORD: &str = "Xylocopaorchestrator";
const BIO_WORD: &str = "Quillwortzanzibarite";
const MOTIVATION_WORD: &str = "Brontolinovasca";
const EMAIL: &str = "zephyrine.quokkalind@example.org";

fn needles() -> Vec<String> {
    ["Quokkalind", "Zephyrine", HEADLINE_WORD, BIO_WORD, MOTIVATION_WORD].iter().map(|s| word(s)).collect()
}

async fn token(gateway: &Server, query: &str, variables: Value, field: &str) -> String {
    let body = gql(gateway, None, query, variables).await;
    body["data"][field]["token"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

/// Every row of every table of the database that mentions one of `needles` (in its text or
/// in a bytea column such as an outbox payload), as `table: row`.
async fn rows_mentioning(db: &DatabaseConnection, needles: &[String]) -> Vec<String> {
    let tables = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        ))
        .await
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let table: String = table.try_get("", "table_name").unwrap();
        let binary = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' \
                     AND table_name = '{table}' AND data_type = 'bytea'"
                ),
            ))
            .await
            .unwrap();
        for needle in needles {
            let mut conditions = vec![format!("t::text ILIKE '%{needle}%'")];
            for column in &binary {
                let column: String = column.try_get("", "column_name").unwrap();
                conditions.push(format!("position(convert_to('{needle}', 'UTF8') in t.\"{column}\") > 0"));
            }
            let rows = db
                .query_all(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT left(t::text, 300) AS row FROM \"{table}\" t WHERE {}", conditions.join(" OR ")),
                ))
                .await
                .unwrap();
            for row in rows {
                found.push(format!("{table} ({needle}): {}", row.try_get::<String>("", "row").unwrap()));
            }
        }
    }
    found
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// What is still there of her in the database, by the list; empty once erased.
async fn database_leftovers(db: &DatabaseConnection, ids: &[Uuid]) -> Vec<String> {
    let mut left = rows_mentioning(db, &needles()).await;
    let list = ids.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(",");
    for (what, sql) in [
        ("users", format!("SELECT count(*) FROM users WHERE id IN ({list})")),
        ("talents", format!("SELECT count(*) FROM talents WHERE id IN ({list})")),
        ("applications", format!("SELECT count(*) FROM applications WHERE id IN ({list})")),
        ("consents", format!("SELECT count(*) FROM consents WHERE id IN ({list})")),
        ("credentials", format!("SELECT count(*) FROM gateway_credentials WHERE user_id IN ({list})")),
        (
            "matching_entities data",
            format!("SELECT count(*) FROM matching_entities WHERE id IN ({list}) AND data IS NOT NULL"),
        ),
        (
            "matching_entries",
            format!("SELECT count(*) FROM matching_entries WHERE subject_id IN ({list}) OR counterpart_id IN ({list})"),
        ),
        (
            "insights_facts fact",
            format!("SELECT count(*) FROM insights_facts WHERE id IN ({list}) AND fact IS NOT NULL"),
        ),
    ] {
        let n = count(db, &sql).await;
        if n > 0 {
            left.push(format!("{what}: {n} rows"));
        }
    }
    left
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        // A folder can vanish while the processes run (an old index removed): skip it.
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out
}

/// Files under `dir` whose raw bytes hold one of the needles (as written or lowercased, the
/// way the analysers index them).
fn files_holding(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut hits = Vec::new();
    for path in files_under(dir) {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        for needle in needles {
            for form in [needle.clone(), needle.to_lowercase()] {
                if bytes.windows(form.len()).any(|w| w == form.as_bytes()) {
                    hits.push(format!("{} holds {form}", path.display()));
                }
            }
        }
    }
    hits
}

/// The tantivy indexes under `dir` (folders with a meta.json).
fn indexes_under(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "meta.json"))
        .filter_map(|p| p.parent().map(Path::to_owned))
        .collect()
}

/// Reads an index the way tantivy does, deleted documents included: every term of every
/// indexed field, and every stored document of every segment. Returns what mentions a needle
/// (or that the index could not be read at that moment: a live index changes under the scan).
fn index_holds(dir: &Path, needles: &[String]) -> Vec<String> {
    scan_index(dir, needles).unwrap_or_else(|e| vec![format!("{}: unreadable now ({e})", dir.display())])
}

fn scan_index(dir: &Path, needles: &[String]) -> anyhow::Result<Vec<String>> {
    use tantivy::Document;
    let lowered: Vec<String> = needles.iter().map(|n| n.to_lowercase()).collect();
    let index = tantivy::Index::open_in_dir(dir)?;
    let schema = index.schema();
    let reader: tantivy::IndexReader =
        index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let mut hits = Vec::new();
    for segment in searcher.segment_readers() {
        for (field, entry) in schema.fields() {
            if !entry.is_indexed() {
                continue;
            }
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let term = String::from_utf8_lossy(terms.key()).to_lowercase();
                if let Some(n) = lowered.iter().find(|n| term.contains(n.as_str())) {
                    hits.push(format!("{}: term {n} in {}", dir.display(), entry.name()));
                }
            }
        }
        let store = segment.get_store_reader(0)?;
        for doc in store.iter::<tantivy::TantivyDocument>(None) {
            let text = doc?.to_json(&schema).to_lowercase();
            if let Some(n) = lowered.iter().find(|n| text.contains(n.as_str())) {
                let docs = segment.max_doc();
                hits.push(format!("{}: stored document with {n} (segment of {docs} documents)", dir.display()));
            }
        }
    }
    Ok(hits)
}

/// The events of `topic` from the start (a fresh group), in order per entity: the change,
/// or `None` for a payload sealed with a person's key (read as the raw topic holds it); and
/// the raw payloads.
async fn topic_events(brokers: &str, topic: &str) -> (HashMap<Uuid, Vec<(u64, Option<Change>)>>, Vec<Vec<u8>>) {
    let mut events: HashMap<Uuid, Vec<(u64, Option<Change>)>> = HashMap::new();
    let messages = support::kafka::read_topic(brokers, topic).await;
    assert!(!messages.is_empty(), "nothing on {topic}");
    for delivery in &messages {
        let meta = envelope::decode_meta(&delivery.payload).unwrap();
        let change = match envelope::decode(&delivery.payload) {
            Ok((_, change)) => Some(change),
            Err(crocevia_proto::DecodeError::Sealed { .. }) => None,
            Err(e) => panic!("{e}"),
        };
        events.entry(meta.entity_id).or_default().push((meta.entity_version, change));
    }
    (events, messages.into_iter().map(|m| m.payload).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_talent_leaves_the_database_the_indexes_and_the_matches_within_10_s() {
    let Stack { dir, database, brokers, suffix, profiles, search, matching, insights, gateway } =
        // Consumer batches of up to a second: her profile and the other one, saved at the same
        // moment, then land in one batch, so her document shares a segment (see below), however
        // the broker spreads the two over its fetches.
        Stack::start_with(
            &crocevia_kit::testing::require_kafka().await,
            "crocevia_erasure",
            true,
            &[("CROCEVIA__SEARCH__MAX_DELAY_MS", "1000"), ("CROCEVIA__MATCHING__MAX_DELAY_MS", "1000")],
        )
        .await;
    let insights = insights.expect("started with insights");

    // An organisation member posts an offer; she signs up, saves her profile and applies.
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let admin =
        token(&gateway, login, json!({ "e": "root@example.org", "p": "administrator password" }), "login").await;
    let offer = demo("offers.json").swap_remove(0);
    let body = gql(
        &gateway,
        Some(&admin),
        "mutation($o: ID!) { createMember(organisationId: $o, email: \"m@example.org\", password: \"member password\", displayName: \"M\") { id } }",
        json!({ "o": offer["organisation_id"] }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let member = token(&gateway, login, json!({ "e": "m@example.org", "p": "member password" }), "login").await;
    let posted = gql(
        &gateway,
        Some(&member),
        "mutation($v: OfferInput!) { postOffer(offer: $v) { id } }",
        json!({ "v": input("offer", &offer) }),
    )
    .await;
    let offer_id = posted["data"]["postOffer"]["id"].as_str().unwrap_or_else(|| panic!("{posted}")).to_owned();

    // Sign-up links are read from the outbox in the database, as `crocevia outbox` does.
    let outbox = support::stack::process("profiles", dir.path(), &database, &brokers, &suffix);
    let talent = gateway.sign_up(&outbox, EMAIL, "correct horse battery", &name(), "TALENT").await;
    let mut profile = demo("talents.json").swap_remove(0);
    profile["id"] = json!(Uuid::now_v7());
    profile["display_name"] = json!(name());
    profile["contact_email"] = json!(EMAIL);
    profile["headline"] = json!(format!("{} - Rust backend engineer", word(HEADLINE_WORD)));
    profile["bio"] = json!(format!("{} {}", word(BIO_WORD), profile["bio"].as_str().unwrap()));
    // Another talent saves at the same moment, so both land in one index batch and her
    // document shares a segment with a live one: tantivy drops a segment whose documents are
    // all deleted, but keeps a deleted document of a shared segment in the files until a merge.
    let other = gateway.sign_up(&outbox, "other@example.org", "correct horse battery", "O", "TALENT").await;
    let mut other_profile = demo("talents.json").swap_remove(1);
    other_profile["id"] = json!(Uuid::now_v7());
    let save = "mutation($v: ProfileInput!) { saveProfile(profile: $v) { id } }";
    let (saved, other_saved) = tokio::join!(
        gql(&gateway, Some(&talent), save, json!({ "v": input("talent", &profile) })),
        gql(&gateway, Some(&other), save, json!({ "v": input("talent", &other_profile) })),
    );
    assert!(other_saved["errors"].is_null(), "{other_saved}");
    let talent_id = saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned();
    let applied = gql(
        &gateway,
        Some(&talent),
        "mutation($t: ID!, $m: String!) { apply(target: $t, motivation: $m) { id } }",
        json!({ "t": offer_id, "m": format!("{}: I would love this role", word(MOTIVATION_WORD)) }),
    )
    .await;
    let application_id = applied["data"]["apply"]["id"].as_str().unwrap_or_else(|| panic!("{applied}")).to_owned();

    // Her consent (no GraphQL mutation writes consents yet): through the profiles library,
    // into the same database; the profiles process relays it like any write.
    let export = gql(&gateway, Some(&talent), "mutation { exportMyData { user { id } } }", json!({})).await;
    let user_id: Uuid =
        export["data"]["exportMyData"]["user"]["id"].as_str().unwrap_or_else(|| panic!("{export}")).parse().unwrap();
    let db = Database::connect(&database).await.unwrap();
    let consent_id = Uuid::now_v7();
    let consent = crocevia_domain::Entity::Consent(crocevia_domain::Consent {
        id: crocevia_domain::ConsentId::from_uuid(consent_id),
        user_id: crocevia_domain::UserId::from_uuid(user_id),
        purpose: crocevia_domain::ConsentPurpose::Matching,
        granted: true,
        at: chrono::Utc::now(),
    });
    let topic = format!("{}-{suffix}", crocevia_proto::PROFILES_TOPIC);
    crocevia_profiles::Profiles::new(db.clone(), topic.clone()).upsert(consent, None, "test").await.unwrap();

    // Searchable and matched.
    let find_her = async || {
        gql(
            &gateway,
            Some(&member),
            "query($q: String!) { search(input: {kinds: [TALENT], text: $q}) { total hits { id } } }",
            json!({ "q": word(BIO_WORD).to_lowercase() }),
        )
        .await
    };
    eventually("her profile in search", find_her, |b| b["data"]["search"]["hits"][0]["id"] == talent_id.as_str()).await;
    let ranking = async || {
        gql(
            &gateway,
            Some(&member),
            "query($s: ID!) { matches(subject: $s) { counterpartId } }",
            json!({ "s": offer_id }),
        )
        .await
    };
    let ranked = |b: &Value| {
        b["data"]["matches"].as_array().is_some_and(|l| l.iter().any(|e| e["counterpartId"] == talent_id.as_str()))
    };
    eventually("her in the offer's ranking", ranking, ranked).await;

    // The export holds all of her data.
    let export = gql(&gateway, Some(&talent), EXPORT, json!({})).await;
    let data = &export["data"]["exportMyData"];
    assert_eq!(data["user"]["email"], EMAIL, "{export}");
    assert_eq!(data["user"]["id"], user_id.to_string(), "{export}");
    let mine = &data["talent"];
    assert_eq!(mine["id"], talent_id.as_str(), "{export}");
    assert_eq!(mine["displayName"], name().as_str());
    assert!(mine["bio"].as_str().unwrap().contains(&word(BIO_WORD)));
    let applications = data["applications"].as_array().unwrap();
    assert_eq!(applications.len(), 1, "{export}");
    assert_eq!(applications[0]["id"], application_id.as_str(), "{export}");
    assert!(applications[0].to_string().contains(&word(MOTIVATION_WORD)), "{export}");
    let consents = data["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 1, "{export}");
    assert_eq!(consents[0]["id"], consent_id.to_string(), "{export}");
    assert!(data["savedSearches"].is_array(), "{export}");

    // Her words are in the indexes before the erasure (so the scan below can see them).
    let search_dir = dir.path().join("search");
    let matching_dir = dir.path().join("matching");
    let before: Vec<String> = indexes_under(&search_dir)
        .iter()
        .chain(&indexes_under(&matching_dir))
        .flat_map(|d| index_holds(d, &needles()))
        .collect();
    // ... in a segment she shares, so that only a merge can take them out of the files.
    let shared = |h: &String| h.contains("stored document") && !h.contains("segment of 1 documents");
    let in_search = |h: &&String| h.contains(&search_dir.display().to_string());
    assert!(before.iter().filter(in_search).any(shared), "search: {before:#?}");
    assert!(before.iter().filter(|h| !in_search(h)).any(shared), "matching: {before:#?}");
    let raw_before = files_holding(dir.path(), &needles());
    eprintln!("before the erasure, raw bytes of her words in {} files", raw_before.len());

    // Erase, and measure until everything is clean.
    let ids: Vec<Uuid> = [user_id.to_string(), talent_id.clone(), application_id.clone(), consent_id.to_string()]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let started = Instant::now();
    let erased = gql(&gateway, Some(&talent), "mutation { eraseMyData(confirm: true) }", json!({})).await;
    assert_eq!(erased["data"]["eraseMyData"], 4, "application, profile, consent and account: {erased}");
    let mut last = Vec::new();
    while started.elapsed() < Duration::from_secs(10) {
        last = database_leftovers(&db, &ids).await;
        let hits = find_her().await;
        if hits["data"]["search"]["total"] != 0 {
            last.push(format!("search: {hits}"));
        }
        let matches = ranking().await;
        if ranked(&matches) || !matches["errors"].is_null() {
            last.push(format!("ranking: {matches}"));
        }
        let files: Vec<String> = indexes_under(&search_dir)
            .iter()
            .chain(&indexes_under(&matching_dir))
            .flat_map(|d| index_holds(d, &needles()))
            .chain(files_holding(&search_dir, &needles()))
            .chain(files_holding(&matching_dir, &needles()))
            .collect();
        last.extend(files);
        if last.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    assert!(last.is_empty(), "still there after {elapsed:?}: {last:#?}");
    eprintln!("erasure clean everywhere after {elapsed:?}");
    assert!(elapsed <= Duration::from_secs(10));
    assert_eq!(
        gql(&gateway, Some(&talent), "{ me { id } }", json!({})).await["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    // The index files once the processes are stopped (nothing in memory, nothing pending):
    // no file of any process's data folder holds her words.
    assert!(gateway.stop().success());
    assert!(search.stop().success());
    assert!(matching.stop().success());
    assert!(insights.stop().success());
    assert!(profiles.stop().success());
    let after: Vec<String> = indexes_under(dir.path()).iter().flat_map(|d| index_holds(d, &needles())).collect();
    assert!(after.is_empty(), "{after:#?}");
    let raw = files_holding(dir.path(), &needles());
    assert!(raw.is_empty(), "{raw:#?}");

    // The topic: the last event of each of her entities is its erasure, and every earlier
    // one is sealed with her key (crypto-shredding), which went with the erasure: no message
    // of the topic, and no file of the broker's storage, holds her words.
    let (events, payloads) = topic_events(&brokers, &topic).await;
    for id in &ids {
        let mine = events.get(id).unwrap_or_else(|| panic!("no event for {id}"));
        let (version, last) = mine.last().unwrap();
        assert!(matches!(last, Some(Change::Erased { .. })), "{id}: last event v{version} is {last:?}");
        let readable: Vec<&(u64, Option<Change>)> =
            mine[..mine.len() - 1].iter().filter(|(_, c)| c.is_some()).collect();
        assert!(readable.is_empty(), "{id}: earlier events readable in clear: {readable:?}");
        eprintln!("{id}: erasure at v{version}; {} earlier events on the topic, all sealed", mine.len() - 1);
    }
    let holding = |bytes: &[u8]| needles().iter().any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()));
    assert!(!payloads.iter().any(|p| holding(p)), "a message of {topic} holds her words");
    use sea_orm::ConnectionTrait;
    let keys = db
        .query_all(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT subject_id FROM subject_keys WHERE subject_id = '{user_id}'"),
        ))
        .await
        .unwrap();
    assert!(keys.is_empty(), "her key is destroyed");
    // The broker's own storage (the local tansu's SQLite files, when the tests run on it).
    let broker_dir = support::repo_root().join("target/broker");
    if broker_dir.join("tansu.db").exists() {
        let raw = files_holding(&broker_dir, &needles());
        assert!(raw.is_empty(), "the broker's storage holds her words: {raw:#?}");
    } else {
        eprintln!("the broker's storage is not local; its messages were checked above");
    }
}

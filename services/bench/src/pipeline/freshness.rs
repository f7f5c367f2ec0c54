//! Freshness in the distributed mode: `serve profiles` and `serve search` run as separate
//! processes on the broker and a fresh PostgreSQL database; this process writes single changes
//! through the profiles library (as a `serve gateway` process does: it writes the database,
//! and the profiles process's relay publishes) and times until the search process answers
//! them over HTTP.

use super::Bus;
use super::data::FreshDatabase;
use super::process::ServiceProcess;
use super::progress::Progress;
use crate::Samples;
use anyhow::bail;
use crocevia_domain::{Entity, EntityKind, Offer};
use crocevia_gateway::remote::{RemoteSearch, RemoteSettings};
use crocevia_kit::config::Settings;
use crocevia_profiles::Profiles;
use crocevia_proto::PROFILES_TOPIC;
use crocevia_search::{DocKind, SearchApi, SearchRequest};
use secrecy::SecretString;
use std::time::{Duration, Instant};

pub const CHANGES: usize = 200;
const VISIBLE_LIMIT: Duration = Duration::from_secs(30);

/// The credential between the bench and the search process it starts (internal endpoints).
const BENCH_SERVICE_TOKEN: &str = "bench-service-token-bench-service-token";

pub async fn run(settings: &Settings, entities: &[Entity], kafka: &Bus) -> anyhow::Result<Samples> {
    let offers: Vec<Offer> = entities
        .iter()
        .filter_map(|e| if let Entity::Offer(o) = e { Some(o.clone()) } else { None })
        .take(CHANGES)
        .collect();
    if offers.len() < CHANGES {
        bail!("the data set has {} offers; the freshness run needs {CHANGES}", offers.len());
    }
    let database = FreshDatabase::create("crocevia_bench_fresh").await?;
    let measured = with_processes(settings, entities, offers, kafka, &database).await;
    if let Err(e) = database.drop_database().await {
        tracing::warn!(error = format!("{e:#}"), "the freshness bench database was not dropped");
    }
    measured
}

/// Starts the two processes on `database`, measures, and stops them (a failure kills them:
/// they are children that die with their handles).
#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn with_processes(
    settings: &Settings,
    entities: &[Entity],
    offers: Vec<Offer>,
    kafka: &Bus,
    database: &FreshDatabase,
) -> anyhow::Result<Samples> {
    let dir = tempfile::tempdir()?;
    let taxonomy = crate::taxonomy_dir(settings)?;
    let suffix = &kafka.suffix;
    let env = |role: &str| {
        vec![
            ("CROCEVIA__DATA_DIR", dir.path().join(role).display().to_string()),
            ("CROCEVIA__DATABASE__URL", database.url.clone()),
            ("CROCEVIA__BUS__KIND", "kafka".to_owned()),
            ("CROCEVIA__BUS__KAFKA__BROKERS", kafka.brokers.clone()),
            ("CROCEVIA__BUS__TOPIC_SUFFIX", format!("-{suffix}")),
            ("CROCEVIA__SEARCH__GROUP", format!("search-{suffix}")),
            ("CROCEVIA__TAXONOMY_DIR", taxonomy.display().to_string()),
            ("CROCEVIA__TELEMETRY__FILTER", "warn".to_owned()),
            ("CROCEVIA__GATEWAY__WEB_DIR", dir.path().join("no-web-app").display().to_string()),
            ("CROCEVIA__GATEWAY__SERVICE_TOKEN", BENCH_SERVICE_TOKEN.to_owned()),
        ]
    };
    println!("pipeline: starting serve profiles and serve search as processes...");
    let client = reqwest::Client::new();
    // Profiles first: it migrates the database and creates the topics search consumes.
    let mut profiles_process = ServiceProcess::start("profiles", dir.path(), &env("profiles")).await?;
    profiles_process.wait_ready(&client, super::process::START_LIMIT).await?;
    let mut search_process = ServiceProcess::start("search", dir.path(), &env("search")).await?;
    search_process.wait_ready(&client, super::process::START_LIMIT).await?;

    let measured = measure(settings, database, entities, offers, &search_process.base, suffix).await;
    search_process.stop().await?;
    profiles_process.stop().await?;
    measured
}

/// The organisations the offers belong to, then the offers with this run's token, written
/// and found by search before the clock runs.
async fn seed(
    profiles: &Profiles,
    entities: &[Entity],
    offers: &[Offer],
    search: &RemoteSearch,
    base_token: &str,
) -> anyhow::Result<()> {
    let owners: std::collections::HashSet<uuid::Uuid> =
        offers.iter().filter_map(|o| o.employer()).map(|e| e.as_uuid()).collect();
    let organisations =
        entities.iter().filter(|e| e.kind() == EntityKind::Organisation && owners.contains(&e.id())).cloned();
    let tagged =
        offers.iter().map(|o| Entity::Offer(Offer { title: format!("{} {base_token}", o.title), ..o.clone() }));
    for entity in organisations.chain(tagged) {
        profiles.upsert(entity, None, "bench-freshness").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let found = search.search(request(base_token, 1)).await;
        if found.as_ref().is_ok_and(|r| r.total == offers.len() as u64) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "the search process did not index the {} seed offers within 120 s (last answer: {found:?})",
                offers.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn request(token: &str, limit: usize) -> SearchRequest {
    SearchRequest { kinds: vec![DocKind::Offer], text: token.to_owned(), limit, ..Default::default() }
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn measure(
    settings: &Settings,
    database: &FreshDatabase,
    entities: &[Entity],
    offers: Vec<Offer>,
    search_base: &str,
    suffix: &str,
) -> anyhow::Result<Samples> {
    let db = crocevia_kit::db::connect(&SecretString::from(database.url.clone()), 4).await?;
    let profiles = Profiles::new(db.clone(), format!("{PROFILES_TOPIC}-{suffix}"));
    let search = RemoteSearch::new(&RemoteSettings {
        base_url: search_base.to_owned(),
        timeout: Duration::from_millis(settings.gateway.remote_timeout_ms),
        credential: Some(std::sync::Arc::new(SecretString::from(BENCH_SERVICE_TOKEN))),
    })?;
    let base_token = format!("zqbase{suffix}x");
    println!("pipeline: writing {} offers and their organisations through the profiles library...", offers.len());
    seed(&profiles, entities, &offers, &search, &base_token).await?;

    println!("pipeline: {CHANGES} single changes, each timed from the write until the search process finds it...");
    let progress = Progress::new("distributed freshness", offers.len() as u64);
    let mut samples = Samples::default();
    for (i, offer) in offers.into_iter().enumerate() {
        let token = format!("zqfresh{i}x");
        let changed = Offer { title: format!("{} {base_token} {token}", offer.title), ..offer };
        let id = changed.id.as_uuid();
        let started = Instant::now();
        profiles.upsert(Entity::Offer(changed), None, "bench-freshness").await.map_err(|e| anyhow::anyhow!("{e}"))?;
        loop {
            let found = search.search(request(&token, 1)).await.map_err(|e| anyhow::anyhow!("searching: {e}"))?;
            if found.hits.first().is_some_and(|h| h.id == id) {
                break;
            }
            if started.elapsed() > VISIBLE_LIMIT {
                bail!("a change was not searchable within {} s", VISIBLE_LIMIT.as_secs());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        samples.push(started.elapsed());
        progress.inc(1);
        // Writes come at every phase of the relay's polling tick, as users' writes would,
        // instead of locking into step with it.
        tokio::time::sleep(Duration::from_millis((i as u64 * 97) % 300)).await;
    }
    progress.finish();
    db.close().await.ok();
    Ok(samples)
}

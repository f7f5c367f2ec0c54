//! The search benchmark: indexing throughput, query latency at a fixed request rate against
//! PostgreSQL full-text search on the same documents, and freshness through the bus.

use super::postgres::Baseline;
use super::{Options, Samples};
use chrono::Utc;
use crocevia_domain::Entity;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{OutMessage, SharedBus, TopicSpec};
use crocevia_proto::envelope::{self, Change, EventMeta};
use crocevia_search::consumer::BatchSettings;
use crocevia_search::document;
use crocevia_search::service::SearchSettings;
use crocevia_search::taxonomy::Taxonomy;
use crocevia_search::{DocKind, SearchRequest, SearchService};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Italian and English questions of job seekers, recruiters and founders.
pub const QUERIES: [(DocKind, &str); 24] = [
    (DocKind::Offer, "sviluppatore rust"),
    (DocKind::Offer, "rust developer"),
    (DocKind::Offer, "data scientist python"),
    (DocKind::Offer, "tirocinio marketing digitale"),
    (DocKind::Offer, "machine learning engineer"),
    (DocKind::Offer, "dottorato ingegneria aerospaziale"),
    (DocKind::Offer, "phd biomedical engineering"),
    (DocKind::Offer, "ingegnere meccanico automotive"),
    (DocKind::Offer, "cloud devops kubernetes"),
    (DocKind::Offer, "analista dati sql"),
    (DocKind::Offer, "ux designer internship"),
    (DocKind::Offer, "sicurezza informatica"),
    (DocKind::Offer, "frontend react typescript"),
    (DocKind::Offer, "tecnologo alimentare"),
    (DocKind::Offer, "energie rinnovabili fotovoltaico"),
    (DocKind::Offer, "fintech payments backend"),
    (DocKind::Talent, "sviluppatrice java"),
    (DocKind::Talent, "data engineer spark"),
    (DocKind::Talent, "ingegnera batterie"),
    (DocKind::Talent, "researcher genomics"),
    (DocKind::Talent, "designer figma prototipazione"),
    (DocKind::Programme, "accelerazione startup digitali"),
    (DocKind::Startup, "cleantech hydrogen"),
    (DocKind::Organisation, "incubatore universitario"),
];

#[derive(Debug)]
pub struct Figures {
    pub docs: usize,
    pub index_secs: f64,
    pub pg_load_secs: f64,
    pub tantivy: Samples,
    pub postgres: Samples,
    pub tantivy_empty: usize,
    pub postgres_empty: usize,
    pub freshness: Samples,
}

fn meta(entity: &Entity, version: u64) -> EventMeta {
    EventMeta {
        event_id: uuid::Uuid::now_v7(),
        entity_kind: entity.kind(),
        entity_id: entity.id(),
        entity_version: version,
        occurred_at: Utc::now(),
        correlation_id: "bench".into(),
    }
}

/// Offers `n` queries at `rate` per second, open loop: a slow answer does not delay the next
/// question, and latency counts from when the question was due (no coordinated omission).
async fn open_loop<F, Fut>(n: usize, rate: u32, run: F) -> anyhow::Result<(Samples, usize)>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>> + Send + 'static,
{
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
        let fut = run(i);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            let hits = fut.await?;
            Ok::<_, anyhow::Error>((due.elapsed(), hits))
        }));
    }
    let mut samples = Samples::default();
    let mut empty = 0;
    for task in tasks {
        let (latency, hits) = task.await??;
        samples.push(latency);
        if hits == 0 {
            empty += 1;
        }
    }
    Ok((samples, empty))
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(
    entities: &[Entity],
    taxonomy: Arc<Taxonomy>,
    options: &Options,
) -> anyhow::Result<(Figures, SearchService)> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("search");
    let service = SearchService::open(&root, taxonomy.clone())?;

    println!("indexing {} documents in tantivy...", entities.len());
    let index = service.index();
    let batch: Vec<Entity> = entities.to_vec();
    let started = Instant::now();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        for entity in batch {
            index.apply(&meta(&entity, 1), &Change::Upserted(entity))?;
        }
        index.commit()
    })
    .await??;
    let index_secs = started.elapsed().as_secs_f64();

    println!("loading the same documents into PostgreSQL full-text search...");
    let rows: Vec<_> = entities
        .iter()
        .filter_map(|e| document::texts(e, &taxonomy).map(|(kind, title, body)| (e.id(), kind, title, body)))
        .collect();
    let baseline = Baseline::create().await?;
    let started = Instant::now();
    baseline.load(&rows).await?;
    let pg_load_secs = started.elapsed().as_secs_f64();

    // Warm both (caches, mmap) with one pass of the query set, then measure.
    for (kind, text) in QUERIES {
        service.run(request(kind, text)).await?;
        baseline.query(kind, text).await?;
    }
    println!("{} queries at {} per second against tantivy...", options.queries, options.rate);
    let s = service.clone();
    let (tantivy, tantivy_empty) = open_loop(options.queries, options.rate, move |i| {
        let s = s.clone();
        let (kind, text) = QUERIES[i % QUERIES.len()];
        async move { Ok(s.run(request(kind, text)).await?.hits.len()) }
    })
    .await?;
    println!("the same against PostgreSQL...");
    let db = Arc::new(baseline);
    let b = db.clone();
    let (postgres, postgres_empty) = open_loop(options.queries, options.rate, move |i| {
        let b = b.clone();
        let (kind, text) = QUERIES[i % QUERIES.len()];
        async move { b.query(kind, text).await }
    })
    .await?;
    if let Ok(baseline) = Arc::try_unwrap(db) {
        baseline.drop_database().await?;
    }

    println!("freshness through the bus...");
    let freshness = freshness(&service, &root, entities).await?;
    let figures = Figures {
        docs: rows.len(),
        index_secs,
        pg_load_secs,
        tantivy,
        postgres,
        tantivy_empty,
        postgres_empty,
        freshness,
    };
    Ok((figures, service))
}

/// The bench's request for one of [`QUERIES`]: top 20 with snippets and two facets.
pub(crate) fn request(kind: DocKind, text: &str) -> SearchRequest {
    SearchRequest {
        kinds: vec![kind],
        text: text.into(),
        facets: vec!["sector".into(), "comune".into()],
        limit: 20,
        ..Default::default()
    }
}

/// Time from publishing a change to seeing it in search results, 200 times.
pub(super) async fn freshness(
    service: &SearchService,
    root: &std::path::Path,
    entities: &[Entity],
) -> anyhow::Result<Samples> {
    let bus_dir = tempfile::tempdir()?;
    let bus: SharedBus = Arc::new(InProcessBus::open(bus_dir.path(), true, "dlq.v1")?);
    bus.create_topics(&[TopicSpec::new("profiles.v1", 6), TopicSpec::new("dlq.v1", 1)]).await?;
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let settings = SearchSettings {
        root: root.to_owned(),
        topic: "profiles.v1".into(),
        group: "search".into(),
        batch: BatchSettings::default(),
        announce: None,
    };
    let tasks = service.start(bus.clone(), settings, shutdown).await?;
    let offers: Vec<_> = entities
        .iter()
        .filter_map(|e| if let Entity::Offer(o) = e { Some(o.clone()) } else { None })
        .take(200)
        .collect();
    let mut samples = Samples::default();
    for (i, mut offer) in offers.into_iter().enumerate() {
        let token = format!("zqfresh{i}x");
        offer.title = format!("{} {token}", offer.title);
        let change = Change::Upserted(Entity::Offer(offer.clone()));
        let bytes = envelope::encode(&envelope::build(&change, 2, "bench", Utc::now()));
        let started = Instant::now();
        bus.publish("profiles.v1", vec![OutMessage::new(offer.id.to_string(), bytes)]).await?;
        loop {
            let found = service
                .run(SearchRequest { kinds: vec![DocKind::Offer], text: token.clone(), limit: 1, ..Default::default() })
                .await?;
            if found.hits.first().is_some_and(|h| h.id == offer.id.as_uuid()) {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("a change was not searchable within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        samples.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(37)).await;
    }
    let _ = stop.send(true);
    for t in tasks {
        t.await?;
    }
    Ok(samples)
}

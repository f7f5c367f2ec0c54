//! Search behaviour on the Torino demo data: bilingual relevance, facets, distance, sorting,
//! pagination and bad input; then the event path through the real bus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use chrono::Utc;
use crocevia_domain::{Entity, EntityKind, Offer, SkillConcept, place};
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{OutMessage, SharedBus, TopicSpec};
use crocevia_proto::envelope::{self, Change, EventMeta};
use crocevia_search::consumer::BatchSettings;
use crocevia_search::query::{DocKind, Near, SearchRequest, Sort};
use crocevia_search::service::SearchSettings;
use crocevia_search::taxonomy::Taxonomy;
use crocevia_search::{SearchError, SearchService};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn demo_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file)
}

/// The reference taxonomy (built into the binary), loaded once; each test gets its own copy.
fn taxonomy() -> Arc<Taxonomy> {
    static SKILLS: std::sync::LazyLock<Vec<SkillConcept>> = std::sync::LazyLock::new(|| {
        crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")).into_concepts()
    });
    Arc::new(Taxonomy::new(SKILLS.clone()))
}

fn demo_entities() -> Vec<Entity> {
    let mut all = Vec::new();
    for (file, kind) in [
        ("organisations.json", "organisation"),
        ("talents.json", "talent"),
        ("startups.json", "startup"),
        ("programmes.json", "programme"),
        ("offers.json", "offer"),
    ] {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(demo_path(file)).unwrap()).unwrap();
        all.extend(
            items.into_iter().map(|data| {
                serde_json::from_value::<Entity>(serde_json::json!({ "kind": kind, "data": data })).unwrap()
            }),
        );
    }
    all
}

fn demo_offers() -> Vec<Offer> {
    demo_entities().into_iter().filter_map(|e| if let Entity::Offer(o) = e { Some(o) } else { None }).collect()
}

fn meta(entity_kind: EntityKind, entity_id: uuid::Uuid, version: u64) -> EventMeta {
    EventMeta {
        event_id: uuid::Uuid::now_v7(),
        entity_kind,
        entity_id,
        entity_version: version,
        occurred_at: Utc::now(),
        correlation_id: "t".into(),
    }
}

fn loaded() -> SearchService {
    let service = SearchService::in_ram(taxonomy()).unwrap();
    let index = service.index();
    for entity in demo_entities() {
        index.apply(&meta(entity.kind(), entity.id(), 1), &Change::Upserted(entity)).unwrap();
    }
    index.commit().unwrap();
    service
}

fn offers(text: &str) -> SearchRequest {
    SearchRequest { kinds: vec![DocKind::Offer], text: text.into(), limit: 10, ..Default::default() }
}

fn titles(results: &crocevia_search::SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.title.clone()).collect()
}

const RUST_EN: &str = "Rust Backend Developer";
const RUST_IT: &str = "Sviluppatore/Sviluppatrice Rust";

#[tokio::test]
async fn italian_and_english_queries_find_the_same_rust_jobs_first() {
    let s = loaded();
    for query in ["sviluppatore Rust", "Rust developer", "sviluppatrice rust", "rust developers"] {
        let r = s.run(offers(query)).await.unwrap();
        let top: Vec<String> = titles(&r).into_iter().take(2).collect();
        assert!(top.contains(&RUST_EN.to_owned()) && top.contains(&RUST_IT.to_owned()), "{query}: {top:?}");
    }
}

#[tokio::test]
async fn concepts_cross_languages() {
    let s = loaded();
    // An Italian query for an English-only offer, through the skill taxonomy.
    let r = s.run(offers("apprendimento automatico per il fintech")).await.unwrap();
    assert_eq!(titles(&r)[0], "Machine Learning Engineer – Fraud Detection", "{:?}", titles(&r));
    let r = s.run(offers("PhD biomedical genomics")).await.unwrap();
    assert!(titles(&r)[0].starts_with("PhD in Biomedical Sciences"), "{:?}", titles(&r));
    let r = s.run(offers("tirocinio UX")).await.unwrap();
    assert_eq!(titles(&r)[0], "UX Design Internship – Vehicle Interiors", "{:?}", titles(&r));
}

#[tokio::test]
async fn one_typo_is_tolerated_in_long_words() {
    let s = loaded();
    let r = s.run(offers("cybersecurty analyst")).await.unwrap();
    assert!(titles(&r)[0].starts_with("Cybersecurity Analyst"), "{:?}", titles(&r));
    let r = s.run(offers("sviluppatrce rust")).await.unwrap();
    assert!(titles(&r).iter().take(2).any(|t| t == RUST_IT), "{:?}", titles(&r));
}

#[tokio::test]
async fn snippets_highlight_the_matched_words() {
    let s = loaded();
    let r = s.run(offers("batterie stato solido")).await.unwrap();
    assert!(r.hits[0].snippet.contains("<b>"), "{}", r.hits[0].snippet);
}

#[tokio::test]
async fn facet_counts_match_the_data() {
    let s = loaded();
    let request = SearchRequest {
        kinds: vec![DocKind::Offer],
        facets: vec!["offer_kind".into(), "comune".into(), "deadline".into()],
        limit: 1,
        ..Default::default()
    };
    let r = s.run(request).await.unwrap();
    let offers = demo_offers();
    assert_eq!(r.total, offers.len() as u64);
    let count = |name: &str, value: &str| {
        r.facets
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .values
            .iter()
            .find(|v| v.value == value)
            .map_or(0, |v| v.count)
    };
    let key = |o: &Offer| serde_json::to_value(o.kind).unwrap().as_str().unwrap().to_owned();
    for kind in ["job", "internship", "phd_position", "fellowship"] {
        assert_eq!(count("offer_kind", kind), offers.iter().filter(|o| key(o) == kind).count() as u64, "{kind}");
    }
    assert_eq!(count("comune", "torino"), offers.iter().filter(|o| o.comune.as_str() == "torino").count() as u64);
    let buckets: u64 = r.facets.iter().find(|f| f.name == "deadline").unwrap().values.iter().map(|v| v.count).sum();
    assert_eq!(buckets, offers.iter().filter(|o| o.deadline.is_some()).count() as u64);
    // Each bucket holds the offers whose deadline falls in its days (counted in the query's
    // one pass, from the deadline column).
    let today = chrono::Utc::now().date_naive();
    let bucket = |d: chrono::NaiveDate| match (d - today).num_days() {
        ..0 => "past",
        0..=7 => "within_7_days",
        8..=30 => "within_30_days",
        31..=90 => "within_90_days",
        _ => "later",
    };
    for name in ["past", "within_7_days", "within_30_days", "within_90_days", "later"] {
        let expected = offers.iter().filter(|o| o.deadline.is_some_and(|d| bucket(d) == name)).count() as u64;
        assert_eq!(count("deadline", name), expected, "deadline bucket {name}");
    }

    // A filter narrows, and the counts follow.
    let filtered = s
        .run(SearchRequest {
            kinds: vec![DocKind::Offer],
            filters: vec!["offer_kind:internship".into(), "language:en>=B2".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let expected = offers
        .iter()
        .filter(|o| {
            key(o) == "internship"
                && o.languages.iter().any(|l| l.language.as_str() == "en" && l.level >= crocevia_domain::Cefr::B2)
        })
        .count();
    assert_eq!(filtered.total, expected as u64);
    assert!(expected > 0);
}

#[tokio::test]
async fn distance_filter_and_sort() {
    let s = loaded();
    let near = Near { comune: "torino".into(), within_km: Some(12.0) };
    let r = s
        .run(SearchRequest {
            kinds: vec![DocKind::Offer],
            near: Some(near),
            sort: Sort::Distance,
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let torino = crocevia_domain::ComuneId::new("torino").unwrap();
    let expected = demo_offers().iter().filter(|o| o.comune.distance_km(&torino) <= 12.0).count();
    assert_eq!(r.total as usize, expected);
    assert!(expected < demo_offers().len(), "the filter must exclude something");
    let distances: Vec<f64> = r.hits.iter().map(|h| h.distance_km.unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 12.0));
    assert!(place::all().len() == 38);
}

#[tokio::test]
async fn deadline_sort_and_cursor_pagination() {
    let s = loaded();
    let base = SearchRequest { kinds: vec![DocKind::Offer], sort: Sort::Deadline, limit: 10, ..Default::default() };
    let first = s.run(base.clone()).await.unwrap();
    let second = s.run(SearchRequest { cursor: first.next_cursor.clone(), ..base.clone() }).await.unwrap();
    let both = s.run(SearchRequest { limit: 20, ..base }).await.unwrap();
    let ids = |r: &crocevia_search::SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
    let mut paged = ids(&first);
    paged.extend(ids(&second));
    assert_eq!(paged, ids(&both));
    let deadlines: Vec<_> = both.hits.iter().map(|h| h.deadline.unwrap()).collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
}

#[tokio::test]
async fn programmes_and_startups_are_searchable_in_both_languages() {
    let s = loaded();
    let r = s
        .run(SearchRequest {
            kinds: vec![DocKind::Programme],
            text: "accelerazione".into(),
            facets: vec!["model".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(r.total > 0);
    let r2 = s
        .run(SearchRequest { kinds: vec![DocKind::Programme], text: "acceleration".into(), ..Default::default() })
        .await
        .unwrap();
    assert!(r2.total > 0);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let s = loaded();
    for (request, field) in [
        (SearchRequest { facets: vec!["colour".into()], ..Default::default() }, "facets[0]"),
        (SearchRequest { filters: vec!["deadline<=soon".into()], ..Default::default() }, "filters[0]"),
        (SearchRequest { text: "parola ".repeat(100), ..Default::default() }, "text"),
        (
            SearchRequest { near: Some(Near { comune: "milano".into(), within_km: None }), ..Default::default() },
            "near.comune",
        ),
        (SearchRequest { limit: 1000, ..Default::default() }, "limit"),
    ] {
        match s.run(request).await {
            Err(SearchError::BadRequest { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn stale_versions_are_skipped_and_erasure_removes() {
    let s = loaded();
    let index = s.index();
    let mut offer = demo_offers().remove(0);
    let id = offer.id.as_uuid();
    offer.title = "Changed title".into();
    index.apply(&meta(EntityKind::Offer, id, 3), &Change::Upserted(Entity::Offer(offer.clone()))).unwrap();
    offer.title = "Older title".into();
    assert_eq!(
        index.apply(&meta(EntityKind::Offer, id, 2), &Change::Upserted(Entity::Offer(offer))).unwrap(),
        crocevia_search::index::Applied::Stale
    );
    index.commit().unwrap();
    assert_eq!(s.run(offers("changed title")).await.unwrap().hits[0].id, id);
    index
        .apply(
            &meta(EntityKind::Offer, id, 4),
            &Change::Erased { kind: EntityKind::Offer, id, reason: "erasure_request".into() },
        )
        .unwrap();
    index.commit().unwrap();
    assert!(s.run(offers("changed title")).await.unwrap().hits.iter().all(|h| h.id != id));
    assert_eq!(index.version_of(id).unwrap(), Some(4));
}

async fn publish(bus: &SharedBus, topic: &str, entity: &Entity, version: u64) {
    let change = Change::Upserted(entity.clone());
    let bytes = envelope::encode(&envelope::build(&change, version, "t", Utc::now()));
    bus.publish(topic, vec![OutMessage::new(entity.id().to_string(), bytes)]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_through_the_bus_become_searchable_quickly_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let bus: SharedBus = Arc::new(InProcessBus::open(&dir.path().join("bus"), false, "dlq").unwrap());
    bus.create_topics(&[TopicSpec::new("profiles.v1", 3), TopicSpec::new("dlq", 1)]).await.unwrap();
    let root = dir.path().join("search");
    let settings = SearchSettings {
        root: root.clone(),
        topic: "profiles.v1".into(),
        group: "search".into(),
        batch: BatchSettings::default(),
        announce: None,
    };
    let entities = demo_entities();
    let (half_a, half_b) = entities.split_at(entities.len() / 2);

    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let service = SearchService::open(&root, taxonomy()).unwrap();
    let tasks = service.start(bus.clone(), settings.clone(), shutdown).await.unwrap();
    for e in half_a {
        publish(&bus, "profiles.v1", e, 1).await;
    }
    // Freshness: one change, visible within the target.
    let mut offer = demo_offers().remove(3);
    offer.title = "Zanzibar quantum sommelier".into();
    let started = Instant::now();
    publish(&bus, "profiles.v1", &Entity::Offer(offer.clone()), 2).await;
    loop {
        let r = service.run(offers("zanzibar sommelier")).await.unwrap();
        if r.hits.first().is_some_and(|h| h.id == offer.id.as_uuid()) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "not searchable within 2 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A poison message is dead-lettered and the consumer goes on.
    bus.publish("profiles.v1", vec![OutMessage::new("poison", b"not an envelope".to_vec())]).await.unwrap();
    stop.send(true).unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    drop(service);

    // Restart on the same index and group, with the second half and redeliveries.
    for e in half_b {
        publish(&bus, "profiles.v1", e, 1).await;
    }
    for e in &half_a[..5] {
        publish(&bus, "profiles.v1", e, 1).await;
    }
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    let service = SearchService::open(&root, taxonomy()).unwrap();
    let _tasks = service.start(bus.clone(), settings, shutdown).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while service.index().num_searchable().unwrap() < entities.len() as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(service.index().num_searchable().unwrap(), entities.len() as u64, "nothing lost, nothing doubled");
    for e in entities.iter().take(40) {
        let expected = if e.id() == offer.id.as_uuid() { 2 } else { 1 };
        assert_eq!(service.index().version_of(e.id()).unwrap(), Some(expected));
    }
    let mut dlq = bus.subscribe(&["dlq".to_owned()], "dlq-reader").await.unwrap();
    let dead = dlq.poll(Duration::from_secs(2)).await.unwrap().expect("the poison message was dead-lettered");
    assert_eq!(dead.key, "poison");
}

#[tokio::test]
async fn employer_startup_finds_only_the_offers_of_startups() {
    let s = loaded();
    let startups: Vec<Entity> = demo_entities().into_iter().filter(|e| e.kind() == EntityKind::Startup).collect();
    let mut offer = demo_offers().into_iter().find(|o| o.kind == crocevia_domain::OfferKind::Internship).unwrap();
    offer.id = crocevia_domain::OfferId::from_uuid(uuid::Uuid::now_v7());
    offer.organisation_id = None;
    offer.startup_id = Some(crocevia_domain::StartupId::from_uuid(startups[0].id()));
    offer.title = "Stage growth marketing in startup".into();
    let index = s.index();
    index
        .apply(&meta(EntityKind::Offer, offer.id.as_uuid(), 1), &Change::Upserted(Entity::Offer(offer.clone())))
        .unwrap();
    index.commit().unwrap();

    let request = |filters: Vec<String>| SearchRequest {
        kinds: vec![DocKind::Offer],
        filters,
        facets: vec!["employer".into()],
        limit: 100,
        ..Default::default()
    };
    let r = s.run(request(vec!["employer:startup".into()])).await.unwrap();
    assert_eq!(r.total, 1, "{:?}", titles(&r));
    assert_eq!(r.hits[0].id, offer.id.as_uuid());
    let r = s.run(request(vec!["employer:organisation".into()])).await.unwrap();
    assert_eq!(r.total as usize, demo_offers().len());
    assert!(r.hits.iter().all(|h| h.id != offer.id.as_uuid()));
    let unfiltered = s.run(request(vec![])).await.unwrap();
    let counts = unfiltered.facets.iter().find(|f| f.name == "employer").unwrap();
    let count = |v: &str| counts.values.iter().find(|c| c.value == v).map_or(0, |c| c.count);
    assert_eq!((count("startup"), count("organisation")), (1, demo_offers().len() as u64));
    // A typo is an error naming the filter, not an empty list.
    let err = s.run(request(vec!["employer:startups".into()])).await.unwrap_err();
    assert!(matches!(err, SearchError::BadRequest { ref field, .. } if field == "filters[0]"), "{err:?}");
}

//! At start, search and matching catch up with the database, the source of truth, by
//! comparing versions. Their consumers resume from the bus, which holds every change only as
//! long as the bus log is whole: a record lost to a damaged log, or a log cut short after a
//! full disk, would otherwise leave an entity missing (or stale, or not erased) for good.
//! Only the ids and versions are read for the comparison; entities are loaded only where the
//! replica is behind, and fed through the same code as a bus event.

use crate::indexing::SEARCHABLE;
use chrono::Utc;
use crocevia_domain::EntityKind;
use crocevia_matching::MatchingService;
use crocevia_profiles::{Profiles, store};
use crocevia_proto::envelope::{self, Change, EventMeta};
use crocevia_search::SearchService;
use std::collections::{HashMap, HashSet};
use tokio::sync::watch;
use uuid::Uuid;

/// Kinds the matching service ranks.
const MATCHED: [EntityKind; 4] = [EntityKind::Talent, EntityKind::Offer, EntityKind::Startup, EntityKind::Programme];
/// Ids and versions read from the database per query.
pub const PAGE: u64 = 5_000;
/// Entities loaded and applied per step (bounds what is held at once).
pub const STEP: usize = 500;

/// What a replica was missing, and what it fixed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Caught {
    /// Entities it held at an older version, or not at all, now brought up to date.
    pub behind: usize,
    /// Entities gone from the database (erased) that it still held, now erased there too.
    pub gone: usize,
    /// It held nothing yet (a first start): filled, not repaired.
    pub first: bool,
}

/// Every (kind, id, version) of `kinds` in the database whose version `held` is older than
/// the database's (or absent), and the set of every id seen.
async fn behind(
    profiles: &Profiles,
    kinds: &[EntityKind],
    held: &(dyn Fn(Uuid) -> anyhow::Result<Option<u64>> + Sync),
) -> anyhow::Result<(Vec<(EntityKind, Uuid)>, HashSet<Uuid>)> {
    let (mut late, mut seen) = (Vec::new(), HashSet::new());
    for &kind in kinds {
        let mut after = None;
        loop {
            let page = store::versions(profiles.db(), kind, after, PAGE).await?;
            let Some(&(last, _)) = page.last() else { break };
            after = Some(last);
            for (id, version) in page {
                seen.insert(id);
                if held(id)?.is_none_or(|v| v < version) {
                    late.push((kind, id));
                }
            }
        }
    }
    Ok((late, seen))
}

/// The current state of `ids` as bus events would carry them (skipping any erased since), in
/// the order of `ids`; one query per kind and run of ids of that kind.
async fn changes(profiles: &Profiles, ids: &[(EntityKind, Uuid)]) -> anyhow::Result<Vec<(EventMeta, Change)>> {
    let mut out = Vec::with_capacity(ids.len());
    for run in ids.chunk_by(|a, b| a.0 == b.0) {
        let kind = run[0].0;
        let wanted: Vec<Uuid> = run.iter().map(|(_, id)| *id).collect();
        let mut found: HashMap<Uuid, store::Stored> =
            store::find_many(profiles.db(), kind, &wanted).await?.into_iter().collect();
        for id in wanted {
            if let Some(stored) = found.remove(&id) {
                out.push((meta(kind, id, stored.version), Change::Upserted(stored.entity)));
            }
        }
    }
    Ok(out)
}

fn meta(kind: EntityKind, id: Uuid, version: u64) -> EventMeta {
    EventMeta {
        event_id: Uuid::now_v7(),
        entity_kind: kind,
        entity_id: id,
        entity_version: version,
        occurred_at: Utc::now(),
        correlation_id: "resync".into(),
    }
}

fn erased(kind: EntityKind, id: Uuid, held: u64) -> (EventMeta, Change) {
    (meta(kind, id, held + 1), Change::Erased { kind, id, reason: "resync".into() })
}

/// Brings the search index up to date with the database: entities it lacks or holds at an
/// older version are indexed, documents of entities no longer in the database are erased.
pub async fn search(profiles: &Profiles, search: &SearchService) -> anyhow::Result<Caught> {
    let index = search.index();
    // Postings and fast-field lookups of a few microseconds each, at start only.
    let held = |id: Uuid| index.version_of(id);
    let (late, seen) = behind(profiles, &SEARCHABLE, &held).await?;
    let mut caught = Caught::default();
    for step in late.chunks(STEP) {
        for (meta, change) in changes(profiles, step).await? {
            if index.apply(&meta, &change)? == crocevia_search::index::Applied::Indexed {
                caught.behind += 1;
            }
        }
    }
    for (id, version) in index.live_documents()? {
        if !seen.contains(&id) {
            // The index keeps no kind for a tombstone: any kind erases the document.
            let (meta, change) = erased(EntityKind::Talent, id, version);
            index.apply(&meta, &change)?;
            caught.gone += 1;
        }
    }
    if caught != Caught::default() {
        index.commit()?;
    }
    Ok(caught)
}

/// Brings matching's replica (and so its lists) up to date with the database, through the
/// same path as a batch of bus events. Stops between steps (and the matching service between
/// chunks) once `stop` turns true; what it did is stored and the next start goes on from there.
pub async fn matching(
    profiles: &Profiles,
    matching: &MatchingService,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<Caught> {
    // Matching keeps its replica in the profiles database.
    let replica: HashMap<Uuid, (Option<EntityKind>, u64, bool)> =
        crocevia_matching::store::replica_versions(profiles.db())
            .await?
            .into_iter()
            .map(|(id, kind, version, erased)| {
                (id, (EntityKind::parse(&kind), u64::try_from(version).unwrap_or(0), erased))
            })
            .collect();
    let held = |id: Uuid| Ok(replica.get(&id).filter(|(_, _, erased)| !erased).map(|(_, v, _)| *v));
    let (late, seen) = behind(profiles, &MATCHED, &held).await?;
    let mut caught = Caught { behind: late.len(), gone: 0, first: replica.is_empty() };
    let mut events: Vec<(EventMeta, Change)> = Vec::new();
    for (id, (kind, version, erased_there)) in &replica {
        if let (Some(kind), false, false) = (kind, *erased_there, seen.contains(id)) {
            events.push(erased(*kind, *id, *version));
            caught.gone += 1;
        }
    }
    // A first start (or one whose first fill was cut short) holds every entity before it
    // computes any list: see `crocevia_matching::engine::fill`.
    let mut fill =
        if caught.first || matching.fill_pending().await? { Some(matching.begin_fill().await?) } else { None };
    let total = late.len();
    for (n, step) in late.chunks(STEP).enumerate() {
        if *stop.borrow() {
            anyhow::bail!("stopped after {} of {total} entities (the next start goes on)", n * STEP);
        }
        events.extend(changes(profiles, step).await?);
        match &mut fill {
            Some(fill) => fill.apply(std::mem::take(&mut events)).await?,
            None => feed(matching, std::mem::take(&mut events), stop).await?,
        }
        if (n + 1) % 20 == 0 {
            tracing::info!(done = (n + 1) * STEP, total, "matching catching up with the database");
        }
    }
    match fill {
        Some(mut fill) => {
            fill.apply(events).await?;
            let threads = std::thread::available_parallelism().map_or(1, usize::from);
            // A line per tenth of each phase (scoring, storing): minutes at 10^6.
            let logged = std::sync::Mutex::new(("", 0));
            fill.finish(threads, stop, &|phase, done, total| {
                let tenth = done * 10 / total.max(1);
                let mut last = logged.lock().unwrap_or_else(|p| p.into_inner());
                if *last != (phase, tenth) {
                    *last = (phase, tenth);
                    tracing::info!(phase, done, total, "matching filling its lists");
                }
            })
            .await?;
        }
        None => feed(matching, events, stop).await?,
    }
    Ok(caught)
}

async fn feed(
    matching: &MatchingService,
    events: Vec<(EventMeta, Change)>,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let batch: Vec<crocevia_kit::bus::Delivery> = events
        .into_iter()
        .enumerate()
        .map(|(i, (meta, change))| crocevia_kit::bus::Delivery {
            topic: "resync".into(),
            partition: 0,
            offset: i64::try_from(i).unwrap_or(i64::MAX),
            key: meta.entity_id.to_string(),
            payload: envelope::encode(&envelope::build(&change, meta.entity_version, "resync", meta.occurred_at)),
            headers: Vec::new(),
        })
        .collect();
    let poison = matching.process_until(&batch, stop).await?;
    if let Some((_, error)) = poison.into_iter().next() {
        anyhow::bail!("an entity of the database did not decode for matching: {error}");
    }
    Ok(())
}

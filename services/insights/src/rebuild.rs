//! Rebuilding the facts from the database instead of from the topics.
//!
//! Why: a topic keeps what its retention allows. Insights started with no state read from the
//! earliest message still held, so with a retention shorter than the platform's life the
//! entities whose events were gone were never counted and first sightings came out late:
//! wrong open data, presented as complete. The database holds what the topics only passed
//! on: every entity at its latest version (its row's `created_at` says when it was first
//! written), a tombstone for every deletion, and matching's outbox, which keeps every match
//! event matching wrote, in the order it published them.
//!
//! A rebuild ([`crate::InsightsService::rebuild`]):
//! 1. empties the facts and marks them incomplete: every door answers 503 from then on;
//! 2. moves the insights group to the ends of its topics ([`crate::skip`]): the position the
//!    rebuilt facts are followed from;
//! 3. reads the database in chunks ([`from_database`]) and stores the facts the consumer would
//!    have stored from the whole history;
//! 4. marks the facts complete; the consumer then follows the topics from step 2.
//!
//! Why following from step 2 loses nothing and counts nothing twice: an event is published
//! only after the transaction that wrote it committed (profiles and matching both publish
//! through an outbox). So every event before the group's new position was in the database
//! before step 3 began to read, and step 3 stored its entity at that version or a newer one.
//! The consumer reads every event after the position: those step 3 already holds are at or
//! below the stored version and change nothing, a first match already stored is kept, and
//! the rest are applied. Events published while step 3 reads are in that overlap; it is
//! harmless, and nothing falls between the two.
//!
//! Where rebuilt facts differ from facts kept from a complete topic, by what the database
//! keeps:
//! - `first_seen` is the row's `created_at`, the time of its first write; the consumer takes
//!   its first event's `occurred_at`, stamped in the same transaction a few microseconds
//!   later (the same instant for imported entities). Time to match counts whole seconds and
//!   is published in tenths of an hour.
//! - An entity deleted and then created again with the same id counts from its re-creation
//!   (its row is new); the consumer kept its first sighting.
//! - Every deletion of a counted kind leaves a row without a fact at the tombstone's version,
//!   so an older event read again cannot bring the entity back; the consumer leaves one only
//!   for an entity it had counted. Rows without a fact are never counted.
//! - First matches are exact: matching's outbox holds the very payloads the topic carried, in
//!   the same order, read through the consumer's own [`good_match`]. This relies on matching
//!   never deleting outbox rows (it marks them published). Its lists could not stand in: they
//!   hold the current places and scores, neither when a place was first held nor an offer
//!   whose good match has since left its list.

use crate::consumer::good_match;
use crate::facts::{COUNTED, Fact};
use crate::store::{self, Batch, FactRow};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use crocevia_domain::{Entity, EntityKind};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::watch;
use uuid::Uuid;

/// Entities (or tombstones) read, and their facts stored, per transaction: a page of rows,
/// each a few kilobytes of JSON at most.
pub const CHUNK: u64 = 1_000;
/// Match events read at once from matching's outbox (about 150 bytes each); the first
/// matches a page holds are stored in one transaction.
pub const MATCH_PAGE: u64 = 5_000;

/// What a rebuild reads, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Tombstones: first, so an entity created again after its deletion ends at its row.
    Erasures,
    /// The entities of one counted kind.
    Entities(EntityKind),
    /// Matching's outbox.
    MatchEvents,
}

impl Phase {
    pub fn all() -> Vec<Phase> {
        let mut all = vec![Phase::Erasures];
        all.extend(COUNTED.map(Phase::Entities));
        all.push(Phase::MatchEvents);
        all
    }

    pub fn name(self) -> &'static str {
        match self {
            Phase::Erasures => "erasures",
            Phase::Entities(kind) => kind.as_str(),
            Phase::MatchEvents => "match events",
        }
    }
}

/// An entity as the database holds it now.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub entity: Entity,
    pub version: u64,
    /// When its row was first written: when the platform first saw it.
    pub created_at: DateTime<Utc>,
    /// When its latest version was written.
    pub updated_at: DateTime<Utc>,
}

/// A deleted entity's tombstone: its last version.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub id: Uuid,
    pub kind: EntityKind,
    pub version: u64,
    pub deleted_at: DateTime<Utc>,
}

/// The database as a rebuild reads it (the profiles and matching tables; the `crocevia`
/// binary implements it over their stores). Pages are in a stable order and resume after
/// the last row of the previous page.
#[async_trait]
pub trait Source: Send + Sync + std::fmt::Debug {
    /// Rows `phase` will read, for the progress bar.
    async fn count(&self, phase: Phase) -> anyhow::Result<u64>;
    /// Entities of `kind` after id `after`, in id order, at most `limit`.
    async fn entities(&self, kind: EntityKind, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Recorded>>;
    /// Tombstones after id `after`, in id order, at most `limit`.
    async fn tombstones(&self, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Tombstone>>;
    /// Match events (`matches.v1` payloads) written after sequence number `after`, in the
    /// order they were written and published, with their sequence numbers; at most `limit`.
    async fn match_events(&self, after: Option<i64>, limit: u64) -> anyhow::Result<Vec<(i64, Vec<u8>)>>;
}

/// Where a rebuild tells how far it got: a progress bar on a terminal, log lines otherwise.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// `done` of the `total` rows of every phase are read; `phase` is being read.
    fn update(&self, phase: Phase, done: u64, total: u64);
    /// The rebuild ended, done or not.
    fn finish(&self) {}
}

/// Progress as structured log lines, one per tenth of the rows.
#[derive(Debug, Default)]
pub struct Logged {
    tenth: AtomicU64,
}

impl Progress for Logged {
    fn update(&self, phase: Phase, done: u64, total: u64) {
        let tenth = done * 10 / total.max(1);
        if self.tenth.swap(tenth, Ordering::Relaxed) != tenth {
            tracing::info!(phase = phase.name(), done, total, "insights rebuilding from the database");
        }
    }
}

/// What a rebuild read and stored.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// Entities with a fact (counted).
    pub facts: u64,
    /// Tombstones of counted kinds, stored as rows without a fact.
    pub erased: u64,
    /// Match events read, and the offers with a first good match among them.
    pub match_events: u64,
    pub first_matches: u64,
    /// Match events that do not decode (the consumer would have dead-lettered them).
    pub poison: u64,
    /// Messages the group moved past before the database was read (see [`crate::skip`]).
    pub skipped: u64,
}

/// Counts rows read for the progress bar, and stops between chunks when asked to.
struct Pace<'a> {
    progress: &'a dyn Progress,
    stop: &'a watch::Receiver<bool>,
    done: u64,
    total: u64,
}

impl Pace<'_> {
    fn read(&mut self, phase: Phase, rows: usize) -> anyhow::Result<()> {
        self.done += rows as u64;
        self.progress.update(phase, self.done, self.total);
        if *self.stop.borrow() {
            anyhow::bail!(
                "stopped after {} of {} rows; the facts stay incomplete and the next start rebuilds them",
                self.done,
                self.total
            );
        }
        Ok(())
    }
}

/// Step 3 of a rebuild (see the module's note): stores the facts of every tombstone, every
/// entity and every first good match the database holds, a chunk per transaction, into facts
/// that [`store::reset`] emptied. Stops between chunks once `stop` turns true.
pub async fn from_database(
    db: &DatabaseConnection,
    source: &dyn Source,
    progress: &dyn Progress,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<Rebuilt> {
    let mut total = 0;
    for phase in Phase::all() {
        total += source.count(phase).await.with_context(|| format!("counting the {}", phase.name()))?;
    }
    let mut pace = Pace { progress, stop, done: 0, total };
    let mut rebuilt = Rebuilt::default();
    tombstones(db, source, &mut pace, &mut rebuilt).await?;
    for kind in COUNTED {
        entities(db, source, kind, &mut pace, &mut rebuilt).await?;
    }
    first_matches(db, source, &mut pace, &mut rebuilt).await?;
    rebuilt.first_matches = store::first_match_count(db).await.context("counting the first matches stored")?;
    Ok(rebuilt)
}

/// Stores a chunk's facts, if it has any (a chunk of applications to offers has none).
async fn save(db: &DatabaseConnection, batch: Batch) -> Result<(), sea_orm::DbErr> {
    if batch.is_empty() { Ok(()) } else { store::save(db, batch).await }
}

async fn tombstones(
    db: &DatabaseConnection,
    source: &dyn Source,
    pace: &mut Pace<'_>,
    rebuilt: &mut Rebuilt,
) -> anyhow::Result<()> {
    let mut after = None;
    loop {
        let page = source.tombstones(after, CHUNK).await.context("reading tombstones")?;
        let Some(last) = page.last() else { return Ok(()) };
        after = Some(last.id);
        // Other kinds never had a fact: the consumer keeps no row for them.
        let rows: Vec<FactRow> = page
            .iter()
            .filter(|t| COUNTED.contains(&t.kind))
            .map(|t| FactRow { id: t.id, version: t.version, first_seen: t.deleted_at, fact: None })
            .collect();
        let newest = rows.iter().map(|r| r.first_seen).max();
        rebuilt.erased += rows.len() as u64;
        save(db, Batch { facts: rows, first_matches: Vec::new(), newest }).await.context("storing erasures")?;
        pace.read(Phase::Erasures, page.len())?;
    }
}

async fn entities(
    db: &DatabaseConnection,
    source: &dyn Source,
    kind: EntityKind,
    pace: &mut Pace<'_>,
    rebuilt: &mut Rebuilt,
) -> anyhow::Result<()> {
    let mut after = None;
    loop {
        let page = source.entities(kind, after, CHUNK).await.with_context(|| format!("reading {kind} entities"))?;
        let Some(last) = page.last() else { return Ok(()) };
        after = Some(last.entity.id());
        let mut rows = Vec::with_capacity(page.len());
        let mut newest = None;
        for recorded in &page {
            // As the consumer: an entity without a fact (an application to an offer) leaves
            // no row.
            let Some(fact) = Fact::of(&recorded.entity) else { continue };
            let fact = serde_json::to_value(&fact).with_context(|| format!("encoding the fact of {kind}"))?;
            newest = newest.max(Some(recorded.updated_at));
            rows.push(FactRow {
                id: recorded.entity.id(),
                version: recorded.version,
                first_seen: recorded.created_at,
                fact: Some(fact),
            });
        }
        rebuilt.facts += rows.len() as u64;
        save(db, Batch { facts: rows, first_matches: Vec::new(), newest })
            .await
            .with_context(|| format!("storing the facts of {kind} entities"))?;
        pace.read(Phase::Entities(kind), page.len())?;
    }
}

async fn first_matches(
    db: &DatabaseConnection,
    source: &dyn Source,
    pace: &mut Pace<'_>,
    rebuilt: &mut Rebuilt,
) -> anyhow::Result<()> {
    let mut after = None;
    loop {
        let page = source.match_events(after, MATCH_PAGE).await.context("reading match events")?;
        let Some(&(last, _)) = page.last() else { return Ok(()) };
        after = Some(last);
        // The first of each offer in this page; an earlier page's, already stored, is kept
        // by the store as the consumer's is.
        let mut first: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
        let mut newest = None;
        for (_, payload) in &page {
            match good_match(payload) {
                Ok(Some((offer, at))) => {
                    newest = newest.max(Some(at));
                    first.entry(offer).or_insert(at);
                }
                Ok(None) => {}
                Err(_) => rebuilt.poison += 1,
            }
        }
        rebuilt.match_events += page.len() as u64;
        let batch = Batch { facts: Vec::new(), first_matches: first.into_iter().collect(), newest };
        save(db, batch).await.context("storing first matches")?;
        pace.read(Phase::MatchEvents, page.len())?;
    }
}

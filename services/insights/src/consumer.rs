//! Keeps the facts from the events: `profiles.v1` (entities at their versions, erasures) and
//! `matches.v1` (an offer's first good match). Idempotent: an event at or below the stored
//! version changes nothing, a first match is stored once, so redelivery after a crash is
//! harmless; offsets are stored only after the batch's transaction commits.
//!
//! Until the facts hold every change the platform had recorded, the aggregates are a partial
//! count and the downloads answer 503. The platform rebuilds facts that were never complete
//! from the database before this consumer starts, and the rebuild marks them complete (see
//! [`crate::rebuild`]: a topic's retention may have dropped the oldest events). Without a
//! database to rebuild from, the consumer marks them complete itself when it has read to the
//! end of its partitions after the profiles outbox was seen empty (see [`Upstream`]).

use crate::compute::GOOD_MATCH;
use crate::facts::Fact;
use crate::store::{self, Batch, FactRow};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use crocevia_kit::bus::Delivery;
use crocevia_kit::bus::batch::BatchHandler;
use crocevia_proto::envelope::{self, Change};
use prost::Message;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// What one batch did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub facts: usize,
    pub erased: usize,
    pub stale: usize,
    pub first_matches: usize,
    pub poison: usize,
}

/// Where the changes come from: whether some are recorded but not yet on the bus (the
/// profiles outbox). Without one, reading to the end of the topics is taken as complete.
#[async_trait]
pub trait Upstream: Send + Sync + std::fmt::Debug {
    async fn unpublished(&self) -> anyhow::Result<bool>;
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub db: DatabaseConnection,
    pub profiles_topic: String,
    pub matches_topic: String,
    /// Told after each stored batch, so readers in this process refresh at once.
    pub stored: tokio::sync::watch::Sender<i64>,
    pub upstream: Option<std::sync::Arc<dyn Upstream>>,
    pub progress: CatchUp,
}

/// How far the first catch-up has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CatchUp {
    /// Not known yet (read from the state at the first idle round).
    #[default]
    Unknown,
    Reading,
    /// The outbox was empty at an idle round: the next idle round has read all it held.
    OutboxDrained,
    Done,
}

fn timestamp(ts: Option<&prost_types::Timestamp>) -> DateTime<Utc> {
    ts.and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32)).unwrap_or_else(Utc::now)
}

/// The offer and time of the good match a `matches.v1` payload reports (an offer's list
/// gained or moved a counterpart scoring at least [`GOOD_MATCH`]), if it reports one; an
/// error names what does not decode. The consumer and a rebuild from matching's outbox
/// (see [`crate::rebuild`]) read match events through this one function.
pub fn good_match(payload: &[u8]) -> Result<Option<(Uuid, DateTime<Utc>)>, String> {
    let event =
        crocevia_proto::v1::MatchChanged::decode(payload).map_err(|e| format!("not a MatchChanged event: {e}"))?;
    let good = event.subject_kind == "offer" && event.new_rank > 0 && event.new_score >= GOOD_MATCH;
    if !good {
        return Ok(None);
    }
    let offer = Uuid::parse_str(&event.subject_id).map_err(|e| format!("subject_id: {e}"))?;
    Ok(Some((offer, timestamp(event.occurred_at.as_ref()))))
}

impl Consumer {
    /// Applies `batch` in one transaction; returns the poison messages and what was done.
    pub async fn apply(&self, batch: &[Delivery]) -> anyhow::Result<(HashMap<usize, String>, Applied)> {
        let mut poison = HashMap::new();
        let mut applied = Applied::default();
        let mut changes = Vec::new();
        let mut matched: Vec<(Uuid, DateTime<Utc>)> = Vec::new();
        for (i, d) in batch.iter().enumerate() {
            if d.topic == self.matches_topic {
                match good_match(&d.payload) {
                    Ok(Some(first)) => matched.push(first),
                    Ok(None) => {}
                    Err(e) => {
                        poison.insert(i, e);
                    }
                }
            } else {
                match envelope::decode(&d.payload) {
                    Ok(decoded) => changes.push(decoded),
                    Err(e) => {
                        poison.insert(i, e.to_string());
                    }
                }
            }
        }
        applied.poison = poison.len();
        let ids: Vec<Uuid> = changes.iter().map(|(meta, _)| meta.entity_id).collect();
        // Read before the transaction: this consumer is the only writer of its tables, and a
        // SQLite transaction that reads first cannot wait for the write lock.
        let mut known = store::known(&self.db, &ids).await?;
        let mut rows: HashMap<Uuid, FactRow> = HashMap::new();
        let mut newest: Option<DateTime<Utc>> = None;
        for (meta, change) in changes {
            let stored = known.get(&meta.entity_id).copied();
            if stored.is_some_and(|(version, _)| meta.entity_version <= version) {
                applied.stale += 1;
                continue;
            }
            let fact = match &change {
                Change::Upserted(entity) => match Fact::of(entity) {
                    Some(fact) => Some(serde_json::to_value(&fact)?),
                    None => continue,
                },
                Change::Erased { .. } if stored.is_none() => continue,
                Change::Erased { .. } => None,
            };
            if fact.is_some() {
                applied.facts += 1
            } else {
                applied.erased += 1
            }
            newest = newest.max(Some(meta.occurred_at));
            let first_seen = stored.map_or(meta.occurred_at, |(_, seen)| seen.min(meta.occurred_at));
            known.insert(meta.entity_id, (meta.entity_version, first_seen));
            rows.insert(meta.entity_id, FactRow { id: meta.entity_id, version: meta.entity_version, first_seen, fact });
        }
        let mut first: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
        for (offer, at) in matched {
            newest = newest.max(Some(at));
            first.entry(offer).or_insert(at);
        }
        applied.first_matches = first.len();
        let batch = Batch { facts: rows.into_values().collect(), first_matches: first.into_iter().collect(), newest };
        if !batch.is_empty() {
            store::save(&self.db, batch).await?;
            let _ = self.stored.send(store::generation(&self.db).await?);
        }
        Ok((poison, applied))
    }

    /// One idle round of the first catch-up (see the module's note).
    pub async fn idle(&mut self) -> anyhow::Result<()> {
        self.progress = match self.progress {
            CatchUp::Done => return Ok(()),
            CatchUp::Unknown if store::state(&self.db).await?.caught_up_at.is_some() => CatchUp::Done,
            CatchUp::OutboxDrained => {
                store::mark_caught_up(&self.db, Utc::now()).await?;
                let _ = self.stored.send(store::generation(&self.db).await?);
                tracing::info!("open data caught up with the platform's changes: downloads are served");
                CatchUp::Done
            }
            CatchUp::Unknown | CatchUp::Reading => match &self.upstream {
                Some(upstream) if upstream.unpublished().await? => CatchUp::Reading,
                _ => CatchUp::OutboxDrained,
            },
        };
        Ok(())
    }
}

#[async_trait]
impl BatchHandler for Consumer {
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        let (poison, applied) = self.apply(batch).await?;
        tracing::debug!(?applied, "insights batch stored");
        Ok(poison)
    }

    async fn idle(&mut self) -> anyhow::Result<()> {
        Consumer::idle(self).await
    }
}

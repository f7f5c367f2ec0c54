//! A first fill (see [`crate::engine::fill`]) as the service runs it: entities are applied and
//! stored without recomputing anything, then every list is computed at once and stored once.
//!
//! The fill is the only writer of lists while it runs: it holds the lock the consumer's
//! batches and the refresher take, so an event arriving meanwhile waits, and is then matched
//! against the filled lists as any change is.

use super::{MatchingService, batch_of, lock, replica_row};
use crate::engine::fill::Tops;
use crate::events;
use crate::store::{self, Batch};
use anyhow::Context;
use crocevia_proto::envelope::{Change, EventMeta};
use tokio::sync::{OwnedMutexGuard, watch};
use uuid::Uuid;

/// Lists stored in one transaction at the end of a fill (20 places and their 20 events each).
pub const FILL_STORE_CHUNK: usize = 2_000;

/// A fill under way: entities go in with [`Fill::apply`], lists come out with [`Fill::finish`].
/// Dropped unfinished (a stop, an error), it leaves its mark in the database, and the next
/// start fills again from what is stored.
#[derive(Debug)]
pub struct Fill {
    service: MatchingService,
    /// The lists' writer lock; holds what a failed store left, for the next batch to store.
    writer: OwnedMutexGuard<Option<Batch>>,
    applied: u64,
}

impl MatchingService {
    /// Whether a fill was started and not finished (a first start cut short).
    pub async fn fill_pending(&self) -> anyhow::Result<bool> {
        Ok(store::fill_pending(&self.db).await?)
    }

    /// Starts a fill: takes the lists' writer lock (after storing what an earlier batch left
    /// unsaved) and marks the fill in the database before any entity is stored.
    pub async fn begin_fill(&self) -> anyhow::Result<Fill> {
        let mut writer = self.unsaved.clone().lock_owned().await;
        self.store_unsaved(&mut writer).await?;
        store::mark_fill(&self.db, true).await.context("marking the fill as started")?;
        Ok(Fill { service: self.clone(), writer, applied: 0 })
    }
}

impl Fill {
    /// Applies `changes` to the engine's entities and index (not committed yet) and stores them
    /// in the replica; recomputes nothing.
    pub async fn apply(&mut self, changes: Vec<(EventMeta, Change)>) -> anyhow::Result<()> {
        let engine = self.service.engine.clone();
        let entities = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<store::Entity>> {
            let mut held = lock(&engine);
            let mut entities = Vec::new();
            for (meta, change) in changes {
                if held.apply(&meta, &change)? {
                    entities.push(replica_row(&meta, &change)?);
                }
            }
            Ok(entities)
        })
        .await??;
        self.applied += entities.len() as u64;
        store::save(&self.service.db, &Batch { entities, ..Batch::default() }).await?;
        Ok(())
    }

    /// Commits the index, computes every list on `threads` threads, stores each list once
    /// with its match events, and clears the fill's mark. `progress(done, total)` counts
    /// subjects retrieved, then lists stored. Stops between chunks once `stop` turns true.
    /// Returns how many lists it stored.
    pub async fn finish(
        mut self,
        threads: usize,
        stop: &watch::Receiver<bool>,
        progress: &(dyn Fn(&'static str, u64, u64) + Sync),
    ) -> anyhow::Result<usize> {
        let service = self.service.clone();
        let engine = service.engine.clone();
        let (chunks, mut stats) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut held = lock(&engine);
            held.commit_index()?;
            Ok((held.fill_chunks(), held.fill_stats(threads)))
        })
        .await??;
        let mut tops = Tops::default();
        let (total, mut done) = (chunks.iter().map(Vec::len).sum::<usize>() as u64, 0);
        for ids in chunks {
            if *stop.borrow() {
                anyhow::bail!("stopping: the fill starts again at the next start");
            }
            done += ids.len() as u64;
            let (engine, stop) = (service.engine.clone(), stop.clone());
            (tops, stats) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                lock(&engine).fill_chunk(&ids, &mut stats, &mut tops, &|| *stop.borrow())?;
                Ok((tops, stats))
            })
            .await??;
            progress("scored", done, total);
        }
        drop(stats);
        let engine = service.engine.clone();
        let targets = tokio::task::spawn_blocking(move || lock(&engine).fill_targets()).await?;
        let (total, mut stored) = (targets.len() as u64, 0);
        for (n, chunk) in targets.chunks(FILL_STORE_CHUNK).enumerate() {
            if *stop.borrow() {
                anyhow::bail!("stopping: the fill starts again at the next start");
            }
            let (engine, ids) = (service.engine.clone(), chunk.to_vec());
            let (changes, rest) = tokio::task::spawn_blocking(move || {
                let changes = lock(&engine).install(&ids, &mut tops);
                (changes, tops)
            })
            .await?;
            tops = rest;
            let changes = service.owned(changes);
            stored += changes.len();
            let subjects: Vec<(Uuid, crate::engine::Side)> = changes.iter().map(|c| (c.subject, c.side)).collect();
            crocevia_kit::metrics::MATCH_LISTS_CHANGED.inc_by(subjects.len() as u64);
            let save = batch_of(changes, "fill", Vec::new(), events::of);
            if let Err(e) = store::save(&service.db, &save).await {
                // Held in memory already: the next batch stores it. The lists not installed
                // yet wait for the next start, which fills again (the mark stays).
                *self.writer = Some(save);
                return Err(anyhow::Error::new(e).context("saving filled match lists"));
            }
            for subject in subjects {
                let _ = service.changed.send(subject);
            }
            progress("stored", ((n + 1) * FILL_STORE_CHUNK).min(targets.len()) as u64, total);
        }
        store::mark_fill(&service.db, false).await.context("marking the fill as finished")?;
        // The lists were scored with the statistics of the whole corpus: the refresher's
        // baseline.
        let engine = service.engine.clone();
        let corpus = tokio::task::spawn_blocking(move || lock(&engine).corpus()).await?;
        *service.refreshed.lock().unwrap_or_else(|p| p.into_inner()) = corpus;
        tracing::info!(entities = self.applied, lists = stored, "matching filled");
        Ok(stored)
    }
}

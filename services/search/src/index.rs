//! The index: applies changes idempotently by entity version and commits in batches.
//!
//! Every method here blocks (tantivy does I/O and CPU work); async callers go through
//! `spawn_blocking`.

use crate::analysis;
use crate::document;
use crate::schema::{self, Fields};
use crate::taxonomy::Taxonomy;
use anyhow::Context;
use crocevia_proto::envelope::{Change, EventMeta};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TERMINATED, Term};
use uuid::Uuid;

/// Heap of each indexing thread.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// One indexing thread: two threads indexed about a fifth faster when catching up on the
/// two-core machine of the benchmarks, but they split every batch into two segments (twice
/// the merges under a steady trickle of small batches), and the erasure guarantee is tested
/// on a document that shares its segment with a live one.
const INDEXING_THREADS: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Indexed,
    Removed,
    /// The index already holds this version or a newer one (a redelivery).
    Stale,
    /// Users, consents and applications are not searchable.
    NotSearchable,
}

pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    pub(crate) taxonomy: Arc<Taxonomy>,
    /// Versions applied since the last commit, which the reader does not see yet.
    pending: Mutex<HashMap<Uuid, u64>>,
    /// An erasure was applied since the last commit: the commit merges, so the erased
    /// entity's text leaves the files (tantivy keeps deleted documents until a merge).
    erased_pending: AtomicBool,
    /// The next offset of each bus partition (`topic/partition`) after the events this index
    /// holds, written in the payload of the same commit as the documents: the consumer
    /// resumes from here (see [`crocevia_kit::bus::OwnPositions`]).
    positions: Mutex<BTreeMap<String, i64>>,
}

/// The commit payload.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Payload {
    positions: BTreeMap<String, i64>,
}

fn position_key(topic: &str, partition: i32) -> String {
    format!("{topic}/{partition}")
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.reader.searcher().num_docs()).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if the folder is empty.
    pub fn open(dir: &Path, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let (schema, fields) = schema::build();
        let directory =
            tantivy::directory::MmapDirectory::open(dir).with_context(|| format!("opening index {}", dir.display()))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            // An index is derived data: one written with another schema (an older release)
            // starts over empty, and its owner rebuilds it (from the database or the topic).
            Err(tantivy::TantivyError::SchemaError(reason)) => {
                tracing::warn!(index = %dir.display(), reason, "index schema changed: starting the index over");
                std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
                std::fs::create_dir_all(dir)?;
                Index::create_in_dir(dir, schema).context("creating the index")?
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("opening the index {}", dir.display()))),
        };
        Self::from_index(index, fields, taxonomy)
    }

    pub fn in_ram(taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, taxonomy)
    }

    fn from_index(index: Index, fields: Fields, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        analysis::register(index.tokenizers());
        let writer = index.writer_with_num_threads(INDEXING_THREADS, WRITER_HEAP_BYTES).context("index writer")?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().context("index reader")?;
        let payload: Payload = match index.load_metas().context("index metadata")?.payload {
            Some(text) => serde_json::from_str(&text).context("index commit payload")?,
            None => Payload::default(),
        };
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            taxonomy,
            pending: Mutex::new(HashMap::new()),
            erased_pending: AtomicBool::new(false),
            positions: Mutex::new(payload.positions),
        })
    }

    /// The next offset to read of a bus partition, as of the last commit (or the pending one).
    pub fn position(&self, topic: &str, partition: i32) -> Option<i64> {
        lock(&self.positions).get(&position_key(topic, partition)).copied()
    }

    /// Records that the events of `partition` before `next` are applied; durable with the
    /// next commit.
    pub fn advance(&self, topic: &str, partition: i32, next: i64) {
        let mut positions = lock(&self.positions);
        let entry = positions.entry(position_key(topic, partition)).or_insert(next);
        *entry = (*entry).max(next);
    }

    /// The bus partitions this index holds events of.
    pub fn held_partitions(&self) -> Vec<(String, i32)> {
        lock(&self.positions)
            .keys()
            .filter_map(|key| key.rsplit_once('/'))
            .filter_map(|(topic, partition)| Some((topic.to_owned(), partition.parse().ok()?)))
            .collect()
    }

    pub fn positions(&self) -> BTreeMap<String, i64> {
        lock(&self.positions).clone()
    }

    /// Takes over the positions of the index this one replaces (a rebuild that replayed the
    /// same events).
    pub fn set_positions(&self, positions: BTreeMap<String, i64>) {
        *lock(&self.positions) = positions;
    }

    /// Drops every document of a bus partition and its position, and commits: another member
    /// of the search group took the partition over.
    pub fn forget_partition(&self, topic: &str, partition: i32) -> anyhow::Result<()> {
        let value = u64::try_from(partition).context("a negative partition")?;
        lock(&self.writer).delete_term(Term::from_field_u64(self.fields.partition, value));
        lock(&self.positions).remove(&position_key(topic, partition));
        self.commit()
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// The version of `id` this index holds (committed or pending), tombstones included.
    ///
    /// Looked up in the `id` postings and the `version` fast field of each segment, not in
    /// the document store: this runs for every event the consumer applies, and reading a
    /// stored document decompresses a whole block of them.
    pub fn version_of(&self, id: Uuid) -> anyhow::Result<Option<u64>> {
        if let Some(v) = lock(&self.pending).get(&id) {
            return Ok(Some(*v));
        }
        let term = Term::from_field_text(self.fields.id, &id.to_string());
        let searcher = self.reader.searcher();
        let mut found = None;
        for segment in searcher.segment_readers() {
            let Some(mut postings) =
                segment.inverted_index(self.fields.id)?.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let versions = segment.fast_fields().u64("version")?;
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    found = found.max(versions.first(doc));
                }
                doc = postings.advance();
            }
        }
        Ok(found)
    }

    /// The id and version of every committed document that is an entity (not a tombstone),
    /// read from fast columns: what a re-sync with the database compares.
    pub fn live_documents(&self) -> anyhow::Result<Vec<(Uuid, u64)>> {
        let tombstone = Term::from_field_text(self.fields.kind, "tombstone");
        let searcher = self.reader.searcher();
        let mut live = Vec::new();
        for segment in searcher.segment_readers() {
            let mut tombstones = std::collections::HashSet::new();
            if let Some(mut postings) =
                segment.inverted_index(self.fields.kind)?.read_postings(&tombstone, IndexRecordOption::Basic)?
            {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    tombstones.insert(doc);
                    doc = postings.advance();
                }
            }
            let fast = segment.fast_fields();
            let (high, low, version) = (fast.u64("id_high")?, fast.u64("id_low")?, fast.u64("version")?);
            for doc in segment.doc_ids_alive().filter(|doc| !tombstones.contains(doc)) {
                if let (Some(h), Some(l), Some(v)) = (high.first(doc), low.first(doc), version.first(doc)) {
                    live.push((Uuid::from_u64_pair(h, l), v));
                }
            }
        }
        Ok(live)
    }

    /// Applies one change unless the index already has this version or a newer one.
    pub fn apply(&self, meta: &EventMeta, change: &Change) -> anyhow::Result<Applied> {
        self.apply_from(meta, change, None)
    }

    /// [`SearchIndex::apply`] for an event read from bus partition `partition`.
    pub fn apply_from(&self, meta: &EventMeta, change: &Change, partition: Option<i32>) -> anyhow::Result<Applied> {
        let searchable = match change {
            Change::Upserted(entity) => document::build(entity, meta.entity_version, &self.fields, &self.taxonomy),
            Change::Erased { .. } => None,
        };
        let erased = matches!(change, Change::Erased { .. });
        if searchable.is_none() && !erased {
            return Ok(Applied::NotSearchable);
        }
        if self.version_of(meta.entity_id)?.is_some_and(|v| v >= meta.entity_version) {
            return Ok(Applied::Stale);
        }
        let writer = lock(&self.writer);
        writer.delete_term(Term::from_field_text(self.fields.id, &meta.entity_id.to_string()));
        let mut doc =
            searchable.unwrap_or_else(|| document::tombstone(meta.entity_id, meta.entity_version, &self.fields));
        if let Some(partition) = partition.and_then(|p| u64::try_from(p).ok()) {
            doc.add_u64(self.fields.partition, partition);
        }
        if let Err(e) = writer.add_document(doc) {
            let mut writer = writer;
            self.revive(&mut writer);
            return Err(e.into());
        }
        drop(writer);
        lock(&self.pending).insert(meta.entity_id, meta.entity_version);
        if erased {
            self.erased_pending.store(true, Ordering::Release);
        }
        Ok(if erased { Applied::Removed } else { Applied::Indexed })
    }

    /// Makes everything applied so far durable and visible to searches. A commit that holds
    /// an erasure then merges the segments with deletions (GDPR Art. 17: the erased text must
    /// leave the index files, not only the results); erasures are rare, upserts do not merge.
    pub fn commit(&self) -> anyhow::Result<()> {
        let payload = serde_json::to_string(&Payload { positions: self.positions() })?;
        let mut writer = lock(&self.writer);
        let committed = match writer.prepare_commit() {
            Ok(mut prepared) => {
                prepared.set_payload(&payload);
                prepared.commit()
            }
            Err(e) => Err(e),
        };
        if let Err(e) = committed {
            self.revive(&mut writer);
            return Err(anyhow::Error::new(e).context("index commit"));
        }
        drop(writer);
        self.reader.reload().context("index reload")?;
        lock(&self.pending).clear();
        if self.erased_pending.swap(false, Ordering::AcqRel)
            && let Err(e) = self.merge_all()
        {
            // The erasure itself is committed (no longer found); the next commit merges again
            // (e.g. when a background merge held one of the segments).
            self.erased_pending.store(true, Ordering::Release);
            tracing::warn!(error = %e, "merge after an erasure failed; retried at the next commit");
        }
        Ok(())
    }

    /// After a failed write (a full disk kills the writer's threads, and every later add or
    /// commit fails): back to the last commit, with new threads, so the index recovers by
    /// itself once the cause is gone. What was applied since is dropped, and its versions
    /// forgotten, so the consumer's redelivery of those events is applied again, not skipped.
    fn revive(&self, writer: &mut IndexWriter) {
        match writer.rollback() {
            Ok(opstamp) => tracing::warn!(opstamp, "index writer rolled back to its last commit after a failed write"),
            Err(e) => {
                tracing::error!(error = %e, "index writer could not be rolled back; it recovers at the next start")
            }
        }
        lock(&self.pending).clear();
        self.erased_pending.store(false, Ordering::Release);
    }

    /// Searchable documents (tombstones excluded).
    pub fn num_searchable(&self) -> anyhow::Result<u64> {
        let searcher = self.reader.searcher();
        let mut total = 0;
        for kind in crate::query::DocKind::ALL {
            let query =
                TermQuery::new(Term::from_field_text(self.fields.kind, kind.as_str()), IndexRecordOption::Basic);
            total += searcher.search(&query, &tantivy::collector::Count)? as u64;
        }
        Ok(total)
    }

    /// Merges every segment into one and waits: afterwards deleted documents are gone from
    /// the files, which the erasure guarantee relies on.
    pub fn merge_all(&self) -> anyhow::Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        // One segment is merged too when it holds deleted documents: the merge rewrites it
        // without them.
        let deletes = || self.reader.searcher().segment_readers().iter().any(|s| s.has_deletes());
        if ids.len() > 1 || (ids.len() == 1 && deletes()) {
            let mut writer = lock(&self.writer);
            let merge = writer.merge(&ids);
            drop(writer);
            merge.wait().context("merging segments")?;
            self.reader.reload()?;
        }
        Ok(())
    }
}

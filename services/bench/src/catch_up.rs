//! Matching catching up on a backlog, as after a restart or a crash in the distributed mode:
//! the matching service's own batch path (apply, index commit, recompute, match events, one
//! PostgreSQL transaction per batch) over a stream shaped like the fault test's: every entity
//! of a data set created, then talents, offers and startups edited round-robin. The
//! alternative on the same state is recomputing every list once from scratch (`rematch`).

use super::Samples;
use super::pipeline::data::{FreshDatabase, revise};
use chrono::Utc;
use crocevia_domain::Entity;
use crocevia_kit::bus::Delivery;
use crocevia_matching::MatchingService;
use crocevia_proto::envelope::{self, Change};
use crocevia_search::taxonomy::Taxonomy;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// The data set's size (`--seed 7`, as the fault test): thousands of entities, each edited
/// several times by the default number of edits.
pub const TALENTS: usize = 2_000;

#[derive(Debug)]
pub struct Figures {
    pub entities: usize,
    pub batch: usize,
    /// Creations: every entity once.
    pub created_secs: f64,
    pub edits: usize,
    pub edited_secs: f64,
    /// Wall time of each edit batch.
    pub batches: Samples,
    /// Talents, open offers, startups and open programmes: the lists a rematch recomputes.
    pub subjects: usize,
    pub rematch_secs: f64,
    /// The stored lists after the catch-up against that rematch.
    pub drift: crocevia_matching::drift::Drift,
}

impl Figures {
    pub fn edits_per_sec(&self) -> f64 {
        self.edits as f64 / self.edited_secs.max(1e-9)
    }
}

fn delivery(entity: Entity, version: u64, offset: i64) -> Delivery {
    let key = entity.id().to_string();
    let payload = envelope::encode(&envelope::build(&Change::Upserted(entity), version, "bench-catch-up", Utc::now()));
    Delivery { topic: "bench".into(), partition: 0, offset, key, payload, headers: Vec::new() }
}

/// The stream: `entities` created, then `edits` edits round-robin.
fn stream(entities: &[Entity], edits: usize) -> (Vec<Delivery>, Vec<Delivery>) {
    let creations: Vec<Delivery> = entities.iter().enumerate().map(|(i, e)| delivery(e.clone(), 1, i as i64)).collect();
    let editable: Vec<&Entity> =
        entities.iter().filter(|e| matches!(e, Entity::Talent(_) | Entity::Offer(_) | Entity::Startup(_))).collect();
    let mut versions: HashMap<uuid::Uuid, u64> = HashMap::new();
    let edits = (0..edits)
        .filter_map(|n| {
            let entity = editable.get(n % editable.len().max(1))?;
            let version = versions.entry(entity.id()).or_insert(1);
            *version += 1;
            Some(delivery(revise(entity, *version), *version, (entities.len() + n) as i64))
        })
        .collect();
    (creations, edits)
}

pub async fn run(entities: &[Entity], taxonomy: Arc<Taxonomy>, edits: usize, batch: usize) -> anyhow::Result<Figures> {
    let fresh = FreshDatabase::create("crocevia_bench_matching").await?;
    let db = sea_orm::Database::connect(&fresh.url).await?;
    let dir = tempfile::tempdir()?;
    let service = MatchingService::open(db.clone(), dir.path(), taxonomy).await?;
    let (creations, edits) = stream(entities, edits);

    let started = Instant::now();
    for chunk in creations.chunks(batch) {
        service.process(chunk).await?;
    }
    let created_secs = started.elapsed().as_secs_f64();

    let mut batches = Samples::default();
    let started = Instant::now();
    for chunk in edits.chunks(batch) {
        let t = Instant::now();
        service.process(chunk).await?;
        batches.push(t.elapsed());
    }
    let edited_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let (_, drift) = service.rematch(&|_, _| {}).await?;
    let rematch_secs = started.elapsed().as_secs_f64();
    let subjects = service.subject_count();
    drop(service);
    db.close().await?;
    fresh.drop_database().await?;
    Ok(Figures {
        entities: creations.len(),
        batch,
        created_secs,
        edits: edits.len(),
        edited_secs,
        batches,
        subjects,
        rematch_secs,
        drift,
    })
}

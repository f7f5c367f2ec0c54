//! The data of the pipeline bench: which generated entities change, their later versions, and
//! a fresh PostgreSQL database that receives them through the profiles write path.

use super::progress::Progress;
use anyhow::Context;
use crocevia_domain::{Entity, EntityKind, Reference};
use crocevia_profiles::Profiles;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::collections::HashSet;
use uuid::Uuid;

/// The changes of one throughput run: new entities in an order the write path accepts
/// (organisations before what refers to them), then second versions of some of them.
#[derive(Debug)]
pub struct Changes {
    pub first: Vec<Entity>,
    pub updates: Vec<Entity>,
}

impl Changes {
    pub fn len(&self) -> usize {
        self.first.len() + self.updates.len()
    }

    /// What can be written concurrently, phase after phase: organisations, then what refers
    /// to them, then the second versions.
    pub fn phases(&self) -> [Vec<Entity>; 3] {
        let (organisations, others) = self.first.iter().cloned().partition(|e| e.kind() == EntityKind::Organisation);
        [organisations, others, self.updates.clone()]
    }
}

/// About `changes` changes, one in five a second version: a live platform both creates and
/// edits, and an edit costs the index a delete as well. Every kind is taken in proportion to
/// the data set, plus the organisations that the chosen offers and programmes refer to.
pub fn pick(entities: &[Entity], changes: usize) -> Changes {
    let wanted_new = (changes - changes / 5).max(1);
    let share = (wanted_new as f64 / entities.len().max(1) as f64).min(1.0);
    let mut first = Vec::new();
    for kind in [EntityKind::Talent, EntityKind::Startup, EntityKind::Programme, EntityKind::Offer] {
        let of_kind: Vec<&Entity> = entities.iter().filter(|e| e.kind() == kind).collect();
        let take = (of_kind.len() as f64 * share).ceil() as usize;
        first.extend(of_kind.into_iter().take(take).cloned());
    }
    let referred: HashSet<Uuid> = first
        .iter()
        .flat_map(Entity::references)
        .filter_map(|r| match r {
            Reference::Entity { kind: EntityKind::Organisation, id, .. } => Some(id),
            _ => None,
        })
        .collect();
    let organisations: Vec<&Entity> = entities.iter().filter(|e| e.kind() == EntityKind::Organisation).collect();
    let own_share = (organisations.len() as f64 * share).ceil() as usize;
    let chosen: Vec<Entity> = organisations
        .into_iter()
        .enumerate()
        .filter(|(i, e)| *i < own_share || referred.contains(&e.id()))
        .map(|(_, e)| e.clone())
        .collect();
    first.splice(0..0, chosen);
    let updates_wanted = changes.saturating_sub(first.len()).min(first.len());
    // Spread the edits over the whole list, so every kind gets some.
    let stride = (first.len() / updates_wanted.max(1)).max(1);
    let updates = first.iter().step_by(stride).take(updates_wanted).map(|e| revise(e, 2)).collect();
    Changes { first, updates }
}

/// `entity` as edited into `version`: a sentence more in its free text, so the index really
/// re-analyses it.
pub fn revise(entity: &Entity, version: u64) -> Entity {
    let mut revised = entity.clone();
    let note = format!(" Aggiornato, versione {version}.");
    match &mut revised {
        Entity::Talent(t) => t.bio.push_str(&note),
        Entity::Organisation(o) => o.description.push_str(&note),
        Entity::Startup(s) => s.description.push_str(&note),
        Entity::Programme(p) => p.description.push_str(&note),
        Entity::Offer(o) => o.description.push_str(&note),
        _ => {}
    }
    revised
}

/// A PostgreSQL database of its own for one part of the bench, dropped at the end.
#[derive(Debug)]
pub struct FreshDatabase {
    admin: DatabaseConnection,
    name: String,
    pub url: String,
}

impl FreshDatabase {
    pub async fn create(prefix: &str) -> anyhow::Result<Self> {
        let server = crate::postgres::server();
        let mut options = ConnectOptions::new(format!("{server}/postgres"));
        options.max_connections(1).sqlx_logging(false);
        let admin = Database::connect(options).await.with_context(|| format!("PostgreSQL at {server}"))?;
        let name = format!("{prefix}_{}", &Uuid::now_v7().simple().to_string()[20..]);
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.context("creating the bench database")?;
        Ok(Self { admin, url: format!("{server}/{name}"), name })
    }

    /// Drops the database, closing what still holds it (a stopped child's pool, say).
    pub async fn drop_database(self) -> anyhow::Result<()> {
        self.admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .await
            .with_context(|| format!("dropping {}", self.name))?;
        Ok(())
    }
}

/// Writes `entities` through [`Profiles::upsert`] with `writers` concurrent writers, as many
/// users editing at once would (each write is its own transaction with its outbox row).
pub async fn write(
    profiles: &Profiles,
    entities: Vec<Entity>,
    writers: usize,
    progress: &Progress,
) -> anyhow::Result<()> {
    let writers = writers.max(1);
    let mut shards: Vec<Vec<Entity>> = (0..writers).map(|_| Vec::new()).collect();
    for (i, entity) in entities.into_iter().enumerate() {
        shards[i % writers].push(entity);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for shard in shards {
        let (profiles, progress) = (profiles.clone(), progress.clone());
        tasks.spawn(async move {
            for entity in shard {
                let (kind, id) = (entity.kind(), entity.id());
                profiles
                    .upsert(entity, None, "bench-pipeline")
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .with_context(|| format!("writing {kind} {id}"))?;
                progress.inc(1);
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.context("writer task")??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::dataset;

    #[test]
    fn picks_every_kind_referred_organisations_first_and_one_edit_in_five() {
        let all = dataset(2_000);
        let changes = pick(&all, 1_000);
        assert_eq!(changes.len(), 1_000);
        let kinds: HashSet<EntityKind> = changes.first.iter().map(Entity::kind).collect();
        assert_eq!(kinds.len(), 5, "{kinds:?}");
        let mut seen = HashSet::new();
        for entity in &changes.first {
            for r in entity.references() {
                if let Reference::Entity { id, .. } = r {
                    assert!(seen.contains(&id), "{} refers to {id}, written later", entity.id());
                }
            }
            seen.insert(entity.id());
        }
        // About one in five: the organisations that offers refer to come on top of the share.
        assert!((150..=200).contains(&changes.updates.len()), "{}", changes.updates.len());
        assert!(changes.updates.iter().all(|u| seen.contains(&u.id())));
        let distinct: HashSet<Uuid> = changes.updates.iter().map(Entity::id).collect();
        assert_eq!(distinct.len(), changes.updates.len());
    }

    #[test]
    fn a_revision_changes_the_text_and_stays_valid() {
        use crocevia_domain::Validate;
        for entity in dataset(2_000).iter().step_by(97) {
            let revised = revise(entity, 3);
            assert_ne!(&revised, entity);
            assert_eq!(revised.id(), entity.id());
            assert!(revised.validate().is_ok());
        }
    }
}

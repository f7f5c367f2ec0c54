//! Writes: validate, check references, store the row and its outbox event in ONE transaction.

mod bulk;

use crate::error::ProfilesError;
use crate::store::{self, NewOutboxRow, Stored};
use anyhow::Context;
use chrono::Utc;
use crocevia_domain::{Entity, EntityKind, FieldError, Reference, SkillConcept, SkillId, Validate, ValidationErrors};
use crocevia_proto::envelope::{self, Change};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WriteOutcome {
    pub id: Uuid,
    pub version: u64,
    pub created: bool,
    /// False when the entity was already stored exactly so: nothing written, no event.
    pub changed: bool,
}

/// A committed change, announced in-process (live updates such as GraphQL subscriptions);
/// the durable record is the outbox event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChangeNotice {
    pub kind: EntityKind,
    pub id: Uuid,
    pub version: u64,
    pub erased: bool,
    /// The entity's first version (a new profile or posting), not an edit of one.
    #[serde(default)]
    pub created: bool,
}

/// The profiles service: owner of every entity.
#[derive(Debug, Clone)]
pub struct Profiles {
    db: DatabaseConnection,
    topic: String,
    relay_wake: Arc<Notify>,
    notices: broadcast::Sender<ChangeNotice>,
    /// SQLite has one writer at a time; queueing this service's writes here (instead of in
    /// SQLite, which refuses rather than waits when a reading transaction wants to write)
    /// keeps them from failing each other. PostgreSQL needs no gate.
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Profiles {
    /// `topic` is where the relay publishes this service's events (`profiles.v1`).
    pub fn new(db: DatabaseConnection, topic: impl Into<String>) -> Self {
        let write_gate =
            (db.get_database_backend() == sea_orm::DbBackend::Sqlite).then(|| Arc::new(tokio::sync::Mutex::new(())));
        Self {
            db,
            topic: topic.into(),
            relay_wake: Arc::new(Notify::new()),
            notices: broadcast::channel(1024).0,
            write_gate,
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Woken after every committed write, so the relay publishes without waiting for its tick.
    pub fn relay_wake(&self) -> Arc<Notify> {
        self.relay_wake.clone()
    }

    /// Committed changes from now on; a slow receiver skips ahead (it is told it lagged).
    pub fn notices(&self) -> broadcast::Receiver<ChangeNotice> {
        self.notices.subscribe()
    }

    pub async fn get(&self, kind: EntityKind, id: Uuid) -> Result<Stored, ProfilesError> {
        store::find(&self.db, kind, id).await?.ok_or(ProfilesError::NotFound { kind, id })
    }

    /// Starts a unit of work: one write transaction for one command, however many entities
    /// it reads and writes. On SQLite it first queues behind this service's other writes.
    pub async fn work(&self) -> Result<Work<'_>, ProfilesError> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let txn = crocevia_kit::db::begin_write(&self.db).await?;
        Ok(Work { profiles: self, txn, notices: Vec::new(), _gate: gate })
    }

    /// Creates or updates `entity`. With `expected_version`, refuses to overwrite any other
    /// version (optimistic concurrency); an unchanged entity is a no-op.
    pub async fn upsert(
        &self,
        entity: Entity,
        expected_version: Option<u64>,
        correlation_id: &str,
    ) -> Result<WriteOutcome, ProfilesError> {
        // Writers begin with the write lock (`begin_write`), so SQLite queues them; a
        // refusal can still come from a checkpoint or a lock held past the busy timeout, and
        // such a transaction rolled back whole, so it runs again.
        let mut attempt = 0u32;
        loop {
            let result = async {
                let mut work = self.work().await?;
                let outcome = work.upsert(entity.clone(), expected_version, correlation_id).await?;
                work.commit().await?;
                Ok(outcome)
            }
            .await;
            match result {
                Err(e) if attempt < 10 && ProfilesError::is_busy(&e) => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis((5u64 << attempt).min(250))).await;
                }
                other => return other,
            }
        }
    }

    /// Deletes an entity, leaving a tombstone and an erasure event. Refused while other
    /// entities refer to it, naming them, so nothing is left dangling.
    pub async fn delete(
        &self,
        kind: EntityKind,
        id: Uuid,
        reason: &str,
        correlation_id: &str,
    ) -> Result<u64, ProfilesError> {
        let mut work = self.work().await?;
        let version = work.delete(kind, id, reason, correlation_id).await?;
        work.commit().await?;
        Ok(version)
    }

    /// Loads or refreshes taxonomy concepts (reference data: no events).
    pub async fn upsert_skills(&self, concepts: &[SkillConcept]) -> Result<(), ProfilesError> {
        for (i, concept) in concepts.iter().enumerate() {
            concept.validate().map_err(|e| ProfilesError::Invalid {
                kind: EntityKind::Talent,
                errors: prefixed(&format!("skills[{i}]"), e),
            })?;
        }
        let txn = crocevia_kit::db::begin_write(&self.db).await?;
        store::upsert_skills(&txn, concepts).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn count(&self, kind: EntityKind) -> Result<u64, ProfilesError> {
        Ok(store::count(&self.db, kind).await?)
    }
}

/// One command's transaction (see [`Profiles::work`]): entity writes and their outbox rows
/// commit together or not at all. Dropped without [`Work::commit`], it rolls back.
pub struct Work<'a> {
    profiles: &'a Profiles,
    txn: DatabaseTransaction,
    notices: Vec<ChangeNotice>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for Work<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work").field("notices", &self.notices).finish_non_exhaustive()
    }
}

impl Work<'_> {
    /// The transaction, for the stores of other tables in the same database (credentials,
    /// saved searches) that must commit with the entities.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub async fn find(&self, kind: EntityKind, id: Uuid) -> Result<Option<Stored>, ProfilesError> {
        Ok(store::find(&self.txn, kind, id).await?)
    }

    pub async fn get(&self, kind: EntityKind, id: Uuid) -> Result<Stored, ProfilesError> {
        self.find(kind, id).await?.ok_or(ProfilesError::NotFound { kind, id })
    }

    /// Like [`Work::get`], and on PostgreSQL holds the row until the end of the work, so two
    /// commands deciding on the same entity (two applications to one offer) take turns.
    /// SQLite has one writer at a time anyway.
    pub async fn lock(&self, kind: EntityKind, id: Uuid) -> Result<Stored, ProfilesError> {
        store::find_for_update(&self.txn, kind, id).await?.ok_or(ProfilesError::NotFound { kind, id })
    }

    /// `(kind, id, field)` of the entities that refer to `to`.
    pub async fn inbound(&self, to: Uuid, limit: u64) -> Result<Vec<(String, Uuid, String)>, ProfilesError> {
        Ok(store::inbound_refs(&self.txn, to, limit).await?)
    }

    /// See [`Profiles::upsert`]; visible to later reads of this work, durable at commit.
    pub async fn upsert(
        &mut self,
        entity: Entity,
        expected_version: Option<u64>,
        correlation_id: &str,
    ) -> Result<WriteOutcome, ProfilesError> {
        let kind = entity.kind();
        entity.validate().map_err(|errors| ProfilesError::Invalid { kind, errors })?;
        self.check_references(&entity).await?;
        let id = entity.id();
        let now = Utc::now();
        let current = store::find(&self.txn, kind, id).await?;
        if let (Some(expected), Some(current)) = (expected_version, &current)
            && expected != current.version
        {
            return Err(ProfilesError::conflict(
                format!("{kind} {id} is at version {}, not {expected}; reload and retry", current.version),
                current.version,
            ));
        }
        let outcome = match current {
            Some(current) if current.entity == entity => {
                return Ok(WriteOutcome { id, version: current.version, created: false, changed: false });
            }
            Some(current) => {
                let version = current.version + 1;
                if !store::update(&self.txn, &entity, version, current.version, now).await? {
                    let now_at = store::find(&self.txn, kind, id).await?.map_or(0, |s| s.version);
                    return Err(ProfilesError::conflict(
                        format!("{kind} {id} changed during the write; reload and retry"),
                        now_at,
                    ));
                }
                WriteOutcome { id, version, created: false, changed: true }
            }
            None => {
                if expected_version.is_some_and(|v| v != 0) {
                    return Err(ProfilesError::NotFound { kind, id });
                }
                let version = store::tombstone_version(&self.txn, id).await?.unwrap_or(0) + 1;
                store::insert(&self.txn, &entity, version, now).await?;
                WriteOutcome { id, version, created: true, changed: true }
            }
        };
        store::replace_refs(&self.txn, &entity).await?;
        self.enqueue(Change::Upserted(entity), outcome.version, correlation_id).await?;
        self.notices.push(ChangeNotice { kind, id, version: outcome.version, erased: false, created: outcome.created });
        tracing::debug!(entity_kind = %kind, entity_id = %id, version = outcome.version, created = outcome.created, "entity written");
        Ok(outcome)
    }

    /// See [`Profiles::delete`].
    pub async fn delete(
        &mut self,
        kind: EntityKind,
        id: Uuid,
        reason: &str,
        correlation_id: &str,
    ) -> Result<u64, ProfilesError> {
        let current = store::find(&self.txn, kind, id).await?.ok_or(ProfilesError::NotFound { kind, id })?;
        let inbound = store::inbound_refs(&self.txn, id, 5).await?;
        if let Some((from_kind, from_id, field)) = inbound.first() {
            return Err(ProfilesError::conflict(
                format!(
                    "{kind} {id} is still referred to by {from_kind} {from_id} ({field}){}; delete those first",
                    if inbound.len() > 1 { " and others" } else { "" }
                ),
                current.version,
            ));
        }
        let version = current.version + 1;
        let now = Utc::now();
        if !store::delete(&self.txn, kind, id, current.version).await? {
            let now_at = store::find(&self.txn, kind, id).await?.map_or(0, |s| s.version);
            return Err(ProfilesError::conflict(format!("{kind} {id} changed during the delete; retry"), now_at));
        }
        store::set_tombstone(&self.txn, kind, id, version, now).await?;
        self.enqueue(Change::Erased { kind, id, reason: reason.to_owned() }, version, correlation_id).await?;
        self.notices.push(ChangeNotice { kind, id, version, erased: true, created: false });
        tracing::info!(entity_kind = %kind, entity_id = %id, version, reason, "entity deleted");
        Ok(version)
    }

    /// Makes every write of this work durable at once, then wakes the relay and tells live
    /// subscribers.
    pub async fn commit(self) -> Result<Vec<ChangeNotice>, ProfilesError> {
        let Work { profiles, txn, notices, _gate } = self;
        txn.commit().await?;
        if !notices.is_empty() {
            profiles.relay_wake.notify_one();
        }
        for notice in &notices {
            let _ = profiles.notices.send(*notice);
        }
        Ok(notices)
    }

    async fn check_references(&self, entity: &Entity) -> Result<(), ProfilesError> {
        let (wanted, skills) = wanted_references(std::slice::from_ref(entity), &HashSet::new());
        let mut known = HashSet::new();
        for (kind, ids) in &wanted {
            known.extend(store::existing(&self.txn, *kind, ids).await?);
        }
        let missing: HashSet<SkillId> = store::missing_skills(&self.txn, &skills).await?.into_iter().collect();
        let errors = reference_errors(entity, &known, &missing);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ProfilesError::Invalid { kind: entity.kind(), errors: ValidationErrors(errors) })
        }
    }

    async fn enqueue(&self, change: Change, version: u64, correlation_id: &str) -> Result<(), ProfilesError> {
        let kind = change.kind();
        let entity_id = change.entity_id();
        // Within a request, its id ties its events together; `correlation_id` names the
        // path of writes made outside one (an import, the CLI).
        let request = crocevia_kit::telemetry::request::current();
        let correlation_id = request.as_deref().unwrap_or(correlation_id);
        let trace_context = crocevia_kit::telemetry::current_context()
            .into_iter()
            .find_map(|(name, value)| (name == crocevia_kit::telemetry::TRACE_HEADERS[0]).then_some(value));
        let mut envelope = envelope::build(&change, version, correlation_id, Utc::now());
        // A person's data leaves this database only sealed with their key (crate::keys).
        if let Change::Upserted(entity) = &change
            && let Some(subject) = crate::keys::subject_of(&self.txn, entity).await?
        {
            let key = crate::keys::key_for(&self.txn, subject).await?;
            crocevia_proto::sealing::seal(&mut envelope, subject, &key).context("sealing an event")?;
        }
        let event_id = Uuid::parse_str(&envelope.event_id).context("event id")?;
        let row = NewOutboxRow {
            event_id,
            topic: self.profiles.topic.clone(),
            kind,
            entity_id,
            version,
            payload: envelope::encode(&envelope),
            trace_context,
        };
        store::insert_outbox(&self.txn, row, Utc::now()).await?;
        Ok(())
    }
}

/// What `entities` refer to, apart from `known` ids: entity ids by kind, and skills (each once).
fn wanted_references<'a>(
    entities: impl IntoIterator<Item = &'a Entity>,
    known: &HashSet<Uuid>,
) -> (HashMap<EntityKind, Vec<Uuid>>, Vec<SkillId>) {
    let mut wanted: HashMap<EntityKind, Vec<Uuid>> = HashMap::new();
    let mut skills = Vec::new();
    for entity in entities {
        for reference in entity.references() {
            match reference {
                Reference::Entity { kind, id, .. } if !known.contains(&id) => wanted.entry(kind).or_default().push(id),
                Reference::Entity { .. } => {}
                Reference::Skill { id, .. } => skills.push(id),
            }
        }
    }
    skills.sort();
    skills.dedup();
    (wanted, skills)
}

/// The refusals of `entity`'s references, naming their fields: entities not among `known`,
/// skills among `missing` (not in the taxonomy).
fn reference_errors(entity: &Entity, known: &HashSet<Uuid>, missing: &HashSet<SkillId>) -> Vec<FieldError> {
    entity
        .references()
        .into_iter()
        .filter_map(|reference| match reference {
            Reference::Entity { field, kind, id } if !known.contains(&id) => {
                Some(FieldError::new(field, format!("{kind} {id} does not exist")))
            }
            Reference::Skill { field, id } if missing.contains(&id) => {
                Some(FieldError::new(field, format!("skill {id} is not in the taxonomy")))
            }
            _ => None,
        })
        .collect()
}

fn prefixed(prefix: &str, errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors.0.into_iter().map(|e| FieldError::new(format!("{prefix}.{}", e.field), e.message)).collect(),
    )
}

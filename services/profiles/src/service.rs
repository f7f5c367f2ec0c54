//! Writes: validate, check references, store the row and its outbox event in ONE transaction.

use crate::error::ProfilesError;
use crate::store::{self, NewOutboxRow, Stored};
use anyhow::Context;
use chrono::Utc;
use crocevia_domain::{Entity, EntityKind, FieldError, Reference, SkillConcept, Validate, ValidationErrors};
use crocevia_proto::envelope::{self, Change};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::sync::Arc;
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOutcome {
    pub id: Uuid,
    pub version: u64,
    pub created: bool,
    /// False when the entity was already stored exactly so: nothing written, no event.
    pub changed: bool,
}

/// A committed change, announced in-process (live updates such as GraphQL subscriptions);
/// the durable record is the outbox event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeNotice {
    pub kind: EntityKind,
    pub id: Uuid,
    pub version: u64,
    pub erased: bool,
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

    /// Creates or updates `entity`. With `expected_version`, refuses to overwrite a newer
    /// version (optimistic concurrency); an unchanged entity is a no-op.
    pub async fn upsert(
        &self,
        entity: Entity,
        expected_version: Option<u64>,
        correlation_id: &str,
    ) -> Result<WriteOutcome, ProfilesError> {
        let _gate = match &self.write_gate {
            Some(gate) => Some(gate.lock().await),
            None => None,
        };
        // Other writers of the same SQLite file (the relay, matching) can still take the lock
        // between this transaction's read and its write; SQLite then refuses at once
        // ("database is locked") and rolls the whole transaction back, so it runs again.
        let mut attempt = 0u32;
        loop {
            match self.upsert_once(entity.clone(), expected_version, correlation_id).await {
                Err(e) if attempt < 10 && e.is_busy() => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis((5u64 << attempt).min(250))).await;
                }
                other => return other,
            }
        }
    }

    async fn upsert_once(
        &self,
        entity: Entity,
        expected_version: Option<u64>,
        correlation_id: &str,
    ) -> Result<WriteOutcome, ProfilesError> {
        let kind = entity.kind();
        entity.validate().map_err(|errors| ProfilesError::Invalid { kind, errors })?;
        let txn = self.db.begin().await?;
        self.check_references(&txn, &entity).await?;
        let id = entity.id();
        let now = Utc::now();
        let current = store::find(&txn, kind, id).await?;
        if let (Some(expected), Some(current)) = (expected_version, &current)
            && expected != current.version
        {
            return Err(ProfilesError::Conflict(format!(
                "{kind} {id} is at version {}, not {expected}; reload and retry",
                current.version
            )));
        }
        let outcome = match current {
            Some(current) if current.entity == entity => {
                return Ok(WriteOutcome { id, version: current.version, created: false, changed: false });
            }
            Some(current) => {
                let version = current.version + 1;
                if !store::update(&txn, &entity, version, current.version, now).await? {
                    return Err(ProfilesError::Conflict(format!("{kind} {id} changed during the write; retry")));
                }
                WriteOutcome { id, version, created: false, changed: true }
            }
            None => {
                if expected_version.is_some_and(|v| v != 0) {
                    return Err(ProfilesError::NotFound { kind, id });
                }
                let version = store::tombstone_version(&txn, id).await?.unwrap_or(0) + 1;
                store::insert(&txn, &entity, version, now).await?;
                WriteOutcome { id, version, created: true, changed: true }
            }
        };
        store::replace_refs(&txn, &entity).await?;
        self.enqueue(&txn, Change::Upserted(entity), outcome.version, correlation_id).await?;
        txn.commit().await?;
        self.relay_wake.notify_one();
        let _ = self.notices.send(ChangeNotice { kind, id, version: outcome.version, erased: false });
        tracing::debug!(entity_kind = %kind, entity_id = %id, version = outcome.version, created = outcome.created, "entity written");
        Ok(outcome)
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
        let txn = self.db.begin().await?;
        let current = store::find(&txn, kind, id).await?.ok_or(ProfilesError::NotFound { kind, id })?;
        let inbound = store::inbound_refs(&txn, id, 5).await?;
        if let Some((from_kind, from_id, field)) = inbound.first() {
            return Err(ProfilesError::Conflict(format!(
                "{kind} {id} is still referred to by {from_kind} {from_id} ({field}){}; delete those first",
                if inbound.len() > 1 { " and others" } else { "" }
            )));
        }
        let version = current.version + 1;
        let now = Utc::now();
        if !store::delete(&txn, kind, id, current.version).await? {
            return Err(ProfilesError::Conflict(format!("{kind} {id} changed during the delete; retry")));
        }
        store::set_tombstone(&txn, kind, id, version, now).await?;
        self.enqueue(&txn, Change::Erased { kind, id, reason: reason.to_owned() }, version, correlation_id).await?;
        txn.commit().await?;
        self.relay_wake.notify_one();
        let _ = self.notices.send(ChangeNotice { kind, id, version, erased: true });
        tracing::info!(entity_kind = %kind, entity_id = %id, version, reason, "entity deleted");
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
        let txn = self.db.begin().await?;
        store::upsert_skills(&txn, concepts).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn count(&self, kind: EntityKind) -> Result<u64, ProfilesError> {
        Ok(store::count(&self.db, kind).await?)
    }

    async fn check_references(&self, txn: &DatabaseTransaction, entity: &Entity) -> Result<(), ProfilesError> {
        let mut errors = Vec::new();
        let mut skills = Vec::new();
        let mut skill_fields = Vec::new();
        for reference in entity.references() {
            match reference {
                Reference::Entity { field, kind, id } => {
                    if !store::exists(txn, kind, id).await? {
                        errors.push(FieldError::new(field, format!("{kind} {id} does not exist")));
                    }
                }
                Reference::Skill { field, id } => {
                    skill_fields.push(field);
                    skills.push(id);
                }
            }
        }
        let missing = store::missing_skills(txn, &skills).await?;
        for (field, id) in skill_fields.into_iter().zip(&skills) {
            if missing.contains(id) {
                errors.push(FieldError::new(field, format!("skill {id} is not in the taxonomy")));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ProfilesError::Invalid { kind: entity.kind(), errors: ValidationErrors(errors) })
        }
    }

    async fn enqueue(
        &self,
        txn: &DatabaseTransaction,
        change: Change,
        version: u64,
        correlation_id: &str,
    ) -> Result<(), ProfilesError> {
        let kind = change.kind();
        let entity_id = change.entity_id();
        let envelope = envelope::build(&change, version, correlation_id, Utc::now());
        let event_id = Uuid::parse_str(&envelope.event_id).context("event id")?;
        let row = NewOutboxRow {
            event_id,
            topic: self.topic.clone(),
            kind,
            entity_id,
            version,
            payload: envelope::encode(&envelope),
        };
        store::insert_outbox(txn, row, Utc::now()).await?;
        Ok(())
    }
}

fn prefixed(prefix: &str, errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors.0.into_iter().map(|e| FieldError::new(format!("{prefix}.{}", e.field), e.message)).collect(),
    )
}

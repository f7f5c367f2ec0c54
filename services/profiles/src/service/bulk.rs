//! Many writes in one transaction with a few statements (`crocevia import`). Per entity the
//! write path costs about eight statements (reference checks, the row, its references, the
//! subject's key, the outbox row); a batch of new entities costs about eight in all, so an
//! import is bound by validation and encoding rather than by round trips to the database.
//!
//! The rules are those of [`Work::upsert`]: the same validation and reference checks with the
//! same errors, versions after a tombstone, events sealed with the subject's key, in input
//! order. What the batch path does not cover (an entity that exists already, one given twice,
//! an application, whose subject is its applicant's) goes through [`Work::upsert`] itself.

use super::{ChangeNotice, Work, WriteOutcome};
use crate::error::ProfilesError;
use crate::store::{self, NewOutboxRow};
use anyhow::Context;
use chrono::Utc;
use crocevia_domain::{Entity, EntityKind, Validate, ValidationErrors};
use crocevia_proto::envelope::{self, Change};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// One entity's answer; `Err` only for a refusal of that entity (invalid input), which
/// leaves the transaction usable.
pub type Outcome = Result<WriteOutcome, ProfilesError>;

impl Work<'_> {
    /// Writes `entities` as [`Work::upsert`] would, one after the other with no expected
    /// version, and answers for each in order. An error of the whole (storage) is the outer
    /// `Err`, and the transaction should be dropped.
    pub async fn upsert_many(
        &mut self,
        entities: Vec<Entity>,
        correlation_id: &str,
    ) -> Result<Vec<Outcome>, ProfilesError> {
        let mut outcomes: Vec<Option<Outcome>> = (0..entities.len()).map(|_| None).collect();
        let mut run = Vec::new();
        for (i, entity) in entities.into_iter().enumerate() {
            if matches!(entity, Entity::Application(_)) {
                self.new_run(std::mem::take(&mut run), &mut outcomes, correlation_id).await?;
                outcomes[i] = Some(self.one(entity, correlation_id).await?);
            } else {
                run.push((i, entity));
            }
        }
        self.new_run(run, &mut outcomes, correlation_id).await?;
        outcomes
            .into_iter()
            .map(|o| o.ok_or_else(|| ProfilesError::Other(anyhow::anyhow!("an entity of the batch got no answer"))))
            .collect()
    }

    /// [`Work::upsert`], a refusal kept as the entity's answer.
    async fn one(&mut self, entity: Entity, correlation_id: &str) -> Result<Outcome, ProfilesError> {
        match self.upsert(entity, None, correlation_id).await {
            Ok(outcome) => Ok(Ok(outcome)),
            Err(e @ ProfilesError::Invalid { .. }) => Ok(Err(e)),
            Err(other) => Err(other),
        }
    }

    /// Entities that are not applications: the new ones in a few statements, the others one
    /// by one after them.
    async fn new_run(
        &mut self,
        run: Vec<(usize, Entity)>,
        outcomes: &mut [Option<Outcome>],
        correlation_id: &str,
    ) -> Result<(), ProfilesError> {
        if run.is_empty() {
            return Ok(());
        }
        // Valid ones only, each id once; the others go one by one.
        let mut later = Vec::new();
        let mut seen = HashSet::new();
        let mut valid = Vec::with_capacity(run.len());
        for (i, entity) in run {
            if let Err(errors) = entity.validate() {
                outcomes[i] = Some(Err(ProfilesError::Invalid { kind: entity.kind(), errors }));
            } else if seen.insert(entity.id()) {
                valid.push((i, entity));
            } else {
                later.push((i, entity));
            }
        }
        let mut by_kind: HashMap<EntityKind, Vec<Uuid>> = HashMap::new();
        for (_, entity) in &valid {
            by_kind.entry(entity.kind()).or_default().push(entity.id());
        }
        let mut stored = HashSet::new();
        for (kind, ids) in &by_kind {
            stored.extend(store::existing(&self.txn, *kind, ids).await?);
        }
        let (updates, new): (Vec<_>, Vec<_>) = valid.into_iter().partition(|(_, e)| stored.contains(&e.id()));
        later.extend(updates);
        let new = self.with_references(new, outcomes).await?;

        let ids: Vec<Uuid> = new.iter().map(|(_, e)| e.id()).collect();
        let tombstones = store::tombstone_versions(&self.txn, &ids).await?;
        let versioned: Vec<(usize, Entity, u64)> = new
            .into_iter()
            .map(|(i, e)| {
                let version = tombstones.get(&e.id()).copied().unwrap_or(0) + 1;
                (i, e, version)
            })
            .collect();
        let now = Utc::now();
        let mut kinds: Vec<EntityKind> = Vec::new();
        for (_, entity, _) in &versioned {
            if !kinds.contains(&entity.kind()) {
                kinds.push(entity.kind());
            }
        }
        for kind in kinds {
            let rows: Vec<(&Entity, u64)> =
                versioned.iter().filter(|(_, e, _)| e.kind() == kind).map(|(_, e, v)| (e, *v)).collect();
            store::insert_new(&self.txn, kind, &rows, now).await?;
        }

        // Events, sealed with each subject's key, in input order.
        let mut subjects = Vec::with_capacity(versioned.len());
        for (_, entity, _) in &versioned {
            subjects.push(crate::keys::subject_of(&self.txn, entity).await?);
        }
        let wanted: Vec<Uuid> = subjects.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
        let keys = crate::keys::keys_for(&self.txn, &wanted).await?;
        let mut rows = Vec::with_capacity(versioned.len());
        for ((i, entity, version), subject) in versioned.into_iter().zip(subjects) {
            let (kind, id) = (entity.kind(), entity.id());
            let change = Change::Upserted(entity);
            let mut event = envelope::build(&change, version, correlation_id, now);
            if let Some(subject) = subject {
                let key = keys.get(&subject).context("a subject without its key")?;
                crocevia_proto::sealing::seal(&mut event, subject, key).context("sealing an event")?;
            }
            let event_id = Uuid::parse_str(&event.event_id).context("event id")?;
            rows.push(NewOutboxRow {
                event_id,
                topic: self.profiles.topic.clone(),
                kind,
                entity_id: id,
                version,
                payload: envelope::encode(&event),
                trace_context: None,
            });
            self.notices.push(ChangeNotice { kind, id, version, erased: false, created: true });
            outcomes[i] = Some(Ok(WriteOutcome { id, version, created: true, changed: true }));
        }
        store::insert_outbox_many(&self.txn, rows, now).await?;

        for (i, entity) in later {
            outcomes[i] = Some(self.one(entity, correlation_id).await?);
        }
        Ok(())
    }

    /// Keeps the entities whose references all exist (stored, or new in this batch) and whose
    /// skills are in the taxonomy; the others are answered with the errors
    /// [`Work::upsert`] gives.
    async fn with_references(
        &self,
        new: Vec<(usize, Entity)>,
        outcomes: &mut [Option<Outcome>],
    ) -> Result<Vec<(usize, Entity)>, ProfilesError> {
        let in_batch: HashSet<Uuid> = new.iter().map(|(_, e)| e.id()).collect();
        let (wanted, skills) = super::wanted_references(new.iter().map(|(_, e)| e), &in_batch);
        let mut known = in_batch;
        for (kind, ids) in &wanted {
            known.extend(store::existing(&self.txn, *kind, ids).await?);
        }
        let missing: HashSet<_> = store::missing_skills(&self.txn, &skills).await?.into_iter().collect();
        let mut kept = Vec::with_capacity(new.len());
        for (i, entity) in new {
            let errors = super::reference_errors(&entity, &known, &missing);
            if errors.is_empty() {
                kept.push((i, entity));
            } else {
                outcomes[i] =
                    Some(Err(ProfilesError::Invalid { kind: entity.kind(), errors: ValidationErrors(errors) }));
            }
        }
        Ok(kept)
    }
}

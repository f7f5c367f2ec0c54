//! Crypto-shredding. Every event of an entity that holds a person's data (user, consent,
//! talent, startup, application) is sealed with that person's key before it enters the outbox
//! (see `crocevia_proto::sealing`). Keys live here, in the profiles database, one per data
//! subject; erasing the person deletes the key in the erasure's own transaction, and every
//! earlier event of theirs, in the in-process bus log or on a Kafka topic, however long it is
//! kept, can no longer be read. Consumers read through [`KeyRing`], which opens sealed
//! payloads and hands on an event whose key is gone as the erasure it has become.

use crate::store;
use async_trait::async_trait;
use chrono::Utc;
use crocevia_domain::{Applicant, Entity, EntityKind};
use crocevia_kit::bus::BusError;
use crocevia_kit::bus::opening::Opener;
use crocevia_proto::sealing::{self, Key};
use crocevia_proto::v1;
use prost::Message;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "subject_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub subject_id: Uuid,
        pub key: Vec<u8>,
        pub created_at: DateTimeUtc,
    }

    /// Never prints the key.
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SubjectKey").field("subject_id", &self.subject_id).finish_non_exhaustive()
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The person whose data `entity` holds: the owning account, or the profile itself when no
/// account owns it (imported profiles). `None` for organisations, offers and programmes.
pub async fn subject_of(conn: &impl ConnectionTrait, entity: &Entity) -> Result<Option<Uuid>, DbErr> {
    Ok(match entity {
        Entity::User(u) => Some(u.id.as_uuid()),
        Entity::Consent(c) => Some(c.user_id.as_uuid()),
        Entity::Talent(t) => Some(t.user_id.map_or(t.id.as_uuid(), |u| u.as_uuid())),
        Entity::Startup(s) => Some(s.user_id.map_or(s.id.as_uuid(), |u| u.as_uuid())),
        Entity::Application(a) => {
            let (kind, id) = match a.applicant {
                Applicant::Talent(t) => (EntityKind::Talent, t.as_uuid()),
                Applicant::Startup(s) => (EntityKind::Startup, s.as_uuid()),
            };
            match store::find(conn, kind, id).await? {
                Some(stored) => Box::pin(subject_of(conn, &stored.entity)).await?,
                None => Some(id),
            }
        }
        Entity::Organisation(_) | Entity::Offer(_) | Entity::Programme(_) => None,
    })
}

fn key_of(row: &table::Model) -> Result<Key, DbErr> {
    Key::try_from(row.key.as_slice()).map_err(|_| DbErr::Custom(format!("the key of {} is damaged", row.subject_id)))
}

/// The subject's key, made and stored (in the caller's transaction) on first use.
pub async fn key_for(conn: &impl ConnectionTrait, subject: Uuid) -> Result<Key, DbErr> {
    keys_for(conn, &[subject])
        .await?
        .remove(&subject)
        .ok_or_else(|| DbErr::Custom(format!("no key was made for {subject}")))
}

/// The keys of `subjects`, those missing made and stored in one
/// statement.
pub async fn keys_for(
    conn: &impl ConnectionTrait,
    subjects: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Key>, DbErr> {
    let mut keys = std::collections::HashMap::with_capacity(subjects.len());
    if subjects.is_empty() {
        return Ok(keys);
    }
    for row in table::Entity::find().filter(table::Column::SubjectId.is_in(subjects.to_vec())).all(conn).await? {
        keys.insert(row.subject_id, key_of(&row)?);
    }
    let now = Utc::now();
    let mut new = Vec::new();
    for subject in subjects {
        if !keys.contains_key(subject) {
            let key = sealing::new_key();
            keys.insert(*subject, key);
            new.push(table::ActiveModel { subject_id: Set(*subject), key: Set(key.to_vec()), created_at: Set(now) });
        }
    }
    if !new.is_empty() {
        table::Entity::insert_many(new).exec_without_returning(conn).await?;
    }
    Ok(keys)
}

/// Destroys the keys of `subjects`: every event sealed with them is unreadable from now on.
pub async fn forget(conn: &impl ConnectionTrait, subjects: &[Uuid]) -> Result<u64, DbErr> {
    let deleted =
        table::Entity::delete_many().filter(table::Column::SubjectId.is_in(subjects.to_vec())).exec(conn).await?;
    Ok(deleted.rows_affected)
}

/// Opens sealed events for the consumers (wrap their bus with
/// [`OpeningBus`](crocevia_kit::bus::opening::OpeningBus)).
#[derive(Debug, Clone)]
pub struct KeyRing {
    db: DatabaseConnection,
}

impl KeyRing {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl Opener for KeyRing {
    async fn open(&self, payload: &[u8]) -> Result<Option<Vec<u8>>, BusError> {
        // What is not an envelope, or not sealed, goes on as it is (a poison message is the
        // consumer's to dead-letter).
        let Ok(mut envelope) = v1::Envelope::decode(payload) else { return Ok(None) };
        let Some(subject) = sealing::subject_of(&envelope) else { return Ok(None) };
        let row = table::Entity::find_by_id(subject)
            .one(&self.db)
            .await
            .map_err(|e| BusError::Other(anyhow::anyhow!("reading a data subject's key: {e}")))?;
        match row {
            Some(row) => {
                let key = key_of(&row).map_err(|e| BusError::Other(anyhow::anyhow!("{e}")))?;
                if let Err(e) = sealing::open(&mut envelope, &key) {
                    tracing::warn!(error = %e, "a sealed event does not open; handed on sealed");
                    return Ok(None);
                }
            }
            // Erased: the event has become an erasure.
            None => sealing::shredded(&mut envelope),
        }
        Ok(Some(envelope.encode_to_vec()))
    }
}

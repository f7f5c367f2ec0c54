//! Row-level access to the profiles database. Every function takes any connection, so the
//! service composes them inside one transaction.

pub mod tables;

use chrono::{DateTime, Utc};
use crocevia_domain::{Entity, EntityKind, Reference, SkillConcept, SkillId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tables::{entity_refs, outbox, skills, tombstones};
use uuid::Uuid;

/// Runs `$body` with `$t` bound to the table module of `$kind`.
macro_rules! on_table {
    ($kind:expr, $t:ident => $body:expr) => {
        match $kind {
            EntityKind::User => {
                use tables::users as $t;
                $body
            }
            EntityKind::Consent => {
                use tables::consents as $t;
                $body
            }
            EntityKind::Organisation => {
                use tables::organisations as $t;
                $body
            }
            EntityKind::Talent => {
                use tables::talents as $t;
                $body
            }
            EntityKind::Startup => {
                use tables::startups as $t;
                $body
            }
            EntityKind::Programme => {
                use tables::programmes as $t;
                $body
            }
            EntityKind::Offer => {
                use tables::offers as $t;
                $body
            }
            EntityKind::Application => {
                use tables::applications as $t;
                $body
            }
        }
    };
}

/// A stored entity with its version.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub entity: Entity,
    pub version: u64,
}

fn label(entity: &Entity) -> String {
    let text = match entity {
        Entity::User(u) => u.email.as_str(),
        Entity::Consent(_) => "consent",
        Entity::Organisation(o) => o.name.as_str(),
        Entity::Talent(t) => t.display_name.as_str(),
        Entity::Startup(s) => s.name.as_str(),
        Entity::Programme(p) => p.title.as_str(),
        Entity::Offer(o) => o.title.as_str(),
        Entity::Application(_) => "application",
    };
    text.chars().take(200).collect()
}

/// The domain value as stored in `data`: the entity without its kind tag.
fn data_of(entity: &Entity) -> Result<serde_json::Value, DbErr> {
    let tagged = serde_json::to_value(entity).map_err(|e| DbErr::Custom(format!("encoding entity: {e}")))?;
    Ok(tagged.get("data").cloned().unwrap_or(serde_json::Value::Null))
}

fn entity_of(kind: EntityKind, data: serde_json::Value) -> Result<Entity, DbErr> {
    serde_json::from_value(serde_json::json!({ "kind": kind.as_str(), "data": data }))
        .map_err(|e| DbErr::Custom(format!("stored {kind} does not decode: {e}")))
}

fn version_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub async fn find(conn: &impl ConnectionTrait, kind: EntityKind, id: Uuid) -> Result<Option<Stored>, DbErr> {
    on_table!(kind, t => {
        match t::Entity::find_by_id(id).one(conn).await? {
            Some(row) => Ok(Some(Stored { entity: entity_of(kind, row.data)?, version: version_u64(row.version) })),
            None => Ok(None),
        }
    })
}

/// [`find`], locking the row until the transaction ends (PostgreSQL; SQLite's writer holds
/// the whole file already).
pub async fn find_for_update(conn: &impl ConnectionTrait, kind: EntityKind, id: Uuid) -> Result<Option<Stored>, DbErr> {
    let lock = conn.get_database_backend() == sea_orm::DbBackend::Postgres;
    on_table!(kind, t => {
        let mut query = t::Entity::find_by_id(id);
        if lock {
            query = query.lock_exclusive();
        }
        match query.one(conn).await? {
            Some(row) => Ok(Some(Stored { entity: entity_of(kind, row.data)?, version: version_u64(row.version) })),
            None => Ok(None),
        }
    })
}

/// Those of `ids` that have a row of `kind`, with their versions (one query, for a batch).
pub async fn find_many(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, Stored)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    on_table!(kind, t => {
        let rows = t::Entity::find().filter(t::Column::Id.is_in(ids.to_vec())).all(conn).await?;
        rows.into_iter()
            .map(|row| Ok((row.id, Stored { entity: entity_of(kind, row.data)?, version: version_u64(row.version) })))
            .collect()
    })
}

/// Which of `ids` have a row of `kind` (one query, for a batch).
pub async fn existing(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    ids: &[Uuid],
) -> Result<std::collections::HashSet<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    on_table!(kind, t => {
        let found: Vec<Uuid> =
            t::Entity::find().select_only().column(t::Column::Id).filter(t::Column::Id.is_in(ids.to_vec())).into_tuple().all(conn).await?;
        Ok(found.into_iter().collect())
    })
}

/// The tombstone versions of those of `ids` that were deleted (one query, for a batch).
pub async fn tombstone_versions(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, u64>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = tombstones::Entity::find().filter(tombstones::Column::Id.is_in(ids.to_vec())).all(conn).await?;
    Ok(rows.into_iter().map(|t| (t.id, version_u64(t.version))).collect())
}

/// Inserts new entities of one kind, each at its version, in one statement, with their
/// outgoing references in another. None of them may exist yet.
pub async fn insert_new(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    entities: &[(&Entity, u64)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if entities.is_empty() {
        return Ok(());
    }
    on_table!(kind, t => {
        let mut rows = Vec::with_capacity(entities.len());
        for (entity, version) in entities {
            rows.push(t::ActiveModel {
                id: Set(entity.id()),
                version: Set(*version as i64),
                label: Set(label(entity)),
                data: Set(data_of(entity)?),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        t::Entity::insert_many(rows).exec_without_returning(conn).await?;
    });
    let refs: Vec<_> = entities.iter().flat_map(|(entity, _)| ref_rows(entity)).collect();
    if !refs.is_empty() {
        entity_refs::Entity::insert_many(refs).exec_without_returning(conn).await?;
    }
    Ok(())
}

pub async fn count(conn: &impl ConnectionTrait, kind: EntityKind) -> Result<u64, DbErr> {
    on_table!(kind, t => t::Entity::find().count(conn).await)
}

/// Every entity of a kind, in id order (ids are time-ordered v7 UUIDs), a page at a time.
pub async fn list(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Stored>, DbErr> {
    Ok(list_dated(conn, kind, after, limit).await?.into_iter().map(|d| d.stored).collect())
}

/// The id and version of every entity of a kind, in id order, a page at a time: what a
/// replica compares itself with, without reading the entities.
pub async fn versions(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<(Uuid, u64)>, DbErr> {
    on_table!(kind, t => {
        let mut query = t::Entity::find()
            .select_only()
            .column(t::Column::Id)
            .column(t::Column::Version)
            .order_by_asc(t::Column::Id)
            .limit(limit);
        if let Some(after) = after {
            query = query.filter(t::Column::Id.gt(after));
        }
        let rows: Vec<(Uuid, i64)> = query.into_tuple().all(conn).await?;
        Ok(rows.into_iter().map(|(id, version)| (id, version_u64(version))).collect())
    })
}

/// A stored entity with when its row was first written and last changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    pub stored: Stored,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// [`list`] with each entity's times: what a rebuild of the open data reads (an entity is
/// counted from when the platform first saw it).
pub async fn list_dated(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Dated>, DbErr> {
    on_table!(kind, t => {
        let mut query = t::Entity::find().order_by_asc(t::Column::Id).limit(limit);
        if let Some(after) = after {
            query = query.filter(t::Column::Id.gt(after));
        }
        query
            .all(conn)
            .await?
            .into_iter()
            .map(|row| {
                let stored = Stored { entity: entity_of(kind, row.data)?, version: version_u64(row.version) };
                Ok(Dated { stored, created_at: row.created_at, updated_at: row.updated_at })
            })
            .collect()
    })
}

/// Tombstones in id order after `after`, at most `limit`.
pub async fn tombstones_after(
    conn: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<tombstones::Model>, DbErr> {
    let mut query = tombstones::Entity::find().order_by_asc(tombstones::Column::Id).limit(limit);
    if let Some(after) = after {
        query = query.filter(tombstones::Column::Id.gt(after));
    }
    query.all(conn).await
}

pub async fn tombstone_count(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    tombstones::Entity::find().count(conn).await
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    entity: &Entity,
    version: u64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (id, label, data, version) = (entity.id(), label(entity), data_of(entity)?, version as i64);
    on_table!(entity.kind(), t => {
        t::Entity::insert(t::ActiveModel {
            id: Set(id),
            version: Set(version),
            label: Set(label),
            data: Set(data),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await?;
        Ok(())
    })
}

/// Writes `entity` at `version` if the row is still at `previous`; false if another writer
/// got there first (optimistic concurrency: the caller reports a conflict).
pub async fn update(
    conn: &impl ConnectionTrait,
    entity: &Entity,
    version: u64,
    previous: u64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let (id, label, data) = (entity.id(), label(entity), data_of(entity)?);
    on_table!(entity.kind(), t => {
        let result = t::Entity::update_many()
            .col_expr(t::Column::Version, (version as i64).into())
            .col_expr(t::Column::Label, label.into())
            .col_expr(t::Column::Data, data.into())
            .col_expr(t::Column::UpdatedAt, now.into())
            .filter(t::Column::Id.eq(id))
            .filter(t::Column::Version.eq(previous as i64))
            .exec(conn)
            .await?;
        Ok(result.rows_affected == 1)
    })
}

pub async fn delete(conn: &impl ConnectionTrait, kind: EntityKind, id: Uuid, version: u64) -> Result<bool, DbErr> {
    let deleted = on_table!(kind, t => {
        t::Entity::delete_many().filter(t::Column::Id.eq(id)).filter(t::Column::Version.eq(version as i64)).exec(conn).await?.rows_affected == 1
    });
    if deleted {
        entity_refs::Entity::delete_many().filter(entity_refs::Column::FromId.eq(id)).exec(conn).await?;
    }
    Ok(deleted)
}

/// The rows of `entity`'s outgoing entity references.
fn ref_rows(entity: &Entity) -> impl Iterator<Item = entity_refs::ActiveModel> + '_ {
    entity.references().into_iter().filter_map(|r| match r {
        Reference::Entity { field, kind, id } => Some(entity_refs::ActiveModel {
            from_id: Set(entity.id()),
            field: Set(field.to_owned()),
            from_kind: Set(entity.kind().as_str().to_owned()),
            to_kind: Set(kind.as_str().to_owned()),
            to_id: Set(id),
        }),
        Reference::Skill { .. } => None,
    })
}

/// Replaces the outgoing entity references of `entity` (skill references are checked, not
/// stored: the taxonomy is reference data).
pub async fn replace_refs(conn: &impl ConnectionTrait, entity: &Entity) -> Result<(), DbErr> {
    let from_id = entity.id();
    entity_refs::Entity::delete_many().filter(entity_refs::Column::FromId.eq(from_id)).exec(conn).await?;
    let rows: Vec<_> = ref_rows(entity).collect();
    if !rows.is_empty() {
        entity_refs::Entity::insert_many(rows).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// Entities that refer to `id`, as (kind, id, field).
pub async fn inbound_refs(
    conn: &impl ConnectionTrait,
    id: Uuid,
    limit: u64,
) -> Result<Vec<(String, Uuid, String)>, DbErr> {
    Ok(entity_refs::Entity::find()
        .filter(entity_refs::Column::ToId.eq(id))
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.from_kind, r.from_id, r.field))
        .collect())
}

pub async fn tombstone_version(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<u64>, DbErr> {
    Ok(tombstones::Entity::find_by_id(id).one(conn).await?.map(|t| version_u64(t.version)))
}

pub async fn set_tombstone(
    conn: &impl ConnectionTrait,
    kind: EntityKind,
    id: Uuid,
    version: u64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    tombstones::Entity::insert(tombstones::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        version: Set(version as i64),
        deleted_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(tombstones::Column::Id)
            .update_columns([tombstones::Column::Version, tombstones::Column::DeletedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The ids among `wanted` that are not in the taxonomy.
pub async fn missing_skills(conn: &impl ConnectionTrait, wanted: &[SkillId]) -> Result<Vec<SkillId>, DbErr> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = wanted.iter().map(|s| s.as_str().to_owned()).collect();
    let found: Vec<String> = skills::Entity::find()
        .filter(skills::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok(wanted.iter().filter(|s| !found.iter().any(|f| f == s.as_str())).cloned().collect())
}

pub async fn upsert_skills(conn: &impl ConnectionTrait, concepts: &[SkillConcept]) -> Result<(), DbErr> {
    for chunk in concepts.chunks(200) {
        let rows = chunk
            .iter()
            .map(|c| {
                Ok(skills::ActiveModel {
                    id: Set(c.id.as_str().to_owned()),
                    category: Set(c.category.clone()),
                    label_it: Set(c.label_it.clone()),
                    label_en: Set(c.label_en.clone()),
                    data: Set(serde_json::to_value(c).map_err(|e| DbErr::Custom(e.to_string()))?),
                })
            })
            .collect::<Result<Vec<_>, DbErr>>()?;
        skills::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(skills::Column::Id)
                    .update_columns([
                        skills::Column::Category,
                        skills::Column::LabelIt,
                        skills::Column::LabelEn,
                        skills::Column::Data,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub async fn skill_count(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    skills::Entity::find().count(conn).await
}

#[derive(Debug)]
pub struct NewOutboxRow {
    pub event_id: Uuid,
    pub topic: String,
    pub kind: EntityKind,
    pub entity_id: Uuid,
    pub version: u64,
    pub payload: Vec<u8>,
    /// The writing request's `traceparent` (see [`crocevia_kit::telemetry`]).
    pub trace_context: Option<String>,
}

fn outbox_model(row: NewOutboxRow, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        event_id: Set(row.event_id),
        topic: Set(row.topic),
        entity_kind: Set(row.kind.as_str().to_owned()),
        entity_id: Set(row.entity_id),
        entity_version: Set(row.version as i64),
        payload: Set(row.payload),
        created_at: Set(now),
        published_at: Set(None),
        trace_context: Set(row.trace_context),
        ..Default::default()
    }
}

pub async fn insert_outbox(conn: &impl ConnectionTrait, row: NewOutboxRow, now: DateTime<Utc>) -> Result<(), DbErr> {
    outbox::Entity::insert(outbox_model(row, now)).exec_without_returning(conn).await?;
    Ok(())
}

/// Inserts outbox rows in one statement, in the order given (their sequence numbers follow it).
pub async fn insert_outbox_many(
    conn: &impl ConnectionTrait,
    rows: Vec<NewOutboxRow>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.into_iter().map(|row| outbox_model(row, now));
    outbox::Entity::insert_many(models).exec_without_returning(conn).await?;
    Ok(())
}

/// How many outbox rows wait to be published, and when the oldest of them was written.
pub async fn backlog(conn: &impl ConnectionTrait) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let waiting = outbox::Entity::find().filter(outbox::Column::PublishedAt.is_null());
    let count = waiting.clone().count(conn).await?;
    let oldest = waiting.order_by_asc(outbox::Column::Seq).one(conn).await?.map(|row| row.created_at);
    Ok((count, oldest))
}

/// The oldest unpublished outbox rows, in write order.
pub async fn unpublished(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
    unpublished_except(conn, limit, &[]).await
}

/// [`unpublished`] without the rows `except` (a batch the relay is sending).
pub async fn unpublished_except(
    conn: &impl ConnectionTrait,
    limit: u64,
    except: &[i64],
) -> Result<Vec<outbox::Model>, DbErr> {
    let mut query = outbox::Entity::find().filter(outbox::Column::PublishedAt.is_null());
    if !except.is_empty() {
        query = query.filter(outbox::Column::Seq.is_not_in(except.iter().copied()));
    }
    query.order_by_asc(outbox::Column::Seq).limit(limit).all(conn).await
}

pub async fn mark_published(conn: &impl ConnectionTrait, seqs: Vec<i64>, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::PublishedAt, Some(now).into())
        .filter(outbox::Column::Seq.is_in(seqs))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

pub type OutboxRow = outbox::Model;

/// Deletes the published outbox rows of `entity_id` older than `seq` (after its erasure).
pub async fn purge_published_before(conn: &impl ConnectionTrait, entity_id: Uuid, seq: i64) -> Result<u64, DbErr> {
    let result = outbox::Entity::delete_many()
        .filter(outbox::Column::EntityId.eq(entity_id))
        .filter(outbox::Column::Seq.lt(seq))
        .filter(outbox::Column::PublishedAt.is_not_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

pub async fn unpublished_count(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    outbox::Entity::find().filter(outbox::Column::PublishedAt.is_null()).count(conn).await
}

//! The matching service's own tables: its replica of the entities, the top-k lists, and an
//! outbox of match events written in the same transaction as the lists they describe.

use crate::engine::{Entry, Side};
use sea_orm::sea_query::{Alias, IntoIden, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sea_orm_migration::prelude::*;
use uuid::Uuid;

pub mod replica {
    use sea_orm::entity::prelude::*;

    /// The latest version of each entity the service matches; `data` is empty once erased.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_entities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub version: i64,
        #[sea_orm(column_type = "JsonBinary", nullable)]
        pub data: Option<Json>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod lists {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_lists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub subject_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub rank: i32,
        pub subject_side: String,
        pub counterpart_id: Uuid,
        /// The entry (scores, verdict, explanation) as JSON.
        #[sea_orm(column_type = "JsonBinary")]
        pub entry: Json,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outbox {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub key: String,
        pub payload: Vec<u8>,
        pub published: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateTables), Box::new(IndexUnpublished)]
    }

    /// Separate from the profiles service's table: each service migrates its own schema,
    /// even when both share one database in the embedded mode.
    fn migration_table_name() -> DynIden {
        Alias::new("matching_migrations").into_iden()
    }
}

struct CreateTables;

impl MigrationName for CreateTables {
    fn name(&self) -> &str {
        "m20261129_000001_matching_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTables {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("matching_entities"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("kind")).string().not_null())
                .col(ColumnDef::new(Alias::new("version")).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("data")).json_binary().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("matching_lists"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("subject_id")).uuid().not_null())
                .col(ColumnDef::new(Alias::new("rank")).integer().not_null())
                .col(ColumnDef::new(Alias::new("subject_side")).string().not_null())
                .col(ColumnDef::new(Alias::new("counterpart_id")).uuid().not_null())
                .col(ColumnDef::new(Alias::new("entry")).json_binary().not_null())
                .primary_key(Index::create().col(Alias::new("subject_id")).col(Alias::new("rank")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("matching_outbox"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("seq")).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Alias::new("key")).string().not_null())
                .col(ColumnDef::new(Alias::new("payload")).binary().not_null())
                .col(ColumnDef::new(Alias::new("published")).boolean().not_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["matching_entities", "matching_lists", "matching_outbox"] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

/// The publisher reads the oldest unpublished events after every batch. Without this index
/// that read walked every event ever published (millions after a long catch-up), so
/// publishing, and a clean stop waiting for it, slowed down as the table grew.
struct IndexUnpublished;

impl MigrationName for IndexUnpublished {
    fn name(&self) -> &str {
        "m20261130_000001_matching_outbox_unpublished"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for IndexUnpublished {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_matching_outbox_unpublished")
                .table(Alias::new("matching_outbox"))
                .col(Alias::new("published"))
                .col(Alias::new("seq"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .if_exists()
                .name("idx_matching_outbox_unpublished")
                .table(Alias::new("matching_outbox"))
                .to_owned(),
        )
        .await
    }
}

/// What one batch writes, in one transaction.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub entities: Vec<(Uuid, String, u64, Option<serde_json::Value>)>,
    pub lists: Vec<(Uuid, Side, Vec<Entry>)>,
    pub events: Vec<(String, Vec<u8>)>,
}

/// Rows per statement: well under the bind-parameter limits of PostgreSQL (65,535) and
/// SQLite (32,766) at five columns a row.
const ROWS_PER_STATEMENT: usize = 1000;

/// The last of several entries per key, in first-seen order: one statement must not touch a
/// row twice (`ON CONFLICT DO UPDATE` refuses to), and only the last version counts.
fn last_per_key<K: std::hash::Hash + Eq + Copy, T>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut at: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        match at.get(&key(&item)) {
            Some(&i) => out[i] = item,
            None => {
                at.insert(key(&item), out.len());
                out.push(item);
            }
        }
    }
    out
}

/// Writes a batch in one transaction, a statement per thousand rows rather than one per row:
/// a catching-up consumer changes thousands of lists a batch, and the round trips were most
/// of its time.
pub async fn save(db: &DatabaseConnection, batch: Batch) -> Result<(), DbErr> {
    let txn = crocevia_kit::db::begin_write(db).await?;
    let entities = last_per_key(batch.entities, |e| e.0);
    for chunk in entities.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|(id, kind, version, data)| replica::ActiveModel {
            id: Set(*id),
            kind: Set(kind.clone()),
            version: Set(*version as i64),
            data: Set(data.clone()),
        });
        replica::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(replica::Column::Id)
                    .update_columns([replica::Column::Kind, replica::Column::Version, replica::Column::Data])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let lists = last_per_key(batch.lists, |l| l.0);
    for chunk in lists.chunks(ROWS_PER_STATEMENT) {
        let subjects: Vec<Uuid> = chunk.iter().map(|(subject, _, _)| *subject).collect();
        lists::Entity::delete_many().filter(lists::Column::SubjectId.is_in(subjects)).exec(&txn).await?;
    }
    let mut rows = Vec::new();
    for (subject, side, entries) in &lists {
        for (i, e) in entries.iter().enumerate() {
            rows.push(lists::ActiveModel {
                subject_id: Set(*subject),
                rank: Set(i as i32 + 1),
                subject_side: Set(side.as_str().to_owned()),
                counterpart_id: Set(e.counterpart),
                entry: Set(serde_json::to_value(e).map_err(|e| DbErr::Custom(e.to_string()))?),
            });
        }
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        lists::Entity::insert_many(chunk).exec_without_returning(&txn).await?;
    }
    for chunk in batch.events.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(key, payload)| outbox::ActiveModel {
                key: Set(key.clone()),
                payload: Set(payload.clone()),
                published: Set(false),
                ..Default::default()
            })
            .collect();
        outbox::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    txn.commit().await
}

/// The kind and version the replica holds of each entity, and whether it is erased there.
pub async fn replica_versions(db: &DatabaseConnection) -> Result<Vec<(Uuid, String, i64, bool)>, DbErr> {
    replica::Entity::find()
        .select_only()
        .column(replica::Column::Id)
        .column(replica::Column::Kind)
        .column(replica::Column::Version)
        .expr(sea_orm::sea_query::Expr::col(replica::Column::Data).is_null())
        .into_tuple()
        .all(db)
        .await
}

pub async fn load_replica(db: &DatabaseConnection) -> Result<Vec<replica::Model>, DbErr> {
    replica::Entity::find().all(db).await
}

pub async fn load_lists(db: &DatabaseConnection) -> Result<Vec<lists::Model>, DbErr> {
    lists::Entity::find().order_by_asc(lists::Column::SubjectId).order_by_asc(lists::Column::Rank).all(db).await
}

pub async fn list_of(db: &impl ConnectionTrait, subject: Uuid) -> Result<Vec<lists::Model>, DbErr> {
    lists::Entity::find().filter(lists::Column::SubjectId.eq(subject)).order_by_asc(lists::Column::Rank).all(db).await
}

pub async fn unpublished(db: &DatabaseConnection, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::Published.eq(false))
        .order_by_asc(outbox::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

pub async fn mark_published(db: &DatabaseConnection, seqs: Vec<i64>) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Published, true.into())
        .filter(outbox::Column::Seq.is_in(seqs))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod last_per_key_tests {
    use super::last_per_key;

    #[test]
    fn keeps_the_last_entry_of_each_key_in_first_seen_order() {
        let items = vec![(1, "a1"), (2, "b1"), (1, "a2"), (3, "c1"), (2, "b2")];
        assert_eq!(last_per_key(items, |i| i.0), vec![(1, "a2"), (2, "b2"), (3, "c1")]);
    }
}

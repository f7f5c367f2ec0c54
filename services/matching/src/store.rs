//! The matching service's own tables: its replica of the entities, the top-k lists, and an
//! outbox of match events written in the same transaction as the lists they describe.

use crate::engine::{ListChange, Ranked};
use sea_orm::sea_query::{Alias, IntoIden, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
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

/// One place in a subject's list, as its numbers: the list's order is its ranking key (class,
/// score descending, counterpart), so a change writes only the places that entered, changed or
/// left, never a whole list again; the explanation is written when the list is read, from the
/// two entities and the place's `bm25` (see the engine).
pub mod entries {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub subject_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub counterpart_id: Uuid,
        pub subject_side: String,
        pub class: i16,
        pub score: f64,
        pub mutual: f64,
        pub bm25: f32,
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
        vec![
            Box::new(CreateTables),
            Box::new(IndexUnpublished),
            Box::new(EntriesByPair),
            Box::new(FillMarker),
            Box::new(crate::members::Migration),
        ]
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
/// A replica row: id, kind, version, and the entity's data (`None`: erased).
pub type Entity = (Uuid, String, u64, Option<serde_json::Value>);

/// What one recomputation stores in one transaction. Its lists name each subject once (one
/// recomputation's changes), so their deletes and upserts never meet in one statement.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub entities: Vec<Entity>,
    pub lists: Vec<ListChange>,
    pub events: Vec<(String, Vec<u8>)>,
}

const ROWS_PER_STATEMENT: usize = 1000;
/// Subjects whose left places one delete statement names.
const SUBJECTS_PER_DELETE: usize = 200;

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

fn entry_row(change: &ListChange, e: &Ranked) -> entries::ActiveModel {
    entries::ActiveModel {
        subject_id: Set(change.subject),
        counterpart_id: Set(e.counterpart),
        subject_side: Set(change.side.as_str().to_owned()),
        class: Set(i16::from(e.class)),
        score: Set(e.score),
        mutual: Set(e.mutual),
        bm25: Set(e.bm25),
    }
}

/// Stores a batch in one transaction. By reference: a caller keeps it to retry after a
/// storage error, without a copy of every list and event in the meantime.
pub async fn save(db: &DatabaseConnection, batch: &Batch) -> Result<(), DbErr> {
    let txn = crocevia_kit::db::begin_write(db).await?;
    let entities = last_per_key(batch.entities.iter().collect(), |e| e.0);
    for chunk in entities.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|(id, kind, version, data)| replica::ActiveModel {
            id: Set(*id),
            kind: Set(kind.clone()),
            version: Set(*version as i64),
            data: Set(data.clone()),
        });
        replica::Entity::insert_many(rows)
            .on_conflict(
                // Several members write the replica: one that is behind never takes a newer
                // version back.
                OnConflict::column(replica::Column::Id)
                    .update_columns([replica::Column::Kind, replica::Column::Version, replica::Column::Data])
                    .action_and_where(
                        Expr::col((replica::Entity, replica::Column::Version))
                            .lte(Expr::col((Alias::new("excluded"), replica::Column::Version))),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in batch.lists.chunks(SUBJECTS_PER_DELETE) {
        let mut left = Condition::any();
        let mut any = false;
        for change in chunk {
            let gone: Vec<Uuid> = change.left().collect();
            if !gone.is_empty() {
                any = true;
                left = left.add(
                    Condition::all()
                        .add(entries::Column::SubjectId.eq(change.subject))
                        .add(entries::Column::CounterpartId.is_in(gone)),
                );
            }
        }
        if any {
            entries::Entity::delete_many().filter(left).exec(&txn).await?;
        }
    }
    let mut rows = Vec::new();
    for change in &batch.lists {
        for e in &change.written {
            rows.push(entry_row(change, e));
        }
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        entries::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([entries::Column::SubjectId, entries::Column::CounterpartId])
                    .update_columns([
                        entries::Column::SubjectSide,
                        entries::Column::Class,
                        entries::Column::Score,
                        entries::Column::Mutual,
                        entries::Column::Bm25,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
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

/// Rows of the replica read per page at start-up: a page of entities at a time instead of the
/// whole table (10^6 entities are gigabytes of JSON).
pub const REPLICA_PAGE: u64 = 5_000;

/// The replica's entities after `after` in id order, at most `limit`.
pub async fn replica_page(
    db: &DatabaseConnection,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<replica::Model>, DbErr> {
    let mut query = replica::Entity::find().order_by_asc(replica::Column::Id).limit(limit);
    if let Some(after) = after {
        query = query.filter(replica::Column::Id.gt(after));
    }
    query.all(db).await
}

/// Places read per page at start-up.
pub const RANKED_PAGE: u64 = 50_000;

/// A stored place: subject, counterpart, class, score, mutual score, relevance.
type Place = (Uuid, Uuid, i16, f64, f64, f32);

/// The query for stored places as [`Place`]s.
fn places() -> sea_orm::Select<entries::Entity> {
    entries::Entity::find().select_only().columns([
        entries::Column::SubjectId,
        entries::Column::CounterpartId,
        entries::Column::Class,
        entries::Column::Score,
        entries::Column::Mutual,
        entries::Column::Bm25,
    ])
}

fn add_place(lists: &mut std::collections::HashMap<Uuid, Vec<Ranked>>, place: Place) {
    let (subject, counterpart, class, score, mutual, bm25) = place;
    let class = <u8 as TryFrom<i16>>::try_from(class).unwrap_or_default();
    lists.entry(subject).or_default().push(Ranked { counterpart, score, mutual, class, bm25 });
}

/// Every stored list as its ranking numbers (no explanations), read in pages.
pub async fn load_ranked(db: &DatabaseConnection) -> Result<std::collections::HashMap<Uuid, Vec<Ranked>>, DbErr> {
    let mut lists: std::collections::HashMap<Uuid, Vec<Ranked>> = std::collections::HashMap::new();
    let mut after: Option<(Uuid, Uuid)> = None;
    loop {
        let mut query = places()
            .order_by_asc(entries::Column::SubjectId)
            .order_by_asc(entries::Column::CounterpartId)
            .limit(RANKED_PAGE);
        if let Some((subject, counterpart)) = after {
            query = query.filter(
                Condition::any().add(entries::Column::SubjectId.gt(subject)).add(
                    Condition::all()
                        .add(entries::Column::SubjectId.eq(subject))
                        .add(entries::Column::CounterpartId.gt(counterpart)),
                ),
            );
        }
        let page: Vec<Place> = query.into_tuple().all(db).await?;
        let Some(last) = page.last() else { return Ok(lists) };
        after = Some((last.0, last.1));
        let full = page.len() as u64 == RANKED_PAGE;
        for place in page {
            add_place(&mut lists, place);
        }
        if !full {
            return Ok(lists);
        }
    }
}

/// Every subject with a stored list, and its side's name.
pub async fn stored_subjects(db: &DatabaseConnection) -> Result<Vec<(Uuid, String)>, DbErr> {
    entries::Entity::find()
        .select_only()
        .columns([entries::Column::SubjectId, entries::Column::SubjectSide])
        .distinct()
        .into_tuple()
        .all(db)
        .await
}

/// The stored lists of `subjects` (those with any place), as their ranking numbers.
pub async fn ranked_of(
    db: &DatabaseConnection,
    subjects: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<Ranked>>, DbErr> {
    let mut lists: std::collections::HashMap<Uuid, Vec<Ranked>> = std::collections::HashMap::new();
    for chunk in subjects.chunks(SUBJECTS_PER_DELETE) {
        let rows: Vec<Place> =
            places().filter(entries::Column::SubjectId.is_in(chunk.iter().copied())).into_tuple().all(db).await?;
        for place in rows {
            add_place(&mut lists, place);
        }
    }
    for list in lists.values_mut() {
        crate::engine::rank(list);
    }
    Ok(lists)
}

pub async fn unpublished(db: &DatabaseConnection, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::Published.eq(false))
        .order_by_asc(outbox::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// Match events written after `after` (a `seq`), in the order they were written (and
/// published), at most `limit`, published or not. Rows are marked published, never deleted:
/// the outbox is the record of every match event, from which a rebuild of the open data
/// takes each offer's first good match when the topic no longer holds it.
pub async fn events_after(
    db: &DatabaseConnection,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<(i64, Vec<u8>)>, DbErr> {
    let mut query = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Seq)
        .column(outbox::Column::Payload)
        .order_by_asc(outbox::Column::Seq)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(outbox::Column::Seq.gt(after));
    }
    query.into_tuple().all(db).await
}

pub async fn event_count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    sea_orm::PaginatorTrait::count(outbox::Entity::find(), db).await
}

pub async fn mark_published(db: &DatabaseConnection, seqs: Vec<i64>) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Published, true.into())
        .filter(outbox::Column::Seq.is_in(seqs))
        .exec(db)
        .await?;
    Ok(())
}

/// Lists keyed by (subject, counterpart) with their ranking numbers, instead of whole explained
/// lists keyed by rank: a change then writes the places it touched, and start-up reads numbers.
/// Stored lists do not keep the relevance their explanations need, so they go, and so does the
/// replica: the next start fills matching again from the database, as a first start does.
struct EntriesByPair;

impl MigrationName for EntriesByPair {
    fn name(&self) -> &str {
        "m20261206_000002_matching_entries"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for EntriesByPair {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("matching_entries"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("subject_id")).uuid().not_null())
                .col(ColumnDef::new(Alias::new("counterpart_id")).uuid().not_null())
                .col(ColumnDef::new(Alias::new("subject_side")).string().not_null())
                .col(ColumnDef::new(Alias::new("class")).small_integer().not_null())
                .col(ColumnDef::new(Alias::new("score")).double().not_null())
                .col(ColumnDef::new(Alias::new("mutual")).double().not_null())
                .col(ColumnDef::new(Alias::new("bm25")).float().not_null())
                .primary_key(Index::create().col(Alias::new("subject_id")).col(Alias::new("counterpart_id")))
                .to_owned(),
        )
        .await?;
        if m.has_table("matching_lists").await? {
            m.drop_table(Table::drop().table(Alias::new("matching_lists")).to_owned()).await?;
            replica::Entity::delete_many().exec(m.get_connection()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("matching_entries")).if_exists().to_owned()).await
    }
}

/// A fill in progress: set before its first entity is stored in the replica, cleared with its
/// last list. The replica says which entities are applied; without the mark, a fill cut short
/// would leave entities held with no lists, and the next start would find nothing to do.
pub mod fill {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_fill")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i16,
        pub started_at: chrono::DateTime<chrono::Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Whether a fill was started and not finished.
pub async fn fill_pending(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(fill::Entity::find_by_id(1i16).one(db).await?.is_some())
}

/// Marks a fill as started (before it stores its first entity) or, with `false`, finished.
pub async fn mark_fill(db: &DatabaseConnection, pending: bool) -> Result<(), DbErr> {
    if pending {
        let row = fill::ActiveModel { id: Set(1), started_at: Set(chrono::Utc::now()) };
        fill::Entity::insert(row)
            .on_conflict(OnConflict::column(fill::Column::Id).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
    } else {
        fill::Entity::delete_by_id(1i16).exec(db).await?;
    }
    Ok(())
}

struct FillMarker;

impl MigrationName for FillMarker {
    fn name(&self) -> &str {
        "m20261207_000001_matching_fill"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for FillMarker {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("matching_fill"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).small_integer().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("started_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("matching_fill")).if_exists().to_owned()).await
    }
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

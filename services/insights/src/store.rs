//! The insights service's own tables: the anonymous fact of each counted entity at its
//! latest version, the first good match of each offer, and a generation counter that tells
//! readers in any process when the aggregates are stale.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, IntoIden, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use sea_orm_migration::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

pub mod facts {
    use sea_orm::entity::prelude::*;

    /// `fact` is empty once the entity is erased; the version stays so a late, older event
    /// cannot bring it back.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "insights_facts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub version: i64,
        /// When the platform first saw the entity (its first event), for time-to-match.
        pub first_seen: DateTimeUtc,
        #[sea_orm(column_type = "JsonBinary", nullable)]
        pub fact: Option<Json>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod first_match {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "insights_first_match")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub offer_id: Uuid,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod state {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "insights_state")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub generation: i64,
        pub refreshed_at: DateTimeUtc,
        /// When the consumer first had every change the platform had recorded: before it,
        /// the aggregates are a partial count and are not published.
        pub caught_up_at: Option<DateTimeUtc>,
        /// The time of the newest change applied: how far the published figures reach.
        pub applied_through: Option<DateTimeUtc>,
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
        vec![Box::new(CreateTables), Box::new(AddCurrency)]
    }

    /// Each service migrates its own schema, even in a shared database.
    fn migration_table_name() -> DynIden {
        Alias::new("insights_migrations").into_iden()
    }
}

struct CreateTables;

impl MigrationName for CreateTables {
    fn name(&self) -> &str {
        "m20261130_000001_insights_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTables {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("insights_facts"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("version")).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("first_seen")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("fact")).json_binary().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("insights_first_match"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("offer_id")).uuid().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("insights_state"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).integer().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("generation")).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("refreshed_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        state::Entity::insert(state::ActiveModel {
            id: Set(1),
            generation: Set(0),
            refreshed_at: Set(Utc::now()),
            ..Default::default()
        })
        .on_conflict(OnConflict::column(state::Column::Id).do_nothing().to_owned())
        .exec_without_returning(m.get_connection())
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["insights_facts", "insights_first_match", "insights_state"] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

/// The state's `caught_up_at` and `applied_through` (see [`state::Model`]).
struct AddCurrency;

impl MigrationName for AddCurrency {
    fn name(&self) -> &str {
        "m20261207_000001_insights_currency"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddCurrency {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Two statements: SQLite adds one column per ALTER TABLE.
        for column in ["caught_up_at", "applied_through"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("insights_state"))
                    .add_column(ColumnDef::new(Alias::new(column)).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        }
        // A database that already kept aggregates before this column existed had caught up.
        let db = m.get_connection();
        state::Entity::update_many()
            .col_expr(state::Column::CaughtUpAt, Expr::col(state::Column::RefreshedAt).into())
            .col_expr(state::Column::AppliedThrough, Expr::col(state::Column::RefreshedAt).into())
            .filter(state::Column::Generation.gt(0))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["caught_up_at", "applied_through"] {
            m.alter_table(
                Table::alter().table(Alias::new("insights_state")).drop_column(Alias::new(column)).to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// One fact to store: `fact` is `None` for an erased entity.
#[derive(Debug, Clone)]
pub struct FactRow {
    pub id: Uuid,
    pub version: u64,
    pub first_seen: DateTime<Utc>,
    pub fact: Option<serde_json::Value>,
}

/// Rows written per statement (4 parameters each: far below SQLite's and PostgreSQL's limits).
const ROWS_PER_STATEMENT: usize = 500;

/// What one batch of events writes, in one transaction. Each entity and each offer appears
/// once (one statement may not write a row twice).
#[derive(Debug, Default)]
pub struct Batch {
    pub facts: Vec<FactRow>,
    pub first_matches: Vec<(Uuid, DateTime<Utc>)>,
    /// The time of the newest change in the batch.
    pub newest: Option<DateTime<Utc>>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty() && self.first_matches.is_empty()
    }
}

/// The stored version and first sighting of each of `ids` that has a row.
pub async fn known(db: &DatabaseConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, (u64, DateTime<Utc>)>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = facts::Entity::find().filter(facts::Column::Id.is_in(chunk.to_vec())).all(db).await?;
        out.extend(rows.into_iter().map(|r| (r.id, (r.version as u64, r.first_seen))));
    }
    Ok(out)
}

/// Writes a batch and moves the generation on. The transaction starts with a write, so on
/// SQLite it waits for the write lock instead of failing an upgrade from a read.
pub async fn save(db: &DatabaseConnection, batch: Batch) -> Result<(), DbErr> {
    let txn = crocevia_kit::db::begin_write(db).await?;
    let mut bump = state::Entity::update_many()
        .col_expr(state::Column::Generation, Expr::col(state::Column::Generation).add(1))
        .col_expr(state::Column::RefreshedAt, Expr::value(Utc::now()));
    if let Some(newest) = batch.newest {
        // Redelivered or late changes never move it back.
        bump = bump.col_expr(
            state::Column::AppliedThrough,
            Expr::case(
                Expr::col(state::Column::AppliedThrough)
                    .is_null()
                    .or(Expr::col(state::Column::AppliedThrough).lt(newest)),
                newest,
            )
            .finally(Expr::col(state::Column::AppliedThrough))
            .into(),
        );
    }
    bump.filter(state::Column::Id.eq(1)).exec(&txn).await?;
    // A few statements per batch instead of one per row: a rebuild writes every entity.
    let mut facts = batch.facts.into_iter().peekable();
    while facts.peek().is_some() {
        let rows = facts.by_ref().take(ROWS_PER_STATEMENT).map(|row| facts::ActiveModel {
            id: Set(row.id),
            version: Set(row.version as i64),
            first_seen: Set(row.first_seen),
            fact: Set(row.fact),
        });
        facts::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(facts::Column::Id)
                    .update_columns([facts::Column::Version, facts::Column::FirstSeen, facts::Column::Fact])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    // Match events of one offer arrive in order (keyed by subject), so the first stored is
    // the earliest; a redelivered one changes nothing.
    for chunk in batch.first_matches.chunks(ROWS_PER_STATEMENT) {
        let rows =
            chunk.iter().map(|(offer_id, at)| first_match::ActiveModel { offer_id: Set(*offer_id), at: Set(*at) });
        first_match::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(first_match::Column::OfferId).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// The stored state; the row exists from the first migration on.
pub async fn state(db: &DatabaseConnection) -> Result<state::Model, DbErr> {
    state::Entity::find_by_id(1).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("insights_state".into()))
}

pub async fn generation(db: &DatabaseConnection) -> Result<i64, DbErr> {
    Ok(state(db).await?.generation)
}

/// Marks the aggregates complete, once; readers in any process see it with the next
/// generation.
pub async fn mark_caught_up(db: &DatabaseConnection, at: DateTime<Utc>) -> Result<(), DbErr> {
    state::Entity::update_many()
        .col_expr(state::Column::CaughtUpAt, Expr::value(at))
        .col_expr(state::Column::Generation, Expr::col(state::Column::Generation).add(1))
        .filter(state::Column::Id.eq(1))
        .filter(state::Column::CaughtUpAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Empties the facts and first matches and marks the aggregates incomplete, in one
/// transaction: from its commit every door answers "being built" (in any process) until a
/// rebuild marks them complete again ([`mark_caught_up`]).
pub async fn reset(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = crocevia_kit::db::begin_write(db).await?;
    state::Entity::update_many()
        .col_expr(state::Column::CaughtUpAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(state::Column::AppliedThrough, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(state::Column::Generation, Expr::col(state::Column::Generation).add(1))
        .col_expr(state::Column::RefreshedAt, Expr::value(Utc::now()))
        .filter(state::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    facts::Entity::delete_many().exec(&txn).await?;
    first_match::Entity::delete_many().exec(&txn).await?;
    txn.commit().await
}

pub async fn all_facts(db: &DatabaseConnection) -> Result<Vec<facts::Model>, DbErr> {
    facts::Entity::find().filter(facts::Column::Fact.is_not_null()).all(db).await
}

pub async fn first_match_count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    first_match::Entity::find().count(db).await
}

pub async fn all_first_matches(db: &DatabaseConnection) -> Result<Vec<first_match::Model>, DbErr> {
    first_match::Entity::find().all(db).await
}

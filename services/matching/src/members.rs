//! Who the members of a matching group are: each live member writes a heartbeat into the
//! database they share, and the members' shares of the lists follow the sorted names of
//! those seen within [`SESSION`] (see `service::ownership`).
//!
//! Why not the Kafka group protocol: a crashed member must leave its group when its session
//! ends, and the Kafka-protocol broker the tests run on (tansu 0.6) never expires one that
//! nobody replaces, so its share would stay with the dead. The database is the one thing
//! every member already shares and must reach to store anything; a member that cannot reach
//! it keeps nothing anyway.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use sea_orm_migration::prelude::*;
use std::time::Duration;

/// A member not heard from for this long is out: its share goes to the others.
pub const SESSION: Duration = Duration::from_secs(10);
/// How often a member says it is alive and reads who else is.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

pub mod table {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member: String,
        pub seen_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `member` is alive at `now`.
pub async fn heartbeat(db: &DatabaseConnection, member: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = table::ActiveModel { member: Set(member.to_owned()), seen_at: Set(now) };
    table::Entity::insert(row)
        .on_conflict(OnConflict::column(table::Column::Member).update_column(table::Column::SeenAt).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The members seen within [`SESSION`] before `now`, sorted.
pub async fn live(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<String>, DbErr> {
    let since = now - chrono::Duration::from_std(SESSION).unwrap_or_default();
    let rows = table::Entity::find()
        .filter(table::Column::SeenAt.gte(since))
        .order_by_asc(table::Column::Member)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.member).collect())
}

/// `member` stops cleanly: the others take its share at their next heartbeat, not after
/// the session.
pub async fn leave(db: &DatabaseConnection, member: &str) -> Result<(), DbErr> {
    table::Entity::delete_many().filter(table::Column::Member.eq(member)).exec(db).await?;
    Ok(())
}

/// The partitions of `partitions` that the member at `index` of `members` live ones keeps:
/// every `members`-th, from its index.
pub fn share(index: usize, members: usize, partitions: u32) -> std::collections::BTreeSet<u32> {
    (0..partitions).filter(|p| *p as usize % members.max(1) == index).collect()
}

#[derive(Debug)]
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000002_matching_members"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("matching_members"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("member")).string().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("seen_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("matching_members")).if_exists().to_owned()).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_cover_every_partition_once() {
        for members in 1..=4 {
            let mut all: Vec<u32> = (0..members).flat_map(|i| super::share(i, members, 6)).collect();
            all.sort_unstable();
            assert_eq!(all, (0..6).collect::<Vec<_>>(), "{members} members");
        }
    }
}

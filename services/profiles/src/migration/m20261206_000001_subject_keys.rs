//! One encryption key per data subject (crypto-shredding: see `crate::keys`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("subject_keys"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("subject_id")).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Alias::new("key")).binary().not_null())
                    .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("subject_keys")).if_exists().to_owned()).await
    }
}

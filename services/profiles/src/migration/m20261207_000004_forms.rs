//! Application drafts: a startup's answers to a programme's form, kept until it submits.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("application_drafts"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("applicant_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("target_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("motivation")).text().not_null())
                    .col(ColumnDef::new(Alias::new("answers")).json_binary().not_null())
                    .col(ColumnDef::new(Alias::new("saved_at")).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(Alias::new("applicant_id")).col(Alias::new("target_id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("application_drafts")).if_exists().to_owned()).await
    }
}

//! The welcome path: the versions of the checklist an administrator saved (the built-in
//! reference checklist is version 1 and is not stored), and the steps each applicant ticked.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let col = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("welcome_checklists"))
                    .if_not_exists()
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("version").string().not_null().unique_key())
                    .col(col("document").json_binary().not_null())
                    .col(col("saved_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("welcome_ticks"))
                    .if_not_exists()
                    .col(col("application_id").uuid().not_null())
                    .col(col("step_id").string().not_null())
                    .col(col("applicant_id").uuid().not_null())
                    .col(col("ticked_at").timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(Alias::new("application_id")).col(Alias::new("step_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_welcome_ticks_applicant")
                    .table(Alias::new("welcome_ticks"))
                    .col(Alias::new("applicant_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("welcome_ticks")).if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table(Alias::new("welcome_checklists")).if_exists().to_owned()).await
    }
}

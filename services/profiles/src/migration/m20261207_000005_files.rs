//! Files a startup uploads to answer a form's file question (a pitch deck as PDF), stored in
//! the database beside the application that names them.

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
                    .table(Alias::new("uploaded_files"))
                    .if_not_exists()
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("owner_id").uuid().not_null())
                    .col(col("name").string().not_null())
                    .col(col("media_type").string().not_null())
                    .col(col("bytes").big_integer().not_null())
                    .col(col("sha256").string().not_null())
                    .col(col("content").binary().not_null())
                    .col(col("application_id").uuid().null())
                    .col(col("uploaded_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_uploaded_files_owner")
                    .table(Alias::new("uploaded_files"))
                    .col(Alias::new("owner_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("uploaded_files")).if_exists().to_owned()).await
    }
}

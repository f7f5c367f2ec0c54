//! Review panels: each reviewer's own review of an application, the conflicts of interest
//! reviewers declare, and the reviewers an organisation assigns to one application by name.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().not_null().to_owned()
}

fn at(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("reviews"))
                    .if_not_exists()
                    .col(uuid("application_id"))
                    .col(uuid("reviewer_id"))
                    .col(uuid("target_id"))
                    .col(ColumnDef::new(Alias::new("round")).small_integer().not_null())
                    .col(ColumnDef::new(Alias::new("rubric")).json_binary().not_null())
                    .col(ColumnDef::new(Alias::new("total")).double().not_null())
                    .col(at("submitted_at"))
                    .primary_key(Index::create().col(Alias::new("application_id")).col(Alias::new("reviewer_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_reviews_target")
                    .table(Alias::new("reviews"))
                    .col(Alias::new("target_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("review_conflicts"))
                    .if_not_exists()
                    .col(uuid("reviewer_id"))
                    .col(uuid("applicant_id"))
                    .col(ColumnDef::new(Alias::new("reason")).string().not_null())
                    .col(at("declared_at"))
                    .primary_key(Index::create().col(Alias::new("reviewer_id")).col(Alias::new("applicant_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("review_assignments"))
                    .if_not_exists()
                    .col(uuid("application_id"))
                    .col(uuid("reviewer_id"))
                    .col(at("assigned_at"))
                    .primary_key(Index::create().col(Alias::new("application_id")).col(Alias::new("reviewer_id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["reviews", "review_conflicts", "review_assignments"] {
            manager.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

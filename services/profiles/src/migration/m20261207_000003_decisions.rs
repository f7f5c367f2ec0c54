//! Decision records (EU AI Act, Art. 12 and 14): every ranking shown to a decision-maker,
//! entry by entry, and every human decision on an application with the ranking it followed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("decision_rankings"))
                    .if_not_exists()
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("viewer_id").uuid().not_null())
                    .col(col("target_id").uuid().not_null())
                    .col(col("list").string().not_null())
                    .col(col("engine_version").string().not_null())
                    .col(col("target_version").big_integer().not_null())
                    .col(col("inputs").json_binary().not_null())
                    .col(col("fingerprint").string().not_null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("last_shown_at").timestamp_with_time_zone().not_null())
                    .col(col("retain_until").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_decision_rankings_target")
                    .table(Alias::new("decision_rankings"))
                    .col(Alias::new("target_id"))
                    .col(Alias::new("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("decision_ranking_entries"))
                    .if_not_exists()
                    .col(col("ranking_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .col(col("counterpart_id").uuid().null())
                    .col(col("counterpart_version").big_integer().not_null())
                    .col(col("entry").json_binary().not_null())
                    .primary_key(Index::create().col(Alias::new("ranking_id")).col(Alias::new("position")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_decision_entries_counterpart")
                    .table(Alias::new("decision_ranking_entries"))
                    .col(Alias::new("counterpart_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("decisions"))
                    .if_not_exists()
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("application_id").uuid().null())
                    .col(col("target_id").uuid().not_null())
                    .col(col("applicant_id").uuid().null())
                    .col(col("actor_id").uuid().not_null())
                    .col(col("from_stage").string().not_null())
                    .col(col("to_stage").string().not_null())
                    .col(col("ranking_id").uuid().null())
                    .col(col("rank_seen").integer().null())
                    .col(col("against_ranking").boolean().not_null())
                    .col(col("reason").string().not_null())
                    .col(col("decided_at").timestamp_with_time_zone().not_null())
                    .col(col("retain_until").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_decisions_target")
                    .table(Alias::new("decisions"))
                    .col(Alias::new("target_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["decision_rankings", "decision_ranking_entries", "decisions"] {
            manager.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

//! The trace context of the request that wrote each outbox row (W3C `traceparent`), so the
//! relay continues that trace when it publishes the row, however much later.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("outbox"))
                    .add_column_if_not_exists(ColumnDef::new(Alias::new("trace_context")).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Alias::new("outbox")).drop_column(Alias::new("trace_context")).to_owned())
            .await
    }
}

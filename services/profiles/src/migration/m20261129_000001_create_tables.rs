//! The first schema: kind tables, references, tombstones, skills and the outbox.

use crate::store::tables::KIND_TABLES;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn kind_table(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .if_not_exists()
        .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
        .col(ColumnDef::new(Alias::new("version")).big_integer().not_null())
        .col(ColumnDef::new(Alias::new("label")).string().not_null())
        .col(ColumnDef::new(Alias::new("data")).json_binary().not_null())
        .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(Alias::new("updated_at")).timestamp_with_time_zone().not_null())
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in KIND_TABLES {
            manager.create_table(kind_table(name)).await?;
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(format!("idx_{name}_label"))
                        .table(Alias::new(name))
                        .col(Alias::new("label"))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("entity_refs"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("from_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("field")).string().not_null())
                    .col(ColumnDef::new(Alias::new("from_kind")).string().not_null())
                    .col(ColumnDef::new(Alias::new("to_kind")).string().not_null())
                    .col(ColumnDef::new(Alias::new("to_id")).uuid().not_null())
                    .primary_key(Index::create().col(Alias::new("from_id")).col(Alias::new("field")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_entity_refs_to")
                    .table(Alias::new("entity_refs"))
                    .col(Alias::new("to_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("tombstones"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Alias::new("kind")).string().not_null())
                    .col(ColumnDef::new(Alias::new("version")).big_integer().not_null())
                    .col(ColumnDef::new(Alias::new("deleted_at")).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("skills"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("id")).string().not_null().primary_key())
                    .col(ColumnDef::new(Alias::new("category")).string().not_null())
                    .col(ColumnDef::new(Alias::new("label_it")).string().not_null())
                    .col(ColumnDef::new(Alias::new("label_en")).string().not_null())
                    .col(ColumnDef::new(Alias::new("data")).json_binary().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("outbox"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("seq")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Alias::new("event_id")).uuid().not_null().unique_key())
                    .col(ColumnDef::new(Alias::new("topic")).string().not_null())
                    .col(ColumnDef::new(Alias::new("entity_kind")).string().not_null())
                    .col(ColumnDef::new(Alias::new("entity_id")).uuid().not_null())
                    .col(ColumnDef::new(Alias::new("entity_version")).big_integer().not_null())
                    .col(ColumnDef::new(Alias::new("payload")).binary().not_null())
                    .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Alias::new("published_at")).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_outbox_unpublished")
                    .table(Alias::new("outbox"))
                    .col(Alias::new("published_at"))
                    .col(Alias::new("seq"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in KIND_TABLES.iter().copied().chain(["entity_refs", "tombstones", "skills", "outbox"]) {
            manager.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

//! Schema migrations, run at start-up by every process that owns the profiles database.

mod m20261129_000001_create_tables;
mod m20261206_000001_subject_keys;
mod m20261207_000001_outbox_trace;
mod m20261207_000002_reviews;
mod m20261207_000003_decisions;
mod m20261207_000004_forms;
mod m20261207_000005_files;
mod m20261207_000020_welcome;

use sea_orm_migration::prelude::*;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_tables::Migration),
            Box::new(m20261206_000001_subject_keys::Migration),
            Box::new(m20261207_000001_outbox_trace::Migration),
            Box::new(m20261207_000002_reviews::Migration),
            Box::new(m20261207_000003_decisions::Migration),
            Box::new(m20261207_000004_forms::Migration),
            Box::new(m20261207_000005_files::Migration),
            Box::new(m20261207_000020_welcome::Migration),
        ]
    }
}

//! The baseline: PostgreSQL full-text search (tsvector + GIN + ts_rank) with Italian and
//! English configurations, over exactly the texts the tantivy index holds.

use anyhow::Context;
use crocevia_search::DocKind;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};
use std::time::Duration;

pub struct Baseline {
    pub db: DatabaseConnection,
    scratch: Scratch,
}

pub(super) fn server() -> String {
    std::env::var("CROCEVIA_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of the bench's own, dropped at the end.
pub struct Scratch {
    admin: DatabaseConnection,
    name: String,
}

impl Scratch {
    /// A fresh database named `prefix` and a random suffix, and a pool of `connections` to it.
    pub async fn create(prefix: &str, connections: u32) -> anyhow::Result<(Self, DatabaseConnection)> {
        let server = server();
        let options = |url: String| {
            let mut o = ConnectOptions::new(url);
            // Queries queue for a connection when PostgreSQL falls behind the offered rate; the
            // wait is part of the latency, not a failure.
            o.max_connections(connections).acquire_timeout(Duration::from_secs(900)).sqlx_logging(false);
            o
        };
        let admin = Database::connect(options(format!("{server}/postgres")))
            .await
            .with_context(|| format!("PostgreSQL at {server}"))?;
        let name = format!("{prefix}_{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        let db = Database::connect(options(format!("{server}/{name}"))).await?;
        Ok((Self { admin, name }, db))
    }

    /// The database's URL (for a `crocevia` process to use it).
    pub fn url(&self) -> String {
        format!("{}/{}", server(), self.name)
    }

    pub async fn drop_database(self, db: DatabaseConnection) -> anyhow::Result<()> {
        db.close().await?;
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {}", self.name)).await?;
        Ok(())
    }
}

impl Baseline {
    pub async fn create() -> anyhow::Result<Self> {
        let (scratch, db) = Scratch::create("crocevia_bench", 8).await?;
        db.execute_unprepared(
            "CREATE TABLE docs (
                id uuid PRIMARY KEY,
                kind text NOT NULL,
                title text NOT NULL,
                body text NOT NULL,
                tsv_it tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('italian', title), 'A') || to_tsvector('italian', body)) STORED,
                tsv_en tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A') || to_tsvector('english', body)) STORED
            )",
        )
        .await?;
        Ok(Self { db, scratch })
    }

    pub async fn load(&self, rows: &[(uuid::Uuid, DocKind, String, String)]) -> anyhow::Result<()> {
        for chunk in rows.chunks(500) {
            let mut sql = String::from("INSERT INTO docs (id, kind, title, body) VALUES ");
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
            for (i, (id, kind, title, body)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                let n = i * 4;
                sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
                values.extend([
                    Value::from(*id),
                    Value::from(kind.as_str()),
                    Value::from(title.clone()),
                    Value::from(body.clone()),
                ]);
            }
            self.db.execute(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
        }
        self.db.execute_unprepared("CREATE INDEX docs_tsv_it ON docs USING gin (tsv_it)").await?;
        self.db.execute_unprepared("CREATE INDEX docs_tsv_en ON docs USING gin (tsv_en)").await?;
        self.db.execute_unprepared("CREATE INDEX docs_kind ON docs (kind)").await?;
        self.db.execute_unprepared("ANALYZE docs").await?;
        Ok(())
    }

    /// The same question as the tantivy query: any of the words (OR), both languages,
    /// best 20 by rank within one kind.
    pub async fn query(&self, kind: DocKind, text: &str) -> anyhow::Result<usize> {
        Ok(self.hits(kind, text).await?.len())
    }

    /// [`Self::query`]'s best 20, as ids and titles (what the HTTP baseline answers).
    pub async fn hits(&self, kind: DocKind, text: &str) -> anyhow::Result<Vec<(uuid::Uuid, String)>> {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect();
        let tsquery = words.join(" | ");
        let sql = "SELECT id, title FROM docs, to_tsquery('italian', $2) q_it, to_tsquery('english', $2) q_en
                   WHERE kind = $1 AND (tsv_it @@ q_it OR tsv_en @@ q_en)
                   ORDER BY ts_rank(tsv_it, q_it) + ts_rank(tsv_en, q_en) DESC LIMIT 20";
        let rows = self
            .db
            .query_all(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [Value::from(kind.as_str()), Value::from(tsquery)],
            ))
            .await?;
        rows.iter()
            .map(|r| -> anyhow::Result<(uuid::Uuid, String)> { Ok((r.try_get("", "id")?, r.try_get("", "title")?)) })
            .collect()
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        self.scratch.drop_database(self.db).await
    }
}

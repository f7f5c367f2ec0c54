//! Test support: real servers, never mocks. The Makefile starts them (`make test` runs
//! `deploy/scripts/broker.sh start`; PostgreSQL is the machine's own). A test that needs one
//! fails loudly when it is missing instead of skipping.

#![allow(clippy::expect_used, clippy::panic, reason = "test support: a missing server must fail the test")]

use sea_orm::{ConnectionTrait, Database};

/// Where the tests find PostgreSQL (a server URL without a database name).
pub fn postgres_server() -> String {
    std::env::var("CROCEVIA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Where the tests find the Kafka-protocol broker.
pub fn kafka_brokers() -> String {
    std::env::var("CROCEVIA_TEST_KAFKA").unwrap_or_else(|_| "127.0.0.1:9092".into())
}

/// A short random suffix for database and topic names, so tests never share state. It starts
/// with a letter: twelve hex digits that happen to be decimal ("963455647874", "1e5...") read
/// as a number when passed through a `CROCEVIA__` variable, and a string setting refuses it.
pub fn unique_suffix() -> String {
    format!("t{}", &uuid::Uuid::now_v7().simple().to_string()[20..])
}

/// Creates a fresh, empty PostgreSQL database and returns its URL.
pub async fn fresh_postgres_database(prefix: &str) -> String {
    let server = postgres_server();
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is not reachable at {server} ({e}); start it (see .ci/run)"));
    let name = format!("{prefix}_{}", unique_suffix());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    format!("{server}/{name}")
}

/// Fails the test with a clear message when the broker is not running.
pub async fn require_kafka() -> String {
    let brokers = kafka_brokers();
    let addr = brokers.split(',').next().unwrap_or_default().to_owned();
    if tokio::net::TcpStream::connect(&addr).await.is_err() {
        panic!("no Kafka-protocol broker at {addr}: run `deploy/scripts/broker.sh start` (make test does)");
    }
    brokers
}

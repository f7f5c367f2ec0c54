//! Wiring: builds the database, the bus and the services from the settings, and runs them
//! until a shutdown signal.

use crate::cli::Role;
use anyhow::{Context, bail};
use crocevia_domain::EntityKind;
use crocevia_gateway::{Gateway, GatewayState};
use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{SharedBus, TopicSpec};
use crocevia_kit::config::{BusKind, Settings};
use crocevia_profiles::Profiles;
use crocevia_profiles::import::import_dir;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::relay::{Failpoint, Relay};
use crocevia_proto::{DEAD_LETTER_TOPIC, MATCHES_TOPIC, PROFILES_TOPIC};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Connects and brings the schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = crocevia_kit::db::connect(&settings.database_url(), settings.database.max_connections).await?;
    Migrator::up(&db, None).await.context("applying migrations")?;
    Ok(db)
}

pub async fn open_bus(settings: &Settings) -> anyhow::Result<SharedBus> {
    let dead_letter = settings.topic(DEAD_LETTER_TOPIC);
    let bus: SharedBus = match settings.bus.kind {
        BusKind::InProcess => {
            Arc::new(InProcessBus::open(&settings.data_dir.join("bus"), settings.bus.fsync, &dead_letter)?)
        }
        BusKind::Kafka => Arc::new(KafkaBus::connect(KafkaSettings {
            brokers: settings.bus.kafka.brokers.clone(),
            replication_factor: settings.bus.kafka.replication_factor,
            dead_letter_topic: dead_letter.clone(),
            extra: settings.bus.kafka.extra.clone().into_iter().collect(),
        })?),
    };
    let topics: Vec<TopicSpec> = [PROFILES_TOPIC, MATCHES_TOPIC, DEAD_LETTER_TOPIC]
        .iter()
        .map(|t| TopicSpec::new(settings.topic(t), settings.bus.partitions))
        .collect();
    bus.create_topics(&topics).await.context("creating topics")?;
    Ok(bus)
}

fn relay(settings: &Settings, profiles: &Profiles, bus: SharedBus) -> Relay {
    Relay {
        db: profiles.db().clone(),
        bus,
        batch_size: settings.profiles.relay_batch_size,
        interval: Duration::from_millis(settings.profiles.relay_interval_ms),
        wake: profiles.relay_wake(),
        failpoint: settings.testing.failpoint.as_deref().and_then(Failpoint::parse),
    }
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub async fn import(settings: &Settings, dir: &Path) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let profiles = Profiles::new(db, settings.topic(PROFILES_TOPIC));
    let report = import_dir(&profiles, dir, std::io::stderr().is_terminal()).await?;
    println!(
        "imported {}: {} skills, {} created, {} updated, {} unchanged, {} failed",
        dir.display(),
        report.skills,
        report.created,
        report.updated,
        report.unchanged,
        report.failures.len()
    );
    for failure in &report.failures {
        println!("  {failure}");
    }
    if !report.failures.is_empty() {
        bail!("{} entities were not imported", report.failures.len());
    }
    println!("the running platform's relay publishes the changes to the bus");
    Ok(())
}

fn shutdown_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM");
                    let _ = ctrl_c.await;
                    let _ = tx.send(true);
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
        let _ = tx.send(true);
    });
    rx
}

#[expect(clippy::print_stdout, reason = "tells the user where to point a browser")]
pub async fn serve(settings: Settings, role: Role) -> anyhow::Result<()> {
    if matches!(role, Role::Search | Role::Matching) {
        bail!("the {role:?} service is not built yet: it arrives with its own issue");
    }
    let shutdown = shutdown_signal();
    let db = open_database(&settings).await?;
    let profiles = Profiles::new(db, settings.topic(PROFILES_TOPIC));
    let (ready_tx, ready) = watch::channel(false);
    let gateway = Gateway::bind(settings.http_addr(), GatewayState { ready, profiles: profiles.clone() }).await?;
    let addr = gateway.local_addr()?;
    println!("crocevia {role:?} listening on http://{addr}/");
    tracing::info!(%addr, ?role, bus = ?settings.bus.kind, "listening");
    let server = tokio::spawn(gateway.serve(shutdown.clone()));

    let relay_task = if matches!(role, Role::All | Role::Profiles) {
        let bus = open_bus(&settings).await?;
        if let Some(dir) = &settings.profiles.import_on_first_start {
            first_start_import(&profiles, dir).await?;
        }
        Some(tokio::spawn(relay(&settings, &profiles, bus).run(shutdown.clone())))
    } else {
        None
    };
    let _ = ready_tx.send(true);
    println!("crocevia is ready: open http://{addr}/ in a browser");

    if let Some(task) = relay_task {
        task.await.context("relay task")?;
    }
    server.await.context("server task")??;
    Ok(())
}

async fn first_start_import(profiles: &Profiles, dir: &Path) -> anyhow::Result<()> {
    let mut existing = 0;
    for kind in EntityKind::ALL {
        existing += profiles.count(kind).await?;
    }
    if existing > 0 {
        tracing::info!(entities = existing, "database already has data: demo import skipped");
        return Ok(());
    }
    tracing::info!(dir = %dir.display(), "first start: importing the demo data");
    let report = import_dir(profiles, dir, std::io::stderr().is_terminal()).await?;
    for failure in &report.failures {
        tracing::warn!(%failure, "demo entity not imported");
    }
    tracing::info!(
        skills = report.skills,
        created = report.created,
        failed = report.failures.len(),
        "demo data imported"
    );
    Ok(())
}

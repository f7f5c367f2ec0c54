//! Wiring: builds the database, the bus and the services from the settings, and runs them
//! until a shutdown signal.

use crate::cli::Role;
use crate::indexing;
use anyhow::{Context, bail};
use crocevia_domain::SkillTaxonomy;
use crocevia_gateway::auth::JwtKeys;
use crocevia_gateway::live::{LiveFeed, LiveTopics};
use crocevia_gateway::remote::ServiceCredential;
use crocevia_gateway::skills::SkillCatalog;
use crocevia_gateway::{Api, Gateway, GatewayState, Internal, graphql};
use crocevia_insights::InsightsService;
use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::opening::OpeningBus;
use crocevia_kit::bus::{SharedBus, TopicSpec};
use crocevia_kit::config::{BusKind, Settings};
use crocevia_matching::service::MatchingSettings;
use crocevia_matching::{MatchingApi, MatchingService};
use crocevia_profiles::accounts::Accounts;
use crocevia_profiles::import::import_dir;
use crocevia_profiles::keys::KeyRing;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::relay::{Failpoint, Relay};
use crocevia_profiles::{App, AppApi, Profiles};
use crocevia_proto::{DEAD_LETTER_TOPIC, INDEXED_TOPIC, MATCHES_TOPIC, PROFILES_TOPIC};
use crocevia_search::SearchService;
use crocevia_search::consumer::BatchSettings;
use crocevia_search::service::SearchSettings;
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Who publishes the open data, from the `[open_data]` settings.
pub fn publication(settings: &Settings) -> crocevia_insights::Publication {
    let od = &settings.open_data;
    crocevia_insights::Publication::new(
        &settings.http.public_url,
        &od.publisher_name,
        &od.publisher_id,
        &od.contact_name,
        &od.contact_email,
        od.issued,
    )
}

/// Connects and brings the schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = crocevia_kit::db::connect(&settings.database_url(), settings.database.max_connections).await?;
    Migrator::up(&db, None).await.context("applying migrations")?;
    Ok(db)
}

const GROUP_INSTANCE_ID: &str = "group.instance.id";

pub async fn open_bus(settings: &Settings) -> anyhow::Result<SharedBus> {
    Ok(open_bus_counting_damage(settings).await?.0)
}

/// The bus, and how many damaged records the in-process log held (replaced by markers:
/// what they carried comes back from the database).
async fn open_bus_counting_damage(settings: &Settings) -> anyhow::Result<(SharedBus, usize)> {
    let dead_letter = settings.topic(DEAD_LETTER_TOPIC);
    let mut damaged = 0;
    let bus: SharedBus = match settings.bus.kind {
        BusKind::InProcess => {
            let bus = InProcessBus::open(&settings.data_dir.join("bus"), settings.bus.fsync, &dead_letter)?;
            damaged = bus.damaged_records();
            Arc::new(bus)
        }
        BusKind::Kafka => Arc::new(KafkaBus::connect(KafkaSettings {
            brokers: settings.bus.kafka.brokers.clone(),
            replication_factor: settings.bus.kafka.replication_factor,
            dead_letter_topic: dead_letter.clone(),
            extra: settings
                .bus
                .kafka
                .extra
                .clone()
                .into_iter()
                .chain(
                    settings
                        .bus
                        .kafka
                        .instance_id
                        .clone()
                        .filter(|id| !id.is_empty())
                        .map(|id| (GROUP_INSTANCE_ID.to_owned(), id)),
                )
                .collect(),
        })?),
    };
    let topics: Vec<TopicSpec> = [PROFILES_TOPIC, MATCHES_TOPIC, INDEXED_TOPIC, DEAD_LETTER_TOPIC]
        .iter()
        .map(|t| TopicSpec::new(settings.topic(t), settings.bus.partitions))
        .collect();
    bus.create_topics(&topics).await.context("creating topics")?;
    Ok((bus, damaged))
}

/// The sender of the mail outbox (over SMTP when configured; the purge of expired links either
/// way).
fn mailer(settings: &Settings, profiles: &Profiles) -> anyhow::Result<crocevia_profiles::mail::deliver::Mailer> {
    crocevia_profiles::mail::deliver::Mailer::new(
        profiles.db().clone(),
        crocevia_profiles::mail::deliver::MailerSettings {
            smtp_url: settings.mail.smtp_url.clone(),
            from: settings.mail.from.clone(),
            poll: Duration::from_millis(settings.mail.poll_ms),
            batch: settings.mail.batch,
        },
    )
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
    // The data names concepts of the platform's taxonomy: loaded first, as `serve` does, so
    // a fresh data folder imports.
    let skills = indexing::read_taxonomy(settings)?;
    profiles.upsert_skills(skills.concepts()).await.context("loading the taxonomy")?;
    let report = import_dir(&profiles, dir, &skills, std::io::stderr().is_terminal()).await?;
    println!(
        "imported {} with the skills taxonomy {} ({} concepts): {} created, {} updated, {} unchanged, {} failed",
        dir.display(),
        skills.version(),
        skills.len(),
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

pub(crate) fn shutdown_signal() -> watch::Receiver<bool> {
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

/// Every 10 s until shutdown, the allocator's live and resident bytes into /metrics: whether a
/// process's memory is data it holds or pages the allocator has not given back yet.
async fn heap_gauges(mut shutdown: watch::Receiver<bool>) {
    loop {
        // The counters are a snapshot taken when the epoch advances.
        if tikv_jemalloc_ctl::epoch::advance().is_ok() {
            if let Ok(bytes) = tikv_jemalloc_ctl::stats::allocated::read() {
                crocevia_kit::metrics::HEAP_ALLOCATED.set(i64::try_from(bytes).unwrap_or(i64::MAX));
            }
            if let Ok(bytes) = tikv_jemalloc_ctl::stats::resident::read() {
                crocevia_kit::metrics::HEAP_RESIDENT.set(i64::try_from(bytes).unwrap_or(i64::MAX));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(10)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[expect(clippy::print_stdout, reason = "tells the user where to point a browser")]
pub async fn serve(settings: Settings, role: Role) -> anyhow::Result<()> {
    if matches!(role, Role::All | Role::Profiles)
        && settings.environment == crocevia_kit::config::Environment::Production
        && settings.mail.smtp_url.is_none()
    {
        anyhow::bail!(
            "mail.smtp_url is not set, and environment = \"production\": nobody could confirm a sign-up \
             or reset a password (set CROCEVIA__MAIL__SMTP_URL, e.g. smtp://user:password@mail.example.org:587)"
        );
    }
    // Before anything touches the folder: one serving process per data folder.
    let _data_dir = crate::data_dir::DataDirLock::acquire(
        &settings.data_dir,
        &format!("serve {}", format!("{role:?}").to_lowercase()),
    )?;
    let shutdown = shutdown_signal();
    tokio::spawn(stop_deadline(shutdown.clone()));
    tokio::spawn(heap_gauges(shutdown.clone()));
    let db = open_database(&settings).await?;
    let profiles = Profiles::new(db, settings.topic(PROFILES_TOPIC));
    let (ready_tx, ready) = watch::channel(false);
    let runs_search = matches!(role, Role::All | Role::Search);
    let skills = indexing::read_taxonomy(&settings)?;
    tracing::info!(version = skills.version(), concepts = skills.len(), "skills taxonomy loaded");
    let taxonomy = indexing::taxonomy(&skills);
    let search_root = settings.data_dir.join("search");
    let search = if runs_search { Some(SearchService::open(&search_root, taxonomy.clone())?) } else { None };
    let search_api = crate::remote::search_api(&settings, role, search.clone())?;
    let runs_matching = matches!(role, Role::All | Role::Matching);
    let matching = if runs_matching {
        let dir = settings.data_dir.join("matching").join("index");
        Some(MatchingService::open(profiles.db().clone(), &dir, taxonomy.clone()).await?)
    } else {
        None
    };
    // A gateway replica of the distributed mode follows the topics, so its subscriptions
    // hear every process's changes (an in-process bus is not shared between processes).
    let live = if role == Role::Gateway && settings.bus.kind == BusKind::Kafka {
        let bus = open_bus(&settings).await?;
        let topics = LiveTopics {
            profiles: settings.topic(PROFILES_TOPIC),
            matches: settings.topic(MATCHES_TOPIC),
            indexed: settings.topic(INDEXED_TOPIC),
        };
        Some(LiveFeed::start(&bus, topics, shutdown.clone()).await.context("following the topics")?)
    } else {
        None
    };
    let matching_api = crate::remote::matching_api(&settings, role, matching.clone(), live.as_ref().map(|l| &l.0))?;
    let insights = if matches!(role, Role::All | Role::Gateway | Role::Insights) {
        Some(InsightsService::open(profiles.db().clone(), publication(&settings)).await?)
    } else {
        None
    };
    // The application service runs where the entities are written (embedded: here; the
    // distributed mode: the profiles process); a `serve gateway` process calls it remotely.
    let app: Option<Arc<dyn AppApi>> = match role {
        Role::All | Role::Profiles => {
            let accounts = Accounts::open(profiles.db().clone()).await?;
            let links = crocevia_profiles::mail::Links { public_url: settings.http.public_url.clone() };
            Some(Arc::new(
                App::new(profiles.clone(), accounts, search_api.clone(), matching_api.clone())
                    .with_links(links)
                    .with_retention(settings.profiles.decision_retention_days),
            ))
        }
        Role::Gateway => Some(crate::remote::app_api(&settings, live.as_ref().map(|l| &l.0))?),
        Role::Search | Role::Matching | Role::Insights => None,
    };
    let api = match (&app, role) {
        (Some(app), Role::All | Role::Gateway) => {
            let skills = Arc::new(SkillCatalog::new(skills.clone()));
            let indexed = match (&search, &live) {
                (Some(search), _) => Some(search.commits()),
                (None, Some((feed, _))) => Some(feed.indexed.clone()),
                (None, None) => None,
            };
            Some(api(&settings, app.clone(), matching_api.clone(), indexed, skills, insights.clone())?)
        }
        _ => None,
    };
    // Processes without the public API serve the internal endpoints, behind the credential.
    let internal = match role {
        Role::Profiles | Role::Search | Role::Matching => {
            let credential = settings.gateway.service_token.clone().map(|t| ServiceCredential(Arc::new(t)));
            if credential.is_none() {
                tracing::error!("gateway.service_token is not set: this process refuses every internal call");
            }
            Some(Internal { credential })
        }
        _ => None,
    };
    let state = GatewayState {
        ready,
        profiles: profiles.clone(),
        app,
        search: if runs_search { search_api } else { None },
        matching: if runs_matching { matching_api } else { None },
        internal,
        api,
        insights: insights.clone(),
        web_dir: settings.gateway.web_dir.clone(),
    };
    let gateway = Gateway::bind(settings.http_addr(), state).await?;
    let addr = gateway.local_addr()?;
    println!("crocevia {role:?} listening on http://{addr}/");
    tracing::info!(%addr, ?role, bus = ?settings.bus.kind, "listening");
    let server_shutdown = shutdown.clone();
    let mut tasks = vec![tokio::spawn(async move {
        if let Err(e) = gateway.serve(server_shutdown).await {
            tracing::error!(error = format!("{e:#}"), "http server failed");
        }
    })];
    tasks.extend(live.map(|(_, task)| task));

    let needs_bus = matches!(role, Role::All | Role::Profiles | Role::Search | Role::Matching | Role::Insights);
    let (bus, damaged) = if needs_bus {
        let (bus, damaged) = open_bus_counting_damage(&settings).await?;
        (Some(bus), damaged)
    } else {
        (None, 0)
    };
    if matches!(role, Role::All | Role::Profiles) {
        profiles.upsert_skills(skills.concepts()).await.context("loading the taxonomy")?;
        if let Some(dir) = &settings.profiles.import_on_first_start {
            first_start_import(&profiles, dir, &skills).await?;
        }
        if let Some(bus) = &bus {
            tasks.push(tokio::spawn(relay(&settings, &profiles, bus.clone()).run(shutdown.clone())));
        }
        tasks.push(tokio::spawn(mailer(&settings, &profiles)?.run(shutdown.clone())));
        tasks.push(tokio::spawn(purge_decision_records(profiles.db().clone(), shutdown.clone())));
        if let Some(bus) = &bus {
            tasks.push(tokio::spawn(count_dead_letters(bus.clone(), shutdown.clone())));
        }
    }
    if let (Some(search), Some(bus)) = (&search, &bus) {
        // A new, empty index in the embedded mode is filled from the database, which holds
        // every entity at its latest version; the consumer then skips older events by version.
        // So is one that a damaged bus log may have kept from a change.
        if damaged > 0 {
            tracing::error!(damaged, "the bus log had damaged records: rebuilding the search index from the database");
        }
        if role == Role::All && (search.index().num_searchable()? == 0 || damaged > 0) {
            let (name, docs) =
                indexing::rebuild(&profiles, &search_root, taxonomy.clone(), std::io::stderr().is_terminal()).await?;
            tracing::info!(index = %name, docs, "search index built from the database");
            search.reload(&search_root)?;
        }
        // The embedded index holds every partition: whatever the bus log lost (a damaged
        // record, a log cut short by a full disk), the database has. (A member of a search
        // group holds only its share and resumes from its own positions.)
        if role == Role::All {
            let caught =
                crate::resync::search(&profiles, search).await.context("re-syncing search with the database")?;
            report("search", caught);
        }
        let settings = SearchSettings {
            root: search_root.clone(),
            topic: settings.topic(PROFILES_TOPIC),
            group: settings.search.group.clone(),
            // Members of a search group tell the gateways what they made searchable.
            announce: (role == Role::Search).then(|| settings.topic(INDEXED_TOPIC)),
            batch: BatchSettings {
                batch_max: settings.search.batch_max,
                max_delay: Duration::from_millis(settings.search.max_delay_ms),
            },
        };
        tasks.extend(search.start(opened(bus, &profiles), settings, shutdown.clone()).await?);
    }
    if let (Some(matching), Some(bus)) = (&matching, &bus) {
        // Catching up with the database (a first start after an import: every entity) runs
        // beside the consumer, not before readiness: both go through the same batch path,
        // which skips versions already held, so neither undoes the other.
        // Until then, an id matching does not hold yet answers "retry shortly" (UNAVAILABLE),
        // not "not found".
        let (service, source, stop) = (matching.clone(), profiles.clone(), shutdown.clone());
        service.set_catching_up(true);
        tasks.push(tokio::spawn(async move {
            match crate::resync::matching(&source, &service, &stop).await {
                Ok(caught) => report("matching", caught),
                Err(e) if *stop.borrow() => tracing::info!(reason = format!("{e:#}"), "matching's catch-up stopped"),
                Err(e) => tracing::error!(error = format!("{e:#}"), "re-syncing matching with the database"),
            }
            service.set_catching_up(false);
        }));
        let settings = MatchingSettings {
            topic: settings.topic(PROFILES_TOPIC),
            matches_topic: settings.topic(MATCHES_TOPIC),
            group: settings.matching.group.clone(),
            batch_max: settings.matching.batch_max,
            max_delay: Duration::from_millis(settings.matching.max_delay_ms),
            // A named `serve matching` process on Kafka is one member of the matching group
            // (several may run); the embedded mode's matching is the only one.
            member: (role == Role::Matching && settings.bus.kind == BusKind::Kafka)
                .then(|| settings.bus.kafka.instance_id.clone())
                .flatten()
                .filter(|id| !id.is_empty()),
            partitions: u32::try_from(settings.bus.partitions).unwrap_or(1),
        };
        tasks.push(matching.start(opened(bus, &profiles), settings, shutdown.clone()).await?);
    }
    if let (Some(insights), Some(bus), true) = (&insights, &bus, matches!(role, Role::All | Role::Insights)) {
        // Facts that were never complete (a first start, or one after a rebuild was cut
        // short) are rebuilt from the database first, not read from topics that may have
        // dropped their oldest events: see `crocevia_insights::rebuild`.
        let settings = crate::open_data::insights_settings(&settings, profiles.db(), bus.clone());
        tasks.push(insights.start(opened(bus, &profiles), settings, shutdown.clone()).await?);
    }
    let _ = ready_tx.send(true);
    println!("crocevia is ready: open http://{addr}/ in a browser");
    for task in tasks {
        task.await.context("service task")?;
    }
    // Every writer has stopped: fold the WAL into the database file and empty it, so what
    // erasures deleted lingers neither in old WAL frames nor in stale pages of the file.
    crocevia_kit::db::checkpoint(profiles.db()).await.context("checkpointing the database at shutdown")?;
    Ok(())
}

/// Sets the dead-letter gauge every 30 s (the process that writes the events counts them:
/// one process per deployment, not every consumer).
async fn count_dead_letters(bus: SharedBus, mut shutdown: watch::Receiver<bool>) {
    loop {
        match bus.messages_held(bus.dead_letter_topic()).await {
            Ok(held) => crocevia_kit::metrics::DEAD_LETTER_MESSAGES.set(held),
            Err(e) => tracing::warn!(error = %e, "counting the dead letters failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Deletes decision records past their retention, at start and then every hour.
async fn purge_decision_records(db: sea_orm::DatabaseConnection, mut shutdown: watch::Receiver<bool>) {
    loop {
        match crocevia_profiles::decisions::purge_expired(&db, chrono::Utc::now()).await {
            Ok((0, 0)) => {}
            Ok((rankings, decisions)) => tracing::info!(rankings, decisions, "decision records past retention deleted"),
            Err(e) => {
                tracing::warn!(error = %e, "deleting decision records past retention failed; retrying in an hour")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// How long a stop may take after SIGTERM or Ctrl-C before the process exits anyway.
const STOP_DEADLINE: Duration = Duration::from_secs(8);

/// Every task stops at its next step (a batch's chunk, a catch-up step, a request); a step
/// that cannot be cut short (an index being built at start-up) must not hold the process past
/// an orchestrator's patience. Exiting then is what a crash does, which loses nothing: every
/// write acknowledged is in the database, and the next start resumes from it.
async fn stop_deadline(mut shutdown: watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        return;
    }
    tokio::time::sleep(STOP_DEADLINE).await;
    tracing::error!(after_s = STOP_DEADLINE.as_secs(), "still stopping: exiting now; the next start resumes");
    std::process::exit(1);
}

/// The bus as consumers read it: events sealed with a person's key are opened with the keys
/// in the profiles database, and those whose key is gone arrive as erasures.
fn opened(bus: &SharedBus, profiles: &Profiles) -> SharedBus {
    OpeningBus::wrap(bus.clone(), Arc::new(KeyRing::new(profiles.db().clone())))
}

fn report(service: &str, caught: crate::resync::Caught) {
    if caught == crate::resync::Caught::default() {
        tracing::info!(service, "in step with the database");
    } else if caught.first {
        tracing::info!(service, entities = caught.behind, "filled from the database at first start");
    } else {
        tracing::warn!(
            service,
            behind = caught.behind,
            gone = caught.gone,
            "was behind the database: caught up at start"
        );
    }
}

/// The GraphQL API over the application boundary; the token key from config or, in the
/// embedded mode, generated on first run and kept in the data folder.
fn api(
    settings: &Settings,
    app: Arc<dyn AppApi>,
    matching: Option<Arc<dyn MatchingApi>>,
    indexed: Option<tokio::sync::broadcast::Sender<crocevia_search::service::Committed>>,
    skills: Arc<SkillCatalog>,
    insights: Option<InsightsService>,
) -> anyhow::Result<Api> {
    let g = &settings.gateway;
    let secret = match &g.jwt_secret {
        Some(secret) => secret.clone(),
        None => JwtKeys::load_or_create_secret(&settings.data_dir.join("jwt.key"))?,
    };
    let keys = Arc::new(JwtKeys::new(&secret, &g.jwt_issuer, &g.jwt_audience, g.token_ttl_minutes * 60)?);
    let services = graphql::Services { app, matching, indexed, keys: keys.clone(), skills, insights };
    let limits =
        graphql::Limits { depth: g.max_depth, complexity: g.max_complexity, introspection: settings.introspection() };
    let schema = graphql::schema(services.clone(), limits);
    let introspection_schema = graphql::introspection_schema(services, limits);
    Ok(Api {
        schema,
        introspection_schema,
        keys,
        max_batch: g.max_batch,
        max_body_bytes: g.max_body_bytes,
        ws_init_timeout: Duration::from_millis(g.ws_init_timeout_ms),
        trusted_proxies: g.trusted_proxies.clone().into(),
    })
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let profiles = Profiles::new(db, settings.topic(PROFILES_TOPIC));
    let taxonomy = indexing::taxonomy(&indexing::read_taxonomy(settings)?);
    let root = settings.data_dir.join("search");
    let (name, docs) = indexing::rebuild(&profiles, &root, taxonomy, std::io::stderr().is_terminal()).await?;
    println!("built search index {name} with {docs} documents; a running search service swaps to it within a second");
    Ok(())
}

async fn first_start_import(profiles: &Profiles, dir: &Path, skills: &SkillTaxonomy) -> anyhow::Result<()> {
    let mut existing = 0;
    // Accounts made before the first start (an administrator) do not count as data.
    for kind in indexing::SEARCHABLE {
        existing += profiles.count(kind).await?;
    }
    if existing > 0 {
        tracing::info!(entities = existing, "database already has data: demo import skipped");
        return Ok(());
    }
    tracing::info!(dir = %dir.display(), "first start: importing the demo data");
    let report = import_dir(profiles, dir, skills, std::io::stderr().is_terminal()).await?;
    for failure in &report.failures {
        tracing::warn!(%failure, "demo entity not imported");
    }
    tracing::info!(created = report.created, failed = report.failures.len(), "demo data imported");
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub async fn rematch(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let taxonomy = indexing::taxonomy(&indexing::read_taxonomy(settings)?);
    let matching = MatchingService::open(db, &settings.data_dir.join("matching").join("index"), taxonomy).await?;
    let bar =
        if std::io::stderr().is_terminal() { indicatif::ProgressBar::new(0) } else { indicatif::ProgressBar::hidden() };
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} re-matching [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let (changed, drift) = matching
        .rematch(&|done, total| {
            bar.set_length(total);
            bar.set_position(done);
            // Without a terminal (a pipe, a log), a line every tenth instead of the bar.
            let tenth = (total / 10).max(1);
            if bar.is_hidden() && (done / tenth != done.saturating_sub(200) / tenth || done == total) {
                tracing::info!(done, total, "re-matching");
            }
        })
        .await?;
    bar.finish_and_clear();
    let bus = open_bus(settings).await?;
    let events = matching.publish_outbox(&bus, &settings.topic(MATCHES_TOPIC)).await?;
    println!(
        "re-matched every talent, offer, startup and programme: {changed} lists changed, {events} match events published"
    );
    println!(
        "drift of the stored lists: {} of {} lists differed; largest score difference at one rank {:.4}, \
         of one pair held by both {:.4}; {:.2}% of the {} places have a new counterpart",
        drift.changed,
        drift.lists,
        drift.max_score_diff,
        drift.max_pair_diff,
        drift.new_share() * 100.0,
        drift.places
    );
    Ok(())
}

/// `crocevia outbox`.
#[expect(clippy::print_stdout, reason = "the messages are the command's output")]
pub async fn outbox(settings: &Settings, to: Option<&str>, json: bool, limit: u64) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    Accounts::open(db.clone()).await?;
    let messages = crocevia_profiles::mail::waiting(&db, to, limit).await?;
    if json {
        let items: Vec<serde_json::Value> = messages
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.id, "to": m.recipient, "kind": m.kind, "locale": m.locale, "subject": m.subject,
                    "body": m.body, "created_at": m.created_at, "attempts": m.attempts, "last_error": m.last_error,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    if messages.is_empty() {
        println!("the outbox is empty");
    }
    for (i, m) in messages.iter().enumerate() {
        println!(
            "--- message {} of {} ({}, {})",
            i + 1,
            messages.len(),
            m.kind,
            m.created_at.format("%Y-%m-%d %H:%M UTC")
        );
        println!("To: {}\nSubject: {}\n\n{}", m.recipient, m.subject, m.body);
        if let Some(error) = &m.last_error {
            println!("(not delivered: {error}, {} attempts)", m.attempts);
        }
    }
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub async fn add_user(
    settings: &Settings,
    role: crate::cli::NewUserRole,
    email: &str,
    display_name: &str,
    organisation: Option<uuid::Uuid>,
) -> anyhow::Result<()> {
    let password = settings
        .new_password
        .clone()
        .ok_or_else(|| anyhow::anyhow!("set CROCEVIA_NEW_PASSWORD to the new account's password"))?;
    let db = open_database(settings).await?;
    let profiles = Profiles::new(db.clone(), settings.topic(PROFILES_TOPIC));
    let app = App::new(profiles, Accounts::open(db).await?, None, None);
    let (role, organisation_id) = match (role, organisation) {
        (crate::cli::NewUserRole::Admin, None) => (crocevia_domain::Role::Admin, None),
        (crate::cli::NewUserRole::Organisation, Some(org)) => {
            (crocevia_domain::Role::Organisation, Some(crocevia_domain::OrganisationId::from_uuid(org)))
        }
        (crate::cli::NewUserRole::Admin, Some(_)) => bail!("--organisation is for organisation members only"),
        (crate::cli::NewUserRole::Organisation, None) => bail!("--organisation is required for an organisation member"),
    };
    let user = crocevia_domain::User {
        id: crocevia_domain::UserId::from_uuid(uuid::Uuid::now_v7()),
        email: email.trim().to_lowercase(),
        display_name: display_name.to_owned(),
        role,
        organisation_id,
        locale: Default::default(),
    };
    let user = app
        .provision_account(user, secrecy::ExposeSecret::expose_secret(&password).to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    println!("created {:?} {} ({})", user.role, user.email, user.id);
    Ok(())
}

//! Command-line interface.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Crocevia: talent and startup matchmaking for the Torino metropolitan area
/// (AcceleraTO and Talenti a Torino).
///
/// Configuration comes from defaults, then the --config file, then environment variables
/// such as CROCEVIA__HTTP__PORT=9090 or CROCEVIA__DATABASE__URL=postgres://...; flags win.
#[derive(Debug, Parser)]
#[command(name = "crocevia", version, about, long_about)]
pub struct Cli {
    /// A TOML configuration file (see deploy/config/).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run services. `all` runs every service in this process (the embedded mode: SQLite and
    /// the in-process bus unless configured otherwise).
    Serve {
        #[arg(value_enum, default_value_t = Role::All)]
        role: Role,
        /// Address to listen on (overrides http.host).
        #[arg(long)]
        host: Option<std::net::IpAddr>,
        /// Port to listen on, 0 for any free one (overrides http.port).
        #[arg(long)]
        port: Option<u16>,
        /// Import this data folder when the database is empty (the Torino demo data).
        #[arg(long, value_name = "DIR")]
        demo_data: Option<PathBuf>,
    },
    /// Load a data folder (skills.json, organisations.json, talents.json, startups.json,
    /// programmes.json, offers.json, applications.json, ...) through the validated write
    /// path. Bad entities are reported with file, index and field, and skipped; the command
    /// then exits non-zero. Re-importing unchanged data changes nothing.
    Import {
        /// The data folder, e.g. data/demo.
        dir: PathBuf,
    },
    /// Rebuild the search index from the profiles database, with a progress bar, into a new
    /// folder beside the live one; a running search service swaps to it without downtime.
    Reindex,
    /// Write a deterministic Torino-like synthetic data set (for benchmarks and load tests)
    /// as a data folder that `crocevia import` loads. Per N talents: N/10 offers, N/20
    /// startups, N/200 programmes, N/50 organisations; Italian and English text.
    Generate {
        /// Number of talents (10^5 to 10^6 for benchmarks).
        #[arg(long, default_value_t = 100_000)]
        talents: usize,
        /// Same seed, same data, byte for byte.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output folder.
        #[arg(long, default_value = "data/generated")]
        out: PathBuf,
    },
    /// Run the benchmarks and write the figures, with the machine and the date, to
    /// bench/RESULTS.md. Needs PostgreSQL (the baseline) at CROCEVIA_BENCH_POSTGRES or
    /// postgres://postgres@127.0.0.1:5432. The distributed pipeline section also needs the
    /// Kafka-protocol broker at bus.kafka.brokers (CROCEVIA__BUS__KAFKA__BROKERS,
    /// 127.0.0.1:9092 by default); without one it says so and is skipped.
    Bench {
        /// Talents in the generated data set.
        #[arg(long, default_value_t = 100_000)]
        talents: usize,
        /// Queries per second offered to each engine (open loop). The default is a rate the
        /// PostgreSQL baseline sustains on two cores; above it, its queue grows without bound.
        #[arg(long, default_value_t = 10)]
        rate: u32,
        /// Queries per engine.
        #[arg(long, default_value_t = 480)]
        queries: usize,
        #[arg(long, default_value = "bench/RESULTS.md")]
        out: PathBuf,
        /// Run one section only and replace just that section in the output file, e.g.
        /// `--only pipeline` to iterate on the distributed pipeline.
        #[arg(long, value_enum, value_name = "SECTION")]
        only: Option<BenchSection>,
        /// Pipeline throughput: entity changes committed to the outbox per round (4/5 new
        /// entities, 1/5 second versions), relayed and indexed on each bus.
        #[arg(long, default_value_t = 50_000)]
        changes: usize,
        /// Pipeline backlog: events published to a fresh topic, then drained by a fresh search
        /// consumer group (make it small to iterate quickly).
        #[arg(long, default_value_t = 1_000_000)]
        backlog: usize,
        /// Matching catch-up: edits streamed through the matching service after the creation
        /// of a 2,000-talent data set.
        #[arg(long, default_value_t = 20_000)]
        edits: usize,
    },
    /// Recompute every match list (talents, offers, startups, programmes) from the matching
    /// service's tables, with a progress bar, and publish the resulting match events. Stop
    /// `serve matching` first: one process owns the matching state.
    Rematch,
    /// Create an administrator or an organisation member (self-registration only makes talents
    /// and startups). The password is read from CROCEVIA_NEW_PASSWORD, never from a flag,
    /// so it stays out of shell history and process lists.
    AddUser {
        #[arg(long, value_enum)]
        role: NewUserRole,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        /// The organisation of a member.
        #[arg(long)]
        organisation: Option<uuid::Uuid>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load and validate the configuration (defaults, --config file, environment) and exit,
    /// touching nothing: unknown keys and bad values fail with their name. Deployment
    /// checks run it on every shipped config.
    CheckConfig,
}

/// A section of `crocevia bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSection {
    /// Matching: top-20 ranking latency on the data set, and catching up on a backlog of
    /// edits through the matching service on PostgreSQL.
    Matching,
    /// Distributed mode: outbox → Kafka → index throughput against the in-process bus, the
    /// drain of a backlog, and freshness across separate processes.
    Pipeline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewUserRole {
    Admin,
    Organisation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Every service in one process.
    All,
    /// Entity storage and the outbox relay.
    Profiles,
    /// Bilingual search: consumes profiles.v1 into the tantivy index and answers queries.
    Search,
    /// Explainable matching: consumes profiles.v1, keeps top-k lists, publishes matches.v1.
    Matching,
    /// The public HTTP door.
    Gateway,
    /// Open data: consumes profiles.v1 and matches.v1 into anonymous aggregates (the gateway
    /// publishes them).
    Insights,
}

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
    /// Load a data folder (organisations.json, talents.json, startups.json, programmes.json,
    /// offers.json, applications.json, ...) through the validated write path, after the
    /// platform's skills taxonomy (reference data, not part of the folder). Bad entities are reported with file, index and field, and skipped; the command
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
    /// Recompute every match list (talents, offers, startups, programmes) from the matching
    /// service's tables, with a progress bar, and publish the resulting match events. Stop
    /// `serve matching` first: one process owns the matching state.
    Rematch,
    /// Rebuild the open data from the database, with a progress bar (stop `serve insights`
    /// first).
    ///
    /// Reads the insights' facts afresh from the database: every entity at its latest version,
    /// every deletion, and each offer's first good match from every match event matching
    /// wrote (its outbox keeps them all). The insights consumer group is first moved to
    /// the ends of its topics, so the next `serve insights` (or `serve all`) follows them from
    /// there; what it reads again is skipped by version. Use it when the figures are wrong, e.g.
    /// built from topics whose retention had dropped old events; a start whose figures were
    /// never complete rebuilds by itself. The open data answers 503 ("building") until it is
    /// done. Stop `serve insights` (`serve all` in the embedded mode) first: one process keeps
    /// the facts (a serve on this data folder is refused).
    RebuildInsights,
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
    /// Print the messages waiting in the mail outbox: every message when no SMTP server is
    /// configured (mail.smtp_url), or those not sent yet. This is how a sign-up is confirmed
    /// on a laptop: open the link of the "Conferma / Confirm" message.
    Outbox {
        /// Only the messages to this address.
        #[arg(long)]
        to: Option<String>,
        /// One JSON array (id, to, kind, locale, subject, body, created_at, attempts,
        /// last_error) instead of text.
        #[arg(long)]
        json: bool,
        /// At most this many messages, oldest first.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load and validate the configuration (defaults, --config file, environment) and exit,
    /// touching nothing: unknown keys and bad values fail with their name. Deployment
    /// checks run it on every shipped config.
    CheckConfig,
    /// Print every bound on what the platform holds in memory at once (batches, queues,
    /// pages, buffers), with the configuration applied, and where each is set.
    Bounds,
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

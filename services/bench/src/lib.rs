//! `crocevia-bench` (`make bench`): measures against real alternatives on the same data in the
//! same run, and writes medians, tails and ratios with the machine and the date to
//! bench/RESULTS.md. The machine is shared and noisy: compare ratios, not single times.
//!
//! It lives in its own crate and binary, so the serving binary carries no benchmark code; the
//! parts that start the platform's processes run the `crocevia` binary built beside it.

mod catch_up;
mod gateway;
pub mod http;
mod matching;
mod pipeline;
mod postgres;
mod report;
pub mod scale;
mod search;

use anyhow::Context;
use crocevia::{generate, indexing};
use crocevia_kit::config::Settings;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Run the benchmarks and write the figures, with the machine and the date, to
/// bench/RESULTS.md. Needs PostgreSQL (the baseline) at CROCEVIA_BENCH_POSTGRES or
/// postgres://postgres@127.0.0.1:5432. The distributed pipeline section also needs the
/// Kafka-protocol broker at bus.kafka.brokers (CROCEVIA__BUS__KAFKA__BROKERS, 127.0.0.1:9092 by
/// default); without one it says so and is skipped. Configuration as for `crocevia`: defaults,
/// then --config FILE, then CROCEVIA__SECTION__KEY variables.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "crocevia-bench", version)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A TOML configuration file (as for `crocevia`).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Talents in the generated data set.
    #[arg(long, default_value_t = 100_000)]
    pub talents: usize,
    /// Queries per second offered to each engine (open loop). The default is a rate the
    /// PostgreSQL baseline sustains on two cores; above it, its queue grows without bound.
    #[arg(long, default_value_t = 10)]
    pub rate: u32,
    /// Queries per engine.
    #[arg(long, default_value_t = 480)]
    pub queries: usize,
    #[arg(long, default_value = "bench/RESULTS.md")]
    pub out: PathBuf,
    /// Run one section only and replace just that section in the output file, e.g.
    /// `--only pipeline` to iterate on the distributed pipeline.
    #[arg(long, value_enum, value_name = "SECTION")]
    pub only: Option<BenchSection>,
    /// Pipeline throughput: entity changes committed to the outbox per round (4/5 new
    /// entities, 1/5 second versions), relayed and indexed on each bus.
    #[arg(long, default_value_t = 50_000)]
    pub changes: usize,
    /// Pipeline backlog: events published to a fresh topic, then drained by a fresh search
    /// consumer group (make it small to iterate quickly).
    #[arg(long, default_value_t = 1_000_000)]
    pub backlog: usize,
    /// Matching catch-up: edits streamed through the matching service after the creation
    /// of a 2,000-talent data set.
    #[arg(long, default_value_t = 20_000)]
    pub edits: usize,
    /// Search over HTTP: requests per second offered to each path.
    #[arg(long, value_delimiter = ',', default_values_t = [50, 100, 200])]
    pub http_rates: Vec<u32>,
    /// Search over HTTP: rounds of every path at every rate (the report gives medians).
    #[arg(long, default_value_t = 3)]
    pub http_rounds: usize,
    /// Search over HTTP: measured seconds of each run.
    #[arg(long, default_value_t = 15.0)]
    pub http_seconds: f64,
}

/// Commands the bench runs as its own child processes.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// The open-loop HTTP load generator of the `http` section (prints a JSON summary).
    #[command(hide = true)]
    Loadgen(http::loadgen::LoadArgs),
    /// Runs a program as its only child and prints its peak memory, CPU and wall time (JSON),
    /// for the `scale` section.
    #[command(hide = true)]
    Measure(scale::measure::MeasureArgs),
}

/// A section of the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchSection {
    /// Matching: top-20 ranking latency on the data set, and catching up on a backlog of
    /// edits through the matching service on PostgreSQL.
    Matching,
    /// Distributed mode: outbox → Kafka → index throughput against the in-process bus, the
    /// drain of a backlog, and freshness across separate processes.
    Pipeline,
    /// Search over HTTP: the release `crocevia serve all` driven open loop from another
    /// process at fixed rates, REST and GraphQL, against PostgreSQL FTS behind HTTP.
    Http,
    /// One machine, a million people: `crocevia import` (SQLite and PostgreSQL) and `serve all`
    /// on a fresh import through its first catch-up, a SIGTERM while catching up, and a
    /// restart, with the peak memory of each, through the release binary.
    Scale,
}

impl From<Args> for Options {
    fn from(a: Args) -> Self {
        Self {
            talents: a.talents,
            rate: a.rate,
            queries: a.queries,
            out: a.out,
            only: a.only,
            changes: a.changes,
            backlog: a.backlog,
            edits: a.edits,
            http: http::Plan {
                talents: a.talents,
                rates: a.http_rates,
                rounds: a.http_rounds,
                seconds: a.http_seconds,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub talents: usize,
    pub rate: u32,
    pub queries: usize,
    pub out: PathBuf,
    pub only: Option<BenchSection>,
    pub changes: usize,
    pub backlog: usize,
    pub edits: usize,
    pub http: http::Plan,
}

/// Latency samples with their order statistics.
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    fn quantile(&self, q: f64) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }

    pub fn p50(&self) -> Duration {
        self.quantile(0.50)
    }

    pub fn p99(&self) -> Duration {
        self.quantile(0.99)
    }

    pub fn p95(&self) -> Duration {
        self.quantile(0.95)
    }

    pub fn max(&self) -> Duration {
        self.0.iter().max().copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The taxonomy folder the bench's `crocevia` processes load (`CROCEVIA__TAXONOMY_DIR`): the
/// configured one, else the reference data the binary embeds (the bench runs from the
/// repository's root), so every process reads the same concepts.
pub fn taxonomy_dir(settings: &Settings) -> anyhow::Result<PathBuf> {
    let dir = settings.taxonomy_dir.clone().unwrap_or_else(|| PathBuf::from("data/reference/skills"));
    std::fs::canonicalize(&dir).with_context(|| format!("finding the taxonomy folder {}", dir.display()))
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(settings: &Settings, options: Options) -> anyhow::Result<()> {
    if options.only == Some(BenchSection::Http) {
        let figures = http::run(settings, options.http.clone()).await?;
        let section = http::report::render(&figures);
        merge_into(&options.out, &section)?;
        println!("{section}");
        println!("section written to {}", options.out.display());
        return Ok(());
    }
    if options.only == Some(BenchSection::Scale) {
        let figures = scale::run(settings, options.talents).await?;
        let section = scale::report::render(&figures, true);
        merge_into(&options.out, &section)?;
        println!("{section}");
        println!("section written to {}", options.out.display());
        return Ok(());
    }
    let tty = std::io::stderr().is_terminal();
    println!("generating {} talents (seed 42)...", options.talents);
    let dataset = generate::make(settings, options.talents, 42, tty)?;
    let entities = dataset.into_entities();
    let skills = indexing::read_taxonomy(settings)?;
    let taxonomy = indexing::taxonomy(&skills);
    let concepts = skills.into_concepts();
    let shared = Arc::new(entities);
    if options.only == Some(BenchSection::Pipeline) {
        let outcome = pipeline::run(settings, shared, &concepts, taxonomy, &options, None).await;
        let section = pipeline::report::render(&options, &outcome);
        merge_into(&options.out, &section)?;
        println!("{section}");
        println!("section written to {}", options.out.display());
        return outcome_result(&outcome);
    }
    if options.only == Some(BenchSection::Matching) {
        let (matched, caught_up) = run_matching(settings, &shared, &taxonomy, &options).await?;
        let section = report::render_matching(&options, &matched, &caught_up);
        merge_into(&options.out, &section)?;
        println!("{section}");
        println!("section written to {}", options.out.display());
        return Ok(());
    }
    let (figures, service) = search::run(&shared, taxonomy.clone(), &options).await?;
    println!("gateway: GraphQL against the plain JSON handler...");
    let gateway = gateway::run(service).await?;
    let (matched, caught_up) = run_matching(settings, &shared, &taxonomy, &options).await?;
    let embedded = Some(figures.freshness.clone());
    let outcome = pipeline::run(settings, shared.clone(), &concepts, taxonomy, &options, embedded).await;
    let mut text = report::render(&options, shared.len(), &figures, &matched, &caught_up, &gateway);
    text.push_str(&pipeline::report::render(&options, &outcome));
    drop(shared);
    let http = http::run(settings, options.http.clone()).await;
    match &http {
        Ok(figures) => text.push_str(&http::report::render(figures)),
        Err(e) => text.push_str(&format!("\n## Search over HTTP (issue 23)\n\nFAILED: {e:#}\n")),
    }
    let scaled = scale::run(settings, options.talents).await;
    match &scaled {
        Ok(figures) => text.push_str(&scale::report::render(figures, false)),
        Err(e) => text.push_str(&format!("\n## One machine, a million people (issue 23)\n\nFAILED: {e:#}\n")),
    }
    write(&options.out, &text)?;
    println!("{text}");
    println!("written to {}", options.out.display());
    http?;
    scaled?;
    outcome_result(&outcome)
}

/// The matching section: ranking on the bench's data set, then catching up on a backlog.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn run_matching(
    settings: &Settings,
    entities: &Arc<Vec<crocevia_domain::Entity>>,
    taxonomy: &Arc<crocevia_search::taxonomy::Taxonomy>,
    options: &Options,
) -> anyhow::Result<(matching::Figures, catch_up::Figures)> {
    println!("matching: loading {} entities and ranking offers...", entities.len());
    let (for_matching, matching_taxonomy) = (entities.clone(), taxonomy.clone());
    let matched = tokio::task::spawn_blocking(move || matching::run(&for_matching, matching_taxonomy)).await??;
    println!("matching: catching up on {} edits (PostgreSQL)...", options.edits);
    let small = generate::make(settings, catch_up::TALENTS, 7, false)?.into_entities();
    let batch = settings.matching.batch_max;
    let caught_up = catch_up::run(&small, taxonomy.clone(), options.edits, batch).await?;
    Ok((matched, caught_up))
}

/// Replaces one section of the results file (or appends it).
fn merge_into(out: &std::path::Path, section: &str) -> anyhow::Result<()> {
    let existing = match std::fs::read_to_string(out) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", out.display())),
    };
    write(out, &report::merge_section(&existing, section))
}

fn write(out: &std::path::Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))
}

/// A skipped pipeline section is not an error (no broker here); a failed one is, once the
/// figures of the other sections are written.
fn outcome_result(outcome: &pipeline::Outcome) -> anyhow::Result<()> {
    match outcome {
        pipeline::Outcome::Failed(error) => Err(anyhow::anyhow!("the distributed pipeline bench failed: {error}")),
        pipeline::Outcome::Measured(figures) => match figures.failures().as_slice() {
            [] => Ok(()),
            failures => Err(anyhow::anyhow!("parts of the distributed pipeline bench failed: {}", failures.join("; "))),
        },
        pipeline::Outcome::Skipped(_) => Ok(()),
    }
}

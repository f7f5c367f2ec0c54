//! `crocevia bench` (`make bench`): measures against real alternatives on the same data in the
//! same run, and writes medians, tails and ratios with the machine and the date to
//! bench/RESULTS.md. The machine is shared and noisy: compare ratios, not single times.

mod catch_up;
mod gateway;
mod matching;
mod pipeline;
mod postgres;
mod report;
mod search;

use crate::cli::BenchSection;
use crate::{generate, indexing};
use anyhow::Context;
use crocevia_kit::config::Settings;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

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

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(settings: &Settings, options: Options) -> anyhow::Result<()> {
    let tty = std::io::stderr().is_terminal();
    println!("generating {} talents (seed 42)...", options.talents);
    let dataset = generate::make(settings, options.talents, 42, tty)?;
    let entities = dataset.into_entities();
    let concepts = indexing::read_taxonomy(&settings.taxonomy_file)?;
    let taxonomy = indexing::taxonomy(concepts.clone());
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
    write(&options.out, &text)?;
    println!("{text}");
    println!("written to {}", options.out.display());
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

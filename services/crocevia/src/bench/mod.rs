//! `crocevia bench` (`make bench`): measures against real alternatives on the same data in the
//! same run, and writes medians, tails and ratios with the machine and the date to
//! bench/RESULTS.md. The machine is shared and noisy: compare ratios, not single times.

mod gateway;
mod matching;
mod postgres;
mod report;
mod search;

use crate::{generate, indexing};
use crocevia_domain::Entity;
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
    let mut entities: Vec<Entity> = Vec::with_capacity(dataset.entity_count());
    entities.extend(dataset.organisations.into_iter().map(Entity::Organisation));
    entities.extend(dataset.talents.into_iter().map(Entity::Talent));
    entities.extend(dataset.startups.into_iter().map(Entity::Startup));
    entities.extend(dataset.programmes.into_iter().map(Entity::Programme));
    entities.extend(dataset.offers.into_iter().map(Entity::Offer));
    let taxonomy = indexing::taxonomy(indexing::read_taxonomy(&settings.taxonomy_file)?);
    let (figures, service) = search::run(&entities, taxonomy.clone(), &options).await?;
    println!("gateway: GraphQL against the plain JSON handler...");
    let gateway = gateway::run(service).await?;
    println!("matching: loading {} entities and ranking offers...", entities.len());
    let shared = Arc::new(entities);
    let for_matching = shared.clone();
    let matched = tokio::task::spawn_blocking(move || matching::run(&for_matching, taxonomy)).await??;
    let text = report::render(&options, shared.len(), &figures, &matched, &gateway);
    if let Some(parent) = options.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&options.out, &text)?;
    println!("{text}");
    println!("written to {}", options.out.display());
    Ok(())
}

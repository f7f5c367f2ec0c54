//! Search over HTTP (issue 23): the release `crocevia serve all` on the generated data set,
//! driven open loop by a load generator in its own process at fixed rates, through REST and
//! GraphQL, against PostgreSQL FTS behind an HTTP handler of the same shape on the same
//! documents and requests. Then a breakdown of where a request's time goes.

mod baseline;
pub mod loadgen;
pub(crate) mod platform;
pub mod report;

use crate::pipeline::process::ServiceProcess;
use crate::postgres::Baseline;
use anyhow::Context;
use crocevia::{generate, indexing};
use crocevia_kit::config::Settings;
use crocevia_search::document;
use loadgen::{Summary, Target, Variant};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// Paths measured at each rate, in the order they alternate.
pub const TARGETS: [Target; 3] = [Target::Rest, Target::Graphql, Target::Pg];

/// The section's settings (from the bench's arguments).
#[derive(Debug, Clone)]
pub struct Plan {
    pub talents: usize,
    pub rates: Vec<u32>,
    pub rounds: usize,
    pub seconds: f64,
}

/// One generator run and what the server did meanwhile.
#[derive(Debug, Clone)]
pub struct Run {
    pub round: usize,
    pub summary: Summary,
    /// Time inside crocevia's HTTP handlers over the run (its /metrics), for crocevia's paths.
    pub server: Option<ServerTime>,
    /// CPU seconds the crocevia process used over the generator's whole run, warm-up
    /// included (for crocevia's paths).
    pub server_cpu_secs: Option<f64>,
    /// The generator process's whole run, warm-up and drain included.
    pub wall_secs: f64,
    /// CPU seconds the whole machine was busy over the run (every process, the other
    /// engineers' builds included): what the server and the generator did not use of it was
    /// taken by others.
    pub machine_busy_secs: f64,
}

/// Handler time from the server's `crocevia_http_request_seconds` histogram over a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerTime {
    pub requests: f64,
    pub mean_ms: f64,
    /// The histogram bucket (upper bound, ms) that holds the 99th percentile.
    pub p99_bucket_ms: f64,
}

#[derive(Debug)]
pub struct Figures {
    pub plan: Plan,
    pub entities: usize,
    pub docs: usize,
    pub import_secs: Option<f64>,
    pub pg_load_secs: f64,
    pub runs: Vec<Run>,
    /// REST at the top rate with lighter requests.
    pub breakdown: Vec<Run>,
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(settings: &Settings, plan: Plan) -> anyhow::Result<Figures> {
    println!("http: generating {} talents (seed 42)...", plan.talents);
    let dataset = generate::make(settings, plan.talents, 42, std::io::stderr().is_terminal())?;
    let taxonomy_dir = crate::taxonomy_dir(settings)?;
    let prepared = platform::prepare(&dataset, plan.talents, &taxonomy_dir).await?;
    let entities = dataset.into_entities();
    let taxonomy = indexing::taxonomy(&indexing::read_taxonomy(settings)?);
    let rows: Vec<_> = entities
        .iter()
        .filter_map(|e| document::texts(e, &taxonomy).map(|(kind, title, body)| (e.id(), kind, title, body)))
        .collect();
    println!("http: starting crocevia serve all and loading PostgreSQL FTS meanwhile...");
    let pg_started = std::time::Instant::now();
    let (server, baseline) = tokio::join!(platform::serve(&prepared, &taxonomy_dir), async {
        let baseline = Baseline::create().await?;
        baseline.load(&rows).await?;
        Ok::<_, anyhow::Error>((baseline, pg_started.elapsed().as_secs_f64()))
    });
    let (baseline, pg_load_secs) = match baseline {
        Ok(loaded) => loaded,
        Err(e) => {
            if let Ok(server) = server {
                server.stop().await?;
            }
            return Err(e.context("loading the PostgreSQL baseline"));
        }
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => {
            baseline.drop_database().await?;
            return Err(e.context("starting crocevia serve all"));
        }
    };
    let baseline = Arc::new(baseline);
    let measured = measure(&server, baseline.clone(), &plan).await;
    server.stop().await?;
    if let Ok(baseline) = Arc::try_unwrap(baseline) {
        baseline.drop_database().await?;
    }
    let (runs, breakdown) = measured?;
    Ok(Figures {
        plan,
        entities: entities.len(),
        docs: rows.len(),
        import_secs: prepared.import_secs,
        pg_load_secs,
        runs,
        breakdown,
    })
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn measure(
    server: &ServiceProcess,
    baseline: Arc<Baseline>,
    plan: &Plan,
) -> anyhow::Result<(Vec<Run>, Vec<Run>)> {
    let token = platform::login(&server.base).await?;
    let pg = baseline::Server::start(baseline).await?;
    let result = async {
        let mut runs = Vec::new();
        for round in 0..plan.rounds {
            for &rate in &plan.rates {
                for target in TARGETS {
                    let base = if target == Target::Pg { &pg.base } else { &server.base };
                    let run = one(server, base, &token, target, Variant::Full, rate, plan.seconds, round).await?;
                    if target == Target::Pg && !pg.idle(Duration::from_secs(120)).await {
                        anyhow::bail!("the PostgreSQL handler still had requests in flight 120 s after a run");
                    }
                    println!("http: round {} {}", round + 1, report::line(&run));
                    runs.push(run);
                }
            }
        }
        let top = plan.rates.iter().copied().max().unwrap_or(200);
        let mut breakdown = Vec::new();
        for variant in Variant::ALL {
            let run = one(server, &server.base, &token, Target::Rest, variant, top, plan.seconds, 0).await?;
            println!("http: breakdown {} {}", variant.label(), report::line(&run));
            breakdown.push(run);
        }
        Ok((runs, breakdown))
    }
    .await;
    pg.stop().await?;
    result
}

/// Runs the load generator as a child process for one target, variant and rate.
#[expect(clippy::too_many_arguments, reason = "one call site; a struct would only rename them")]
async fn one(
    server: &ServiceProcess,
    base: &str,
    token: &str,
    target: Target,
    variant: Variant,
    rate: u32,
    seconds: f64,
    round: usize,
) -> anyhow::Result<Run> {
    let crocevia = target != Target::Pg;
    let pid = server.pid().context("the server's pid")?;
    let metrics_before = if crocevia { Some(scrape(&server.base).await?) } else { None };
    let cpu_before = platform::cpu_seconds(pid)?;
    let busy_before = platform::machine_busy_seconds()?;
    let started = std::time::Instant::now();
    let output = tokio::process::Command::new(std::env::current_exe()?)
        .arg("loadgen")
        .args(["--url", base, "--rate", &rate.to_string(), "--seconds", &seconds.to_string()])
        .args(["--target", value(target)?.as_str(), "--variant", value(variant)?.as_str()])
        .env(loadgen::TOKEN_VAR, if crocevia { token } else { "" })
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .context("running the load generator")?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = platform::cpu_seconds(pid)? - cpu_before;
    let machine_busy_secs = platform::machine_busy_seconds()? - busy_before;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "the load generator failed ({}): {}{}",
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Summary = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .with_context(|| format!("the load generator's summary: {stdout}"))?;
    let server_time = match metrics_before {
        Some(before) => {
            let route = if target == Target::Graphql { "/graphql" } else { "/api/v1/search" };
            server_time(&before, &scrape(&server.base).await?, route)
        }
        None => None,
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(Run {
        round,
        summary,
        server: server_time,
        server_cpu_secs: crocevia.then_some(cpu),
        wall_secs: wall,
        machine_busy_secs,
    })
}

/// A clap value's command-line spelling.
fn value<T: clap::ValueEnum>(v: T) -> anyhow::Result<String> {
    Ok(v.to_possible_value().context("a value without a name")?.get_name().to_owned())
}

async fn scrape(base: &str) -> anyhow::Result<String> {
    Ok(reqwest::get(format!("{base}/metrics")).await?.error_for_status()?.text().await?)
}

/// `(le, cumulative count)` of the request-duration histogram of `route`, then its sum and count.
fn histogram(text: &str, route: &str) -> (Vec<(f64, f64)>, f64, f64) {
    let label = format!("route=\"{route}\"");
    let (mut buckets, mut sum, mut count) = (Vec::new(), 0.0, 0.0);
    for line in text.lines().filter(|l| l.starts_with("crocevia_http_request_seconds") && l.contains(&label)) {
        let Some((name, number)) = line.rsplit_once(' ') else { continue };
        let Ok(number) = number.parse::<f64>() else { continue };
        if name.starts_with("crocevia_http_request_seconds_bucket") {
            let le = name.split("le=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
            let le = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap_or(f64::NAN) };
            buckets.push((le, number));
        } else if name.starts_with("crocevia_http_request_seconds_sum") {
            sum = number;
        } else if name.starts_with("crocevia_http_request_seconds_count") {
            count = number;
        }
    }
    (buckets, sum, count)
}

/// The handler time of `route` between two scrapes.
fn server_time(before: &str, after: &str, route: &str) -> Option<ServerTime> {
    let (b0, s0, c0) = histogram(before, route);
    let (b1, s1, c1) = histogram(after, route);
    let requests = c1 - c0;
    if requests <= 0.0 {
        return None;
    }
    let p99_bucket_ms = b1
        .iter()
        .map(|&(le, n)| (le, n - b0.iter().find(|(l, _)| *l == le).map_or(0.0, |(_, m)| *m)))
        .find(|&(_, n)| n >= 0.99 * requests)
        .map_or(f64::INFINITY, |(le, _)| le * 1000.0);
    Some(ServerTime { requests, mean_ms: (s1 - s0) / requests * 1000.0, p99_bucket_ms })
}

#[cfg(test)]
mod tests {
    use super::server_time;

    fn scrape(counts: [u64; 3], sum: f64) -> String {
        format!(
            "crocevia_http_request_seconds_bucket{{route=\"/api/v1/search\",le=\"0.005\"}} {}\n\
             crocevia_http_request_seconds_bucket{{route=\"/api/v1/search\",le=\"0.01\"}} {}\n\
             crocevia_http_request_seconds_bucket{{route=\"/api/v1/search\",le=\"+Inf\"}} {}\n\
             crocevia_http_request_seconds_sum{{route=\"/api/v1/search\"}} {sum}\n\
             crocevia_http_request_seconds_count{{route=\"/api/v1/search\"}} {}\n\
             crocevia_http_request_seconds_count{{route=\"/graphql\"}} 7\n",
            counts[0], counts[1], counts[2], counts[2]
        )
    }

    #[test]
    fn handler_time_is_the_difference_between_two_scrapes() {
        let before = scrape([10, 10, 10], 0.02);
        // 100 more requests, 95 under 5 ms, all under 10 ms, 0.4 s in all.
        let after = scrape([105, 110, 110], 0.42);
        let t = server_time(&before, &after, "/api/v1/search").unwrap();
        assert_eq!(t.requests, 100.0);
        assert!((t.mean_ms - 4.0).abs() < 1e-9);
        assert_eq!(t.p99_bucket_ms, 10.0);
        assert!(server_time(&before, &before, "/api/v1/search").is_none());
    }
}

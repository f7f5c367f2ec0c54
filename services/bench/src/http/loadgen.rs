//! The open-loop load generator, run by the bench as its own process (`crocevia-bench
//! loadgen`, hidden): it competes with the server for the machine as any client would, and its
//! own scheduling is measured instead of hidden in the server's figures.
//!
//! Requests are due at fixed times (`rate` per second from a start); each is sent when due,
//! whatever the earlier ones are doing, and its latency counts from when it was due, so a
//! server that stalls is charged for the requests that queue behind the stall (no coordinated
//! omission). How late the generator itself fired (its lag) is reported beside. At most
//! `max_in_flight` requests are outstanding: a request due while that many are is not sent and
//! counts as dropped, never silently skipped. One thread (a current-thread runtime) schedules,
//! sends and reads the answers.

use crate::Samples;
use crate::search::{QUERIES, request};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// The bound on outstanding requests, unless `--max-in-flight` says otherwise.
pub const MAX_IN_FLIGHT: usize = 64;

/// The environment variable that carries the bearer token (not a flag: process lists show flags).
pub const TOKEN_VAR: &str = "CROCEVIA_BENCH_TOKEN";

/// What the generator talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// `POST /api/v1/search` of crocevia.
    Rest,
    /// The GraphQL `search` query of crocevia.
    Graphql,
    /// The PostgreSQL FTS baseline's `POST /api/v1/search` (same request shape as REST).
    Pg,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Self::Rest => "REST `POST /api/v1/search`",
            Self::Graphql => "GraphQL `search`",
            Self::Pg => "PostgreSQL FTS handler",
        }
    }
}

/// What each request asks (the breakdown compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum Variant {
    /// The bench's request: top 20 with snippets, two facets (sector, comune).
    Full,
    /// Top 20 with snippets, no facets.
    NoFacets,
    /// Two facets, one hit (so one stored document read and one snippet instead of 20).
    OneHit,
    /// No facets, one hit: the query, the HTTP path and the authentication.
    Bare,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::Full, Variant::NoFacets, Variant::OneHit, Variant::Bare];

    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "full: 20 hits with snippets, 2 facets",
            Self::NoFacets => "no facets: 20 hits with snippets",
            Self::OneHit => "one hit: 1 hit with its snippet, 2 facets",
            Self::Bare => "bare: 1 hit, no facets",
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// The server's base URL, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub url: String,
    #[arg(long, value_enum)]
    pub target: Target,
    /// Requests per second, at fixed due times.
    #[arg(long)]
    pub rate: u32,
    /// Seconds of measured schedule.
    #[arg(long, default_value_t = 15.0)]
    pub seconds: f64,
    /// Seconds of schedule before it (same rate, connections opened), not counted.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    #[arg(long, default_value_t = MAX_IN_FLIGHT)]
    pub max_in_flight: usize,
    #[arg(long, value_enum, default_value_t = Variant::Full)]
    pub variant: Variant,
    /// Answers still outstanding this long after the last due time count as timed out.
    #[arg(long, default_value_t = 10.0)]
    pub drain: f64,
}

/// p50, p99 and max in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

impl Quantiles {
    fn of(samples: &Samples) -> Self {
        Self { p50: crate::ms(samples.p50()), p99: crate::ms(samples.p99()), max: crate::ms(samples.max()) }
    }
}

/// One run's figures: what the generator prints as JSON on stdout.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub target: Target,
    pub variant: Variant,
    pub rate: u32,
    pub seconds: f64,
    pub max_in_flight: usize,
    /// Requests due in the measured schedule.
    pub scheduled: usize,
    /// Answered with success.
    pub ok: usize,
    /// Due while `max_in_flight` were outstanding: not sent.
    pub dropped: usize,
    /// Sent and answered with an error (status, transport, GraphQL `errors`).
    pub failed: usize,
    /// Sent and not answered within the drain after the last due time.
    pub timed_out: usize,
    /// Successful answers without a hit.
    pub empty: usize,
    pub first_error: Option<String>,
    /// Successful answers per second, from the first due time to the last answer.
    pub achieved_rate: f64,
    /// From when each request was due to its whole answer (successful ones).
    pub latency: Quantiles,
    /// From when each request was sent to its whole answer (successful ones).
    pub service: Quantiles,
    /// How late the generator got to each due request (sent or dropped), against its due time.
    pub lag: Quantiles,
    /// The most requests outstanding at once.
    pub peak_in_flight: usize,
    /// Requests outstanding when the last one was due (the backlog a slow server built).
    pub backlog_at_end: usize,
    /// The generator's own CPU over its whole run (warm-up included), in cores.
    pub generator_cores: f64,
}

/// Fixed due times: request `i` is due `i / rate` seconds after `start`.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub start: Instant,
    pub rate: f64,
    pub count: usize,
}

impl Schedule {
    pub fn due(&self, i: usize) -> Instant {
        self.start + Duration::from_secs_f64(i as f64 / self.rate)
    }
}

/// The outcome of one request as the generator accounts it.
#[derive(Debug, Default)]
pub struct Tally {
    pub lag: Samples,
    pub latency: Samples,
    pub service: Samples,
    pub ok: usize,
    pub dropped: usize,
    pub failed: usize,
    pub timed_out: usize,
    pub empty: usize,
    pub first_error: Option<String>,
    pub peak_in_flight: usize,
    pub backlog_at_end: usize,
    pub last_answer: Option<Instant>,
}

impl Tally {
    /// A due request was sent (`fired`) or dropped: either way the generator's lag counts.
    pub fn fired(&mut self, due: Instant, fired: Instant, sent: bool) {
        self.lag.push(fired.saturating_duration_since(due));
        if !sent {
            self.dropped += 1;
        }
    }

    /// A sent request's answer at `done`: `Ok(hits)` or why it failed. Latency counts from
    /// `due`, not from `fired`: the generator's own delay is the client's wait too.
    pub fn answered(&mut self, due: Instant, fired: Instant, done: Instant, result: Result<usize, String>) {
        match result {
            Ok(hits) => {
                self.ok += 1;
                if hits == 0 {
                    self.empty += 1;
                }
                self.latency.push(done.saturating_duration_since(due));
                self.service.push(done.saturating_duration_since(fired));
                self.last_answer = Some(self.last_answer.map_or(done, |t| t.max(done)));
            }
            Err(e) => {
                self.failed += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }
}

struct Answer {
    due: Instant,
    fired: Instant,
    done: Instant,
    result: Result<usize, String>,
}

/// Runs `schedule` open loop: `send(i)` is started when request `i` is due (unless
/// `max_in_flight` are outstanding), and the answers are tallied. Answers not in within
/// `drain` after the last due time count as timed out.
pub async fn generate<F, Fut>(schedule: Schedule, max_in_flight: usize, drain: Duration, send: F) -> Tally
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<usize, String>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(max_in_flight));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Answer>();
    let mut tasks = tokio::task::JoinSet::new();
    let mut tally = Tally::default();
    let mut sent = 0usize;
    for i in 0..schedule.count {
        let due = schedule.due(i);
        tokio::time::sleep_until(due).await;
        let fired = Instant::now();
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                tally.fired(due, fired, true);
                sent += 1;
                tally.peak_in_flight = tally.peak_in_flight.max(max_in_flight - permits.available_permits());
                let (request, tx) = (send(i), tx.clone());
                tasks.spawn(async move {
                    let result = request.await;
                    let _ = tx.send(Answer { due, fired, done: Instant::now(), result });
                    drop(permit);
                });
            }
            Err(_) => tally.fired(due, fired, false),
        }
        // Tally what came back meanwhile, so the channel holds little.
        while let Ok(a) = rx.try_recv() {
            tally.answered(a.due, a.fired, a.done, a.result);
        }
    }
    tally.backlog_at_end = max_in_flight - permits.available_permits();
    let deadline = schedule.due(schedule.count.saturating_sub(1)) + drain;
    let mut received = tally.ok + tally.failed;
    while received < sent {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(a)) => {
                tally.answered(a.due, a.fired, a.done, a.result);
                received += 1;
            }
            Ok(None) | Err(_) => break,
        }
    }
    tally.timed_out = sent - received;
    tasks.abort_all();
    tally
}

/// The request bodies, one per query of [`QUERIES`], as `target` takes them.
fn bodies(target: Target, variant: Variant) -> anyhow::Result<Vec<Vec<u8>>> {
    QUERIES
        .iter()
        .map(|&(kind, text)| {
            let mut r = request(kind, text);
            if matches!(variant, Variant::NoFacets | Variant::Bare) {
                r.facets.clear();
            }
            if matches!(variant, Variant::OneHit | Variant::Bare) {
                r.limit = 1;
            }
            let value = match target {
                Target::Rest | Target::Pg => serde_json::to_value(&r)?,
                Target::Graphql => serde_json::json!({
                    "query": "query($i: SearchInput!) { search(input: $i) { total hits { id title snippet score } facets { name values { value count } } } }",
                    "variables": { "i": {
                        "kinds": [kind.as_str().to_uppercase()],
                        "text": r.text,
                        "facets": r.facets,
                        "limit": r.limit,
                    } }
                }),
            };
            Ok(serde_json::to_vec(&value)?)
        })
        .collect()
}

/// The number of hits in an answer, or why it is not a good one.
fn hits(target: Target, status: reqwest::StatusCode, body: &[u8]) -> Result<usize, String> {
    if !status.is_success() {
        return Err(format!("status {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)])));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let results = match target {
        Target::Rest | Target::Pg => &value,
        Target::Graphql => {
            if let Some(errors) = value.get("errors") {
                return Err(format!("GraphQL errors: {errors}"));
            }
            &value["data"]["search"]
        }
    };
    results["hits"].as_array().map(Vec::len).ok_or_else(|| "no hits in the answer".to_owned())
}

/// `crocevia-bench loadgen`: runs the schedule and prints the [`Summary`] as JSON.
#[expect(clippy::print_stdout, reason = "the summary is the command's output, read by the bench")]
pub fn main(args: &LoadArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let summary = runtime.block_on(run(args))?;
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}

async fn run(args: &LoadArgs) -> anyhow::Result<Summary> {
    let began = std::time::Instant::now();
    anyhow::ensure!(args.rate > 0 && args.seconds > 0.0, "--rate and --seconds must be positive");
    let token = std::env::var(TOKEN_VAR).ok();
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(args.max_in_flight)
        .timeout(Duration::from_secs(60))
        .build()?;
    let path = match args.target {
        Target::Rest | Target::Pg => "/api/v1/search",
        Target::Graphql => "/graphql",
    };
    let url: Arc<str> = format!("{}{path}", args.url.trim_end_matches('/')).into();
    let bodies = Arc::new(bodies(args.target, args.variant).context("building the request bodies")?);
    let target = args.target;
    let send = move |i: usize| {
        let (client, url, token, body) = (client.clone(), url.clone(), token.clone(), bodies[i % bodies.len()].clone());
        async move {
            let mut request = client.post(&*url).header("content-type", "application/json").body(body);
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.map_err(|e| format!("sending: {e}"))?;
            let status = response.status();
            let body = response.bytes().await.map_err(|e| format!("reading the answer: {e}"))?;
            hits(target, status, &body)
        }
    };
    let rate = f64::from(args.rate);
    let drain = Duration::from_secs_f64(args.drain);
    if args.warmup > 0.0 {
        let count = (args.warmup * rate).ceil() as usize;
        let warm = Schedule { start: Instant::now() + Duration::from_millis(50), rate, count };
        generate(warm, args.max_in_flight, drain, &send).await;
    }
    let count = (args.seconds * rate).round() as usize;
    let schedule = Schedule { start: Instant::now() + Duration::from_millis(100), rate, count };
    let tally = generate(schedule, args.max_in_flight, drain, &send).await;
    let span =
        tally.last_answer.map_or(args.seconds, |t| t.duration_since(schedule.start).as_secs_f64().max(args.seconds));
    Ok(Summary {
        target: args.target,
        variant: args.variant,
        rate: args.rate,
        seconds: args.seconds,
        max_in_flight: args.max_in_flight,
        scheduled: count,
        ok: tally.ok,
        dropped: tally.dropped,
        failed: tally.failed,
        timed_out: tally.timed_out,
        empty: tally.empty,
        first_error: tally.first_error.clone(),
        achieved_rate: tally.ok as f64 / span,
        latency: Quantiles::of(&tally.latency),
        service: Quantiles::of(&tally.service),
        lag: Quantiles::of(&tally.lag),
        peak_in_flight: tally.peak_in_flight,
        backlog_at_end: tally.backlog_at_end,
        generator_cores: super::platform::cpu_seconds(std::process::id())? / began.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn due_times_are_fixed_by_the_rate() {
        let start = Instant::now();
        let s = Schedule { start, rate: 200.0, count: 10 };
        assert_eq!(s.due(0), start);
        assert_eq!(s.due(3), start + 15 * MS);
    }

    #[test]
    fn latency_counts_from_the_due_time_and_lag_apart() {
        let due = Instant::now();
        let mut t = Tally::default();
        // Fired 30 ms late, answered 5 ms after sending: the client waited 35 ms.
        t.fired(due, due + 30 * MS, true);
        t.answered(due, due + 30 * MS, due + 35 * MS, Ok(3));
        // Dropped at the bound: lag counts, no latency sample is invented or hidden.
        t.fired(due + 10 * MS, due + 10 * MS, false);
        t.fired(due + 20 * MS, due + 21 * MS, true);
        t.answered(due + 20 * MS, due + 21 * MS, due + 25 * MS, Err("status 500".into()));
        assert_eq!((t.ok, t.dropped, t.failed, t.empty), (1, 1, 1, 0));
        assert_eq!(t.latency.max(), 35 * MS);
        assert_eq!(t.service.max(), 5 * MS);
        assert_eq!(t.lag.len(), 3);
        assert_eq!(t.lag.max(), 30 * MS);
        assert_eq!(t.first_error.as_deref(), Some("status 500"));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_slow_server_fills_the_bound_and_the_rest_are_dropped_not_delayed() {
        // 40 requests due every 5 ms, each answered after 100 ms, at most 5 outstanding:
        // the generator does not wait for answers (open loop), so most find the bound full.
        let schedule = Schedule { start: Instant::now(), rate: 200.0, count: 40 };
        let tally = generate(schedule, 5, Duration::from_secs(5), |_| async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok(1)
        })
        .await;
        assert_eq!(tally.ok + tally.dropped + tally.failed + tally.timed_out, 40);
        assert!(tally.dropped >= 20, "{tally:?}");
        assert_eq!(tally.peak_in_flight, 5);
        assert!(tally.latency.p50() >= Duration::from_millis(100));
        // The schedule ran on time although every answer was slow.
        assert!(tally.lag.p50() < Duration::from_millis(20), "{:?}", tally.lag.p50());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_not_in_by_the_drain_count_as_timed_out() {
        let schedule = Schedule { start: Instant::now(), rate: 100.0, count: 3 };
        let tally = generate(schedule, 10, Duration::from_millis(50), |_| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(1)
        })
        .await;
        assert_eq!((tally.ok, tally.timed_out, tally.backlog_at_end), (0, 3, 3));
    }

    #[test]
    fn graphql_errors_and_bad_statuses_are_failures() {
        let ok = br#"{"data":{"search":{"hits":[{},{}]}}}"#;
        assert_eq!(hits(Target::Graphql, reqwest::StatusCode::OK, ok), Ok(2));
        let errors = br#"{"data":null,"errors":[{"message":"no"}]}"#;
        assert!(hits(Target::Graphql, reqwest::StatusCode::OK, errors).is_err());
        assert!(hits(Target::Rest, reqwest::StatusCode::FORBIDDEN, b"{}").is_err());
        assert_eq!(hits(Target::Pg, reqwest::StatusCode::OK, br#"{"hits":[]}"#), Ok(0));
    }
}

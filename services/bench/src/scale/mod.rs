//! One machine, a million people (issue 23): what an operator's machine goes through with a
//! large data set, through the release binary as it is run. `crocevia import` of the generated
//! set into a fresh data folder (SQLite) and a fresh PostgreSQL database, with each import's
//! peak memory; the first `crocevia serve all` on the fresh import (matching fills itself from
//! the database) sampled every second until matching holds every entity and it has idled; a
//! SIGTERM while matching catches up on a second copy of the import, and the start after it;
//! a restart of the caught-up instance. Scratch folders and databases are removed at the end;
//! the generated set stays cached under bench/tmp.

pub mod measure;
pub mod report;

use crate::http::platform::{self, Prepared};
use crate::pipeline::process::{ServiceProcess, crocevia_binary};
use crate::postgres::Scratch;
use anyhow::{Context, bail};
use crocevia_kit::config::Settings;
use measure::Measured;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the idle figures wait after the process went quiet.
pub const IDLE_SECS: u64 = 30;
/// SIGTERM to exit: the promise, and how long the bench waits before killing.
pub const STOP_TARGET_SECS: f64 = 10.0;
const STOP_LIMIT: Duration = Duration::from_secs(30);
const SETTLE_LIMIT: Duration = Duration::from_secs(600);
/// Marks a generated set that was written completely.
const GENERATED: &str = "generated.done";

/// The kinds matching ranks: the replica holds one row for each of these entities.
const MATCHED_TABLES: [&str; 4] = ["talents", "offers", "startups", "programmes"];

/// A duration, or the limit it did not finish within.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timed {
    Done(f64),
    NotWithin(f64),
}

impl Timed {
    pub fn secs(self) -> Option<f64> {
        match self {
            Self::Done(s) => Some(s),
            Self::NotWithin(_) => None,
        }
    }
}

/// Limits that keep a run bounded, growing with the data set.
fn import_limit(talents: usize) -> Duration {
    Duration::from_secs(300 + talents as u64 * 3 / 1000)
}

fn ready_limit(talents: usize) -> Duration {
    import_limit(talents)
}

fn catch_up_limit(talents: usize) -> Duration {
    Duration::from_secs(1200 + talents as u64 * 6 / 10_000)
}

/// Memory of a process from /proc/PID/status, KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// VmRSS: resident now.
    pub rss_kib: u64,
    /// VmHWM: the most it was resident so far (the kernel's high-water mark).
    pub hwm_kib: u64,
}

pub fn parse_status(text: &str) -> Option<Memory> {
    let field = |name: &str| {
        text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
    };
    Some(Memory { rss_kib: field("VmRSS")?, hwm_kib: field("VmHWM")? })
}

fn memory(pid: u32) -> anyhow::Result<Memory> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_status(&text).context("no VmRSS/VmHWM in /proc/PID/status")
}

/// One second of a serving process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Seconds since the process was started.
    pub at: f64,
    pub memory: Memory,
    /// The process's CPU seconds so far.
    pub cpu: f64,
    /// The machine's busy CPU seconds so far (every process).
    pub busy: f64,
}

/// The data set and what the bench knows of it.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub dir: PathBuf,
    /// Where it came from ("generated now in 12.3 s", "reused ...").
    pub origin: String,
}

/// One `crocevia import` into a fresh store.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub wall: Timed,
    pub max_rss_kib: u64,
    pub cpu_secs: f64,
    /// Cores the rest of the machine used meanwhile (PostgreSQL's work included, for its import).
    pub others_cores: f64,
    /// Entities the store holds afterwards.
    pub entities: i64,
}

/// A SIGTERM and the exit it led to.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub exit: Timed,
    pub status: String,
}

impl Stop {
    pub fn met(&self) -> bool {
        self.exit.secs().is_some_and(|s| s <= STOP_TARGET_SECS) && self.status.contains("exit status: 0")
    }
}

/// One `crocevia serve all` run, from its start to its stop.
#[derive(Debug, Clone, PartialEq)]
pub struct Serving {
    pub ready: Timed,
    /// Matching held in its replica before the start.
    pub held_at_start: i64,
    /// Matching held in its replica when /readyz first answered 200.
    pub held_at_ready: i64,
    /// Until matching holds every entity, from the start (None: not waited for).
    pub caught_up: Option<Timed>,
    /// When its CPU went quiet (from the start), and its RSS [`IDLE_SECS`] later.
    pub idle: Option<(Option<f64>, u64)>,
    /// VmHWM just before the SIGTERM: the peak over the whole run.
    pub peak_kib: u64,
    pub samples: Vec<Sample>,
    pub stop: Stop,
}

impl Serving {
    /// The largest sampled RSS.
    pub fn largest(&self) -> Option<Sample> {
        self.samples.iter().copied().max_by_key(|s| s.memory.rss_kib)
    }

    /// RSS sampled nearest after `at`.
    pub fn rss_at(&self, at: f64) -> Option<u64> {
        self.samples.iter().find(|s| s.at >= at).map(|s| s.memory.rss_kib)
    }

    /// (crocevia's cores, the rest of the machine's cores) over `[from, to]` seconds.
    pub fn cores(&self, from: f64, to: f64) -> Option<(f64, f64)> {
        let a = self.samples.iter().find(|s| s.at >= from)?;
        let b = self.samples.iter().rev().find(|s| s.at <= to)?;
        let wall = b.at - a.at;
        (wall > 0.5).then(|| {
            let mine = b.cpu - a.cpu;
            (mine / wall, ((b.busy - a.busy) - mine).max(0.0) / wall)
        })
    }
}

/// SIGTERM while matching catches up, then the next start.
#[derive(Debug, Clone, PartialEq)]
pub struct Interrupted {
    /// The run that got the signal (its `stop` is the SIGTERM measured).
    pub first: Serving,
    /// Seconds from its start when the signal was sent, and what matching held then.
    pub signalled_at: f64,
    pub held_at_signal: i64,
    /// What matching held once it had exited.
    pub held_after: i64,
    pub resumed: Result<Serving, String>,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub talents: usize,
    pub data: DataSet,
    /// Entities imported, and those matching ranks (its replica's full count).
    pub entities: i64,
    pub matched: i64,
    pub import_sqlite: Result<Import, String>,
    pub import_pg: Result<Import, String>,
    pub first: Result<Serving, String>,
    pub restart: Result<Serving, String>,
    pub interrupted: Result<Interrupted, String>,
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(settings: &Settings, talents: usize) -> anyhow::Result<Figures> {
    let taxonomy = crate::taxonomy_dir(settings)?;
    let root = std::path::absolute(PathBuf::from("bench/tmp").join(format!("scale-{talents}")))?;
    let data = data_set(talents, &taxonomy, &root).await?;
    let a = fresh(root.join("sqlite"))?;
    let b = fresh(root.join("sigterm"))?;
    let pg = fresh(root.join("pg"))?;
    let result = measure_all(talents, &taxonomy, data, &a, &b, &pg).await;
    println!("scale: removing the scratch data folders");
    for scratch in [&a, &b, &pg] {
        std::fs::remove_dir_all(&scratch.root).with_context(|| format!("removing {}", scratch.root.display()))?;
    }
    result
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn measure_all(
    talents: usize,
    taxonomy: &Path,
    data: DataSet,
    a: &Prepared,
    b: &Prepared,
    pg: &Prepared,
) -> anyhow::Result<Figures> {
    println!("scale: crocevia import {} into a fresh SQLite data folder...", data.dir.display());
    let mut import_sqlite =
        import(a, taxonomy, &data.dir, &[], import_limit(talents)).await.map_err(|e| format!("{e:#}"));
    let sqlite = connect_ro(a).await?;
    let (entities, matched) = counts(&sqlite).await.unwrap_or((0, 0));
    if let Ok(i) = &mut import_sqlite {
        i.entities = entities;
    }
    println!("scale: {import_sqlite:?}");
    println!("scale: crocevia import into a fresh PostgreSQL database...");
    let import_pg = import_postgres(pg, taxonomy, &data.dir, talents).await.map_err(|e| format!("{e:#}"));
    println!("scale: {import_pg:?}");
    let imported = match &import_sqlite {
        Ok(i) if i.wall.secs().is_some() && matched > 0 => Ok(()),
        Ok(_) => Err("the SQLite import did not finish".to_owned()),
        Err(e) => Err(format!("the SQLite import failed: {e}")),
    };
    if imported.is_ok() {
        copy_dir(&a.data_dir(), &b.data_dir())?;
    }
    let first = match &imported {
        Ok(()) => {
            println!("scale: first serve all on the fresh import, until matching holds all {matched} entities...");
            serve(a, taxonomy, &sqlite, matched, talents, true, true).await.map_err(|e| format!("{e:#}"))
        }
        Err(e) => Err(e.clone()),
    };
    let restart = match &first {
        Ok(f) if f.caught_up.and_then(Timed::secs).is_some() => {
            println!("scale: restarting the caught-up instance...");
            serve(a, taxonomy, &sqlite, matched, talents, true, true).await.map_err(|e| format!("{e:#}"))
        }
        Ok(_) => Err("the first start did not catch up".to_owned()),
        Err(e) => Err(format!("no first start: {e}")),
    };
    sqlite.close().await?;
    let interrupted = match &imported {
        Ok(()) => {
            println!("scale: SIGTERM while catching up, on a second copy of the import...");
            interrupt(b, taxonomy, matched, talents).await.map_err(|e| format!("{e:#}"))
        }
        Err(e) => Err(e.clone()),
    };
    Ok(Figures { talents, data, entities, matched, import_sqlite, import_pg, first, restart, interrupted })
}

/// An empty scratch folder.
fn fresh(root: PathBuf) -> anyhow::Result<Prepared> {
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("removing {}", root.display()))?;
    }
    let prepared = Prepared { root, import_secs: None };
    std::fs::create_dir_all(prepared.data_dir())?;
    Ok(prepared)
}

/// The generated set: the http section's when it finished one of this size (the same
/// `crocevia generate --talents N --seed 42`), else this section's own, generated once.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn data_set(talents: usize, taxonomy: &Path, root: &Path) -> anyhow::Result<DataSet> {
    let http = std::path::absolute(PathBuf::from("bench/tmp").join(format!("http-{talents}")))?;
    if http.join(platform::DONE).is_file() && http.join("generated/talents.json").is_file() {
        let dir = http.join("generated");
        println!("scale: reusing the generated set in {}", dir.display());
        return Ok(DataSet { dir, origin: "reused from the http section's cache".into() });
    }
    let dir = root.join("generated");
    if root.join(GENERATED).is_file() {
        println!("scale: reusing the generated set in {}", dir.display());
        return Ok(DataSet { dir, origin: "reused from an earlier run".into() });
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(root)?;
    println!("scale: crocevia generate --talents {talents} --out {}", dir.display());
    let started = Instant::now();
    let output = tokio::process::Command::new(crocevia_binary()?)
        .args(["generate", "--talents", &talents.to_string(), "--out"])
        .arg(&dir)
        .env("CROCEVIA__TAXONOMY_DIR", taxonomy)
        .env("CROCEVIA__TELEMETRY__FILTER", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .context("running crocevia generate")?;
    if !output.status.success() {
        bail!("crocevia generate failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    let secs = started.elapsed().as_secs_f64();
    std::fs::write(root.join(GENERATED), format!("{secs:.1}\n"))?;
    Ok(DataSet { dir, origin: format!("generated by this run in {secs:.1} s") })
}

/// `crocevia import DIR` on the folder, through `crocevia-bench measure`.
async fn import(
    prepared: &Prepared,
    taxonomy: &Path,
    dir: &Path,
    extra: &[(&'static str, String)],
    limit: Duration,
) -> anyhow::Result<Import> {
    let busy_before = platform::machine_busy_seconds()?;
    let output = tokio::process::Command::new(std::env::current_exe()?)
        .args(["measure", "--limit-secs", &limit.as_secs_f64().to_string(), "--"])
        .arg(crocevia_binary()?)
        .arg("import")
        .arg(dir)
        .envs(platform::env(prepared, taxonomy))
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .context("running crocevia-bench measure")?;
    let busy = platform::machine_busy_seconds()? - busy_before;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let measured: Measured = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .with_context(|| format!("the measure summary: {stdout}"))?;
    if !measured.success && !measured.timed_out {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        bail!("crocevia import failed ({}): {}", measured.status, lines[lines.len().saturating_sub(10)..].join("\n"));
    }
    Ok(Import {
        wall: if measured.timed_out { Timed::NotWithin(limit.as_secs_f64()) } else { Timed::Done(measured.wall_secs) },
        max_rss_kib: measured.max_rss_kib,
        cpu_secs: measured.cpu_secs,
        others_cores: ((busy - measured.cpu_secs) / measured.wall_secs.max(1e-9)).max(0.0),
        entities: 0,
    })
}

/// The import into a fresh PostgreSQL database, counted there, then dropped.
async fn import_postgres(pg: &Prepared, taxonomy: &Path, dir: &Path, talents: usize) -> anyhow::Result<Import> {
    let (scratch, db) = Scratch::create("crocevia_scale", 1).await?;
    let url = scratch.url();
    let result = async {
        let mut measured =
            import(pg, taxonomy, dir, &[("CROCEVIA__DATABASE__URL", url)], import_limit(talents)).await?;
        measured.entities = counts(&db).await.map_or(0, |(all, _)| all);
        Ok::<_, anyhow::Error>(measured)
    }
    .await;
    scratch.drop_database(db).await?;
    result
}

/// (every imported entity, the entities matching ranks) in the store.
async fn counts(db: &DatabaseConnection) -> anyhow::Result<(i64, i64)> {
    let sum: Vec<String> = MATCHED_TABLES.iter().map(|t| format!("(SELECT count(*) FROM {t})")).collect();
    let matched = count(db, &format!("SELECT {}", sum.join(" + "))).await?;
    let organisations = count(db, "SELECT count(*) FROM organisations").await?;
    Ok((matched + organisations, matched))
}

async fn count(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await?
        .context("a count without a row")?;
    Ok(row.try_get_by_index(0)?)
}

/// What matching's replica holds (0 before its table exists; other errors are logged).
async fn held(db: &DatabaseConnection) -> i64 {
    match count(db, "SELECT count(*) FROM matching_entities").await {
        Ok(n) => n,
        // Its first start creates the table.
        Err(e) if format!("{e:#}").contains("no such table") => 0,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "counting matching's replica");
            0
        }
    }
}

/// A read-only connection to the folder's SQLite database, beside the running process.
async fn connect_ro(prepared: &Prepared) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode=ro", prepared.data_dir().join("crocevia.db").display());
    crocevia_kit::db::connect(&secrecy::SecretString::from(url), 1).await
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// A running `serve all`, sampled every second by a task of its own.
struct Watched {
    process: ServiceProcess,
    pid: u32,
    started: Instant,
    samples: Arc<Mutex<Vec<Sample>>>,
    sampler: tokio::task::JoinHandle<()>,
}

impl Watched {
    async fn start(prepared: &Prepared, taxonomy: &Path) -> anyhow::Result<Self> {
        let started = Instant::now();
        let process = ServiceProcess::start_embedded(&prepared.root, &platform::env(prepared, taxonomy)).await?;
        let pid = process.pid().context("the server's pid")?;
        let samples = Arc::new(Mutex::new(Vec::new()));
        let into = samples.clone();
        let sampler = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let (Ok(memory), Ok(cpu), Ok(busy)) =
                    (memory(pid), platform::cpu_seconds(pid), platform::machine_busy_seconds())
                else {
                    break;
                };
                let sample = Sample { at: started.elapsed().as_secs_f64(), memory, cpu, busy };
                if let Ok(mut samples) = into.lock() {
                    samples.push(sample);
                }
            }
        });
        Ok(Self { process, pid, started, samples, sampler })
    }

    fn at(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.process.exited()? {
            bail!("crocevia serve all exited ({status}):\n{}", self.process.log_tail());
        }
        Ok(())
    }

    /// Until /readyz answers 200, from the start.
    async fn ready(&mut self, limit: Duration) -> anyhow::Result<Timed> {
        let client = reqwest::Client::new();
        loop {
            let answer = client.get(format!("{}/readyz", self.process.base)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(Timed::Done(self.at()));
            }
            self.alive()?;
            if self.started.elapsed() > limit {
                return Ok(Timed::NotWithin(limit.as_secs_f64()));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Until matching's replica holds `enough`, from the start; polled every `every`.
    async fn until_held(
        &mut self,
        db: &DatabaseConnection,
        enough: i64,
        every: Duration,
        limit: Duration,
    ) -> anyhow::Result<Timed> {
        loop {
            if held(db).await >= enough {
                return Ok(Timed::Done(self.at()));
            }
            self.alive()?;
            if self.started.elapsed() > limit {
                return Ok(Timed::NotWithin(limit.as_secs_f64()));
            }
            tokio::time::sleep(every).await;
        }
    }

    /// When its CPU went quiet (None: not within the limit), and its RSS [`IDLE_SECS`] later.
    async fn idle(&mut self) -> anyhow::Result<(Option<f64>, u64)> {
        let quiet = platform::settle(self.pid, SETTLE_LIMIT).await.ok().map(|()| self.at());
        tokio::time::sleep(Duration::from_secs(IDLE_SECS)).await;
        self.alive()?;
        Ok((quiet, memory(self.pid)?.rss_kib))
    }

    /// The peak, the samples, and a timed SIGTERM.
    async fn stop(mut self) -> anyhow::Result<(u64, Vec<Sample>, Stop)> {
        self.alive()?;
        let peak = memory(self.pid)?.hwm_kib;
        self.sampler.abort();
        let samples = self.samples.lock().map(|s| s.clone()).unwrap_or_default();
        let (took, status) = self.process.terminate(STOP_LIMIT).await?;
        let stop = match status {
            Some(status) => Stop { exit: Timed::Done(took.as_secs_f64()), status: status.to_string() },
            None => Stop { exit: Timed::NotWithin(STOP_LIMIT.as_secs_f64()), status: "killed".into() },
        };
        Ok((peak, samples, stop))
    }
}

/// `serve all` on the folder: ready, optionally until matching holds `total`, optionally idle;
/// then a SIGTERM.
async fn serve(
    prepared: &Prepared,
    taxonomy: &Path,
    db: &DatabaseConnection,
    total: i64,
    talents: usize,
    catch_up: bool,
    idle: bool,
) -> anyhow::Result<Serving> {
    let held_at_start = held(db).await;
    let mut w = Watched::start(prepared, taxonomy).await?;
    let ready = w.ready(ready_limit(talents)).await?;
    let held_at_ready = held(db).await;
    let mut caught_up = None;
    let mut idled = None;
    if ready.secs().is_some() {
        if catch_up {
            caught_up = Some(w.until_held(db, total, Duration::from_secs(1), catch_up_limit(talents)).await?);
        }
        if idle && caught_up.is_none_or(|c| c.secs().is_some()) {
            idled = Some(w.idle().await?);
        }
    }
    let (peak_kib, samples, stop) = w.stop().await?;
    Ok(Serving { ready, held_at_start, held_at_ready, caught_up, idle: idled, peak_kib, samples, stop })
}

/// SIGTERM once matching holds a quarter of the set (catching up), then the next start.
async fn interrupt(prepared: &Prepared, taxonomy: &Path, total: i64, talents: usize) -> anyhow::Result<Interrupted> {
    let db = connect_ro(prepared).await?;
    let held_at_start = held(&db).await;
    let mut w = Watched::start(prepared, taxonomy).await?;
    let ready = w.ready(ready_limit(talents)).await?;
    let held_at_ready = held(&db).await;
    let signal = match ready {
        Timed::Done(_) => {
            w.until_held(&db, (total / 4).max(1), Duration::from_millis(200), catch_up_limit(talents)).await?
        }
        not => not,
    };
    let held_at_signal = held(&db).await;
    let (peak_kib, samples, stop) = w.stop().await?;
    let first = Serving { ready, held_at_start, held_at_ready, caught_up: None, idle: None, peak_kib, samples, stop };
    let Timed::Done(signalled_at) = signal else {
        bail!("matching held under a quarter of the set before the limit ({held_at_signal} of {total})");
    };
    if held_at_signal >= total {
        bail!("matching had caught up before the signal ({held_at_signal} of {total})");
    }
    let held_after = held(&db).await;
    let resumed = serve(prepared, taxonomy, &db, total, talents, true, false).await.map_err(|e| format!("{e:#}"));
    db.close().await?;
    Ok(Interrupted { first, signalled_at, held_at_signal, held_after, resumed })
}

#[cfg(test)]
mod tests {
    use super::{Memory, parse_status};

    #[test]
    fn memory_is_read_from_proc_status() {
        let status = "Name:\tcrocevia\nVmPeak:\t 2100000 kB\nVmHWM:\t  812344 kB\nVmRSS:\t  401020 kB\nThreads:\t12\n";
        assert_eq!(parse_status(status), Some(Memory { rss_kib: 401_020, hwm_kib: 812_344 }));
        // A zombie has no memory lines.
        assert_eq!(parse_status("Name:\tcrocevia\nState:\tZ (zombie)\n"), None);
    }
}

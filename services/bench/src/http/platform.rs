//! The platform under test: the generated data set imported by `crocevia import` into a data
//! folder kept between runs (bench/tmp/http-TALENTS, rebuilt when absent or incomplete), and
//! the release `crocevia serve all` on it, started on a free port and left to settle.

use crate::pipeline::process::{ServiceProcess, crocevia_binary};
use anyhow::{Context, bail};
use crocevia_synth::Dataset;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The bench's administrator (admins may search every kind, talents included).
const EMAIL: &str = "bench-http@example.org";
const PASSWORD: &str = "tramonto sul Po, bench di carico 2026";
/// Marks a folder whose import and account finished.
pub(crate) const DONE: &str = "imported";

/// The data folder of `talents`, and how long its import took (None: reused).
#[derive(Debug)]
pub struct Prepared {
    pub root: PathBuf,
    pub import_secs: Option<f64>,
}

impl Prepared {
    pub(crate) fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }
}

/// The folder for `talents`, imported now unless an earlier run finished it.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn prepare(dataset: &Dataset, talents: usize, taxonomy: &Path) -> anyhow::Result<Prepared> {
    let root = std::path::absolute(PathBuf::from("bench/tmp").join(format!("http-{talents}")))?;
    if root.join(DONE).is_file() {
        println!("http: reusing the imported data set in {}", root.display());
        return Ok(Prepared { root, import_secs: None });
    }
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("removing the unfinished {}", root.display()))?;
    }
    let generated = root.join("generated");
    dataset.write_dir(&generated)?;
    let prepared = Prepared { root: root.clone(), import_secs: None };
    println!("http: crocevia import of {} entities into {} ...", dataset.entity_count(), root.display());
    let started = Instant::now();
    crocevia(&prepared, taxonomy, &[std::ffi::OsStr::new("import"), generated.as_os_str()], &[]).await?;
    let import_secs = started.elapsed().as_secs_f64();
    let account = ["add-user", "--role", "admin", "--email", EMAIL, "--display-name", "Bench"];
    let args: Vec<&std::ffi::OsStr> = account.iter().map(std::ffi::OsStr::new).collect();
    crocevia(&prepared, taxonomy, &args, &[("CROCEVIA_NEW_PASSWORD", PASSWORD)]).await?;
    std::fs::write(root.join(DONE), format!("{import_secs:.1}\n"))?;
    Ok(Prepared { root, import_secs: Some(import_secs) })
}

/// The environment of a `crocevia` command on the folder (the scale section's runs too).
pub(crate) fn env(prepared: &Prepared, taxonomy: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("CROCEVIA__DATA_DIR", prepared.data_dir().display().to_string()),
        ("CROCEVIA__TAXONOMY_DIR", taxonomy.display().to_string()),
        ("CROCEVIA__TELEMETRY__FILTER", "warn".to_owned()),
        ("CROCEVIA__GATEWAY__WEB_DIR", prepared.root.join("no-web-app").display().to_string()),
        // The token must outlive the rounds.
        ("CROCEVIA__GATEWAY__TOKEN_TTL_MINUTES", "600".to_owned()),
    ]
}

/// Runs `crocevia ARGS` on the folder and fails with its output if it fails.
async fn crocevia(
    prepared: &Prepared,
    taxonomy: &Path,
    args: &[&std::ffi::OsStr],
    extra: &[(&str, &str)],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(prepared.data_dir())?;
    let output = tokio::process::Command::new(crocevia_binary()?)
        .args(args)
        .envs(env(prepared, taxonomy))
        .envs(extra.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .context("running crocevia")?;
    if !output.status.success() {
        bail!(
            "crocevia {:?} failed ({}):\n{}\n{}",
            args,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// `crocevia serve all` on the folder, ready, and settled: its first start builds the index
/// and the matching replica and consumes the import's events; the rounds wait until its CPU
/// is quiet.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn serve(prepared: &Prepared, taxonomy: &Path) -> anyhow::Result<ServiceProcess> {
    let mut process = ServiceProcess::start_embedded(&prepared.root, &env(prepared, taxonomy)).await?;
    let client = reqwest::Client::new();
    let started = Instant::now();
    // A first start builds the index and fills matching from the database before it is ready.
    process.wait_ready(&client, Duration::from_secs(1200)).await?;
    println!(
        "http: serve all ready at {} after {:.1} s; waiting for it to settle...",
        process.base,
        started.elapsed().as_secs_f64()
    );
    let pid = process.pid().context("the server's pid")?;
    settle(pid, Duration::from_secs(1200)).await?;
    println!("http: serve all settled after {:.1} s", started.elapsed().as_secs_f64());
    Ok(process)
}

/// CPU seconds (user + system) a process used so far.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("reading /proc/PID/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).context("a CPU time field");
    // utime and stime are fields 14 and 15 of stat(5): 12 and 13 after the name.
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

/// CPU seconds the whole machine spent busy so far (every process: /proc/stat).
pub fn machine_busy_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let cpu = stat.lines().next().context("reading /proc/stat")?;
    let ticks: Vec<f64> = cpu.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    let busy: f64 = ticks.iter().take(8).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, t)| t).sum();
    Ok(busy / 100.0)
}

/// Waits until the process used under 5% of a core over 3 s running.
pub(crate) async fn settle(pid: u32, limit: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    let mut quiet = 0;
    let mut before = cpu_seconds(pid)?;
    while quiet < 3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = cpu_seconds(pid)?;
        quiet = if now - before < 0.05 { quiet + 1 } else { 0 };
        before = now;
        if Instant::now() > deadline {
            bail!("crocevia serve all was still busy after {limit:?}");
        }
    }
    Ok(())
}

/// A token of the bench's administrator, from the GraphQL `login` mutation.
pub async fn login(base: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({
        "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        "variables": { "e": EMAIL, "p": PASSWORD },
    });
    let answer: serde_json::Value =
        reqwest::Client::new().post(format!("{base}/graphql")).json(&body).send().await?.json().await?;
    answer["data"]["login"]["token"].as_str().map(str::to_owned).with_context(|| format!("login answered {answer}"))
}

//! A service of the distributed mode as its own process: this same binary run as
//! `crocevia serve ROLE --config deploy/config/ROLE.toml`, with environment overrides that
//! make the run its own (database, topic suffix, consumer group, data folder).

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub(crate) const START_LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug)]
pub struct ServiceProcess {
    role: &'static str,
    child: Child,
    log: PathBuf,
    pub base: String,
}

/// The `crocevia` binary: `CROCEVIA_BIN`, else the one built beside this bench binary
/// (`make bench` builds both into target/release).
pub(crate) fn crocevia_binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("CROCEVIA_BIN") {
        return Ok(PathBuf::from(path));
    }
    let me = std::env::current_exe().context("locating the bench binary")?;
    let beside = me.with_file_name("crocevia");
    if !beside.is_file() {
        bail!("{} not found: build it (cargo build --release -p crocevia) or set CROCEVIA_BIN", beside.display());
    }
    Ok(beside)
}

impl ServiceProcess {
    /// Starts `serve role` on a free port and returns once it listens; its log goes to a file
    /// in `dir` (quoted in errors), so it does not mix with the bench's progress.
    pub async fn start(role: &'static str, dir: &Path, env: &[(&str, String)]) -> anyhow::Result<Self> {
        let config = PathBuf::from("deploy/config").join(format!("{role}.toml"));
        if !config.is_file() {
            bail!("{} not found: run the bench from the repository root", config.display());
        }
        Self::spawn(role, Some(&config), dir, env).await
    }

    /// Starts `serve all` (the embedded mode) with the default configuration and `env`.
    pub async fn start_embedded(dir: &Path, env: &[(&str, String)]) -> anyhow::Result<Self> {
        Self::spawn("all", None, dir, env).await
    }

    /// The process id (for CPU accounting and profilers).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    async fn spawn(
        role: &'static str,
        config: Option<&Path>,
        dir: &Path,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let exe = crocevia_binary()?;
        let log = dir.join(format!("{role}.log"));
        let log_file = std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let mut command = Command::new(exe);
        command.args(["serve", role]);
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        let mut child = command
            .args(["--host", "127.0.0.1", "--port", "0"])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting crocevia serve {role}"))?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let listening = tokio::time::timeout(START_LIMIT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    return Ok::<_, std::io::Error>(Some(format!("http://{}", rest.trim_end_matches('/'))));
                }
            }
            Ok(None)
        })
        .await;
        let base = match listening {
            Ok(Ok(Some(base))) => base,
            Ok(Ok(None)) => bail!("crocevia serve {role} exited before listening:\n{}", tail(&log)),
            Ok(Err(e)) => bail!("reading crocevia serve {role}'s output: {e}"),
            Err(_) => bail!("crocevia serve {role} did not listen within {START_LIMIT:?}:\n{}", tail(&log)),
        };
        // Keep reading, so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        tracing::info!(role, %base, "service process started");
        Ok(Self { role, child, log, base })
    }

    /// Waits until `/readyz` answers 200 (its consumers and relay are running), at most `limit`.
    pub async fn wait_ready(&mut self, client: &reqwest::Client, limit: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            let ready = client.get(format!("{}/readyz", self.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("crocevia serve {} exited ({status}):\n{}", self.role, tail(&self.log));
            }
            if Instant::now() > deadline {
                bail!("crocevia serve {} was not ready within {limit:?}:\n{}", self.role, tail(&self.log));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How the process ended, if it has.
    pub fn exited(&mut self) -> anyhow::Result<Option<std::process::ExitStatus>> {
        Ok(self.child.try_wait()?)
    }

    /// The end of the process's log, for an error message.
    pub fn log_tail(&self) -> String {
        tail(&self.log)
    }

    /// SIGTERM, timed: how long the process took to exit and how it ended, or `None` when it
    /// still ran after `limit` (then it is killed).
    pub async fn terminate(mut self, limit: Duration) -> anyhow::Result<(Duration, Option<std::process::ExitStatus>)> {
        let pid = self.child.id().context("the process had already been waited for")?;
        let pid = nix::unistd::Pid::from_raw(i32::try_from(pid)?);
        let asked = Instant::now();
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).context("sending SIGTERM")?;
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => Ok((asked.elapsed(), Some(status?))),
            Err(_) => {
                self.child.kill().await?;
                Ok((asked.elapsed(), None))
            }
        }
    }

    /// SIGTERM (the process leaves its group and flushes), then SIGKILL if it lingers.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        match tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await {
            Ok(status) => {
                status?;
            }
            Err(_) => {
                tracing::warn!(role = self.role, "service process ignored SIGTERM; killing it");
                self.child.kill().await?;
            }
        }
        Ok(())
    }
}

/// The end of a child's log, for an error message.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

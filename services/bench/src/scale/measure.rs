//! `crocevia-bench measure --limit-secs S -- PROGRAM ARGS` (hidden): runs one program as this
//! process's only child and prints, as a JSON line after the child's own output, how it ended,
//! its wall time, its CPU and its peak resident memory. The kernel keeps the peak (`ru_maxrss`)
//! of the children a process has waited for; in a process with one child, that is the child's
//! own peak, however briefly it was reached, which sampling /proc could miss.

use anyhow::Context;
use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, clap::Args)]
pub struct MeasureArgs {
    /// Kill the program (and say so) if it runs longer than this.
    #[arg(long)]
    pub limit_secs: f64,
    /// The program and its arguments.
    #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
    pub command: Vec<OsString>,
}

/// How the measured program ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub success: bool,
    /// Its exit status as the OS says it ("exit status: 0", "signal: 9 (SIGKILL)").
    pub status: String,
    /// Killed after the limit.
    pub timed_out: bool,
    pub wall_secs: f64,
    /// User + system CPU seconds.
    pub cpu_secs: f64,
    /// Peak resident set size, KiB.
    pub max_rss_kib: u64,
}

fn secs(t: TimeVal) -> f64 {
    t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
pub fn main(args: &MeasureArgs) -> anyhow::Result<()> {
    let (program, rest) = args.command.split_first().context("no program to measure")?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.limit_secs);
    let mut child = std::process::Command::new(program)
        .args(rest)
        .stdin(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", program.to_string_lossy()))?;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status, false);
        }
        if Instant::now() > deadline {
            child.kill()?;
            break (child.wait()?, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall_secs = started.elapsed().as_secs_f64();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    let measured = Measured {
        success: status.success() && !timed_out,
        status: status.to_string(),
        timed_out,
        wall_secs,
        cpu_secs: secs(usage.user_time()) + secs(usage.system_time()),
        // Linux counts ru_maxrss in KiB.
        max_rss_kib: u64::try_from(usage.max_rss()).unwrap_or_default(),
    };
    println!("{}", serde_json::to_string(&measured)?);
    Ok(())
}

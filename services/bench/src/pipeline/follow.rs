//! Following the search consumer until it applied a given number of events, within limits:
//! a broker that serves slowly makes a part of the bench end with what it reached (and why)
//! instead of running for hours or failing the parts that come after it.

use super::applied;
use super::progress::Progress;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// No event applied for this long: the consumer is not being served.
const STALL: Duration = Duration::from_secs(120);

/// How a followed run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Complete,
    Stalled,
    OutOfTime,
}

impl Ended {
    /// Why a run stopped short, for the report.
    pub fn reason(self, limit: Duration) -> Option<String> {
        match self {
            Ended::Complete => None,
            Ended::Stalled => Some(format!("stalled: no event applied for {} s", STALL.as_secs())),
            Ended::OutOfTime => Some(format!("stopped at its time limit of {} s", limit.as_secs())),
        }
    }
}

#[derive(Debug)]
pub struct Follow {
    base: u64,
    target: u64,
    pub started: Instant,
    limit: Duration,
    last: u64,
    moved: Instant,
    progress: Progress,
}

impl Follow {
    /// Starts the clock: events the consumers of this process apply from now on count.
    pub fn start(target: u64, limit: Duration, progress: Progress) -> Self {
        let now = Instant::now();
        Self { base: applied(), target, started: now, limit, last: 0, moved: now, progress }
    }

    /// Events applied since the start.
    pub fn done(&self) -> u64 {
        applied() - self.base
    }

    /// `None` while the run goes on; then how it ended.
    pub fn step(&mut self) -> Option<Ended> {
        let done = self.done();
        if done >= self.target {
            self.progress.finish();
            return Some(Ended::Complete);
        }
        if done > self.last {
            (self.last, self.moved) = (done, Instant::now());
            self.progress.set(done);
        }
        let ended = if self.moved.elapsed() > STALL {
            Some(Ended::Stalled)
        } else if self.started.elapsed() > self.limit {
            Some(Ended::OutOfTime)
        } else {
            None
        };
        if ended.is_some() {
            self.progress.finish();
        }
        ended
    }
}

/// Stops a consumer (and a relay) and waits for them to leave cleanly; tasks a stuck broker
/// holds longer than a minute are aborted, so the bench goes on.
pub async fn stop(stop: tokio::sync::watch::Sender<bool>, tasks: Vec<JoinHandle<()>>) {
    let _ = stop.send(true);
    for task in tasks {
        let abort = task.abort_handle();
        match tokio::time::timeout(Duration::from_secs(60), task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "a bench service task failed"),
            Err(_) => {
                tracing::warn!("a bench service task did not stop within 60 s; aborted");
                abort.abort();
            }
        }
    }
}

//! Progress of the long parts: a bar on a terminal (the style of `crocevia reindex`), and a
//! line every few seconds otherwise, so that `make bench | tee` still shows it is moving.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LINE_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    label: &'static str,
    total: u64,
    /// Without a terminal: when the last line was printed, and since when it runs.
    lines: Option<Arc<Mutex<(Instant, Instant)>>>,
}

impl Progress {
    pub fn new(label: &'static str, total: u64) -> Self {
        let tty = std::io::stderr().is_terminal();
        let bar = if tty { ProgressBar::new(total) } else { ProgressBar::hidden() };
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg:<22} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label);
        let now = Instant::now();
        Self { bar, label, total, lines: (!tty).then(|| Arc::new(Mutex::new((now, now)))) }
    }

    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        self.line(self.bar.position());
    }

    pub fn set(&self, position: u64) {
        self.bar.set_position(position);
        self.line(position);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    #[expect(clippy::print_stdout, reason = "progress of a long command")]
    fn line(&self, position: u64) {
        let Some(lines) = &self.lines else { return };
        let mut guard = lines.lock().unwrap_or_else(|p| p.into_inner());
        let (last, started) = &mut *guard;
        if last.elapsed() < LINE_EVERY {
            return;
        }
        *last = Instant::now();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "  {}: {position}/{} ({:.0}/s, {secs:.0} s)",
            self.label,
            self.total,
            position as f64 / secs.max(1e-9)
        );
    }
}

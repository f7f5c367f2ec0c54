//! The section "One machine, a million people (issue 23)" of bench/RESULTS.md.

use super::{Figures, IDLE_SECS, Import, Serving, Stop, Timed};
use crate::report::{machine, verdict};

const MILLION: f64 = 1_000_000.0;
const GIB_KIB: u64 = 1024 * 1024;
/// `crocevia import` of 10^6 talents into a fresh store.
const IMPORT_SECS_AT_MILLION: f64 = 180.0;
/// The peak memory of an import.
const IMPORT_RSS_KIB: u64 = GIB_KIB;
/// Initial matching of a freshly imported 10^6 set.
const INITIAL_MATCHING_SECS_AT_MILLION: f64 = 600.0;
/// The catch-up rate (of changes through the bus; the first fill is shown against it).
const CATCH_UP_PER_SEC: f64 = 2000.0;

/// `serve all`'s memory bound for the data set: 1 GiB holding 10^5 talents, 4 GiB at 10^6.
pub fn serve_bound_kib(talents: usize) -> u64 {
    if talents <= 100_000 { GIB_KIB } else { 4 * GIB_KIB }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn timed(t: Timed) -> String {
    match t {
        Timed::Done(s) => format!("{s:.1}"),
        Timed::NotWithin(limit) => format!("did not finish in {limit:.0} s"),
    }
}

/// A 10^6 figure: measured at 10^6 talents or more, else projected linearly (and labelled).
struct AtMillion {
    secs: f64,
    projected: bool,
}

impl AtMillion {
    fn of(secs: f64, talents: usize) -> Self {
        let projected = (talents as f64) < MILLION;
        Self { secs: if projected { secs * MILLION / talents.max(1) as f64 } else { secs }, projected }
    }

    fn cell(&self) -> String {
        if self.projected { format!("~{:.0} s (projection, linear)", self.secs) } else { format!("{:.1} s", self.secs) }
    }

    fn verdict(&self, target: f64) -> String {
        let v = verdict(self.secs <= target);
        if self.projected { format!("{v} (projected)") } else { v.to_owned() }
    }
}

fn import_row(store: &str, import: &Result<Import, String>, talents: usize) -> String {
    match import {
        Err(e) => format!("| {store} | FAILED: {} | | | | | | | | |\n", one_line(e)),
        Ok(i) => {
            let (secs, rate, million, v_time) = match i.wall {
                Timed::Done(s) => {
                    let m = AtMillion::of(s, talents);
                    (
                        format!("{s:.1}"),
                        format!("{:.0}", i.entities as f64 / s.max(1e-9)),
                        m.cell(),
                        m.verdict(IMPORT_SECS_AT_MILLION),
                    )
                }
                not => (timed(not), "–".into(), "–".into(), verdict(false).to_owned()),
            };
            let cores = i.wall.secs().map_or("–".into(), |s| format!("{:.2}", i.cpu_secs / s.max(1e-9)));
            format!(
                "| {store} | {} | {secs} | {rate} | {million} | {v_time} | **{:.0}** | {} | {cores} | {:.2} |\n",
                i.entities,
                mib(i.max_rss_kib),
                verdict(i.max_rss_kib <= IMPORT_RSS_KIB),
                i.others_cores,
            )
        }
    }
}

fn one_line(e: &str) -> String {
    e.lines().next().unwrap_or_default().replace('|', "/")
}

/// What the largest sample's time fell in.
fn phase(s: &Serving, at: f64) -> &'static str {
    match (s.ready.secs(), s.caught_up.and_then(Timed::secs)) {
        (Some(r), _) if at < r => "starting",
        (_, Some(c)) if at <= c => "catching up",
        (_, Some(_)) => "caught up",
        _ if s.caught_up.is_none() && s.held_at_start > 0 && s.idle.is_some() => "serving",
        _ => "catching up",
    }
}

fn serving_row(run: &str, serving: &Result<Serving, String>, total: i64, bound: u64) -> String {
    let s = match serving {
        Err(e) => return format!("| {run} | FAILED: {} | | | | | | | | | |\n", one_line(e)),
        Ok(s) => s,
    };
    let caught = s.caught_up.map_or("–".into(), |c| match c.secs() {
        Some(secs) if s.held_at_start >= total => format!("held at start ({secs:.1})"),
        _ => timed(c),
    });
    let rate = match s.caught_up.and_then(Timed::secs) {
        Some(secs) if s.held_at_start < total => format!("{:.0}", (total - s.held_at_start) as f64 / secs.max(1e-9)),
        _ => "–".into(),
    };
    let largest = s
        .largest()
        .map_or("–".into(), |l| format!("{:.0} at {:.0} s ({})", mib(l.memory.rss_kib), l.at, phase(s, l.at)));
    let idle = s.idle.map_or("–".into(), |(_, rss)| format!("{:.0}", mib(rss)));
    let end = s.caught_up.and_then(Timed::secs).or_else(|| s.samples.last().map(|l| l.at)).unwrap_or(0.0);
    let (mine, others) =
        s.cores(0.0, end).map_or(("–".into(), "–".into()), |(m, o)| (format!("{m:.2}"), format!("{o:.2}")));
    format!(
        "| {run} | {} | {} | {caught} | {rate} | **{:.0}** | {} | {largest} | {idle} | {mine} | {others} |\n",
        timed(s.ready),
        s.held_at_ready,
        mib(s.peak_kib),
        verdict(s.peak_kib <= bound),
    )
}

fn stop_row(when: &str, stop: Option<&Stop>, held: &str) -> String {
    match stop {
        None => format!("| {when} | – | – | – | {held} |\n"),
        Some(stop) => {
            format!("| {when} | **{}** | {} | {} | {held} |\n", timed(stop.exit), stop.status, verdict(stop.met()))
        }
    }
}

/// The section; `only`: written by `--only scale` (else by a whole `make bench`).
pub fn render(f: &Figures, only: bool) -> String {
    let bound = serve_bound_kib(f.talents);
    let mut text = format!(
        "\n## One machine, a million people (issue 23)\n\n\
         Written by `crocevia-bench{only} --talents {talents}` on {date}; {machine}.\n\n\
         The release `crocevia` binary run as an operator runs it, on `crocevia generate --talents {talents} --seed 42` \
         ({entities} entities, {matched} of them of the kinds matching ranks: talents, offers, startups, programmes; {origin}). \
         Each import goes into a fresh data folder (SQLite) or a fresh PostgreSQL database. The peak RSS of an import is the \
         kernel's `ru_maxrss` of the import process (`crocevia-bench measure` runs it as its only child and reads \
         `getrusage(RUSAGE_CHILDREN)` after waiting for it). `serve all` (SQLite, in-process bus) is sampled every second \
         (VmRSS from /proc); its peak is its VmHWM read just before the SIGTERM, so it covers the whole run between samples \
         too. \"Every entity held\" is when `SELECT count(*) FROM matching_entities` (a read-only connection beside the \
         process, every second) reaches {matched}; catch-up entities/s is what matching filled over the time from the \
         process's start to then. Idle RSS is read {idle} s after the process's CPU went quiet (under 5% of a core for 3 s). \
         The SIGTERM during catch-up is sent, on a second copy of the import taken before any start, once matching holds \
         a quarter of the set. \"Others' CPU\" is what the machine spent on every other process meanwhile (these 2 cores \
         are shared with another engineer's builds and tests; PostgreSQL's own work counts there for its import).\n\n\
         ### Import\n\n\
         | store | entities | seconds | entities/s | 10^6 talents | target ≤ 180 s at 10^6 | peak RSS MiB | ≤ 1024 MiB | import CPU, cores | others' CPU, cores |\n\
         |---|---:|---:|---:|---|---|---:|---|---:|---:|\n",
        talents = f.talents,
        only = if only { " --only scale" } else { "" },
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine = machine(),
        entities = f.entities,
        matched = f.matched,
        origin = f.data.origin,
        idle = IDLE_SECS,
    );
    text.push_str(&import_row("SQLite (fresh data folder)", &f.import_sqlite, f.talents));
    text.push_str(&import_row("PostgreSQL (fresh database)", &f.import_pg, f.talents));
    let resumed = f.interrupted.as_ref().map_err(Clone::clone).and_then(|i| i.resumed.clone());
    let signalled = f.interrupted.as_ref().map(|i| i.first.clone()).map_err(Clone::clone);
    text.push_str(&format!(
        "\n### `serve all`\n\n\
         | run | ready (/readyz 200), s | held at ready | every entity held, s | catch-up entities/s | peak RSS MiB (VmHWM) | ≤ {:.0} MiB | largest 1-s sample MiB | RSS idle {IDLE_SECS} s, MiB | crocevia CPU, cores | others' CPU, cores |\n\
         |---|---:|---:|---|---:|---:|---|---|---:|---:|---:|\n",
        mib(bound)
    ));
    text.push_str(&serving_row("first start on the fresh import", &f.first, f.matched, bound));
    text.push_str(&serving_row("restart of the caught-up instance", &f.restart, f.matched, bound));
    text.push_str(&serving_row("start that gets SIGTERM while catching up", &signalled, f.matched, bound));
    text.push_str(&serving_row("the start after that SIGTERM", &resumed, f.matched, bound));

    text.push_str(
        "\n### SIGTERM\n\n\
         | when | SIGTERM → exit, s | exit status | ≤ 10 s and exit 0 | matching held at the signal → after the exit |\n\
         |---|---:|---|---|---|\n",
    );
    match &f.interrupted {
        Ok(i) => text.push_str(&stop_row(
            &format!("catching up ({:.0} s after the start)", i.signalled_at),
            Some(&i.first.stop),
            &format!("{} → {} of {}", i.held_at_signal, i.held_after, f.matched),
        )),
        Err(e) => text.push_str(&format!("| catching up | FAILED: {} | | | |\n", one_line(e))),
    }
    let ok = |s: &Result<Serving, String>| s.as_ref().ok().map(|s| s.stop.clone());
    text.push_str(&stop_row("idle, after the first start caught up", ok(&f.first).as_ref(), "–"));
    text.push_str(&stop_row("idle, the caught-up restart", ok(&f.restart).as_ref(), "–"));
    text.push_str(&stop_row("after the start that resumed caught up", ok(&resumed).as_ref(), "–"));

    text.push_str(&targets(f, bound, &signalled, &resumed));
    text
}

/// The targets, one line each.
fn targets(f: &Figures, bound: u64, signalled: &Result<Serving, String>, resumed: &Result<Serving, String>) -> String {
    let mut text = String::from("\n### Against the issue's targets\n\n");
    for (store, import) in [("SQLite", &f.import_sqlite), ("PostgreSQL", &f.import_pg)] {
        let line = match import {
            Ok(i) => match i.wall {
                Timed::Done(s) => {
                    let m = AtMillion::of(s, f.talents);
                    format!(
                        "{} at 10^6 (target ≤ 180 s: {}); peak RSS {:.0} MiB (≤ 1 GiB: {})",
                        m.cell(),
                        m.verdict(IMPORT_SECS_AT_MILLION),
                        mib(i.max_rss_kib),
                        verdict(i.max_rss_kib <= IMPORT_RSS_KIB)
                    )
                }
                not => format!("{}: NOT met", timed(not)),
            },
            Err(e) => format!("FAILED: {}", one_line(e)),
        };
        text.push_str(&format!("- Import into {store}: {line}\n"));
    }
    let runs = [&f.first, &f.restart, signalled, resumed];
    let peaks: Vec<u64> = runs.iter().filter_map(|r| r.as_ref().ok().map(|s| s.peak_kib)).collect();
    let all_ran = peaks.len() == runs.len();
    let peak = peaks.iter().copied().max().unwrap_or(0);
    text.push_str(&format!(
        "- `serve all` holding {} talents, from start through catch-up to idle: peak RSS **{:.0} MiB** over {} runs (≤ {:.0} MiB: {})\n",
        f.talents,
        mib(peak),
        peaks.len(),
        mib(bound),
        verdict(all_ran && peak <= bound)
    ));
    let stops: Vec<Stop> = runs.iter().filter_map(|r| r.as_ref().ok().map(|s| s.stop.clone())).collect();
    let slowest = stops.iter().filter_map(|s| s.exit.secs()).fold(0.0, f64::max);
    text.push_str(&format!(
        "- SIGTERM ends `serve all` within 10 s, catch-up included: slowest of {} stops {slowest:.1} s ({})\n",
        stops.len(),
        verdict(all_ran && stops.iter().all(Stop::met))
    ));
    match f.first.as_ref().ok().and_then(|s| s.caught_up) {
        Some(Timed::Done(secs)) => {
            let m = AtMillion::of(secs, f.talents);
            let rate = f.matched as f64 / secs.max(1e-9);
            text.push_str(&format!(
                "- Initial matching of a freshly imported 10^6 set ≤ 10 min: {}: {}\n\
                 - Matching's first fill: **{rate:.0} entities/s** from the process's start (the issue's ≥ 2,000 changes/s is \
                 about changes through the bus; against it: {})\n",
                m.cell(),
                m.verdict(INITIAL_MATCHING_SECS_AT_MILLION),
                verdict(rate >= CATCH_UP_PER_SEC)
            ));
        }
        Some(not) => text.push_str(&format!("- Initial matching: {}: NOT met\n", timed(not))),
        None => text.push_str("- Initial matching: not measured (the first start failed)\n"),
    }
    if f.talents < 1_000_000 {
        text.push_str(&format!(
            "- Projections multiply the {}-talent time by {:.0}, as if cost grew linearly with the set; `--talents 1000000` measures it.\n",
            f.talents,
            MILLION / f.talents.max(1) as f64
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::{DataSet, Interrupted, Memory, Sample};

    fn serving(peak_mib: u64, stop: Stop) -> Serving {
        let sample = |at: f64, rss_mib: u64| Sample {
            at,
            memory: Memory { rss_kib: rss_mib * 1024, hwm_kib: rss_mib * 1024 },
            cpu: at * 0.9,
            busy: at * 1.5,
        };
        Serving {
            ready: Timed::Done(2.0),
            held_at_start: 0,
            held_at_ready: 0,
            caught_up: Some(Timed::Done(60.0)),
            idle: Some((Some(70.0), 300 * 1024)),
            peak_kib: peak_mib * 1024,
            samples: vec![sample(1.0, 100), sample(30.0, peak_mib), sample(100.0, 300)],
            stop,
        }
    }

    fn figures() -> Figures {
        let clean = Stop { exit: Timed::Done(0.4), status: "exit status: 0".into() };
        Figures {
            talents: 100_000,
            data: DataSet { dir: "g".into(), origin: "generated".into() },
            entities: 119_500,
            matched: 117_500,
            import_sqlite: Ok(Import {
                wall: Timed::Done(50.0),
                max_rss_kib: 60 * 1024,
                cpu_secs: 45.0,
                others_cores: 0.5,
                entities: 119_500,
            }),
            import_pg: Err("connection refused\nmore".into()),
            first: Ok(serving(900, clean.clone())),
            restart: Ok(serving(1500, clean.clone())),
            interrupted: Ok(Interrupted {
                first: serving(500, Stop { exit: Timed::NotWithin(30.0), status: "killed".into() }),
                signalled_at: 20.0,
                held_at_signal: 30_000,
                held_after: 30_100,
                resumed: Ok(serving(700, clean)),
            }),
        }
    }

    #[test]
    fn each_measure_is_held_against_its_target() {
        let text = render(&figures(), true);
        // 50 s at 10^5 projects to 500 s at 10^6: over 180 s; 60 MiB is within 1 GiB.
        assert!(
            text.contains("| SQLite (fresh data folder) | 119500 | 50.0 | 2390 | ~500 s (projection, linear) | NOT met (projected) | **60** | met |"),
            "{text}"
        );
        assert!(text.contains("| PostgreSQL (fresh database) | FAILED: connection refused |"), "{text}");
        // 900 MiB is within the 1 GiB of 10^5, 1500 MiB is not; the largest sample is named with its phase.
        assert!(text.contains("| **900** | met | 900 at 30 s (catching up) | 300 |"), "{text}");
        assert!(text.contains("| **1500** | NOT met |"), "{text}");
        assert!(text.contains("peak RSS **1500 MiB** over 4 runs (≤ 1024 MiB: NOT met)"), "{text}");
        // A stop that did not end in 30 s is said so, and fails the 10 s promise.
        assert!(text.contains("| **did not finish in 30 s** | killed | NOT met | 30000 → 30100 of 117500 |"), "{text}");
        assert!(text.contains("slowest of 4 stops 0.4 s (NOT met)"), "{text}");
        // 117500 entities in 60 s: 1958/s, under 2,000; 600 s projected for 10^6 meets 10 min.
        assert!(text.contains("**1958 entities/s**"), "{text}");
        assert!(text.contains("≤ 10 min: ~600 s (projection, linear): met (projected)"), "{text}");
    }

    #[test]
    fn the_memory_bound_grows_with_the_set() {
        assert_eq!(serve_bound_kib(100_000), GIB_KIB);
        assert_eq!(serve_bound_kib(1_000_000), 4 * GIB_KIB);
    }
}

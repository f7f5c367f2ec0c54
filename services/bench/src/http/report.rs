//! The section "Search over HTTP" of bench/RESULTS.md.

use super::loadgen::{MAX_IN_FLIGHT, Summary, Target, Variant};
use super::{Figures, Run, TARGETS};
use crate::pipeline::median;
use crate::report::{machine, verdict};

/// One run on one line, for the progress output.
pub fn line(run: &Run) -> String {
    let s = &run.summary;
    format!(
        "{:?} {}/s: achieved {:.1}/s, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms, dropped {}, failed {}, timed out {}, lag p99 {:.2} ms{}{}",
        s.target,
        s.rate,
        s.achieved_rate,
        s.latency.p50,
        s.latency.p99,
        s.latency.max,
        s.dropped,
        s.failed,
        s.timed_out,
        s.lag.p99,
        run.server.map_or(String::new(), |t| format!(", handler mean {:.2} ms", t.mean_ms)),
        s.first_error.as_ref().map_or(String::new(), |e| format!(", first error: {e}")),
    )
}

/// The p99 target at 200/s for this data set's size.
fn target_ms(talents: usize) -> f64 {
    if talents >= 1_000_000 { 50.0 } else { 25.0 }
}

/// The figures of one path at one rate, over its rounds.
struct Cell<'a> {
    runs: Vec<&'a Run>,
}

impl<'a> Cell<'a> {
    fn of(runs: &'a [Run], target: Target, rate: u32) -> Self {
        Self { runs: runs.iter().filter(|r| r.summary.target == target && r.summary.rate == rate).collect() }
    }

    fn med(&self, f: impl Fn(&Summary) -> f64) -> f64 {
        median(self.runs.iter().map(|r| f(&r.summary)).collect())
    }

    fn max(&self, f: impl Fn(&Summary) -> f64) -> f64 {
        self.runs.iter().map(|r| f(&r.summary)).fold(0.0, f64::max)
    }

    fn sum(&self, f: impl Fn(&Summary) -> usize) -> usize {
        self.runs.iter().map(|r| f(&r.summary)).sum()
    }

    fn p99(&self) -> f64 {
        self.med(|s| s.latency.p99)
    }

    fn errors(&self) -> usize {
        self.sum(|s| s.dropped + s.failed + s.timed_out)
    }

    /// Every request answered, at the offered rate.
    fn sustained(&self, rate: u32) -> bool {
        self.errors() == 0 && self.med(|s| s.achieved_rate) >= 0.95 * f64::from(rate)
    }

    fn handler_ms(&self) -> Option<f64> {
        let v: Vec<f64> = self.runs.iter().filter_map(|r| r.server.map(|t| t.mean_ms)).collect();
        (!v.is_empty()).then(|| median(v))
    }

    fn cores(&self) -> Option<f64> {
        let v: Vec<f64> = self.runs.iter().filter_map(|r| r.server_cpu_secs.map(|c| c / r.wall_secs)).collect();
        (!v.is_empty()).then(|| median(v))
    }

    /// Cores the machine was busy with over the runs, the server and the generator excluded.
    fn others(&self) -> f64 {
        median(
            self.runs
                .iter()
                .map(|r| {
                    let mine = r.server_cpu_secs.unwrap_or(0.0) + r.summary.generator_cores * r.wall_secs;
                    (r.machine_busy_secs - mine).max(0.0) / r.wall_secs
                })
                .collect(),
        )
    }

    fn row(&self, target: Target, rate: u32) -> String {
        let each: Vec<String> = self.runs.iter().map(|r| format!("{:.1}", r.summary.latency.p99)).collect();
        format!(
            "| {} | {rate} | {:.1} | {:.2} | **{:.2}** | {} | {:.1} | {} / {} / {} of {} | {:.2} / {:.2} / {:.1} | {} | {} | {:.2} |\n",
            target.label(),
            self.med(|s| s.achieved_rate),
            self.med(|s| s.latency.p50),
            self.p99(),
            each.join(" / "),
            self.max(|s| s.latency.max),
            self.sum(|s| s.dropped),
            self.sum(|s| s.failed),
            self.sum(|s| s.timed_out),
            self.sum(|s| s.scheduled),
            self.med(|s| s.lag.p50),
            self.med(|s| s.lag.p99),
            self.max(|s| s.lag.max),
            self.handler_ms().map_or("–".into(), |m| format!("{m:.2}")),
            self.cores().map_or("–".into(), |c| format!("{c:.2}")),
            self.others(),
        )
    }
}

pub fn render(f: &Figures) -> String {
    let plan = &f.plan;
    let top = plan.rates.iter().copied().max().unwrap_or(200);
    let goal = target_ms(plan.talents);
    let mut text = format!(
        "\n## Search over HTTP (issue 23)\n\n\
         Written by `crocevia-bench --only http --talents {talents}` on {date}; {machine}.\n\n\
         The release `crocevia serve all` (SQLite, in-process bus) on `crocevia generate --talents {talents} --seed 42` \
         ({entities} entities, {docs} searchable documents) imported by `crocevia import` into bench/tmp/http-{talents} ({import}), \
         settled (its first start builds the index and the matching replica) before any round. \
         The baseline is PostgreSQL FTS (the search section's query: `ts_rank` over Italian and English `tsvector`s with GIN \
         indexes, any word, best 20 of the kind; 8 connections; loaded with its GIN build in {pg:.1} s) behind an axum handler of the \
         same request shape in the bench process; it returns ids and titles, without the facets and snippets crocevia computes.\n\n\
         The load generator is `crocevia-bench loadgen`, a process of its own on one thread (a current-thread tokio runtime), \
         open loop: request *i* is due at *i*/rate s and sent then, whatever the others are doing; latency counts from the due \
         time to the whole answer (so a stall is charged to every request due behind it), and the generator's own lateness is \
         reported as its lag. At most {bound} requests are in flight: one due while {bound} are outstanding is dropped and \
         counted, and answers not in 10 s after the last due time count as timed out. Each run is 1 s of warm-up (not counted), \
         then {secs} s; the {n} Italian and English questions of the search section in turn, each with the `sector` and `comune` \
         facets and 20 hits with snippets, as an administrator (a bearer token, checked against the account on every request; \
         admins may search talents). GraphQL asks `total hits {{ id title snippet score }} facets {{ name values {{ value count }} }}`; \
         REST answers every hit field. {rounds} rounds, each REST, GraphQL and PostgreSQL at {rates} in turn; figures are \
         medians of the rounds (max: the largest), errors are summed. The machine is shared: the last column is the CPU the \
         machine spent on everything but the server and the generator during the runs (for PostgreSQL rows: PostgreSQL and \
         its handler, and anything else).\n\n\
         | path | offered/s | achieved/s | p50 ms | p99 ms | p99 each round | max ms | dropped / failed / timed out | generator lag p50 / p99 / max ms | crocevia handler mean ms | crocevia CPU, cores | other processes' CPU, cores |\n\
         |---|---:|---:|---:|---:|---|---:|---|---|---:|---:|---:|\n",
        talents = plan.talents,
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine = machine(),
        entities = f.entities,
        docs = f.docs,
        import = f.import_secs.map_or_else(|| "reused from an earlier run".to_owned(), |s| format!("{s:.0} s")),
        pg = f.pg_load_secs,
        bound = MAX_IN_FLIGHT,
        secs = plan.seconds,
        n = crate::search::QUERIES.len(),
        rounds = plan.rounds,
        rates = plan.rates.iter().map(|r| format!("{r}/s")).collect::<Vec<_>>().join(", "),
    );
    for &rate in &plan.rates {
        for target in TARGETS {
            text.push_str(&Cell::of(&f.runs, target, rate).row(target, rate));
        }
    }
    text.push_str("\n| offered/s | REST p99 / PostgreSQL p99 | GraphQL p99 / PostgreSQL p99 | PostgreSQL handler |\n|---:|---:|---:|---|\n");
    let mut ratios_ok = true;
    for &rate in &plan.rates {
        let pg = Cell::of(&f.runs, Target::Pg, rate);
        let (rest, graphql) =
            (Cell::of(&f.runs, Target::Rest, rate).p99(), Cell::of(&f.runs, Target::Graphql, rate).p99());
        let (r, g) = (rest / pg.p99(), graphql / pg.p99());
        ratios_ok &= r <= 0.2 && g <= 0.2;
        let state = if pg.sustained(rate) {
            "sustained".to_owned()
        } else {
            format!(
                "**not sustained**: {:.1}/s answered, {} of {} requests dropped or timed out at the {}-request bound, backlog at the end of the schedule {} (median)",
                pg.med(|s| s.achieved_rate),
                pg.errors(),
                pg.sum(|s| s.scheduled),
                MAX_IN_FLIGHT,
                pg.med(|s| s.backlog_at_end as f64),
            )
        };
        text.push_str(&format!("| {rate} | {r:.3} | {g:.3} | {state} |\n"));
    }
    let (rest, graphql) = (Cell::of(&f.runs, Target::Rest, top), Cell::of(&f.runs, Target::Graphql, top));
    let met = |c: &Cell| c.p99() <= goal && c.sustained(top);
    text.push_str(&format!(
        "\n- REST p99 at {top}/s: **{:.2} ms** (target ≤ {goal:.0} ms at 10^{exp}, every request answered: {})\n\
         - GraphQL p99 at {top}/s: **{:.2} ms** (same target: {})\n\
         - p99 ratio crocevia / PostgreSQL at every rate ≤ 0.2: {}{}\n",
        rest.p99(),
        verdict(met(&rest)),
        graphql.p99(),
        verdict(met(&graphql)),
        verdict(ratios_ok),
        if plan.talents >= 1_000_000 {
            String::new()
        } else {
            "\n- The 10^6 target (p99 ≤ 50 ms at 200/s) is not measured by this run (`--talents 1000000` does)"
                .to_owned()
        },
        exp = (plan.talents as f64).log10().round(),
    ));
    text.push_str(&breakdown(f, top));
    text
}

/// Where the time of a REST request goes at the top rate: the same run with lighter requests.
fn breakdown(f: &Figures, top: u32) -> String {
    let mut text = format!(
        "\n### Where the time goes (REST at {top}/s)\n\n\
         One run of {secs} s per request shape, one after the other. The handler time is crocevia's own histogram \
         (`crocevia_http_request_seconds`, /metrics: from the request's arrival in the router to its answer, JSON \
         included); the rest of the latency is the HTTP connection, the kernel, both processes' scheduling on the shared \
         cores and the generator. CPU per request is the crocevia process's CPU over the run divided by its requests.\n\n\
         | request | p50 ms | p99 ms | handler mean ms | handler p99 ≤ ms | crocevia CPU ms / request | generator lag p99 ms | other processes' CPU, cores |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        secs = f.plan.seconds,
    );
    let mut handler = std::collections::HashMap::new();
    for run in &f.breakdown {
        let s = &run.summary;
        let cpu = match (run.server_cpu_secs, run.server) {
            (Some(cpu), Some(t)) if t.requests > 0.0 => format!("{:.2}", cpu / t.requests * 1000.0),
            _ => "–".into(),
        };
        if let Some(t) = run.server {
            handler.insert(s.variant, t.mean_ms);
        }
        text.push_str(&format!(
            "| {} | {:.2} | {:.2} | {} | {} | {cpu} | {:.2} | {:.2} |\n",
            s.variant.label(),
            s.latency.p50,
            s.latency.p99,
            run.server.map_or("–".into(), |t| format!("{:.2}", t.mean_ms)),
            run.server.map_or("–".into(), |t| format!("{:.1}", t.p99_bucket_ms)),
            s.lag.p99,
            Cell { runs: vec![run] }.others(),
        ));
    }
    if let (Some(full), Some(no_facets), Some(one_hit), Some(bare)) = (
        handler.get(&Variant::Full),
        handler.get(&Variant::NoFacets),
        handler.get(&Variant::OneHit),
        handler.get(&Variant::Bare),
    ) {
        text.push_str(&format!(
            "\n- Handler time, mean: {full:.2} ms in all; the two facets {:.2} ms; 19 more hits (stored documents, snippets, \
             their JSON) {:.2} ms; the query with one hit, the token check and the HTTP handling {bare:.2} ms.\n",
            full - no_facets,
            full - one_hit,
        ));
    }
    text
}

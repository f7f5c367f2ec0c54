//! bench/RESULTS.md.

use super::search::Figures;
use super::{Options, ms};

pub(super) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(|| "?".into(), |kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0));
    format!("{cores} cores ({cpu}), {mem} RAM")
}

pub(super) fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

pub fn render(
    options: &Options,
    entities: usize,
    f: &Figures,
    m: &super::matching::Figures,
    c: &super::catch_up::Figures,
    g: &super::gateway::Figures,
) -> String {
    let (t50, t99, p50, p99) = (ms(f.tantivy.p50()), ms(f.tantivy.p99()), ms(f.postgres.p50()), ms(f.postgres.p99()));
    let ratio = if p99 > 0.0 { t99 / p99 } else { f64::NAN };
    let (f50, f99) = (ms(f.freshness.p50()), ms(f.freshness.p99()));
    let matching = render_matching(options, m, c);
    let search = format!(
        "# Benchmarks\n\n\
         Written by `make bench` (`crocevia-bench --talents {talents} --rate {rate} --queries {queries}`).\n\n\
         - Date: {date}\n- Machine: {machine}\n- Data: `crocevia generate --talents {talents} --seed 42`: {entities} entities, {docs} searchable documents\n\n\
         The machine is shared and noisy: read the medians and the ratios, not single times.\n\n\
         ## Search (issue: bilingual search)\n\n\
         Both engines answer the same {n_queries} Italian and English questions ({queries} each, offered open-loop at {rate}/s, \
         latency counted from when each question was due). tantivy also counts two facets and builds snippets; PostgreSQL \
         ranks with `ts_rank` over `tsvector` columns (Italian and English configurations, GIN indexes), any-word match, top 20.\n\n\
         | engine | p50 ms | p99 ms | queries | empty answers |\n|---|---:|---:|---:|---:|\n\
         | tantivy (Crocevia) | {t50:.2} | {t99:.2} | {tn} | {te} |\n\
         | PostgreSQL FTS | {p50:.2} | {p99:.2} | {pn} | {pe} |\n\n\
         - p99 ratio tantivy / PostgreSQL: **{ratio:.3}** (target ≤ 0.2: {v_ratio})\n\
         - tantivy p99 {t99:.2} ms (target ≤ 25 ms: {v_p99})\n\
         - Indexing: {docs} documents in {idx:.1} s = **{dps:.0} documents/s** (one indexing thread); PostgreSQL load with GIN build: {pg:.1} s\n\
         - Freshness (publish on the bus → visible in results, {fn_} changes): p50 **{f50:.0} ms**, p99 **{f99:.0} ms** (targets 1 s / 2 s: {v_fresh})\n",
        talents = options.talents,
        rate = options.rate,
        queries = options.queries,
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine = machine(),
        docs = f.docs,
        n_queries = super::search::QUERIES.len(),
        tn = f.tantivy.len(),
        te = f.tantivy_empty,
        pn = f.postgres.len(),
        pe = f.postgres_empty,
        v_ratio = verdict(ratio <= 0.2),
        v_p99 = verdict(t99 <= 25.0),
        idx = f.index_secs,
        dps = f.docs as f64 / f.index_secs.max(1e-9),
        pg = f.pg_load_secs,
        fn_ = f.freshness.len(),
        v_fresh = verdict(f50 <= 1000.0 && f99 <= 2000.0),
    );
    let (g_rps, g_lat) = (&g.graphql.0, &g.graphql.1);
    let (r_rps, r_lat) = (&g.rest.0, &g.rest.1);
    let ratio = if *r_rps > 0.0 { g_rps / r_rps } else { f64::NAN };
    let gateway = format!(
        "\n## Gateway (issue: GraphQL gateway)\n\n\
         The same offer search (`sviluppatore rust`, two facets, 20 hits with snippets) through an authenticated GraphQL query \
         (JWT verified on every request) and through the plain JSON handler, {clients} clients back to back for {secs} s each, same process and index.\n\n\
         | path | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|\n\
         | GraphQL `search`, authenticated | {g_rps:.0} | {g50:.2} | {g99:.2} |\n\
         | `POST /api/v1/search` | {r_rps:.0} | {r50:.2} | {r99:.2} |\n\n\
         - GraphQL / REST throughput: **{ratio:.2}** (target ≥ 0.5: {v})\n",
        clients = g.clients,
        secs = g.seconds,
        g50 = ms(g_lat.p50()),
        g99 = ms(g_lat.p99()),
        r50 = ms(r_lat.p50()),
        r99 = ms(r_lat.p99()),
        v = verdict(ratio >= 0.5),
    );
    format!("{search}{matching}{gateway}")
}

/// The matching section: ranking latency on the bench's data set, and catching up on a backlog.
pub fn render_matching(options: &Options, m: &super::matching::Figures, c: &super::catch_up::Figures) -> String {
    let (o50, o95) = (ms(m.offer_top20.p50()), ms(m.offer_top20.p95()));
    let mut text = format!(
        "\n## Matching (issue: explainable matching)\n\n\
         {talents} talents loaded into the matching engine (replica + retrieval index) in {load:.1} s.\n\n\
         | measure | p50 ms | p95 ms | p99 ms | samples |\n|---|---:|---:|---:|---:|\n\
         | top-20 for an offer, with explanations (retrieval of {cand} candidates through tantivy, scoring, and the update of those candidates' own lists) | {o50:.2} | {o95:.2} | {o99:.2} | {on} |\n\
         | re-match after a talent changes (apply + index commit + the talent's list + every candidate offer's list) | {r50:.2} | {r95:.2} | {r99:.2} | {rn} |\n\n\
         - Top-20 target p95 ≤ 50 ms: {verdict}; average list length {avg:.1}.\n\
         - Through the bus a change also waits for its batch (matching.max_delay_ms, 200 ms by default); the end-to-end test asserts < 2 s.\n",
        talents = m.talents,
        load = m.load_secs,
        cand = crocevia_matching::engine::CANDIDATES,
        o99 = ms(m.offer_top20.p99()),
        on = m.offer_top20.len(),
        r50 = ms(m.rematch.p50()),
        r95 = ms(m.rematch.p95()),
        r99 = ms(m.rematch.p99()),
        rn = m.rematch.len(),
        verdict = verdict(o95 <= 50.0),
        avg = m.list_len_avg,
    );
    let ratio = c.edited_secs / c.edits.max(1) as f64 * c.subjects as f64 / c.rematch_secs.max(1e-9);
    text.push_str(&format!(
        "\n### Catching up on a backlog (issue: distributed mode)\n\n\
         The matching service's own batch path (apply, index commit, recompute, match events, one PostgreSQL transaction \
         per batch of {batch}) over a stream shaped like the fault test's, on PostgreSQL: the {entities} entities of \
         `crocevia generate --talents {talents} --seed 7` created, then {edits} edits of talents', offers' and startups' \
         texts round-robin (each edit re-scores the entity against its candidates and changes their lists).\n\n\
         Written by `crocevia-bench{only} --talents {all} --edits {edits}` on {date}; {machine}.\n\n\
         | phase | changes | seconds | changes/s |\n|---|---:|---:|---:|\n\
         | creations | {entities} | {cs:.1} | {cr:.0} |\n\
         | edits | {edits} | {es:.1} | **{er:.0}** |\n\n\
         - Edit batches: p50 {b50:.0} ms, p95 {b95:.0} ms ({bn} batches).\n\
         - The alternative, recomputing all {subjects} lists from scratch (`crocevia rematch`): {rs:.1} s; catching up \
         on one change per subject costs {ratio:.2} times that.\n\
         - Drift after the catch-up (issue 23, goal 5): that rematch against the stored lists: {dc} of {dl} lists \
         differed; largest score difference at one rank **{dr:.4}**, of one pair held by both **{dp:.4}**; \
         {dn:.2}% of the {dpl} places got a new counterpart.\n",
        batch = c.batch,
        only = if options.only.is_some() { " --only matching" } else { "" },
        all = options.talents,
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine = machine(),
        entities = c.entities,
        talents = super::catch_up::TALENTS,
        edits = c.edits,
        cs = c.created_secs,
        cr = c.entities as f64 / c.created_secs.max(1e-9),
        es = c.edited_secs,
        er = c.edits_per_sec(),
        b50 = ms(c.batches.p50()),
        b95 = ms(c.batches.p95()),
        bn = c.batches.len(),
        subjects = c.subjects,
        rs = c.rematch_secs,
        dc = c.drift.changed,
        dl = c.drift.lists,
        dr = c.drift.max_score_diff,
        dp = c.drift.max_pair_diff,
        dn = c.drift.new_share() * 100.0,
        dpl = c.drift.places,
    ));
    text
}

/// `existing` with the section that starts with `section`'s heading replaced by `section`
/// (appended when absent), so one section can be measured again without the others.
pub fn merge_section(existing: &str, section: &str) -> String {
    let section = section.trim_start_matches('\n');
    let heading = section.lines().next().unwrap_or_default();
    if existing.trim().is_empty() {
        return format!("# Benchmarks\n\n{section}");
    }
    let Some(start) = existing.find(&format!("\n{heading}\n")).map(|i| i + 1) else {
        return format!("{}\n\n{section}", existing.trim_end());
    };
    let end = existing[start + heading.len()..].find("\n## ").map_or(existing.len(), |i| start + heading.len() + i + 1);
    let rest = &existing[end..];
    let separator = if rest.is_empty() { "" } else { "\n" };
    format!("{}{}{separator}{rest}", &existing[..start], section.trim_end_matches('\n').to_owned() + "\n")
}

#[cfg(test)]
mod tests {
    use super::merge_section;

    const SECTION: &str = "\n## Pipeline\n\nnew figures\n";

    #[test]
    fn a_section_is_appended_then_replaced_in_place() {
        let file = "# Benchmarks\n\n## Search\n\nold search\n";
        let once = merge_section(file, SECTION);
        assert_eq!(once, "# Benchmarks\n\n## Search\n\nold search\n\n## Pipeline\n\nnew figures\n");
        let again = merge_section(&once, "\n## Pipeline\n\nnewer\n### sub\n");
        assert_eq!(again, "# Benchmarks\n\n## Search\n\nold search\n\n## Pipeline\n\nnewer\n### sub\n");
        let middle = "# B\n\n## Pipeline\n\nold\n\n## Gateway\n\ng\n";
        assert_eq!(merge_section(middle, SECTION), "# B\n\n## Pipeline\n\nnew figures\n\n## Gateway\n\ng\n");
        assert_eq!(merge_section("", SECTION), "# Benchmarks\n\n## Pipeline\n\nnew figures\n");
    }
}

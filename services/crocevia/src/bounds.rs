//! Every bound on what the platform holds in memory at once: batches, queues, pages, buffers.
//! `crocevia bounds` prints them with the configuration applied; the README's table lists
//! them, and a test checks that both name the same bounds and that each is set.

use crocevia_kit::config::Settings;

/// One bound: where it is set, its value, and what it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The configuration key (`matching.batch_max`) or, for a fixed bound, its constant.
    pub name: &'static str,
    pub value: u64,
    /// What one unit is: "events", "entities", "bytes"...
    pub unit: &'static str,
    pub what: &'static str,
    /// Set in the configuration, rather than fixed in the code.
    pub configurable: bool,
}

fn fixed(name: &'static str, value: usize, unit: &'static str, what: &'static str) -> Bound {
    Bound { name, value: value as u64, unit, what, configurable: false }
}

fn set(name: &'static str, value: u64, unit: &'static str, what: &'static str) -> Bound {
    Bound { name, value, unit, what, configurable: true }
}

/// The bounds in force under `settings`.
pub fn all(s: &Settings) -> Vec<Bound> {
    use crocevia_matching::{engine, service, store};
    use crocevia_profiles::{accounts, import};
    vec![
        set("matching.batch_max", s.matching.batch_max as u64, "events", "events matched in one batch"),
        fixed(
            "matching RECOMPUTE_CHUNK",
            service::RECOMPUTE_CHUNK,
            "entities",
            "changed entities recomputed and stored together: what a batch holds of lists and explanations",
        ),
        fixed(
            "matching MAX_TOUCHED",
            service::MAX_TOUCHED,
            "lists",
            "lists a stored chunk may touch (it ends after the entity that reaches it)",
        ),
        fixed("matching TOP_K", engine::TOP_K, "places", "places kept in a list (numbers only in memory)"),
        fixed("matching CANDIDATES", engine::CANDIDATES, "candidates", "candidates scored for one subject"),
        fixed("matching REPLICA_PAGE", store::REPLICA_PAGE as usize, "entities", "replica rows read at once at start"),
        fixed("matching RANKED_PAGE", store::RANKED_PAGE as usize, "places", "list places read at once at start"),
        fixed("matching LIST_CHANGES", service::LIST_CHANGES, "notices", "list changes queued for live subscribers"),
        fixed(
            "matching REFRESH_CHUNK",
            service::REFRESH_CHUNK,
            "lists",
            "lists rescored and stored together when the corpus statistics moved past 5%",
        ),
        fixed(
            "matching FILL_PAIRS",
            engine::fill::FILL_PAIRS,
            "pairs",
            "pairs scored under one hold of the engine during a first fill (two 64-byte places each)",
        ),
        fixed(
            "matching FILL_STORE_CHUNK",
            service::FILL_STORE_CHUNK,
            "lists",
            "lists stored together, with their events, at the end of a first fill",
        ),
        set("search.batch_max", s.search.batch_max as u64, "events", "events indexed per commit"),
        fixed(
            "search RECENT_MAX",
            crocevia_search::service::RECENT_MAX,
            "changes",
            "changes applied in the last 30 min, kept to replay into an index rebuilt meanwhile",
        ),
        fixed(
            "search COMMITS_BUFFERED",
            crocevia_search::service::COMMITS_BUFFERED,
            "commits",
            "commits announced to live saved searches and not yet read by the slowest",
        ),
        set("insights.batch_max", s.insights.batch_max as u64, "events", "events counted per store"),
        fixed(
            "rebuild CHUNK",
            crocevia_insights::rebuild::CHUNK as usize,
            "entities",
            "entities (or tombstones) read and their facts stored together while rebuilding from the database",
        ),
        fixed(
            "rebuild MATCH_PAGE",
            crocevia_insights::rebuild::MATCH_PAGE as usize,
            "events",
            "match events read together from matching's outbox while rebuilding from the database",
        ),
        set("profiles.relay_batch_size", s.profiles.relay_batch_size, "events", "outbox rows published at once"),
        fixed("resync PAGE", crate::resync::PAGE as usize, "ids", "ids and versions compared at once at start"),
        fixed("resync STEP", crate::resync::STEP, "entities", "entities loaded and fed to matching at once"),
        fixed("import QUEUE", import::QUEUE, "entities", "parsed entities waiting for the writer"),
        fixed("import BATCH", import::BATCH, "entities", "entities written per transaction"),
        set("mail.batch", s.mail.batch, "messages", "outbox messages read and sent per round"),
        fixed(
            "tokens MAX_LIVE_PER_ADDRESS",
            crocevia_profiles::tokens::MAX_LIVE_PER_ADDRESS as usize,
            "links",
            "live e-mail links of one kind per address (sign-up, reset): what one address can be sent",
        ),
        set("database.max_connections", u64::from(s.database.max_connections), "connections", "database pool"),
        set("gateway.max_body_bytes", s.gateway.max_body_bytes as u64, "bytes", "a request body"),
        set("gateway.max_batch", s.gateway.max_batch as u64, "operations", "GraphQL operations in one request"),
        fixed(
            "accounts HASHING_SLOTS",
            accounts::HASHING_SLOTS,
            "hashes",
            "password hashes at once (each reuses one 19 MiB Argon2 buffer)",
        ),
        fixed(
            "gateway MAX_OPERATION_LABELS",
            crocevia_gateway::graphql::operations::MAX_OPERATION_LABELS,
            "names",
            "GraphQL operation names with metrics of their own; others count as `other`",
        ),
        fixed(
            "gateway NOTICE_BUFFER",
            crocevia_gateway::remote::NOTICE_BUFFER,
            "notices",
            "change notices queued for live subscribers",
        ),
        fixed(
            "gateway MAX_LINE_BYTES",
            crocevia_gateway::remote::MAX_LINE_BYTES,
            "bytes",
            "one line of the change-notice stream",
        ),
        fixed(
            "gateway LIVE_BUFFER",
            crocevia_gateway::live::LIVE_BUFFER,
            "notices",
            "change notices and list changes from the topics held per gateway replica for slow subscribers",
        ),
        fixed(
            "gateway FILE_BODY_LIMIT",
            crocevia_gateway::FILE_BODY_LIMIT,
            "bytes",
            "one upload of a form's file (a 10 MiB PDF and its framing), read whole before it is stored",
        ),
        fixed(
            "telemetry SPAN_QUEUE",
            crocevia_kit::telemetry::SPAN_QUEUE,
            "spans",
            "finished spans waiting for export when traces are on (further ones are dropped)",
        ),
    ]
}

/// The bounds as a table, for `crocevia bounds`.
pub fn table(bounds: &[Bound]) -> String {
    let mut out = String::from("bound                          value  unit         what\n");
    for b in bounds {
        let origin = if b.configurable { "" } else { " (fixed)" };
        out.push_str(&format!("{:<30} {:>6}  {:<12} {}{origin}\n", b.name, b.value, b.unit, b.what));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// Every bound is set (none is zero, which the batching code reads as "no batch"), the
    /// defaults keep a batch's events within what one process holds comfortably, and the
    /// README's table names every bound this code knows (and no other).
    #[test]
    fn every_bound_is_set_and_documented() {
        let settings = Settings::load(None).unwrap();
        let bounds = all(&settings);
        for b in &bounds {
            assert!(b.value > 0, "{} is not set", b.name);
        }
        let batch = |name: &str| bounds.iter().find(|b| b.name == name).unwrap().value;
        for name in ["matching.batch_max", "search.batch_max", "insights.batch_max", "profiles.relay_batch_size"] {
            assert!(batch(name) <= 20_000, "{name} = {}: a batch's events are held at once", batch(name));
        }
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        let section = readme.split("\n## Memory bounds").nth(1).unwrap().split("\n## ").next().unwrap();
        // Rows: | `name` | default | unit | what |
        let documented: Vec<(&str, &str)> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| {
                let (name, rest) = l.split_once('`')?;
                Some((name, rest.split('|').nth(1)?.trim()))
            })
            .collect();
        for b in &bounds {
            let row = documented.iter().find(|(name, _)| *name == b.name);
            assert!(row.is_some(), "README's memory bounds table lacks `{}`", b.name);
            assert_eq!(row.map(|r| r.1), Some(b.value.to_string().as_str()), "README's default of `{}`", b.name);
        }
        for (name, _) in documented {
            assert!(bounds.iter().any(|b| b.name == name), "README lists `{name}`, which is no bound of the code");
        }
    }
}

//! The monitoring files in `deploy/monitoring` watch what the code exports: every metric the
//! Grafana dashboard and the Prometheus alerts name is one `/metrics` serves (a renamed
//! metric fails here, not silently on a dashboard), the dashboard is JSON with panels, and
//! every alert has an expression, a severity and a summary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use std::collections::BTreeSet;

const DASHBOARD: &str = "../../deploy/monitoring/grafana-dashboard.json";
const ALERTS: &str = "../../deploy/monitoring/alerts.yaml";

fn read(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `(crocevia|process)_[a-z_]+` in `text` that starts a word.
fn metric_names(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    for prefix in ["crocevia_", "process_"] {
        for (at, _) in text.match_indices(prefix) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let end = text[at + prefix.len()..]
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                .map_or(text.len(), |n| at + prefix.len() + n);
            if end > at + prefix.len() {
                found.insert(text[at..end].to_owned());
            }
        }
    }
    found
}

/// `name` is exported, or is a histogram's series (`_bucket`, `_count`, `_sum`) of one.
fn exported(name: &str, names: &[String]) -> bool {
    let family = ["_bucket", "_count", "_sum"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
    names.iter().any(|n| n == name || n == family)
}

#[test]
fn the_dashboard_and_the_alerts_use_only_exported_metrics() {
    let names = crocevia_kit::metrics::names();
    for (file, text) in [(DASHBOARD, read(DASHBOARD)), (ALERTS, read(ALERTS))] {
        let used = metric_names(&text);
        assert!(used.len() >= 5, "{file} names almost no metric: {used:?}");
        let unknown: Vec<&String> = used.iter().filter(|m| !exported(m, &names)).collect();
        assert!(unknown.is_empty(), "{file} uses metrics the code does not export: {unknown:?} (exported: {names:?})");
    }
}

#[test]
fn the_dashboard_is_json_with_panels_that_query() {
    let dashboard: serde_json::Value = serde_json::from_str(&read(DASHBOARD)).expect("the dashboard is JSON");
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(!panels.is_empty(), "no panels");
    for panel in panels.iter().filter(|p| p["type"] != "row") {
        let title = &panel["title"];
        let targets = panel["targets"].as_array().unwrap_or_else(|| panic!("panel {title} has no targets"));
        assert!(
            !targets.is_empty() && targets.iter().all(|t| t["expr"].as_str().is_some_and(|e| !e.trim().is_empty())),
            "panel {title} has a target without a query"
        );
    }
}

/// The alert file is Prometheus rules: `groups`, each with a `name` and `rules`; every rule an
/// alert with `expr`, `labels.severity` and `annotations.summary`. Checked by indentation (no
/// YAML parser among the workspace's dependencies): a key belongs to the item above it that is
/// less indented.
#[test]
fn every_alert_has_an_expression_a_severity_and_a_summary() {
    let text = read(ALERTS);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| (l.len() - l.trim_start().len(), l.trim()))
        .collect();
    assert!(lines.iter().any(|&(indent, l)| indent == 0 && l == "groups:"), "no top-level `groups:`");
    let groups = lines.iter().filter(|(_, l)| l.starts_with("- name:")).count();
    let rule_lists = lines.iter().filter(|(_, l)| *l == "rules:").count();
    assert!(groups > 0 && groups == rule_lists, "{groups} groups, {rule_lists} `rules:` lists");
    assert!(!lines.iter().any(|(_, l)| l.starts_with("- record:")), "only alerting rules are expected");

    let mut alerts = BTreeSet::new();
    for (i, &(indent, line)) in lines.iter().enumerate() {
        let Some(name) = line.strip_prefix("- alert:").map(str::trim) else { continue };
        assert!(!name.is_empty() && alerts.insert(name.to_owned()), "alert {name:?} is unnamed or named twice");
        // The rule's own lines: more indented than its `- alert:` line.
        let body: Vec<(usize, &str)> = lines[i + 1..].iter().take_while(|(n, _)| *n > indent).copied().collect();
        let key = indent + 2;
        let has = |k: &str| body.iter().any(|&(n, l)| n == key && l.starts_with(&format!("{k}:")));
        // The value under `section:` (a mapping one level down) whose key is `k`.
        let under = |section: &str, k: &str| -> Option<String> {
            let start = body.iter().position(|&(n, l)| n == key && l == format!("{section}:"))?;
            body[start + 1..]
                .iter()
                .take_while(|(n, _)| *n > key)
                .find_map(|(_, l)| l.strip_prefix(&format!("{k}:")).map(|v| v.trim().trim_matches('"').to_owned()))
        };
        assert!(has("expr"), "alert {name} has no expr");
        let severity = under("labels", "severity");
        assert!(
            matches!(severity.as_deref(), Some("critical" | "warning" | "info")),
            "alert {name}: labels.severity is {severity:?}"
        );
        let summary = under("annotations", "summary");
        assert!(summary.is_some_and(|s| !s.is_empty()), "alert {name} has no annotations.summary");
    }
    assert!(alerts.len() >= groups, "alerts: {alerts:?}");
}

#[test]
fn metric_names_are_found_at_word_starts_only() {
    let text = r#"rate(crocevia_http_requests_total[5m]) + x_process_open_fds, histogram_quantile(0.9, crocevia_a_bucket) process_max_fds"#;
    let found: Vec<String> = metric_names(text).into_iter().collect();
    assert_eq!(found, ["crocevia_a_bucket", "crocevia_http_requests_total", "process_max_fds"]);
    let names = vec!["crocevia_a".to_owned()];
    assert!(exported("crocevia_a_bucket", &names) && exported("crocevia_a", &names));
    assert!(!exported("crocevia_b_sum", &names));
}

//! What the insights tests share: the demo data and a publication to serve it under.

#![allow(clippy::unwrap_used, dead_code, reason = "test helpers; each test file uses some")]

use crocevia_domain::Entity;
use crocevia_insights::Publication;
use std::path::PathBuf;

/// The entities of one demo file, of `kind`.
pub fn demo(file: &str, kind: &str) -> Vec<Entity> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    let items: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    items
        .into_iter()
        .map(|data| serde_json::from_value(serde_json::json!({ "kind": kind, "data": data })).unwrap())
        .collect()
}

pub fn publication() -> Publication {
    let issued = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    Publication::new(
        "https://crocevia.example.org",
        "Città metropolitana di Torino",
        "cmto",
        "Open data",
        "od@example.org",
        issued,
    )
}

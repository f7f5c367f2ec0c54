//! Frictionless data packages (<https://specs.frictionlessdata.io/data-package/>): one per
//! dataset, and one for the whole catalogue, each CSV described by a Table Schema whose
//! constraints are the publication's promises (a count is at least k, a key appears once, a
//! share is between 0 and 1), so `frictionless validate` checks the data, not only its shape.

use crate::anonymise::K;
use crate::catalogue::{ATTRIBUTION, Column, DATASETS, LICENCE_ID, LICENCE_TITLE, LICENCE_URL, Spec};
use crate::compute::Snapshot;
use crate::publication::Publication;
use serde_json::{Value, json};

fn constraints(spec: &Spec, column: &Column) -> Value {
    match column.name {
        "key" => json!({ "required": true, "unique": true }),
        "label_it" | "label_en" => json!({ "required": true }),
        "count" => json!({ "required": true, "minimum": K }),
        "share" if spec.single_valued() => json!({ "minimum": 0, "maximum": 1 }),
        "share" | "value" => json!({ "minimum": 0 }),
        _ => json!({}),
    }
}

/// The CSV's Table Schema.
fn schema(spec: &Spec) -> Value {
    let fields: Vec<Value> = spec
        .columns()
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "type": c.kind,
                "title": c.description[1],
                "description": format!("{} / {}", c.description[0], c.description[1]),
                "constraints": constraints(spec, c),
            })
        })
        .collect();
    // An empty cell is a missing value (a share or value that is not published).
    json!({ "fields": fields, "primaryKey": ["key"], "missingValues": [""] })
}

fn resource(spec: &Spec, p: &Publication) -> Value {
    json!({
        "name": spec.id,
        "path": spec.csv_url(&p.base_url),
        "profile": "tabular-data-resource",
        "title": spec.title[1],
        "description": format!("{} / {}", spec.description[0], spec.description[1]),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "header": true },
        "schema": schema(spec),
    })
}

fn package(
    name: &str,
    title: &str,
    description: String,
    resources: Vec<Value>,
    keywords: Vec<&str>,
    snapshot: &Snapshot,
    p: &Publication,
) -> Value {
    json!({
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "homepage": p.url(""),
        "version": "1.0.0",
        "created": snapshot.refreshed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "keywords": keywords,
        "licenses": [{ "name": LICENCE_ID, "path": LICENCE_URL, "title": LICENCE_TITLE[1] }],
        "contributors": [{ "title": p.publisher_name, "role": "publisher" }],
        "sources": [{ "title": ATTRIBUTION, "path": p.url("") }],
        "resources": resources,
    })
}

fn package_name(id: &str) -> String {
    format!("crocevia-{}", id.replace('_', "-"))
}

/// One dataset's package.
pub fn dataset(spec: &Spec, snapshot: &Snapshot, p: &Publication) -> Value {
    let [it, en] = spec.population.keywords();
    package(
        &package_name(spec.id),
        spec.title[1],
        format!("{} / {}", spec.description[0], spec.description[1]),
        vec![resource(spec, p)],
        it.iter().chain(en.iter()).copied().collect(),
        snapshot,
        p,
    )
}

/// Every dataset in one package.
pub fn catalogue(snapshot: &Snapshot, p: &Publication) -> Value {
    package(
        "crocevia-open-data",
        "Crocevia – open data on the talent and startup market of the Torino metropolitan area",
        format!(
            "Anonymous aggregates (every figure counts at least {K}) of Crocevia, the Torino Metropoli 2025 platform for AcceleraTO and Talenti a Torino."
        ),
        DATASETS.iter().map(|spec| resource(spec, p)).collect(),
        vec!["Torino", "open data", "dati aperti", "talenti", "startup"],
        snapshot,
        p,
    )
}

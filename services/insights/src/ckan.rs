//! The catalogue as CKAN's action API answers it (`/api/3/action/...`): the package and
//! organisation dictionaries with the fields CKAN's own harvester (ckanext-harvest's CKAN
//! harvester) and ckanext-dcatapit read, so a CKAN portal such as dati.gov.it or the Torino
//! open-data portal can harvest the datasets as if from another CKAN.

use crate::catalogue::{DATASETS, LICENCE_ID, LICENCE_TITLE, LICENCE_URL, Spec};
use crate::compute::Snapshot;
use crate::publication::Publication;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// The CKAN version whose API this follows (harvesters ask `status_show`).
pub const API_VERSION: &str = "2.10.4";
/// The organisation's name (CKAN's URL-safe handle).
pub const ORGANIZATION: &str = "crocevia";

/// CKAN timestamps: ISO 8601, UTC, no offset.
fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

fn day(d: NaiveDate) -> String {
    timestamp(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

/// A stable id from a URL, so every replica and every restart answers the same one.
fn stable_id(url: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, url.as_bytes()).to_string()
}

pub fn organization(p: &Publication) -> Value {
    json!({
        "id": stable_id(&p.url("#organization")),
        "name": ORGANIZATION,
        "title": p.publisher_name,
        "display_name": p.publisher_name,
        "description": "Crocevia – Torino Metropoli 2025 (AcceleraTO, Talenti a Torino)",
        "image_url": "",
        "type": "organization",
        "is_organization": true,
        "state": "active",
        "approval_status": "approved",
        "created": day(p.issued),
        "package_count": DATASETS.len(),
        // ckanext-dcatapit's organisation field: the IPA code.
        "identifier": p.publisher_id,
    })
}

fn resource(spec: &Spec, snapshot: &Snapshot, p: &Publication, package_id: &str, csv: bool, position: usize) -> Value {
    let (url, format, mimetype) = if csv {
        (spec.csv_url(&p.base_url), "CSV", "text/csv")
    } else {
        (spec.json_url(&p.base_url), "JSON", "application/json")
    };
    json!({
        "id": stable_id(&url),
        "package_id": package_id,
        "name": format!("{} ({format})", spec.title[0]),
        "description": spec.description[0],
        "format": format,
        "mimetype": mimetype,
        "url": url,
        "url_type": null,
        "created": day(p.issued),
        "last_modified": timestamp(snapshot.refreshed_at),
        "metadata_modified": timestamp(snapshot.refreshed_at),
        "position": position,
        "state": "active",
        "license_type": LICENCE_URL,
    })
}

/// One dataset as `package_show` answers it.
pub fn package(spec: &Spec, snapshot: &Snapshot, p: &Publication) -> Value {
    let id = stable_id(&spec.url(&p.base_url));
    let modified = snapshot.refreshed_at;
    let start = snapshot.since.unwrap_or(modified).date_naive();
    let [it, en] = spec.population.keywords();
    let tags: Vec<Value> = it
        .iter()
        .chain(en.iter())
        .map(|t| json!({ "name": t, "display_name": t, "state": "active", "vocabulary_id": null }))
        .collect();
    let themes: Vec<Value> = spec.population.themes().iter().map(|t| json!({ "theme": t, "subthemes": [] })).collect();
    let organization = organization(p);
    let mut package = json!({
        "id": id,
        "name": spec.id,
        "title": spec.title[0],
        "notes": spec.description[0],
        "title_translated": { "it": spec.title[0], "en": spec.title[1] },
        "notes_translated": { "it": spec.description[0], "en": spec.description[1] },
        "url": spec.url(&p.base_url),
        "version": "1",
        "type": "dataset",
        "state": "active",
        "private": false,
        "isopen": true,
        "license_id": LICENCE_ID,
        "license_title": LICENCE_TITLE[1],
        "license_url": LICENCE_URL,
        "author": p.publisher_name,
        "author_email": p.contact_email,
        "maintainer": p.contact_name,
        "maintainer_email": p.contact_email,
        "metadata_created": day(p.issued),
        "metadata_modified": timestamp(modified),
        "owner_org": organization["id"],
        "organization": organization,
        "groups": [],
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "tags": tags,
        "num_tags": it.len() + en.len(),
        "resources": [
            resource(spec, snapshot, p, &id, true, 0),
            resource(spec, snapshot, p, &id, false, 1),
        ],
        "num_resources": 2,
        "extras": [],
    });
    // ckanext-dcatapit's fields, which a DCAT-AP_IT CKAN (dati.gov.it) maps to the
    // catalogue's properties.
    let dcatapit = json!({
        "identifier": p.identifier(spec.id),
        "modified": modified.date_naive().to_string(),
        "issued": p.issued.to_string(),
        "frequency": "UPDATE_CONT",
        "theme": serde_json::to_string(&themes).unwrap_or_default(),
        "publisher_name": p.publisher_name,
        "publisher_identifier": p.publisher_id,
        "holder_name": p.publisher_name,
        "holder_identifier": p.publisher_id,
        "language": "{ITA,ENG}",
        "temporal_coverage": json!([{ "temporal_start": start.to_string(), "temporal_end": modified.date_naive().to_string() }]).to_string(),
        "geographical_name": "Area metropolitana di Torino",
    });
    if let (Some(package), Value::Object(fields)) = (package.as_object_mut(), dcatapit) {
        package.extend(fields);
    }
    package
}

/// A dataset by CKAN name (our id, `offers_by_sector`) or CKAN id.
pub fn find(name_or_id: &str, p: &Publication) -> Option<&'static Spec> {
    DATASETS.iter().find(|s| s.id == name_or_id || stable_id(&s.url(&p.base_url)) == name_or_id)
}

/// A `package_search` request's narrowing: the `fq` filter queries CKAN's harvester sends.
#[derive(Debug, Default, PartialEq)]
pub struct Filter {
    modified_from: Option<DateTime<Utc>>,
    modified_to: Option<DateTime<Utc>>,
    /// `(field, value, negated)` for `organization`, `name` and `res_format`.
    terms: Vec<(String, String, bool)>,
}

fn bound(s: &str) -> Result<Option<DateTime<Utc>>, String> {
    match s {
        "*" | "NOW" => Ok(None),
        s => {
            let s = s.trim_end_matches('Z');
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| Some(t.and_utc()))
                .map_err(|_| format!("{s:?} is not a time (YYYY-MM-DDTHH:MM:SSZ, * or NOW)"))
        }
    }
}

impl Filter {
    /// Parses `fq`: clauses separated by spaces or `AND`, each `metadata_modified:[A TO B]`,
    /// or `[-]organization:x`, `[-]name:x`, `[-]res_format:x`.
    pub fn parse(fq: &str) -> Result<Self, String> {
        let mut filter = Filter::default();
        let mut rest = fq.trim();
        while !rest.is_empty() {
            let clause_end = if rest.starts_with("metadata_modified:[") {
                rest.find(']').map(|i| i + 1).ok_or("metadata_modified: the range has no closing ]")?
            } else {
                rest.find(' ').unwrap_or(rest.len())
            };
            let (clause, tail) = rest.split_at(clause_end);
            rest = tail.trim_start();
            if clause == "AND" || clause == "+" {
                continue;
            }
            if let Some(range) = clause.strip_prefix("metadata_modified:[").and_then(|r| r.strip_suffix(']')) {
                let (from, to) = range.split_once(" TO ").ok_or("metadata_modified: write the range as [A TO B]")?;
                filter.modified_from = bound(from.trim())?;
                filter.modified_to = bound(to.trim())?;
                continue;
            }
            let (negated, clause) = clause.strip_prefix('-').map_or((false, clause), |c| (true, c));
            let clause = clause.strip_prefix('+').unwrap_or(clause);
            match clause.split_once(':') {
                Some((field @ ("organization" | "name" | "res_format"), value)) => {
                    filter.terms.push((field.to_owned(), value.trim_matches('"').to_owned(), negated))
                }
                _ => {
                    return Err(format!(
                        "{clause:?} is not supported: use metadata_modified:[A TO B], organization:, name: or res_format:"
                    ));
                }
            }
        }
        Ok(filter)
    }

    fn admits(&self, spec: &Spec, modified: DateTime<Utc>) -> bool {
        let in_range =
            self.modified_from.is_none_or(|from| modified >= from) && self.modified_to.is_none_or(|to| modified <= to);
        in_range
            && self.terms.iter().all(|(field, value, negated)| {
                let hit = match field.as_str() {
                    "organization" => value == ORGANIZATION,
                    "name" => value == spec.id,
                    _ => value.eq_ignore_ascii_case("csv") || value.eq_ignore_ascii_case("json"),
                };
                hit != *negated
            })
    }
}

/// `package_search`: the packages matching `q` and `filter`, `rows` from `start`, in name
/// order, with their count.
pub fn search(snapshot: &Snapshot, p: &Publication, q: &str, filter: &Filter, start: usize, rows: usize) -> Value {
    let mut hits: Vec<&Spec> =
        DATASETS.iter().filter(|s| matches(s, q) && filter.admits(s, snapshot.refreshed_at)).collect();
    hits.sort_by_key(|s| s.id);
    let results: Vec<Value> = hits.iter().skip(start).take(rows).map(|s| package(s, snapshot, p)).collect();
    json!({
        "count": hits.len(),
        "sort": "name asc",
        "results": results,
        "facets": {},
        "search_facets": {},
    })
}

/// Whether a package matches a free-text query: every word in its titles, descriptions,
/// name or tags (both languages), case-insensitively. `*:*` and the empty query match all.
pub fn matches(spec: &Spec, q: &str) -> bool {
    let q = q.trim();
    if q.is_empty() || q == "*:*" || q == "*" {
        return true;
    }
    let [it, en] = spec.population.keywords();
    let haystack = [spec.id, spec.title[0], spec.title[1], spec.description[0], spec.description[1]]
        .into_iter()
        .chain(it.iter().copied())
        .chain(en.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('_', " ");
    q.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("a time").to_utc()
    }

    #[test]
    fn the_harvester_filter_queries_parse_and_select() {
        let spec = DATASETS.first().expect("datasets");
        let since = Filter::parse("metadata_modified:[2026-12-01T00:00:00Z TO NOW]").expect("parses");
        assert!(since.admits(spec, at("2026-12-07T10:00:00Z")));
        assert!(!since.admits(spec, at("2026-11-30T23:59:59Z")));
        let both = Filter::parse("metadata_modified:[* TO 2026-12-02T00:00:00.000Z] AND organization:crocevia")
            .expect("parses");
        assert!(both.admits(spec, at("2026-12-01T00:00:00Z")));
        assert!(!both.admits(spec, at("2026-12-03T00:00:00Z")));
        let not_ours = Filter::parse("-organization:crocevia").expect("parses");
        assert!(!not_ours.admits(spec, at("2026-12-01T00:00:00Z")));
        assert!(Filter::parse("groups:x").is_err_and(|e| e.contains("groups:x")));
        assert!(Filter::parse("metadata_modified:[yesterday TO NOW]").is_err_and(|e| e.contains("yesterday")));
        assert!(Filter::parse("metadata_modified:[2026-12-01T00:00:00Z NOW]").is_err());
    }

    #[test]
    fn text_search_needs_every_word_in_either_language() {
        let spec = DATASETS.iter().find(|s| s.id == "startups_by_sector").expect("startups_by_sector");
        assert!(matches(spec, "startup settore"));
        assert!(matches(spec, "STARTUPS sector"));
        assert!(matches(spec, "*:*"));
        assert!(!matches(spec, "startup volcano"));
    }
}

//! The downloads: CSV and JSON of each dataset, the catalogue, and the data dictionary.

use crate::anonymise::K;
use crate::catalogue::{ATTRIBUTION, DATASETS, LICENCE, LICENCE_URL, Spec};
use crate::compute::{Dataset, Row, Snapshot};
use crate::publication::Publication;
use serde_json::{Value, json};

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{:.4}", v).trim_end_matches('0').trim_end_matches('.').to_owned()).unwrap_or_default()
}

fn cells(spec: &Spec, row: &Row) -> Vec<String> {
    let mut cells =
        vec![row.key.clone(), row.label[0].clone(), row.label[1].clone(), row.count.to_string(), number(row.share)];
    if spec.value.is_some() {
        cells.push(number(row.value));
    }
    cells
}

/// The dataset as CSV (RFC 4180: UTF-8, comma, CRLF line ends, quoting where needed, a header
/// row of the dictionary's column names).
pub fn csv(dataset: &Dataset) -> Result<Vec<u8>, csv::Error> {
    let spec = dataset.spec;
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(spec.columns().iter().map(|c| c.name))?;
    for row in &dataset.rows {
        out.write_record(cells(spec, row))?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn row_json(spec: &Spec, row: &Row) -> Value {
    let mut value = json!({
        "key": row.key,
        "label_it": row.label[0],
        "label_en": row.label[1],
        "count": row.count,
        "share": row.share,
    });
    if spec.value.is_some()
        && let Some(map) = value.as_object_mut()
    {
        map.insert("value".into(), json!(row.value));
    }
    value
}

fn meta(spec: &Spec, p: &Publication) -> Value {
    json!({
        "id": spec.id,
        "population": spec.population.as_str(),
        "dimension": spec.dimension.as_str(),
        "title_it": spec.title[0],
        "title_en": spec.title[1],
        "description_it": spec.description[0],
        "description_en": spec.description[1],
        "headline_it": spec.headline.map(|h| h[0]),
        "headline_en": spec.headline.map(|h| h[1]),
        "csv_url": spec.csv_url(&p.base_url),
        "json_url": spec.json_url(&p.base_url),
        "datapackage_url": spec.package_url(&p.base_url),
    })
}

/// The dataset as JSON: its description, the licence, and its rows.
pub fn json(snapshot: &Snapshot, dataset: &Dataset, p: &Publication) -> Value {
    let spec = dataset.spec;
    let mut value = meta(spec, p);
    if let Some(map) = value.as_object_mut() {
        map.insert("licence".into(), json!(LICENCE));
        map.insert("licence_url".into(), json!(LICENCE_URL));
        map.insert("attribution".into(), json!(ATTRIBUTION));
        map.insert("k".into(), json!(K));
        map.insert("refreshed_at".into(), json!(snapshot.refreshed_at.to_rfc3339()));
        map.insert("total".into(), json!(dataset.total));
        map.insert("headline".into(), json!(dataset.headline));
        map.insert("columns".into(), json!(spec.columns().iter().map(|c| c.name).collect::<Vec<_>>()));
        map.insert("rows".into(), Value::Array(dataset.rows.iter().map(|r| row_json(spec, r)).collect()));
    }
    value
}

/// Every dataset and where to download it; `snapshot` is `None` while the first figures are
/// being built, and the catalogue says so.
pub fn catalogue(snapshot: Option<&Snapshot>, p: &Publication) -> Value {
    json!({
        "title_it": "Crocevia – dati aperti sul mercato dei talenti e delle startup dell'area metropolitana di Torino",
        "title_en": "Crocevia – open data on the talent and startup market of the Torino metropolitan area",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "k": K,
        "status": if snapshot.is_some() { "current" } else { "building" },
        "refreshed_at": snapshot.map(|s| s.refreshed_at.to_rfc3339()),
        "dictionary_url": p.url("dictionary.json"),
        "dcat_url": p.url("catalog.jsonld"),
        "datapackage_url": p.url("datapackage.json"),
        "ckan_api_url": format!("{}/api/3/action/package_list", p.base_url),
        "datasets": DATASETS.iter().map(|s| meta(s, p)).collect::<Vec<_>>(),
    })
}

/// The data dictionary: every dataset and every column, in Italian and English.
pub fn dictionary(p: &Publication) -> Value {
    let datasets: Vec<Value> = DATASETS
        .iter()
        .map(|spec| {
            let mut value = meta(spec, p);
            if let Some(map) = value.as_object_mut() {
                let columns: Vec<Value> = spec
                    .columns()
                    .iter()
                    .map(|c| {
                        json!({
                            "name": c.name, "type": c.kind,
                            "description_it": c.description[0], "description_en": c.description[1],
                        })
                    })
                    .collect();
                map.insert("columns".into(), Value::Array(columns));
            }
            value
        })
        .collect();
    json!({
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "k": K,
        "anonymity_it": format!(
            "Ogni cifra pubblicata conta almeno {K} persone o enti: le categorie più piccole sono unite in \"other\" \
             (e, se \"other\" resta sotto {K}, vi si uniscono le categorie più piccole); una popolazione sotto {K} \
             non è pubblicata. Nessun campo personale (nomi, contatti, testi, identificativi) è pubblicato. I filtri \
             selezionano righe già anonimizzate."
        ),
        "anonymity_en": format!(
            "Every published figure counts at least {K} people or entities: smaller categories are merged into \
             \"other\" (and if \"other\" stays below {K}, the smallest categories join it); a population below {K} \
             is not published. No personal field (names, contacts, texts, ids) is published. Filters select rows \
             that are already anonymised."
        ),
        "datasets": datasets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;
    use crate::compute::Row;

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        let spec = catalogue::find("offers_by_sector").expect("a dataset");
        let row = |key: &str, it: &str| Row {
            key: key.into(),
            label: [it.into(), "x".into()],
            count: 5,
            share: Some(0.25),
            value: None,
        };
        let dataset = Dataset {
            spec,
            total: Some(10),
            headline: None,
            rows: vec![row("food", "Food, wine"), row("say", "say \"hi\"")],
        };
        let text = String::from_utf8(csv(&dataset).expect("csv")).expect("utf-8");
        assert_eq!(
            text,
            "key,label_it,label_en,count,share\r\nfood,\"Food, wine\",x,5,0.25\r\nsay,\"say \"\"hi\"\"\",x,5,0.25\r\n"
        );
        assert_eq!(number(Some(3.0)), "3");
        assert_eq!(number(None), "");
    }
}

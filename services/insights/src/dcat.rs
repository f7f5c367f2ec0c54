//! The catalogue as DCAT-AP_IT (the Italian profile of DCAT-AP, AgID), in JSON-LD: what
//! dati.gov.it and the Torino open-data portal harvest. Every mandatory and recommended
//! property of the catalogue, its datasets and their distributions; themes, frequency, file
//! types and languages from the EU vocabularies; spatial coverage as the 38 comuni with their
//! ISTAT codes. Checked against the project's SHACL shapes in `tests/open_data/`.

use crate::catalogue::{DATASETS, LICENCE_TITLE, LICENCE_URL, Spec};
use crate::compute::Snapshot;
use crate::publication::Publication;
use serde_json::{Value, json};

const EU: &str = "http://publications.europa.eu/resource/authority";
/// Recomputed as the platform's changes arrive.
const FREQUENCY: &str = "UPDATE_CONT";

fn bilingual(text: [&str; 2]) -> Value {
    json!([{ "@value": text[0], "@language": "it" }, { "@value": text[1], "@language": "en" }])
}

fn date(d: chrono::NaiveDate) -> Value {
    json!({ "@value": d.format("%Y-%m-%d").to_string(), "@type": "xsd:date" })
}

fn id(iri: impl Into<String>) -> Value {
    json!({ "@id": iri.into() })
}

fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "dcatapit": "http://dati.gov.it/onto/dcatapit#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "schema": "http://schema.org/",
        "locn": "http://www.w3.org/ns/locn#",
        "xsd": "http://www.w3.org/2001/XMLSchema#"
    })
}

/// The IRIs of the shared nodes (agent, contact, licence, places), under the catalogue.
struct Iris {
    catalogue: String,
    publisher: String,
    contact: String,
    area: String,
}

impl Iris {
    fn new(p: &Publication) -> Self {
        Self {
            catalogue: p.url("catalog"),
            publisher: p.url("catalog#publisher"),
            contact: p.url("catalog#contact"),
            area: p.url("catalog#area"),
        }
    }

    fn comune(&self, istat: &str) -> String {
        format!("{}-{istat}", self.area)
    }
}

fn languages() -> Value {
    json!([id(format!("{EU}/language/ITA")), id(format!("{EU}/language/ENG"))])
}

fn distribution(spec: &Spec, p: &Publication, snapshot: &Snapshot, csv: bool) -> Value {
    let (url, format, media, what) = if csv {
        (
            spec.csv_url(&p.base_url),
            "CSV",
            "text/csv",
            ["CSV (UTF-8, virgola, intestazione)", "CSV (UTF-8, comma, header row)"],
        )
    } else {
        (
            spec.json_url(&p.base_url),
            "JSON",
            "application/json",
            ["JSON con descrizione e righe", "JSON with description and rows"],
        )
    };
    json!({
        "@id": format!("{url}#distribution"),
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": bilingual([&format!("{} – {format}", spec.title[0]), &format!("{} – {format}", spec.title[1])]),
        "dct:description": bilingual([&format!("{}: {}", what[0], spec.description[0]), &format!("{}: {}", what[1], spec.description[1])]),
        "dct:format": id(format!("{EU}/file-type/{format}")),
        "dcat:mediaType": id(format!("https://www.iana.org/assignments/media-types/{media}")),
        "dcat:accessURL": id(&url),
        "dcat:downloadURL": id(&url),
        "dct:license": id(LICENCE_URL),
        "dct:modified": date(snapshot.refreshed_at.date_naive()),
    })
}

fn dataset(spec: &Spec, p: &Publication, iris: &Iris, snapshot: &Snapshot) -> Value {
    let modified = snapshot.refreshed_at.date_naive();
    let start = snapshot.since.map_or(modified, |s| s.date_naive());
    let keywords: Vec<Value> = spec
        .population
        .keywords()
        .iter()
        .zip(["it", "en"])
        .flat_map(|(words, lang)| words.iter().map(move |w| json!({ "@value": w, "@language": lang })))
        .collect();
    let mut places = vec![id(&iris.area)];
    places.extend(crocevia_domain::place::all().iter().map(|c| id(iris.comune(c.istat))));
    json!({
        "@id": spec.url(&p.base_url),
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": p.identifier(spec.id),
        "dct:title": bilingual(spec.title),
        "dct:description": bilingual(spec.description),
        "dcat:theme": spec.population.themes().iter().map(|t| id(format!("{EU}/data-theme/{t}"))).collect::<Vec<_>>(),
        "dct:rightsHolder": id(&iris.publisher),
        "dct:publisher": id(&iris.publisher),
        "dct:accrualPeriodicity": id(format!("{EU}/frequency/{FREQUENCY}")),
        "dct:modified": date(modified),
        "dct:issued": date(p.issued),
        "dct:language": languages(),
        "dcat:keyword": keywords,
        "dcat:contactPoint": id(&iris.contact),
        "dct:subject": spec.population.subjects().iter().map(|s| id(format!("http://eurovoc.europa.eu/{s}"))).collect::<Vec<_>>(),
        // DCAT-AP_IT's own properties, and schema.org's they refine, for readers without the
        // ontology.
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcatapit:startDate": date(start),
            "dcatapit:endDate": date(modified),
            "schema:startDate": date(start),
            "schema:endDate": date(modified),
        },
        "dct:spatial": places,
        "dcat:landingPage": id(spec.url(&p.base_url)),
        "dcat:distribution": [distribution(spec, p, snapshot, true), distribution(spec, p, snapshot, false)],
    })
}

/// The shared nodes: publisher, contact point, licence, the area and its comuni.
fn shared(p: &Publication, iris: &Iris) -> Vec<Value> {
    let mut nodes = vec![
        json!({
            "@id": iris.publisher,
            "@type": ["foaf:Agent", "dcatapit:Agent"],
            "foaf:name": p.publisher_name,
            "dct:identifier": p.publisher_id,
        }),
        json!({
            "@id": iris.contact,
            "@type": ["dcatapit:Organization", "vcard:Organization", "vcard:Kind"],
            "vcard:fn": p.contact_name,
            "vcard:hasEmail": id(format!("mailto:{}", p.contact_email)),
        }),
        json!({
            "@id": LICENCE_URL,
            "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
            "dct:type": id("http://purl.org/adms/licencetype/Attribution"),
            "foaf:name": bilingual(LICENCE_TITLE),
        }),
        json!({
            "@id": iris.area,
            "@type": "dct:Location",
            // The Città metropolitana di Torino's ISTAT code.
            "dcatapit:geographicalIdentifier": "201",
            "locn:geographicalName": bilingual([
                "Area metropolitana di Torino (38 comuni della conurbazione)",
                "Torino metropolitan area (38 comuni of the conurbation)",
            ]),
        }),
    ];
    nodes.extend(crocevia_domain::place::all().iter().map(|c| {
        json!({
            "@id": iris.comune(c.istat),
            "@type": "dct:Location",
            "dcatapit:geographicalIdentifier": c.istat,
            "locn:geographicalName": { "@value": c.name, "@language": "it" },
        })
    }));
    nodes
}

/// The whole catalogue as JSON-LD.
pub fn catalog(snapshot: &Snapshot, p: &Publication) -> Value {
    let iris = Iris::new(p);
    let catalogue = json!({
        "@id": iris.catalogue,
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": bilingual([
            "Crocevia – dati aperti sul mercato dei talenti e delle startup dell'area metropolitana di Torino",
            "Crocevia – open data on the talent and startup market of the Torino metropolitan area",
        ]),
        "dct:description": bilingual([
            "Aggregati anonimi (ogni cifra conta almeno 5 persone o enti) di offerte, talenti, startup, programmi di accelerazione e candidature di Crocevia, la piattaforma di Torino Metropoli 2025 per AcceleraTO e Talenti a Torino.",
            "Anonymous aggregates (every figure counts at least 5 people or entities) of the offers, talents, startups, accelerator programmes and applications on Crocevia, the Torino Metropoli 2025 platform for AcceleraTO and Talenti a Torino.",
        ]),
        "dct:publisher": id(&iris.publisher),
        "dct:modified": date(snapshot.refreshed_at.date_naive()),
        "dct:issued": date(p.issued),
        "dct:language": languages(),
        "foaf:homepage": id(p.url("")),
        "dcat:themeTaxonomy": id(format!("{EU}/data-theme")),
        "dct:license": id(LICENCE_URL),
        "dcat:dataset": DATASETS.iter().map(|spec| dataset(spec, p, &iris, snapshot)).collect::<Vec<_>>(),
    });
    let mut graph = vec![catalogue];
    graph.extend(shared(p, &iris));
    json!({ "@context": context(), "@graph": graph })
}

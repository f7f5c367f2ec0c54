//! Entity -> tantivy document. Only searchable kinds become documents; contact details and
//! other private fields are never indexed or stored.

use crate::analysis::{self, RAW};
use crate::query::DocKind;
use crate::roles;
use crate::schema::Fields;
use crate::taxonomy::Taxonomy;
use chrono::NaiveDate;
use crocevia_domain::{ComuneId, Entity, LanguageSkill, SkillId, place};
use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

pub fn days(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

pub fn date_of(days: i64) -> Option<NaiveDate> {
    NaiveDate::default().checked_add_signed(chrono::Duration::days(days))
}

/// 1 + the comune's position in the table, so 0 can mean "none".
pub fn comune_ordinal(comune: Option<&ComuneId>) -> u64 {
    comune.and_then(|c| place::all().iter().position(|p| p.id == c.as_str())).map_or(0, |i| i as u64 + 1)
}

fn key<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

struct Content {
    kind: DocKind,
    title: String,
    body: String,
    language: Option<String>,
    skills: Vec<SkillId>,
    facets: Vec<String>,
    comune: Option<ComuneId>,
    deadline: Option<NaiveDate>,
    posted: Option<NaiveDate>,
    available: Option<NaiveDate>,
    /// The unstemmed tokens of title and body, analysed once for skill detection and roles.
    tokens: Vec<String>,
}

fn language_facets(languages: &[LanguageSkill]) -> Vec<String> {
    languages.iter().map(|l| format!("/language/{}/{}", l.language, l.level.as_str())).collect()
}

fn with<T: Serialize>(out: &mut Vec<String>, facet: &str, values: &[T]) {
    out.extend(values.iter().map(|v| format!("/{facet}/{}", key(v))));
}

fn content(entity: &Entity, taxonomy: &Taxonomy) -> Option<Content> {
    // Kinds without declared skills get them detected in their text.
    let detect = matches!(entity, Entity::Programme(_) | Entity::Startup(_) | Entity::Organisation(_));
    let mut c = match entity {
        Entity::Offer(o) => {
            let mut facets = vec![
                format!("/offer_kind/{}", key(&o.kind)),
                format!("/contract/{}", key(&o.contract)),
                format!("/remote/{}", key(&o.remote)),
                format!("/status/{}", key(&o.status)),
            ];
            // `employer:startup` finds the offers of AcceleraTO startups.
            facets.extend(o.employer().map(|e| format!("/employer/{}", e.key())));
            with(&mut facets, "sector", &o.sectors);
            facets.extend(language_facets(&o.languages));
            Content {
                kind: DocKind::Offer,
                title: o.title.clone(),
                body: o.description.clone(),
                language: Some(o.text_language.to_string()),
                skills: o.skills().cloned().collect(),
                facets,
                comune: Some(o.comune.clone()),
                deadline: o.deadline,
                posted: Some(o.posted_on),
                available: o.starts_on,
                tokens: Vec::new(),
            }
        }
        Entity::Programme(p) => {
            let mut facets = vec![format!("/model/{}", key(&p.model)), format!("/status/{}", key(&p.status))];
            with(&mut facets, "phase", &p.phases);
            with(&mut facets, "sector", &p.sectors);
            facets.extend(p.languages.iter().map(|l| format!("/language/{l}")));
            Content {
                kind: DocKind::Programme,
                skills: Vec::new(),
                title: p.title.clone(),
                body: p.description.clone(),
                language: None,
                facets,
                comune: Some(p.comune.clone()),
                deadline: Some(p.application_deadline),
                posted: None,
                available: Some(p.cohort_start),
                tokens: Vec::new(),
            }
        }
        Entity::Talent(t) => {
            let mut facets = language_facets(&t.languages);
            with(&mut facets, "sector", &t.sectors);
            with(&mut facets, "seeking", &t.seeking);
            if t.open_to_remote {
                facets.push("/remote/remote".into());
            }
            let title = if t.headline.is_empty() {
                t.display_name.clone()
            } else {
                format!("{} — {}", t.display_name, t.headline)
            };
            Content {
                kind: DocKind::Talent,
                title,
                body: [t.bio.as_str(), t.field_of_study.as_deref().unwrap_or_default()].join("\n"),
                language: None,
                skills: t.skills.iter().map(|s| s.skill.clone()).collect(),
                facets,
                comune: t.residence.as_ref().and_then(place::Place::comune).cloned(),
                deadline: None,
                posted: None,
                available: t.available_from,
                tokens: Vec::new(),
            }
        }
        Entity::Startup(s) => {
            let mut facets = vec![format!("/stage/{}", key(&s.stage)), format!("/legal_form/{}", key(&s.legal_form))];
            with(&mut facets, "sector", &s.sectors);
            Content {
                kind: DocKind::Startup,
                skills: Vec::new(),
                title: s.name.clone(),
                body: s.description.clone(),
                language: None,
                facets,
                comune: s.seat_comune().cloned(),
                deadline: None,
                posted: s.founded_on,
                available: None,
                tokens: Vec::new(),
            }
        }
        Entity::Organisation(o) => {
            let mut facets = vec![format!("/org_kind/{}", key(&o.kind))];
            with(&mut facets, "sector", &o.sectors);
            Content {
                kind: DocKind::Organisation,
                skills: Vec::new(),
                title: o.name.clone(),
                body: o.description.clone(),
                language: None,
                facets,
                comune: Some(o.comune.clone()),
                deadline: None,
                posted: None,
                available: None,
                tokens: Vec::new(),
            }
        }
        Entity::User(_) | Entity::Consent(_) | Entity::Application(_) => return None,
    };
    c.tokens = analysis::tokens(RAW, &format!("{} {}", c.title, c.body));
    if detect {
        c.skills = taxonomy.detect(&c.tokens, 3);
    }
    Some(c)
}

fn add_id(doc: &mut TantivyDocument, fields: &Fields, id: uuid::Uuid) {
    let (high, low) = id.as_u64_pair();
    doc.add_text(fields.id, id.to_string());
    doc.add_u64(fields.id_high, high);
    doc.add_u64(fields.id_low, low);
}

/// The document of `entity` at `version`, or `None` for kinds that are not searchable.
pub fn build(entity: &Entity, version: u64, fields: &Fields, taxonomy: &Taxonomy) -> Option<TantivyDocument> {
    let c = content(entity, taxonomy)?;
    let mut doc = TantivyDocument::default();
    add_id(&mut doc, fields, entity.id());
    doc.add_text(fields.kind, c.kind.as_str());
    doc.add_u64(fields.version, version);
    doc.add_text(fields.title, &c.title);
    doc.add_text(fields.body, &c.body);
    if let Some(language) = &c.language {
        doc.add_text(fields.text_language, language);
    }
    let labels = taxonomy.labels(&c.skills);
    for (title_field, body_field) in [(fields.title_it, fields.body_it), (fields.title_en, fields.body_en)] {
        doc.add_text(title_field, &c.title);
        doc.add_text(body_field, &c.body);
        doc.add_text(body_field, &labels);
    }
    let all_text = format!("{}\n{}\n{}", c.title, c.body, labels);
    doc.add_text(fields.raw, &all_text);
    for skill in &c.skills {
        doc.add_text(fields.skills, skill.as_str());
    }
    for role in roles::roles_in(&c.tokens) {
        doc.add_text(fields.roles, role);
    }
    for facet in &c.facets {
        doc.add_facet(fields.facets, Facet::from(facet.as_str()));
    }
    if let Some(comune) = &c.comune {
        doc.add_facet(fields.facets, Facet::from(format!("/comune/{comune}").as_str()));
    }
    doc.add_u64(fields.comune, comune_ordinal(c.comune.as_ref()));
    for (field, date) in [(fields.deadline, c.deadline), (fields.posted, c.posted), (fields.available, c.available)] {
        if let Some(date) = date {
            doc.add_i64(field, days(date));
        }
    }
    Some(doc)
}

/// What is left of an erased entity: its id and the version of its erasure, nothing else.
pub fn tombstone(id: uuid::Uuid, version: u64, fields: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    add_id(&mut doc, fields, id);
    doc.add_text(fields.kind, "tombstone");
    doc.add_u64(fields.version, version);
    doc
}

/// The kind, title and full text (body plus skill labels) a document is made of: what a
/// baseline engine must index to be compared on the same data.
pub fn texts(entity: &Entity, taxonomy: &Taxonomy) -> Option<(DocKind, String, String)> {
    let c = content(entity, taxonomy)?;
    let labels = taxonomy.labels(&c.skills);
    Some((c.kind, c.title, format!("{}\n{}", c.body, labels)))
}

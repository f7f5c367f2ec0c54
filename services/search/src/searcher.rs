//! Runs a validated request against the index: bilingual text query, filters, facets,
//! sorting, pagination and snippets.

use crate::analysis::{self, ENGLISH, ITALIAN, RAW};
use crate::buckets::{self, DeadlineBuckets};
use crate::document::{date_of, days};
use crate::error::SearchError;
use crate::index::SearchIndex;
use crate::query::{
    DateField, DocKind, FacetCount, FacetCounts, Filter, Hit, Plan, SearchResults, Sort, encode_cursor,
};
use crate::roles;
use chrono::NaiveDate;
use crocevia_domain::place;
use std::collections::BTreeMap;
use std::ops::Bound;
use tantivy::collector::{Collector, Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

/// Words this long or longer tolerate one typo.
const FUZZY_MIN_CHARS: usize = 5;
const SNIPPET_CHARS: usize = 180;

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn boosted(query: Box<dyn Query>, boost: Score) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(query, boost)))
}

/// A clause that filters without changing the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::union(queries))
}

fn facet_query(field: Field, path: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_facet(field, &Facet::from(path)), IndexRecordOption::Basic))
}

struct TextTerms {
    italian: Vec<String>,
    english: Vec<String>,
}

fn text_query(index: &SearchIndex, text: &str) -> Option<(Box<dyn Query>, TextTerms)> {
    let f = &index.fields;
    let raw = analysis::tokens(RAW, text);
    if raw.is_empty() {
        return None;
    }
    let italian = analysis::tokens(ITALIAN, text);
    let english = analysis::tokens(ENGLISH, text);
    let mut clauses = Vec::new();
    for t in &italian {
        clauses.push(boosted(term_query(f.title_it, t), 2.0));
        clauses.push(boosted(term_query(f.body_it, t), 1.0));
    }
    for t in &english {
        clauses.push(boosted(term_query(f.title_en, t), 2.0));
        clauses.push(boosted(term_query(f.body_en, t), 1.0));
    }
    for t in &raw {
        clauses.push(boosted(term_query(f.raw, t), 0.5));
        if t.chars().count() >= FUZZY_MIN_CHARS {
            clauses.push(boosted(Box::new(FuzzyTermQuery::new(Term::from_field_text(f.raw, t), 1, true)), 0.3));
        }
    }
    for skill in index.taxonomy.detect(&raw, 1) {
        clauses.push(boosted(term_query(f.skills, skill.as_str()), 3.0));
    }
    for role in roles::roles_in(&raw) {
        clauses.push(boosted(term_query(f.roles, role), 1.5));
    }
    Some((Box::new(BooleanQuery::new(clauses)), TextTerms { italian, english }))
}

fn date_field(index: &SearchIndex, field: DateField) -> Field {
    match field {
        DateField::Deadline => index.fields.deadline,
        DateField::Posted => index.fields.posted,
        DateField::Available => index.fields.available,
    }
}

fn range(field: Field, lower: Option<i64>, upper: Option<i64>) -> Box<dyn Query> {
    let bound = |v: Option<i64>| v.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(field, v)));
    Box::new(RangeQuery::new(bound(lower), bound(upper)))
}

/// Comuni (as index ordinals) within `km` of `centre`.
fn comuni_within(centre: &crocevia_domain::ComuneId, km: f64) -> Vec<u64> {
    let c = centre.comune();
    place::all()
        .iter()
        .enumerate()
        .filter(|(_, p)| place::haversine_km(c.lat, c.lon, p.lat, p.lon) <= km)
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

/// The query without text scoring concerns: kinds, filters, distance.
fn build_query(index: &SearchIndex, plan: &Plan) -> (Box<dyn Query>, Option<TextTerms>) {
    let f = &index.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    clauses.push(filter(any_of(plan.kinds.iter().map(|k| term_query(f.kind, k.as_str())).collect())));
    let terms = match text_query(index, &plan.text) {
        Some((query, terms)) => {
            clauses.push((Occur::Must, query));
            Some(terms)
        }
        None => None,
    };
    // Values of one facet are alternatives (OR); different facets narrow (AND).
    let mut by_facet: BTreeMap<String, Vec<Box<dyn Query>>> = BTreeMap::new();
    for filter_ in &plan.filters {
        match filter_ {
            Filter::Facet(path) => {
                let name = path.split('/').nth(1).unwrap_or_default().to_owned();
                by_facet.entry(name).or_default().push(facet_query(f.facets, path));
            }
            Filter::Language { language, min } => {
                let query = match min {
                    Some(min) => any_of(
                        crocevia_domain::Cefr::ALL
                            .into_iter()
                            .filter(|l| l >= min)
                            .map(|l| facet_query(f.facets, &format!("/language/{language}/{}", l.as_str())))
                            .collect(),
                    ),
                    None => facet_query(f.facets, &format!("/language/{language}")),
                };
                by_facet.entry(format!("language-{language}")).or_default().push(query);
            }
            Filter::Date { field, lower, upper } => {
                clauses.push(filter(range(date_field(index, *field), lower.map(days), upper.map(days))));
            }
        }
    }
    for (_, alternatives) in by_facet {
        clauses.push(filter(any_of(alternatives)));
    }
    if let Some((centre, Some(km))) = &plan.near {
        let within = comuni_within(centre, *km);
        clauses.push(filter(any_of(
            within
                .into_iter()
                .map(|ord| -> Box<dyn Query> {
                    Box::new(TermQuery::new(Term::from_field_u64(f.comune, ord), IndexRecordOption::Basic))
                })
                .collect(),
        )));
    }
    (Box::new(BooleanQuery::new(clauses)), terms)
}

/// Distance in km from `centre` to each comune ordinal (index 0: no comune).
fn distance_table(plan: &Plan) -> Option<Vec<f64>> {
    let (centre, _) = plan.near.as_ref()?;
    let c = centre.comune();
    let mut table = vec![f64::INFINITY];
    table.extend(place::all().iter().map(|p| place::haversine_km(c.lat, c.lon, p.lat, p.lon)));
    Some(table)
}

type SortKey = (f64, f32);

/// The page of hits in the plan's order.
fn top_docs(plan: &Plan, distances: Option<Vec<f64>>) -> impl Collector<Fruit = Vec<(SortKey, DocAddress)>> {
    let top = TopDocs::with_limit(plan.limit).and_offset(plan.offset);
    let sort = plan.sort;
    top.tweak_score(move |segment: &tantivy::SegmentReader| {
        let fast = segment.fast_fields();
        let comune = fast.u64("comune").ok().map(|c| c.first_or_default_col(0));
        let deadline = fast.i64("deadline").ok();
        let posted = fast.i64("posted").ok();
        let distances = distances.clone();
        move |doc: tantivy::DocId, score: Score| -> SortKey {
            match sort {
                Sort::Relevance => (f64::from(score), 0.0),
                Sort::Distance => {
                    let ord = comune.as_ref().map_or(0, |c| c.get_val(doc)) as usize;
                    let km = distances.as_ref().and_then(|d| d.get(ord).copied()).unwrap_or(f64::INFINITY);
                    (-km, score)
                }
                Sort::Deadline => {
                    (deadline.as_ref().and_then(|c| c.first(doc)).map_or(f64::MIN, |d| -(d as f64)), score)
                }
                Sort::Newest => (posted.as_ref().and_then(|c| c.first(doc)).map_or(f64::MIN, |d| d as f64), score),
            }
        }
    })
}

/// The Italian and English snippet generators of a request's text, built once for all its
/// hits (each builds a stemming analyzer).
fn snippet_generators(index: &SearchIndex, terms: Option<&TextTerms>) -> Vec<SnippetGenerator> {
    let Some(terms) = terms else { return Vec::new() };
    [(&terms.italian, ITALIAN, index.fields.body_it), (&terms.english, ENGLISH, index.fields.body_en)]
        .into_iter()
        .map(|(words, analyzer, field)| {
            let weights = words.iter().map(|w| (w.clone(), 1.0)).collect();
            SnippetGenerator::new(weights, analysis::analyzer(analyzer), field, SNIPPET_CHARS)
        })
        .collect()
}

fn snippet(generators: &[SnippetGenerator], body: &str) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut best: Option<tantivy::snippet::Snippet> = None;
    for generator in generators {
        let candidate = generator.snippet(body);
        if best.as_ref().is_none_or(|b| candidate.highlighted().len() > b.highlighted().len()) {
            best = Some(candidate);
        }
    }
    match best.filter(|s| !s.is_empty()) {
        Some(s) => s.to_html(),
        None => escape(&body.chars().take(SNIPPET_CHARS).collect::<String>()),
    }
}

fn hit(
    index: &SearchIndex,
    searcher: &Searcher,
    address: DocAddress,
    key: SortKey,
    plan: &Plan,
    snippets: &[SnippetGenerator],
    distances: Option<&Vec<f64>>,
) -> Result<Option<Hit>, SearchError> {
    let f = &index.fields;
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let Some(kind) = DocKind::parse(&text(f.kind)) else { return Ok(None) };
    let Ok(id) = uuid::Uuid::parse_str(&text(f.id)) else { return Ok(None) };
    let comune = doc.get_first(f.comune).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
    let score = if plan.sort == Sort::Relevance { key.0 as f32 } else { key.1 };
    Ok(Some(Hit {
        id,
        kind,
        title: text(f.title),
        snippet: snippet(snippets, &text(f.body)),
        score,
        distance_km: distances
            .and_then(|d| d.get(comune).copied())
            .filter(|d| d.is_finite())
            .map(|d| (d * 10.0).round() / 10.0),
        deadline: doc.get_first(f.deadline).and_then(|v| v.as_i64()).and_then(date_of),
        posted: doc.get_first(f.posted).and_then(|v| v.as_i64()).and_then(date_of),
        skills: doc.get_all(f.skills).filter_map(|v| v.as_str().map(str::to_owned)).collect(),
    }))
}

/// Runs `plan` in one pass over its matches (page, total, facets and deadline buckets
/// together); blocking (call it off the async runtime).
pub fn execute(index: &SearchIndex, plan: &Plan, today: NaiveDate) -> Result<SearchResults, SearchError> {
    let searcher = index.reader.searcher();
    let (query, terms) = build_query(index, plan);
    let distances = distance_table(plan);
    let named: Vec<&String> = plan.facets.iter().filter(|f| **f != "deadline").collect();
    let facet_collector = (!named.is_empty()).then(|| {
        let mut collector = FacetCollector::for_field("facets");
        for name in &named {
            collector.add_facet(Facet::from(format!("/{name}").as_str()));
        }
        collector
    });
    let buckets = plan.facets.iter().any(|f| f == "deadline").then(|| DeadlineBuckets::new(today));
    let collectors = ((top_docs(plan, distances.clone()), Count), facet_collector, buckets);
    let ((top, total), counts, deadline) = searcher.search(query.as_ref(), &collectors)?;
    let snippets = snippet_generators(index, terms.as_ref());
    let mut hits = Vec::with_capacity(top.len());
    for (key, address) in top {
        if let Some(h) = hit(index, &searcher, address, key, plan, &snippets, distances.as_ref())? {
            hits.push(h);
        }
    }
    let mut facets = Vec::new();
    if let Some(counts) = counts {
        for name in named {
            let mut values: Vec<FacetCount> = counts
                .get(format!("/{name}").as_str())
                .map(|(facet, count)| FacetCount {
                    value: facet.to_path().last().map(|s| (*s).to_owned()).unwrap_or_default(),
                    count,
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            facets.push(FacetCounts { name: name.clone(), values });
        }
    }
    if let Some(counts) = deadline {
        let values = buckets::NAMES
            .iter()
            .zip(counts)
            .map(|(name, count)| FacetCount { value: (*name).to_owned(), count })
            .collect();
        facets.push(FacetCounts { name: "deadline".into(), values });
    }
    let next_cursor = (plan.offset + plan.limit < total && plan.offset + 2 * plan.limit <= crate::query::MAX_DEPTH)
        .then(|| encode_cursor(plan.offset + plan.limit));
    Ok(SearchResults { total: total as u64, hits, facets, next_cursor })
}

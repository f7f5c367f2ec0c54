//! BM25 of one side's text (the query: an offer, a programme) against the other side's
//! profile (the document), computed with the retrieval index's statistics and tantivy's
//! formula (k1 = 1.2, b = 0.75) over the same four analysed fields. Computing it directly
//! costs microseconds per pair, where a tantivy query per pair would cost a fraction of a
//! millisecond; scoring hundreds of pairs per change needs the former.

use crocevia_domain::Entity;
use crocevia_search::analysis::{self, ENGLISH, ITALIAN};
use crocevia_search::document;
use crocevia_search::index::SearchIndex;
use crocevia_search::taxonomy::Taxonomy;
use std::collections::{BTreeSet, HashMap};
use tantivy::Term;
use tantivy::schema::Field;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const MAX_QUERY_WORDS: usize = 48;

/// A document's four analysed fields: term frequencies and lengths.
#[derive(Debug, Clone, Default)]
pub struct TextProfile {
    fields: [(HashMap<String, u32>, u32); 4],
}

/// A query's distinct terms per language.
#[derive(Debug, Clone, Default)]
pub struct QueryTerms {
    italian: Vec<String>,
    english: Vec<String>,
}

fn tf(text: &str, analyzer: &str) -> (HashMap<String, u32>, u32) {
    let tokens = analysis::tokens(analyzer, text);
    let len = tokens.len() as u32;
    let mut map = HashMap::new();
    for t in tokens {
        *map.entry(t).or_insert(0) += 1;
    }
    (map, len)
}

fn distinct(text: &str, analyzer: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    analysis::tokens(analyzer, text).into_iter().filter(|t| seen.insert(t.clone())).take(MAX_QUERY_WORDS).collect()
}

/// What the index holds of `entity` as text, analysed.
pub fn profile(entity: &Entity, taxonomy: &Taxonomy) -> TextProfile {
    let Some((_, title, body)) = document::texts(entity, taxonomy) else { return TextProfile::default() };
    TextProfile { fields: [tf(&title, ITALIAN), tf(&body, ITALIAN), tf(&title, ENGLISH), tf(&body, ENGLISH)] }
}

pub fn query(entity: &Entity, taxonomy: &Taxonomy) -> QueryTerms {
    let Some((_, title, body)) = document::texts(entity, taxonomy) else { return QueryTerms::default() };
    let text = format!("{title}\n{body}");
    QueryTerms { italian: distinct(&text, ITALIAN), english: distinct(&text, ENGLISH) }
}

/// Index statistics, cached for one batch of scoring.
pub struct Stats {
    searcher: tantivy::Searcher,
    fields: [Field; 4],
    avg_len: [f32; 4],
    docs: f32,
    idf: HashMap<(usize, String), f32>,
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").field("docs", &self.docs).field("avg_len", &self.avg_len).finish_non_exhaustive()
    }
}

impl Stats {
    pub fn new(index: &SearchIndex) -> Self {
        let f = index.fields();
        let fields = [f.title_it, f.body_it, f.title_en, f.body_en];
        let searcher = index.searcher();
        let docs = searcher.num_docs().max(1) as f32;
        let mut avg_len = [1.0; 4];
        for (i, field) in fields.iter().enumerate() {
            let mut tokens = 0u64;
            for segment in searcher.segment_readers() {
                if let Ok(inverted) = segment.inverted_index(*field) {
                    tokens += inverted.total_num_tokens();
                }
            }
            avg_len[i] = (tokens as f32 / docs).max(1.0);
        }
        Self { searcher, fields, avg_len, docs, idf: HashMap::new() }
    }

    fn idf(&mut self, field: usize, term: &str) -> f32 {
        if let Some(v) = self.idf.get(&(field, term.to_owned())) {
            return *v;
        }
        let df = self.searcher.doc_freq(&Term::from_field_text(self.fields[field], term)).unwrap_or(0) as f32;
        let v = (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln();
        self.idf.insert((field, term.to_owned()), v);
        v
    }

    /// BM25 of `query` against `doc`, summed over the four fields as the index's own bilingual
    /// query does.
    pub fn bm25(&mut self, query: &QueryTerms, doc: &TextProfile) -> f32 {
        let mut score = 0.0;
        for (field, terms) in [(0, &query.italian), (1, &query.italian), (2, &query.english), (3, &query.english)] {
            let (tfs, len) = &doc.fields[field];
            let norm = K1 * (1.0 - B + B * (*len as f32) / self.avg_len[field]);
            for term in terms {
                if let Some(&f) = tfs.get(term) {
                    let f = f as f32;
                    score += self.idf(field, term) * f * (K1 + 1.0) / (f + norm);
                }
            }
        }
        score
    }
}

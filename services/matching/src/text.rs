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
use foldhash::HashMap;
use std::collections::BTreeSet;
use tantivy::Term;
use tantivy::schema::Field;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const MAX_QUERY_WORDS: usize = 48;

/// Every analysed term the engine has seen, numbered, so that scoring a pair compares numbers
/// instead of hashing strings (string hashing was half of a catching-up matching process's
/// time). It only grows, bounded by the words of the two languages.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    terms: Vec<String>,
}

impl Vocabulary {
    fn intern(&mut self, term: String) -> Option<u32> {
        if let Some(id) = self.ids.get(&term) {
            return Some(*id);
        }
        let id = u32::try_from(self.terms.len()).ok()?;
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        Some(id)
    }

    fn get(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    fn term(&self, id: u32) -> Option<&str> {
        self.terms.get(id as usize).map(String::as_str)
    }
}

/// A document's four analysed fields: term frequencies, by term number, and lengths.
#[derive(Debug, Clone, Default)]
pub struct TextProfile {
    fields: [(Vec<(u32, u32)>, u32); 4],
}

impl TextProfile {
    fn tf(&self, field: usize, term: u32) -> Option<u32> {
        let (tfs, _) = self.fields.get(field)?;
        tfs.binary_search_by_key(&term, |(t, _)| *t).ok().and_then(|i| tfs.get(i)).map(|(_, f)| *f)
    }

    /// The distinct terms of one language's title and body (Italian: 0; English: 1).
    pub fn terms(&self, language: usize) -> Vec<u32> {
        let mut terms: Vec<u32> =
            self.fields.iter().skip(language * 2).take(2).flat_map(|(tfs, _)| tfs.iter().map(|(t, _)| *t)).collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }
}

/// A query's distinct terms per language, in the order of the text.
#[derive(Debug, Clone, Default)]
pub struct QueryTerms {
    italian: Vec<u32>,
    english: Vec<u32>,
}

impl QueryTerms {
    /// The distinct terms of one language (Italian: 0; English: 1).
    pub fn terms(&self, language: usize) -> &[u32] {
        if language == 0 { &self.italian } else { &self.english }
    }
}

/// Term frequencies (sorted by term number) and length of one field; `number` gives a term's
/// number, or `None` to leave it out.
fn tf(text: &str, analyzer: &str, number: &mut impl FnMut(String) -> Option<u32>) -> (Vec<(u32, u32)>, u32) {
    let tokens = analysis::tokens(analyzer, text);
    let len = tokens.len() as u32;
    let mut ids: Vec<u32> = tokens.into_iter().filter_map(&mut *number).collect();
    ids.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => out.push((id, 1)),
        }
    }
    // Held for every profile, for as long as the entity lives (half the slack of growth by
    // doubling was about 50 MB at 10^5).
    out.shrink_to_fit();
    (out, len)
}

fn distinct(text: &str, analyzer: &str, vocabulary: &mut Vocabulary) -> Vec<u32> {
    let mut seen = BTreeSet::new();
    analysis::tokens(analyzer, text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .take(MAX_QUERY_WORDS)
        .filter_map(|t| vocabulary.intern(t))
        .collect()
}

fn profile_with(entity: &Entity, taxonomy: &Taxonomy, mut number: impl FnMut(String) -> Option<u32>) -> TextProfile {
    let Some((_, title, body)) = document::texts(entity, taxonomy) else { return TextProfile::default() };
    TextProfile {
        fields: [
            tf(&title, ITALIAN, &mut number),
            tf(&body, ITALIAN, &mut number),
            tf(&title, ENGLISH, &mut number),
            tf(&body, ENGLISH, &mut number),
        ],
    }
}

/// What the index holds of `entity` as text, analysed; its terms join the vocabulary.
pub fn profile(entity: &Entity, taxonomy: &Taxonomy, vocabulary: &mut Vocabulary) -> TextProfile {
    profile_with(entity, taxonomy, |t| vocabulary.intern(t))
}

/// The same for scoring a profile once, without keeping it: terms the vocabulary lacks are
/// in no query, so they are left out.
pub fn transient_profile(entity: &Entity, taxonomy: &Taxonomy, vocabulary: &Vocabulary) -> TextProfile {
    profile_with(entity, taxonomy, |t| vocabulary.get(&t))
}

pub fn query(entity: &Entity, taxonomy: &Taxonomy, vocabulary: &mut Vocabulary) -> QueryTerms {
    let Some((_, title, body)) = document::texts(entity, taxonomy) else { return QueryTerms::default() };
    let text = format!("{title}\n{body}");
    QueryTerms { italian: distinct(&text, ITALIAN, vocabulary), english: distinct(&text, ENGLISH, vocabulary) }
}

/// The largest relative change between two [`Stats::corpus`] readings (0.05: 5%).
pub fn moved(before: &[f32; 5], now: &[f32; 5]) -> f32 {
    before.iter().zip(now).map(|(b, n)| (n - b).abs() / b.abs().max(1.0)).fold(0.0, f32::max)
}

/// Index statistics, held while the index is not committed again (see [`Stats::is_current`]):
/// from one commit to the next, every chunk of a batch scores with the same numbers, and each
/// term's document frequency is looked up in the term dictionary once.
#[derive(Clone)]
pub struct Stats {
    searcher: tantivy::Searcher,
    fields: [Field; 4],
    avg_len: [f32; 4],
    docs: f32,
    /// Per field, by term number: (document frequency, idf); NaN: not looked up yet. Bounded
    /// by the vocabulary (8 bytes a term and field).
    idf: [Vec<(f32, f32)>; 4],
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
        Self { searcher, fields, avg_len, docs, idf: Default::default() }
    }

    /// The corpus in five numbers: the document count and each field's average length. How
    /// far they moved says how far stored scores may have drifted (see [`moved`]).
    pub fn corpus(&self) -> [f32; 5] {
        [self.docs, self.avg_len[0], self.avg_len[1], self.avg_len[2], self.avg_len[3]]
    }

    /// Whether these are the statistics of the index's current commit.
    pub fn is_current(&self, index: &SearchIndex) -> bool {
        self.searcher.generation().generation_id() == index.searcher().generation().generation_id()
    }

    /// Document frequency and idf of `term` in `field` (0 to 3: title_it, body_it, title_en,
    /// body_en).
    fn lookup(&mut self, field: usize, term: u32, vocabulary: &Vocabulary) -> (f32, f32) {
        let (Some(cache), Some(field_id)) = (self.idf.get_mut(field), self.fields.get(field)) else {
            return (0.0, 0.0);
        };
        if let Some(v) = cache.get(term as usize).filter(|v| !v.0.is_nan()) {
            return *v;
        }
        let df = vocabulary
            .term(term)
            .and_then(|t| self.searcher.doc_freq(&Term::from_field_text(*field_id, t)).ok())
            .unwrap_or(0) as f32;
        let v = (df, (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln());
        if cache.len() <= term as usize {
            cache.resize(term as usize + 1, (f32::NAN, f32::NAN));
        }
        if let Some(slot) = cache.get_mut(term as usize) {
            *slot = v;
        }
        v
    }

    fn idf(&mut self, field: usize, term: u32, vocabulary: &Vocabulary) -> f32 {
        self.lookup(field, term, vocabulary).1
    }

    /// The words of `terms` (one language: Italian 0, English 1) to look for, rarest first,
    /// until the postings they read in that language's title and body add up to `budget` (a
    /// word none holds is left out). A small corpus keeps every word; a large one leaves out
    /// its common words, whose long postings cost the most and tell the least.
    pub fn rarest(&mut self, terms: &[u32], language: usize, budget: f32, vocabulary: &Vocabulary) -> Vec<String> {
        let mut rare: Vec<(f32, u32)> = terms
            .iter()
            .map(|&t| (self.lookup(language * 2, t, vocabulary).0 + self.lookup(language * 2 + 1, t, vocabulary).0, t))
            .filter(|(df, _)| *df > 0.0)
            .collect();
        rare.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut spent = 0.0;
        rare.into_iter()
            .take(MAX_QUERY_WORDS)
            .take_while(|(df, _)| {
                spent += df;
                spent <= budget
            })
            .filter_map(|(_, t)| vocabulary.term(t).map(str::to_owned))
            .collect()
    }

    /// BM25 of `query` against `doc`, summed over the four fields as the index's own bilingual
    /// query does, in the query's term order.
    pub fn bm25(&mut self, query: &QueryTerms, doc: &TextProfile, vocabulary: &Vocabulary) -> f32 {
        let mut score = 0.0;
        for (field, terms) in [(0, &query.italian), (1, &query.italian), (2, &query.english), (3, &query.english)] {
            let len = doc.fields.get(field).map_or(0, |(_, len)| *len);
            let avg_len = self.avg_len.get(field).copied().unwrap_or(1.0);
            let norm = K1 * (1.0 - B + B * (len as f32) / avg_len);
            for &term in terms {
                if let Some(f) = doc.tf(field, term) {
                    let f = f as f32;
                    score += self.idf(field, term, vocabulary) * f * (K1 + 1.0) / (f + norm);
                }
            }
        }
        score
    }
}

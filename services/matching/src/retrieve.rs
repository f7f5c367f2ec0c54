//! Candidate retrieval through tantivy. Blocking: call from a blocking thread.

use crocevia_domain::SkillId;
use crocevia_search::DocKind;
use crocevia_search::index::SearchIndex;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};
use uuid::Uuid;

/// Postings a candidate query's words may read, per language (see `text::Stats::rarest`):
/// retrieval only picks whom to score, and a query of every word of a text (up to 48 a
/// language, in both fields) was most of a first fill's time at 10^5 talents, spent on the
/// long postings of common words. A corpus of a few thousand documents stays under it.
pub const POSTINGS_BUDGET: f32 = 20_000.0;

/// The analysed words a candidate query looks for, per language.
#[derive(Debug, Default, Clone)]
pub struct Words {
    pub italian: Vec<String>,
    pub english: Vec<String>,
}

pub struct Retriever<'a> {
    index: &'a SearchIndex,
    searcher: Searcher,
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn must_filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

impl std::fmt::Debug for Retriever<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retriever").finish_non_exhaustive()
    }
}

impl<'a> Retriever<'a> {
    pub fn new(index: &'a SearchIndex) -> Self {
        Self { index, searcher: index.searcher() }
    }

    fn kind_filter(&self, kind: DocKind) -> (Occur, Box<dyn Query>) {
        must_filter(term(self.index.fields().kind, kind.as_str()))
    }

    /// One side's words as a bilingual query, in titles and bodies.
    fn text_query(&self, words: &Words) -> Box<dyn Query> {
        let f = self.index.fields();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (words, title, body) in [(&words.italian, f.title_it, f.body_it), (&words.english, f.title_en, f.body_en)] {
            for w in words {
                clauses.push((Occur::Should, term(title, w)));
                clauses.push((Occur::Should, term(body, w)));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The ids of retrieved documents, from the two id columns (a stored-document load per
    /// candidate was a seventh of a catching-up matching process's time).
    fn ids_of(&self, top: Vec<(f32, tantivy::DocAddress)>) -> anyhow::Result<Vec<(Uuid, f32)>> {
        let schema = self.searcher.schema();
        let f = self.index.fields();
        let (high, low) = (schema.get_field_name(f.id_high), schema.get_field_name(f.id_low));
        let mut columns: HashMap<u32, (Column<u64>, Column<u64>)> = HashMap::new();
        let mut out = Vec::with_capacity(top.len());
        for (score, address) in top {
            let (h, l) = match columns.entry(address.segment_ord) {
                Entry::Occupied(columns) => columns.into_mut(),
                Entry::Vacant(slot) => {
                    let fast = self.searcher.segment_reader(address.segment_ord).fast_fields();
                    slot.insert((fast.u64(high)?, fast.u64(low)?))
                }
            };
            if let (Some(h), Some(l)) = (h.first(address.doc_id), l.first(address.doc_id)) {
                out.push((Uuid::from_u64_pair(h, l), score));
            }
        }
        Ok(out)
    }

    /// Up to `limit` entities of `kind` worth scoring: they share skill concepts (related ones
    /// count less) or `words`.
    pub fn candidates(
        &self,
        kind: DocKind,
        skills: &[SkillId],
        words: &Words,
        limit: usize,
    ) -> anyhow::Result<Vec<Uuid>> {
        let f = self.index.fields();
        let taxonomy = self.index.taxonomy();
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        let mut related = BTreeSet::new();
        for skill in skills {
            should.push(Box::new(BoostQuery::new(term(f.skills, skill.as_str()), 3.0)));
            if let Some(concept) = taxonomy.concept(skill) {
                related.extend(concept.related.iter().filter(|r| !skills.contains(r)).cloned());
            }
        }
        for skill in related {
            should.push(term(f.skills, skill.as_str()));
        }
        should.push(Box::new(BoostQuery::new(self.text_query(words), 0.5)));
        let query =
            BooleanQuery::new(vec![self.kind_filter(kind), (Occur::Must, Box::new(BooleanQuery::union(should)))]);
        let top = self.searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(self.ids_of(top)?.into_iter().map(|(id, _)| id).collect())
    }
}

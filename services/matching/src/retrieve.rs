//! Candidate retrieval through tantivy, and the BM25 text relevance of one side's text
//! against the other side's profile. Blocking: call from a blocking thread.

use crocevia_domain::SkillId;
use crocevia_search::DocKind;
use crocevia_search::analysis::{self, ENGLISH, ITALIAN};
use crocevia_search::index::SearchIndex;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};
use uuid::Uuid;

/// Distinct words of a text that take part in its query; long descriptions are cut so a
/// query stays cheap.
const MAX_QUERY_WORDS: usize = 48;

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

    /// The text of one side as a bilingual query (Italian and English stems).
    pub fn text_query(&self, text: &str) -> Box<dyn Query> {
        let f = self.index.fields();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (analyzer, title, body) in [(ITALIAN, f.title_it, f.body_it), (ENGLISH, f.title_en, f.body_en)] {
            let words: BTreeSet<String> =
                analysis::tokens(analyzer, text).into_iter().take(MAX_QUERY_WORDS * 2).collect();
            for w in words.into_iter().take(MAX_QUERY_WORDS) {
                clauses.push((Occur::Should, term(title, &w)));
                clauses.push((Occur::Should, term(body, &w)));
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
    /// count less) or words with `text`.
    pub fn candidates(&self, kind: DocKind, skills: &[SkillId], text: &str, limit: usize) -> anyhow::Result<Vec<Uuid>> {
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
        should.push(Box::new(BoostQuery::new(self.text_query(text), 0.5)));
        let query =
            BooleanQuery::new(vec![self.kind_filter(kind), (Occur::Must, Box::new(BooleanQuery::union(should)))]);
        let top = self.searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(self.ids_of(top)?.into_iter().map(|(id, _)| id).collect())
    }

    /// BM25 of `query` against each of `ids` (absent: no word in common).
    pub fn scores_for(&self, query: &dyn Query, ids: &[Uuid]) -> anyhow::Result<HashMap<Uuid, f32>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let id_field = self.index.fields().id;
        let any_id: Vec<Box<dyn Query>> = ids
            .iter()
            .map(|id| -> Box<dyn Query> {
                Box::new(TermQuery::new(Term::from_field_text(id_field, &id.to_string()), IndexRecordOption::Basic))
            })
            .collect();
        let restricted = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            must_filter(Box::new(BooleanQuery::union(any_id))),
        ]);
        let top = self.searcher.search(&restricted, &TopDocs::with_limit(ids.len()).order_by_score())?;
        Ok(self.ids_of(top)?.into_iter().collect())
    }
}

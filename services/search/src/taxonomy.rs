//! Finds skill concepts in text, so a query in either language reaches profiles and offers
//! tagged with the same concept: "sviluppatore Rust" and "Rust developer" both name `rust`,
//! "apprendimento automatico" and "machine learning" both name `machine-learning`.

use crate::analysis;
use crocevia_domain::{SkillConcept, SkillId};
// Looked up for every skill of every scored pair: a fast hasher (the keys are our own data).
use foldhash::HashMap;

/// Longest label or synonym, in words, that detection looks for.
const MAX_PHRASE_WORDS: usize = 5;

#[derive(Debug, Default)]
pub struct Taxonomy {
    /// Normalised phrase (raw tokens joined by spaces) -> concept.
    phrases: HashMap<String, SkillId>,
    concepts: HashMap<SkillId, SkillConcept>,
}

impl Taxonomy {
    pub fn new(concepts: Vec<SkillConcept>) -> Self {
        let mut phrases = HashMap::default();
        for concept in &concepts {
            for term in concept.terms() {
                let key = analysis::tokens(analysis::RAW, term).join(" ");
                if !key.is_empty() {
                    // First concept wins; the taxonomy keeps labels unambiguous anyway.
                    phrases.entry(key).or_insert_with(|| concept.id.clone());
                }
            }
            phrases.entry(concept.id.as_str().replace('-', " ")).or_insert_with(|| concept.id.clone());
        }
        let concepts = concepts.into_iter().map(|c| (c.id.clone(), c)).collect();
        Self { phrases, concepts }
    }

    pub fn concept(&self, id: &SkillId) -> Option<&SkillConcept> {
        self.concepts.get(id)
    }

    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// Concepts named in `raw_tokens`, longest phrase first. `min_single_len` skips one-word
    /// matches shorter than that (in documents, "go" or "r" are more often words than skills).
    pub fn detect(&self, raw_tokens: &[String], min_single_len: usize) -> Vec<SkillId> {
        let mut found: Vec<SkillId> = Vec::new();
        let mut i = 0;
        while i < raw_tokens.len() {
            let mut matched = 0;
            for n in (1..=MAX_PHRASE_WORDS.min(raw_tokens.len() - i)).rev() {
                if n == 1 && raw_tokens[i].chars().count() < min_single_len {
                    continue;
                }
                let key = raw_tokens[i..i + n].join(" ");
                if let Some(id) = self.phrases.get(&key) {
                    if !found.contains(id) {
                        found.push(id.clone());
                    }
                    matched = n;
                    break;
                }
            }
            i += matched.max(1);
        }
        found
    }

    /// Both labels and every synonym of the concepts, to index beside a document's text.
    pub fn labels(&self, ids: &[SkillId]) -> String {
        let mut text = String::new();
        for concept in ids.iter().filter_map(|id| self.concepts.get(id)) {
            for term in concept.terms() {
                text.push_str(term);
                text.push_str(". ");
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(id: &str, it: &str, en: &str, syn_it: &[&str]) -> SkillConcept {
        SkillConcept {
            id: SkillId::new(id).unwrap(),
            category: "software".into(),
            label_it: it.into(),
            label_en: en.into(),
            synonyms_it: syn_it.iter().map(|s| (*s).to_owned()).collect(),
            synonyms_en: vec![],
            related: vec![],
            esco_uri: None,
        }
    }

    #[test]
    fn finds_concepts_in_both_languages_longest_first() {
        let t = Taxonomy::new(vec![
            concept("machine-learning", "Apprendimento automatico", "Machine learning", &["ML"]),
            concept("rust", "Rust", "Rust", &[]),
            concept("go", "Go", "Go", &[]),
        ]);
        let toks = |s: &str| analysis::tokens(analysis::RAW, s);
        assert_eq!(
            t.detect(&toks("Sviluppatore Rust e apprendimento automatico"), 1),
            [SkillId::new("rust").unwrap(), SkillId::new("machine-learning").unwrap()]
        );
        assert_eq!(t.detect(&toks("machine learning engineer"), 1), [SkillId::new("machine-learning").unwrap()]);
        assert!(t.detect(&toks("let's go to Torino"), 3).is_empty());
        assert_eq!(t.detect(&toks("go"), 1), [SkillId::new("go").unwrap()]);
    }
}

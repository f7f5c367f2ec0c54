//! The skills taxonomy as a picker needs it: labels by id, and type-ahead with the
//! taxonomy's one normaliser (`crocevia_domain::taxonomy::normalise`): case and accents do
//! not matter ("qualita" finds "Qualità automotive"), and what the text names as a whole
//! ("Python (avanzato)", "modelli predittivi") comes first. Held in the gateway itself, from
//! the same reference taxonomy every service loads, so the picker works in a process that
//! does not run search. An answer holds at most [`MAX_SUGGESTIONS`] concepts: the browser
//! never receives the taxonomy whole.

use crocevia_domain::taxonomy::normalise::fold;
use crocevia_domain::{SkillConcept, SkillTaxonomy};
use std::collections::HashMap;

/// Most concepts one type-ahead answer returns, whatever the caller asks.
pub const MAX_SUGGESTIONS: usize = 50;

#[derive(Debug, Default)]
pub struct SkillCatalog {
    taxonomy: SkillTaxonomy,
    /// Indexes into the taxonomy's concepts, by English label: the order of equal matches.
    order: Vec<usize>,
    by_id: HashMap<String, usize>,
    /// Per concept (taxonomy order): its two labels, then its other terms (synonyms), folded.
    labels: Vec<[String; 2]>,
    terms: Vec<Vec<String>>,
}

fn at_word_start(text: &str, query: &str) -> bool {
    text.starts_with(query) || text.match_indices(query).any(|(i, _)| text[..i].ends_with(' '))
}

impl SkillCatalog {
    pub fn new(taxonomy: SkillTaxonomy) -> Self {
        let concepts = taxonomy.concepts();
        let labels: Vec<[String; 2]> = concepts.iter().map(|c| [fold(&c.label_it), fold(&c.label_en)]).collect();
        // A stable order (by English label) so equal matches come out the same way every time.
        let mut order: Vec<usize> = (0..concepts.len()).collect();
        order.sort_by(|&a, &b| labels[a][1].cmp(&labels[b][1]).then(concepts[a].id.cmp(&concepts[b].id)));
        let by_id = concepts.iter().enumerate().map(|(i, c)| (c.id.as_str().to_owned(), i)).collect();
        let terms = concepts
            .iter()
            .map(|c| {
                let mut terms: Vec<String> =
                    c.terms().skip(2).map(fold).chain([fold(&c.id.as_str().replace('-', " "))]).collect();
                terms.retain(|t| !t.is_empty());
                terms
            })
            .collect();
        Self { taxonomy, order, by_id, labels, terms }
    }

    pub fn len(&self) -> usize {
        self.taxonomy.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taxonomy.is_empty()
    }

    /// The version of the taxonomy (`data/reference/skills/VERSION`).
    pub fn version(&self) -> &str {
        self.taxonomy.version()
    }

    /// The concepts with these ids, in the order asked, each once; unknown ids are skipped (a
    /// concept may have left the taxonomy since the caller stored its id).
    pub fn by_ids<'a>(&'a self, ids: &[String]) -> Vec<&'a SkillConcept> {
        let mut seen = std::collections::HashSet::new();
        ids.iter()
            .filter_map(|id| self.by_id.get(id.trim()))
            .filter(|i| seen.insert(**i))
            .map(|i| &self.taxonomy.concepts()[*i])
            .collect()
    }

    /// Type-ahead: the concept the whole text names ([`SkillTaxonomy::resolve`]), then
    /// concepts where `query` starts a label, then where it starts a word of a label, then
    /// where it starts a synonym or a word of one; shorter labels first within each group.
    /// An empty query lists the taxonomy in label order. One pass over the concepts' folded
    /// labels: well under a millisecond for a few thousand concepts.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<&SkillConcept> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let concepts = self.taxonomy.concepts();
        let q = fold(query);
        if q.is_empty() {
            return self.order.iter().take(limit).map(|&i| &concepts[i]).collect();
        }
        let named = self.taxonomy.resolve(query).and_then(|c| self.by_id.get(c.id.as_str()).copied());
        let mut hits: Vec<(u8, usize, usize)> = Vec::new();
        for (rank, &i) in self.order.iter().enumerate() {
            let [it, en] = &self.labels[i];
            let tier = if Some(i) == named {
                Some(0)
            } else if it == &q || en == &q {
                Some(1)
            } else if it.starts_with(&q) || en.starts_with(&q) {
                Some(2)
            } else if at_word_start(it, &q) || at_word_start(en, &q) {
                Some(3)
            } else if self.terms[i].iter().any(|t| at_word_start(t, &q)) {
                Some(4)
            } else {
                None
            };
            if let Some(tier) = tier {
                hits.push((tier, it.len().min(en.len()), rank));
            }
        }
        hits.sort();
        hits.into_iter().take(limit).map(|(_, _, rank)| &concepts[self.order[rank]]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(id: &str, it: &str, en: &str, synonyms: &[&str]) -> SkillConcept {
        serde_json::from_value(serde_json::json!({
            "id": id, "category": "software", "label_it": it, "label_en": en,
            "synonyms_en": synonyms,
        }))
        .unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    fn ids(found: &[&SkillConcept]) -> Vec<String> {
        found.iter().map(|c| c.id.as_str().to_owned()).collect()
    }

    fn catalog() -> SkillCatalog {
        let concepts = vec![
            concept("python", "Python", "Python", &["py"]),
            concept("data-pipelines", "Pipeline di dati in Python", "Python data pipelines", &[]),
            concept("quality", "Qualità automotive", "Automotive quality", &[]),
            concept("c", "Linguaggio C", "C", &["ansi c"]),
            concept("cpp", "C++", "C++", &["cplusplus"]),
            concept("ml", "Apprendimento automatico", "Machine learning", &["ML"]),
            concept("predictive", "Modelli predittivi", "Predictive modelling", &[]),
        ];
        SkillCatalog::new(SkillTaxonomy::from_concepts("1.0.0", concepts).unwrap())
    }

    #[test]
    fn label_prefix_ranks_before_word_prefix() {
        let c = catalog();
        assert_eq!(ids(&c.suggest("pyth", 20)), ["python", "data-pipelines"]);
        assert_eq!(ids(&c.suggest("PY", 20))[0], "python");
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        let c = catalog();
        assert_eq!(ids(&c.suggest("qualita", 20)), ["quality"]);
        assert_eq!(ids(&c.suggest("QUALITÀ", 20)), ["quality"]);
        assert_eq!(ids(&c.suggest("apprendimento aut", 20)), ["ml"]);
        assert_eq!(ids(&c.suggest("learn", 20)), ["ml"]);
    }

    #[test]
    fn exact_labels_come_first_and_plus_signs_count() {
        let c = catalog();
        assert_eq!(ids(&c.suggest("c", 20))[0], "c");
        assert_eq!(ids(&c.suggest("c++", 20)), ["cpp"]);
        assert_eq!(ids(&c.suggest("cplus", 20)), ["cpp"], "synonyms match too");
        assert!(c.suggest("ython", 20).is_empty(), "only word starts match");
    }

    #[test]
    fn what_the_text_names_comes_first() {
        let c = catalog();
        assert_eq!(ids(&c.suggest("Python (avanzato)", 20)), ["python"]);
        assert_eq!(ids(&c.suggest("modello predittivo", 20)), ["predictive"]);
        assert_eq!(ids(&c.suggest("python data", 20))[0], "data-pipelines");
    }

    #[test]
    fn limits_and_lookups() {
        let c = catalog();
        assert_eq!(c.suggest("", 2).len(), 2);
        assert_eq!(c.suggest("", 500).len(), 7);
        assert_eq!(ids(&c.by_ids(&["cpp".into(), "nope".into(), "python".into(), "cpp".into()])), ["cpp", "python"]);
    }
}

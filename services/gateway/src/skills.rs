//! The skills taxonomy as a picker needs it: labels by id, and type-ahead that ignores case
//! and accents ("qualita" finds "Qualità automotive"). Held in the gateway itself, from the
//! same file every service loads, so the picker works in a process that does not run search.

use crocevia_domain::SkillConcept;
use std::collections::HashMap;

/// Most concepts one type-ahead answer returns, whatever the caller asks.
pub const MAX_SUGGESTIONS: usize = 50;

#[derive(Debug, Default)]
pub struct SkillCatalog {
    concepts: Vec<SkillConcept>,
    by_id: HashMap<String, usize>,
    /// Per concept: its two labels, then its other terms (synonyms), normalised.
    labels: Vec<[String; 2]>,
    terms: Vec<Vec<String>>,
}

/// Lower case, accents folded, and every run of separators one space, so that matching at
/// a word start is `text.starts_with(q) || text.contains(" " + q)`. `+` and `#` stay: they
/// tell C, C++ and C# apart.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_alphanumeric() || c == '+' || c == '#' {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The Latin letters with diacritics that Italian, English, French and German names use.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

fn at_word_start(text: &str, query: &str) -> bool {
    text.starts_with(query) || text.match_indices(query).any(|(i, _)| text[..i].ends_with(' '))
}

impl SkillCatalog {
    pub fn new(mut concepts: Vec<SkillConcept>) -> Self {
        // A stable order (by English label) so equal matches come out the same way every time.
        concepts.sort_by(|a, b| normalise(&a.label_en).cmp(&normalise(&b.label_en)).then(a.id.cmp(&b.id)));
        let by_id = concepts.iter().enumerate().map(|(i, c)| (c.id.as_str().to_owned(), i)).collect();
        let labels = concepts.iter().map(|c| [normalise(&c.label_it), normalise(&c.label_en)]).collect();
        let terms = concepts
            .iter()
            .map(|c| {
                let mut terms: Vec<String> =
                    c.terms().skip(2).map(normalise).chain([normalise(&c.id.as_str().replace('-', " "))]).collect();
                terms.retain(|t| !t.is_empty());
                terms
            })
            .collect();
        Self { concepts, by_id, labels, terms }
    }

    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The concepts with these ids, in the order asked, each once; unknown ids are skipped (a
    /// concept may have left the taxonomy since the caller stored its id).
    pub fn by_ids<'a>(&'a self, ids: &[String]) -> Vec<&'a SkillConcept> {
        let mut seen = std::collections::HashSet::new();
        ids.iter()
            .filter_map(|id| self.by_id.get(id.trim()))
            .filter(|i| seen.insert(**i))
            .map(|i| &self.concepts[*i])
            .collect()
    }

    /// Type-ahead: concepts where `query` starts a label, then where it starts a word of a
    /// label, then where it starts a synonym or a word of one; shorter labels first within
    /// each group. An empty query lists the taxonomy in label order.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<&SkillConcept> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let q = normalise(query);
        let mut hits: Vec<(u8, usize, usize)> = Vec::new();
        for (i, [it, en]) in self.labels.iter().enumerate() {
            let tier = if q.is_empty() {
                Some(3)
            } else if it == &q || en == &q {
                Some(0)
            } else if it.starts_with(&q) || en.starts_with(&q) {
                Some(1)
            } else if at_word_start(it, &q) || at_word_start(en, &q) {
                Some(2)
            } else if self.terms[i].iter().any(|t| at_word_start(t, &q)) {
                Some(3)
            } else {
                None
            };
            if let Some(tier) = tier {
                hits.push((tier, it.len().min(en.len()), i));
            }
        }
        // Without a query, the hits are already in label order (sorted at construction).
        if !q.is_empty() {
            hits.sort();
        }
        hits.into_iter().take(limit).map(|(_, _, i)| &self.concepts[i]).collect()
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
        SkillCatalog::new(vec![
            concept("python", "Python", "Python", &["py"]),
            concept("data-pipelines", "Pipeline di dati in Python", "Python data pipelines", &[]),
            concept("quality", "Qualità automotive", "Automotive quality", &[]),
            concept("c", "Linguaggio C", "C", &["ansi c"]),
            concept("cpp", "C++", "C++", &["cplusplus"]),
            concept("ml", "Apprendimento automatico", "Machine learning", &["ML"]),
        ])
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
    fn limits_and_lookups() {
        let c = catalog();
        assert_eq!(c.suggest("", 2).len(), 2);
        assert_eq!(c.suggest("", 500).len(), 6);
        assert_eq!(ids(&c.by_ids(&["cpp".into(), "nope".into(), "python".into(), "cpp".into()])), ["cpp", "python"]);
    }
}

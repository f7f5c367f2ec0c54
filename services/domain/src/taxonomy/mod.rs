//! The bilingual skills taxonomy as one checked whole: every concept file of the reference
//! data merged, refused at load if two concepts share an id or a label, or a concept names a
//! related concept that does not exist, with errors that name the file, the concept and the
//! field. [`SkillTaxonomy::resolve`] maps typed text ("Python (avanzato)", "analisi FEM") to
//! a concept with the one [`normalise`]r.

pub mod normalise;
mod reference;
#[cfg(test)]
mod tests;

use crate::ids::SkillId;
use crate::skill::SkillConcept;
use crate::validation::Validate;
use std::collections::HashMap;
use std::fmt;

pub use reference::{reference, reference_files};

/// One problem of the taxonomy, where it is: the file, the concept (its id, or its place in
/// the file when it has none) and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyError {
    pub file: String,
    pub concept: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for TaxonomyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(concept) = &self.concept {
            write!(f, ", concept {concept}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TaxonomyErrors(pub Vec<TaxonomyError>);

/// Most problems one message lists; a broken file can have hundreds.
const SHOWN_ERRORS: usize = 20;

impl fmt::Display for TaxonomyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the skills taxonomy has {} problem(s)", self.0.len())?;
        for error in self.0.iter().take(SHOWN_ERRORS) {
            write!(f, "\n  {error}")?;
        }
        if self.0.len() > SHOWN_ERRORS {
            write!(f, "\n  and {} more", self.0.len() - SHOWN_ERRORS)?;
        }
        Ok(())
    }
}

/// The taxonomy, checked, with what [`SkillTaxonomy::resolve`] needs.
#[derive(Debug, Clone, Default)]
pub struct SkillTaxonomy {
    version: String,
    concepts: Vec<SkillConcept>,
    by_id: HashMap<SkillId, usize>,
    /// Normalised label, synonym or id (dashes as spaces) -> concept.
    exact: HashMap<String, usize>,
    /// Per concept, the words of each of its terms.
    terms: Vec<Vec<Vec<String>>>,
    /// Word -> the concepts with a term that has it, ascending, each once.
    postings: HashMap<String, Vec<usize>>,
}

/// The terms of a concept that must name it alone, with their fields.
fn named_terms(c: &SkillConcept) -> impl Iterator<Item = (String, &str)> {
    [("label_it".to_owned(), c.label_it.as_str()), ("label_en".to_owned(), c.label_en.as_str())]
        .into_iter()
        .chain(c.synonyms_it.iter().enumerate().map(|(i, s)| (format!("synonyms_it[{i}]"), s.as_str())))
        .chain(c.synonyms_en.iter().enumerate().map(|(i, s)| (format!("synonyms_en[{i}]"), s.as_str())))
}

impl SkillTaxonomy {
    /// Parses and checks `files` (name, JSON array of concepts) as one taxonomy.
    pub fn load<'a>(
        version: &str,
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, TaxonomyErrors> {
        let mut errors = Vec::new();
        let mut names = Vec::new();
        let mut concepts = Vec::new();
        for (name, text) in files {
            let error = |concept: Option<String>, message: String| TaxonomyError {
                file: name.to_owned(),
                concept,
                field: None,
                message,
            };
            match serde_json::from_str::<Vec<serde_json::Value>>(text) {
                Err(e) => errors.push(error(None, format!("not a JSON array of concepts: {e}"))),
                Ok(values) => {
                    for (i, value) in values.into_iter().enumerate() {
                        let which = value.get("id").and_then(|v| v.as_str()).map_or(format!("[{i}]"), str::to_owned);
                        match serde_json::from_value::<SkillConcept>(value) {
                            Ok(concept) => concepts.push((names.len(), concept)),
                            // serde names the field: "unknown field `x`", "missing field `label_en`".
                            Err(e) => errors.push(error(Some(which), e.to_string())),
                        }
                    }
                }
            }
            names.push(name.to_owned());
        }
        Self::check(version, &names, concepts, errors)
    }

    /// Checks `concepts` as one taxonomy (tests, and callers that already hold them).
    pub fn from_concepts(version: &str, concepts: Vec<SkillConcept>) -> Result<Self, TaxonomyErrors> {
        let names = ["(concepts)".to_owned()];
        Self::check(version, &names, concepts.into_iter().map(|c| (0, c)).collect(), Vec::new())
    }

    fn check(
        version: &str,
        names: &[String],
        concepts: Vec<(usize, SkillConcept)>,
        mut errors: Vec<TaxonomyError>,
    ) -> Result<Self, TaxonomyErrors> {
        let error = |file: usize, c: &SkillConcept, field: &str, message: String| TaxonomyError {
            file: names.get(file).cloned().unwrap_or_default(),
            concept: Some(c.id.as_str().to_owned()),
            field: Some(field.to_owned()),
            message,
        };
        let mut t = Self { version: version.trim().to_owned(), ..Self::default() };
        let mut files = Vec::with_capacity(concepts.len());
        for (file, concept) in concepts {
            if let Err(invalid) = concept.validate() {
                errors.extend(invalid.0.into_iter().map(|e| error(file, &concept, &e.field, e.message)));
            }
            if let Some(&first) = t.by_id.get(&concept.id) {
                let elsewhere = names.get(files[first]).map_or("", String::as_str);
                errors.push(error(file, &concept, "id", format!("the id is already used in {elsewhere}")));
                continue;
            }
            t.by_id.insert(concept.id.clone(), t.concepts.len());
            files.push(file);
            t.concepts.push(concept);
        }
        for (i, concept) in t.concepts.iter().enumerate() {
            let mut words_of_terms: Vec<Vec<String>> = Vec::new();
            for (field, term) in named_terms(concept) {
                let key = normalise::key(term);
                if key.is_empty() {
                    errors.push(error(files[i], concept, &field, "has no letters or digits".into()));
                    continue;
                }
                match t.exact.get(&key) {
                    Some(&other) if other != i => {
                        let (id, file) = (&t.concepts[other].id, names.get(files[other]).map_or("", String::as_str));
                        errors.push(error(
                            files[i],
                            concept,
                            &field,
                            format!("{term:?} is, once normalised, also a label or synonym of {id} ({file})"),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        t.exact.insert(key, i);
                    }
                }
                words_of_terms.push(normalise::words(term));
            }
            // The id names its concept too ("machine-learning"), unless a term of another
            // concept already says the same.
            let id_words = normalise::words(&concept.id.as_str().replace('-', " "));
            t.exact.entry(id_words.join(" ")).or_insert(i);
            words_of_terms.push(id_words);
            words_of_terms.sort();
            words_of_terms.dedup();
            for word in words_of_terms.iter().flatten() {
                let list = t.postings.entry(word.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            t.terms.push(words_of_terms);
            for (r, related) in concept.related.iter().enumerate() {
                if !t.by_id.contains_key(related) {
                    errors.push(error(
                        files[i],
                        concept,
                        &format!("related[{r}]"),
                        format!("no concept {related} in the taxonomy"),
                    ));
                }
            }
        }
        if errors.is_empty() { Ok(t) } else { Err(TaxonomyErrors(errors)) }
    }

    /// The version of the reference data (`data/reference/skills/VERSION`).
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn concepts(&self) -> &[SkillConcept] {
        &self.concepts
    }

    pub fn into_concepts(self) -> Vec<SkillConcept> {
        self.concepts
    }

    pub fn concept(&self, id: &SkillId) -> Option<&SkillConcept> {
        self.by_id.get(id).map(|&i| &self.concepts[i])
    }

    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The concept typed `text` names, if any. The rule, on the [`normalise::words`] of the
    /// text (case, accents, qualifiers in parentheses, little words and plural or gender
    /// endings do not matter):
    ///
    /// 1. the concept with a label, synonym or id that has exactly these words;
    /// 2. else, among the concepts whose terms together hold every word of the text ("analisi
    ///    FEM": "analisi" from the label "Analisi agli elementi finiti", "fem" from the
    ///    synonym "FEM"), the one with a single term sharing the most words with the text,
    ///    then with the fewest words the text does not have, then the first loaded.
    ///
    /// Text with a word no concept has resolves to nothing: a guess would tag a profile with
    /// a skill its owner did not name.
    pub fn resolve(&self, text: &str) -> Option<&SkillConcept> {
        let words = normalise::words(text);
        if words.is_empty() {
            return None;
        }
        if let Some(&i) = self.exact.get(&words.join(" ")) {
            return Some(&self.concepts[i]);
        }
        let mut wanted: Vec<&str> = words.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        // The rarest word's concepts first: the fewest candidates to look at.
        let mut lists: Vec<&Vec<usize>> = Vec::with_capacity(wanted.len());
        for word in &wanted {
            lists.push(self.postings.get(*word)?);
        }
        lists.sort_by_key(|l| l.len());
        let (first, rest) = lists.split_first()?;
        let best = first
            .iter()
            .filter(|i| rest.iter().all(|l| l.binary_search(i).is_ok()))
            .map(|&i| {
                let (shared, extra) = self.terms[i]
                    .iter()
                    .map(|term| {
                        let shared = wanted.iter().filter(|w| term.iter().any(|t| t == *w)).count();
                        (shared, term.len().saturating_sub(shared))
                    })
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                    .unwrap_or((0, usize::MAX));
                (std::cmp::Reverse(shared), extra, i)
            })
            .min()?;
        self.concepts.get(best.2)
    }
}

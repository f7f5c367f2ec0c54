//! Concepts of the bilingual skills taxonomy.

use crate::ids::SkillId;
use crate::validation::{Validate, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};

/// One skill concept with its Italian and English labels and synonyms. Profiles and offers
/// refer to concepts, not words, so "sviluppatore Rust" and "Rust developer" meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillConcept {
    pub id: SkillId,
    pub category: String,
    pub label_it: String,
    pub label_en: String,
    #[serde(default)]
    pub synonyms_it: Vec<String>,
    #[serde(default)]
    pub synonyms_en: Vec<String>,
    /// Concepts that count in part towards this one (e.g. `cpp` for `rust`).
    #[serde(default)]
    pub related: Vec<SkillId>,
}

impl SkillConcept {
    /// Every label and synonym, both languages, for text matching.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        [self.label_it.as_str(), self.label_en.as_str()]
            .into_iter()
            .chain(self.synonyms_it.iter().map(String::as_str))
            .chain(self.synonyms_en.iter().map(String::as_str))
    }
}

impl Validate for SkillConcept {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.name("category", &self.category);
        v.name("label_it", &self.label_it);
        v.name("label_en", &self.label_en);
        for (field, list) in [("synonyms_it", &self.synonyms_it), ("synonyms_en", &self.synonyms_en)] {
            v.list_len(field, list);
            for (i, s) in list.iter().enumerate() {
                v.name(&format!("{field}[{i}]"), s);
            }
        }
        v.list_len("related", &self.related);
        v.unique("related", &self.related);
        v.check(!self.related.contains(&self.id), "related", "a concept cannot be related to itself");
        v.finish()
    }
}

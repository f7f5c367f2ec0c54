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
    /// The ESCO skill this concept corresponds to, when there is one
    /// (`http://data.europa.eu/esco/skill/<uuid>`): ties the taxonomy to the EU's classification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esco_uri: Option<String>,
}

/// Every ESCO skill URI starts with this; a UUID follows.
pub const ESCO_SKILL_PREFIX: &str = "http://data.europa.eu/esco/skill/";

/// Whether `uri` is an ESCO skill URI: the prefix, then a UUID in its hyphenated lowercase form.
fn is_esco_skill_uri(uri: &str) -> bool {
    uri.strip_prefix(ESCO_SKILL_PREFIX).is_some_and(|uuid| {
        uuid.len() == 36
            && uuid.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
            })
    })
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
        if let Some(uri) = &self.esco_uri {
            v.check(
                is_esco_skill_uri(uri),
                "esco_uri",
                format!("{uri:?} is not an ESCO skill URI ({ESCO_SKILL_PREFIX}<uuid>)"),
            );
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(esco_uri: Option<&str>) -> SkillConcept {
        SkillConcept {
            id: SkillId::new("metrology").unwrap(),
            category: "manufacturing".into(),
            label_it: "Metrologia".into(),
            label_en: "Metrology".into(),
            synonyms_it: vec![],
            synonyms_en: vec![],
            related: vec![],
            esco_uri: esco_uri.map(str::to_owned),
        }
    }

    #[test]
    fn esco_uri_is_optional_and_checked() {
        assert!(concept(None).validate().is_ok());
        assert!(
            concept(Some("http://data.europa.eu/esco/skill/25f0ea33-1c9e-4a9c-8f5c-6f8e2a0e8d1b")).validate().is_ok()
        );
        for bad in [
            "https://data.europa.eu/esco/skill/25f0ea33-1c9e-4a9c-8f5c-6f8e2a0e8d1b",
            "http://data.europa.eu/esco/occupation/25f0ea33-1c9e-4a9c-8f5c-6f8e2a0e8d1b",
            "http://data.europa.eu/esco/skill/not-a-uuid",
            "http://data.europa.eu/esco/skill/25F0EA33-1C9E-4A9C-8F5C-6F8E2A0E8D1B",
        ] {
            let errors = concept(Some(bad)).validate().unwrap_err();
            assert_eq!(errors.first_field(), Some("esco_uri"), "{bad}");
        }
    }

    #[test]
    fn esco_uri_is_left_out_when_absent() {
        let text = serde_json::to_string(&concept(None)).unwrap();
        assert!(!text.contains("esco_uri"), "{text}");
        let back: SkillConcept = serde_json::from_str(&text).unwrap();
        assert_eq!(back.esco_uri, None);
    }
}

use super::*;

fn concept(id: &str, it: &str, en: &str, synonyms: &[&str], related: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "id": id, "category": "software", "label_it": it, "label_en": en,
        "synonyms_en": synonyms, "related": related,
    })
}

fn file(concepts: &[serde_json::Value]) -> String {
    serde_json::Value::Array(concepts.to_vec()).to_string()
}

fn load(files: &[(&str, String)]) -> Result<SkillTaxonomy, TaxonomyErrors> {
    SkillTaxonomy::load("1.0.0", files.iter().map(|(n, t)| (*n, t.as_str())))
}

fn sample() -> SkillTaxonomy {
    let a = file(&[
        concept("python", "Python", "Python", &["py"], &["machine-learning"]),
        concept("machine-learning", "Apprendimento automatico", "Machine learning", &["ML"], &[]),
        concept("fem", "Analisi agli elementi finiti", "Finite element analysis", &["FEM", "FEA"], &[]),
        concept("predictive-models", "Modelli predittivi", "Predictive modelling", &[], &["machine-learning"]),
    ]);
    let b = file(&[
        concept("c", "Linguaggio C", "C", &["ansi c"], &[]),
        concept("cpp", "C++", "C++", &["cplusplus"], &["c"]),
        concept("cfd", "Fluidodinamica computazionale", "Computational fluid dynamics", &["CFD"], &["fem"]),
    ]);
    load(&[("a.json", a), ("b.json", b)]).unwrap()
}

fn resolved(t: &SkillTaxonomy, text: &str) -> Option<String> {
    t.resolve(text).map(|c| c.id.as_str().to_owned())
}

#[test]
fn files_merge_into_one_taxonomy() {
    let t = sample();
    assert_eq!(t.len(), 7);
    assert_eq!(t.version(), "1.0.0");
    assert_eq!(t.concept(&SkillId::new("cfd").unwrap()).unwrap().related, [SkillId::new("fem").unwrap()]);
}

#[test]
fn resolves_labels_and_synonyms_whatever_the_spelling() {
    let t = sample();
    for (text, id) in [
        ("Python (avanzato)", "python"),
        ("PY", "python"),
        ("apprendimento   automatico", "machine-learning"),
        ("modello predittivo", "predictive-models"),
        ("predictive modeling", "predictive-models"),
        ("C", "c"),
        ("c++", "cpp"),
        ("machine-learning", "machine-learning"),
    ] {
        assert_eq!(resolved(&t, text).as_deref(), Some(id), "{text}");
    }
}

#[test]
fn words_spread_over_a_concepts_terms_resolve_to_it() {
    let t = sample();
    assert_eq!(resolved(&t, "analisi FEM").as_deref(), Some("fem"));
    assert_eq!(resolved(&t, "elementi finiti").as_deref(), Some("fem"));
    assert_eq!(resolved(&t, "fluidodinamica").as_deref(), Some("cfd"));
}

#[test]
fn unknown_words_resolve_to_nothing() {
    let t = sample();
    assert_eq!(resolved(&t, "python e cobol"), None, "cobol is no word of the taxonomy");
    assert_eq!(resolved(&t, ""), None);
    assert_eq!(resolved(&t, "(  )"), None);
}

fn problems(result: Result<SkillTaxonomy, TaxonomyErrors>) -> Vec<TaxonomyError> {
    match result {
        Ok(_) => panic!("loaded a broken taxonomy"),
        Err(e) => e.0,
    }
}

#[test]
fn refuses_a_duplicate_id_across_files() {
    let errors = problems(load(&[
        ("a.json", file(&[concept("rust", "Rust", "Rust", &[], &[])])),
        ("b.json", file(&[concept("rust", "Ruggine", "Rust coating", &[], &[])])),
    ]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "b.json");
    assert_eq!(errors[0].concept.as_deref(), Some("rust"));
    assert_eq!(errors[0].field.as_deref(), Some("id"));
    assert!(errors[0].message.contains("a.json"), "{}", errors[0]);
}

#[test]
fn refuses_a_dangling_related_id() {
    let errors = problems(load(&[("a.json", file(&[concept("rust", "Rust", "Rust", &[], &["go", "tokio"])]))]));
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[1].field.as_deref(), Some("related[1]"));
    assert!(errors[1].to_string().starts_with("a.json, concept rust, related[1]: no concept tokio"), "{}", errors[1]);
}

#[test]
fn refuses_a_synonym_on_two_concepts_once_normalised() {
    let errors = problems(load(&[
        ("a.json", file(&[concept("wine-tasting", "Degustazione", "Wine tasting", &["Sensory analysis"], &[])])),
        ("b.json", file(&[concept("sensory-analysis", "Analisi sensoriale", "Sensory analyses (food)", &[], &[])])),
    ]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "b.json");
    assert_eq!(errors[0].field.as_deref(), Some("label_en"));
    assert!(errors[0].message.contains("wine-tasting (a.json)"), "{}", errors[0]);
}

#[test]
fn a_bad_concept_is_named_with_its_field() {
    let mut bad = concept("x", "X", "X", &[], &[]);
    bad["esco_uri"] = "http://example.org/skill/1".into();
    let mut typo = concept("y", "Y", "Y", &[], &[]);
    typo["synonym_en"] = serde_json::json!([]);
    let errors = problems(load(&[("a.json", file(&[bad, typo])), ("b.json", "{".into())]));
    assert_eq!(errors.len(), 3, "{errors:?}");
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(text[0].starts_with("a.json, concept y: unknown field `synonym_en`"), "{}", text[0]);
    assert!(text[1].starts_with("b.json: not a JSON array"), "{}", text[1]);
    assert!(text[2].starts_with("a.json, concept x, esco_uri: "), "{}", text[2]);
}

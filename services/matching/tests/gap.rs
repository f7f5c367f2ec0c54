//! A talent's skills gap: the required skills she misses most often among the open offers no
//! hard constraint keeps from her, counted with matching's own rules (a related skill is not
//! missing; a language, a permit or her place exclude an offer from the count), with labels
//! in both languages and where the skill is taught.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_domain::*;
use crocevia_matching::gap::{SkillsGap, TOP_SKILLS, skills_gap};
use crocevia_search::taxonomy::Taxonomy;
use std::path::PathBuf;

fn demo<T: serde::de::DeserializeOwned>(file: &str) -> Vec<T> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn taxonomy() -> Taxonomy {
    Taxonomy::new(taxonomy::reference().unwrap().into_concepts())
}

fn skill(id: &str) -> SkillId {
    SkillId::new(id).unwrap()
}

/// An open, on-site offer in Torino asking only for `required` and English B2.
fn offer(required: &[&str]) -> Offer {
    let mut o = demo::<Offer>("offers.json").remove(0);
    o.id = OfferId::from_uuid(uuid::Uuid::now_v7());
    o.required_skills = required.iter().map(|s| skill(s)).collect();
    o.nice_to_have_skills = vec![];
    o.languages = vec![LanguageSkill { language: LanguageCode::new("en").unwrap(), level: Cefr::B2 }];
    o.comune = ComuneId::new("torino").unwrap();
    o.remote = RemotePolicy::OnSite;
    o.sponsors_work_permit = true;
    o.starts_on = None;
    o.status = Status::Open;
    o
}

/// A data scientist in Torino with Python, statistics and machine learning, English C1.
fn giulia() -> Talent {
    let mut t = demo::<Talent>("talents.json").remove(0);
    t.id = TalentId::from_uuid(uuid::Uuid::now_v7());
    t.skills = ["python", "statistics", "machine-learning"]
        .iter()
        .map(|s| TalentSkill { skill: skill(s), years: 3 })
        .collect();
    t.languages = vec![LanguageSkill { language: LanguageCode::new("en").unwrap(), level: Cefr::C1 }];
    t.residence = Some(Place::Metro(ComuneId::new("torino").unwrap()));
    t.needs_work_permit = false;
    t.available_from = None;
    t.seeking = vec![];
    t
}

fn gap(talent: &Talent, offers: &[Offer]) -> SkillsGap {
    skills_gap(&taxonomy(), &Courses::reference().unwrap(), talent, offers)
}

fn counts(g: &SkillsGap) -> Vec<(&str, usize, usize)> {
    g.skills.iter().map(|s| (s.skill.as_str(), s.opens, s.missing_in)).collect()
}

#[test]
fn the_one_missing_skill_of_three_offers_opens_three() {
    let mut offers: Vec<Offer> = (0..3).map(|_| offer(&["python", "cybersecurity"])).collect();
    // Also missing in one offer with a second missing skill: counted there, opens nothing alone.
    offers.push(offer(&["python", "cybersecurity", "project-management"]));
    // Already hers: statistics is her own, data analysis related to it, so nothing is missing.
    offers.push(offer(&["python", "data-analysis"]));
    // Closed offers are not in the engine's open offers; a German-speaking one is excluded.
    let mut german = offer(&["cybersecurity"]);
    german.languages = vec![LanguageSkill { language: LanguageCode::new("de").unwrap(), level: Cefr::C1 }];
    offers.push(german);

    let g = gap(&giulia(), &offers);
    assert_eq!(g.offers_that_fit, 5, "the German-speaking offer does not fit her otherwise");
    assert_eq!(g.offers_open_now, 1);
    assert_eq!(counts(&g), [("cybersecurity", 3, 4), ("project-management", 0, 1)]);
    let cyber = &g.skills[0];
    assert_eq!((cyber.label_it.as_str(), cyber.label_en.as_str()), ("Sicurezza informatica", "Cybersecurity"));
    assert_eq!(g.skills[1].label_it, "Gestione di progetto");
    assert_eq!(g.skills[1].label_en, "Project management");
    // Where it is taught, from the reference courses.
    assert!(cyber.courses.iter().any(|c| c.institution == "Politecnico di Torino"), "{:?}", cyber.courses);
    assert!(cyber.courses.iter().all(|c| c.url.starts_with("https://") && !c.title_it.is_empty()));
}

#[test]
fn offers_her_place_keeps_her_from_are_not_counted() {
    // Camille lives in Lyon, will not relocate, wants no remote work.
    let mut camille = giulia();
    camille.residence = Some(Place::elsewhere("Lyon", CountryCode::resolve("Francia").unwrap()));
    camille.willing_to_relocate = false;
    camille.open_to_remote = false;
    let mut offers: Vec<Offer> = (0..3).map(|_| offer(&["python", "cybersecurity"])).collect();
    let mut remote = offer(&["python", "cybersecurity"]);
    remote.remote = RemotePolicy::Remote;
    offers.push(remote);
    let g = gap(&camille, &offers);
    assert_eq!(g.offers_that_fit, 1, "only the remote offer needs no presence");
    assert_eq!(counts(&g), [("cybersecurity", 1, 1)]);

    // Willing to relocate, all four count.
    camille.willing_to_relocate = true;
    assert_eq!(counts(&gap(&camille, &offers)), [("cybersecurity", 4, 4)]);
}

#[test]
fn at_most_ten_skills_most_often_missing_first() {
    let skills = [
        "sql",
        "docker",
        "git",
        "excel",
        "tableau",
        "power-bi",
        "cybersecurity",
        "project-management",
        "accounting",
        "welding",
        "photography",
        "logistics",
    ];
    // Skill i is required by i + 1 offers (each with python, which she has).
    let offers: Vec<Offer> =
        skills.iter().enumerate().flat_map(|(i, s)| (0..=i).map(move |_| offer(&["python", s]))).collect();
    let g = gap(&giulia(), &offers);
    assert_eq!(g.skills.len(), TOP_SKILLS);
    let listed: Vec<usize> = g.skills.iter().map(|s| s.missing_in).collect();
    assert_eq!(listed, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    assert_eq!(g.skills[0].skill.as_str(), "logistics");
    assert!(g.skills.iter().all(|s| s.opens == s.missing_in), "one missing skill each");
    // No label is an id.
    assert!(g.skills.iter().all(|s| s.label_en != s.skill.as_str() || !s.skill.as_str().contains('-')));
}

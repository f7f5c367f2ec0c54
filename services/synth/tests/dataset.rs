//! Generates whole data sets and checks what benchmarks rely on: validity, references,
//! uniqueness, determinism and the Torino-like proportions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_domain::{
    Entity, LegalForm, OfferKind, OrganisationKind, Programme, SkillConcept, SkillId, Status, Validate,
};
use crocevia_synth::{Dataset, SynthConfig};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

fn taxonomy() -> Vec<SkillConcept> {
    crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")).into_concepts()
}

fn generate(talents: usize, seed: u64, skills: &[SkillConcept]) -> Dataset {
    Dataset::generate(&SynthConfig { talents, seed }, skills, &mut |_, _| {})
}

fn entities(d: &Dataset) -> Vec<Entity> {
    let mut out: Vec<Entity> = d.organisations.iter().cloned().map(Entity::Organisation).collect();
    out.extend(d.talents.iter().cloned().map(Entity::Talent));
    out.extend(d.startups.iter().cloned().map(Entity::Startup));
    out.extend(d.programmes.iter().cloned().map(Entity::Programme));
    out.extend(d.offers.iter().cloned().map(Entity::Offer));
    out
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

fn check_valid_and_consistent(d: &Dataset, skills: &[SkillConcept]) {
    let skill_ids: HashSet<&SkillId> = skills.iter().map(|s| &s.id).collect();
    let orgs: HashMap<_, _> = d.organisations.iter().map(|o| (o.id, o)).collect();
    let mut ids = HashSet::new();
    for e in entities(d) {
        if let Err(errors) = e.validate() {
            panic!("{} {} is invalid: {errors}", e.kind(), e.id());
        }
        assert!(ids.insert(e.id()), "id {} is used twice", e.id());
        let id = e.id();
        assert_eq!(id.get_version_num(), 7, "{id}");
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122, "{id}");
        for r in e.references() {
            match r {
                crocevia_domain::Reference::Skill { id, .. } => assert!(skill_ids.contains(&id), "unknown skill {id}"),
                crocevia_domain::Reference::Entity { kind, id, .. } => {
                    assert_eq!(kind, crocevia_domain::EntityKind::Organisation, "only organisations are referenced");
                    assert!(orgs.contains_key(&crocevia_domain::OrganisationId::from_uuid(id)), "unknown org {id}");
                }
            }
        }
    }
    let mut emails = HashSet::new();
    for email in d.talents.iter().map(|t| &t.contact_email).chain(d.startups.iter().map(|s| &s.contact_email)) {
        assert!(email.ends_with("@example.org") && email.is_ascii(), "{email}");
        assert!(emails.insert(email.as_str()), "{email} is used twice");
    }
    for p in &d.programmes {
        let host = orgs[&p.organisation_id];
        assert!(host.kind.runs_programmes(), "{} is run by a company", p.title);
        check_programme(p);
    }
    for s in &d.startups {
        assert_eq!(s.founded_on.is_none(), s.legal_form == LegalForm::NotIncorporated);
        assert!((1..=60).contains(&s.team_size));
    }
    for o in &d.offers {
        assert_eq!(o.status, Status::Open);
        assert!((2..=6).contains(&o.required_skills.len()) && o.nice_to_have_skills.len() <= 4, "{}", o.title);
        assert!(o.deadline.unwrap() >= o.posted_on);
        assert!(!o.title.contains('{') && !o.description.contains('{'), "{}: {}", o.title, o.description);
    }
    for t in &d.talents {
        assert!((3..=13).contains(&t.skills.len()), "{}", t.skills.len());
        assert!(t.skills.iter().all(|s| s.years <= 20) && t.experience_years <= 25);
        assert!(!t.headline.contains('{') && !t.bio.contains('{'), "{}: {}", t.headline, t.bio);
        assert!(!t.demo && !t.seeking.is_empty() && !t.sectors.is_empty());
    }
    for o in &d.organisations {
        assert!(!o.description.contains('{') && !o.name.contains('{'), "{}", o.name);
    }
}

fn check_programme(p: &Programme) {
    assert!(p.application_deadline <= p.cohort_start && p.cohort_start < p.cohort_end);
    assert!(p.cohort_start.to_string().starts_with("2027") && p.cohort_end.to_string().starts_with("2027"));
    assert!((5..=40).contains(&p.capacity) && p.eligibility.len() <= 4);
    assert!(!p.title.contains('{') && !p.description.contains('{'), "{}", p.title);
}

#[test]
fn two_thousand_talents_with_two_seeds_are_valid_consistent_and_deterministic() {
    let skills = taxonomy();
    let mut calls = Vec::new();
    let a = Dataset::generate(&SynthConfig { talents: 2000, seed: 1 }, &skills, &mut |done, total| {
        calls.push((done, total))
    });
    let b = generate(2000, 2, &skills);
    for d in [&a, &b] {
        assert_eq!(d.organisations.len(), 40);
        assert_eq!(d.talents.len(), 2000);
        assert_eq!(d.startups.len(), 100);
        assert_eq!(d.programmes.len(), 10);
        assert_eq!(d.offers.len(), 200);
        assert_eq!(d.entity_count(), 2350);
        check_valid_and_consistent(d, &skills);
    }
    assert_eq!(calls.first(), Some(&(0, 2350)));
    assert_eq!(calls.last(), Some(&(2350, 2350)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));

    let again = generate(2000, 1, &skills);
    assert_eq!(serde_json::to_string(&a.talents).unwrap(), serde_json::to_string(&again.talents).unwrap());
    assert_eq!(serde_json::to_string(&a.offers).unwrap(), serde_json::to_string(&again.offers).unwrap());
    assert_eq!(a, again);
    assert_ne!(a.talents[0], b.talents[0]);
    assert_ne!(serde_json::to_string(&a.offers).unwrap(), serde_json::to_string(&b.offers).unwrap());
}

#[test]
fn proportions_look_like_torino() {
    let skills = taxonomy();
    let d = generate(5000, 42, &skills);
    let n = d.talents.len();

    let resident: Vec<_> = d.talents.iter().filter_map(|t| t.residence.as_ref()?.comune()).collect();
    let abroad = share(n - resident.len(), n);
    assert!((0.05..0.11).contains(&abroad), "abroad {abroad}");
    let torino = share(resident.iter().filter(|c| c.as_str() == "torino").count(), resident.len());
    assert!((0.42..0.58).contains(&torino), "torino {torino}");

    let international = share(d.talents.iter().filter(|t| t.country_of_origin != "IT").count(), n);
    assert!((0.26..0.34).contains(&international), "international {international}");
    assert!(d.talents.iter().all(|t| !t.needs_work_permit || t.country_of_origin != "IT"));
    let countries: HashSet<_> = d.talents.iter().map(|t| t.country_of_origin.as_str()).collect();
    assert!(countries.len() >= 15, "{countries:?}");

    // Italian bios use Italian function words; English ones never do.
    let italian_talents = share(d.talents.iter().filter(|t| is_italian(&t.bio, "")).count(), n);
    assert!((0.55..0.65).contains(&italian_talents), "italian talents {italian_talents}");

    let offers = d.offers.len();
    let italian_offers = share(d.offers.iter().filter(|o| o.text_language.as_str() == "it").count(), offers);
    assert!((0.54..0.66).contains(&italian_offers), "italian offers {italian_offers}");
    let org_names: HashMap<_, _> = d.organisations.iter().map(|o| (o.id, o.name.as_str())).collect();
    for o in &d.offers {
        let italian = is_italian(&o.description, org_names[&o.organisation_id.unwrap()]);
        assert_eq!(italian, o.text_language.as_str() == "it", "{}", o.description);
    }
    let jobs = share(d.offers.iter().filter(|o| o.kind == OfferKind::Job).count(), offers);
    assert!((0.53..0.67).contains(&jobs), "jobs {jobs}");
    let sponsors = share(d.offers.iter().filter(|o| o.sponsors_work_permit).count(), offers);
    assert!((0.24..0.36).contains(&sponsors), "sponsors {sponsors}");

    let companies = d.organisations.iter().filter(|o| o.kind == OrganisationKind::Company).count();
    assert!((0.55..0.85).contains(&share(companies, d.organisations.len())));

    // Role words appear in both languages, and the texts are not all alike.
    let titles: String = d.offers.iter().map(|o| o.title.as_str()).collect::<Vec<_>>().join("\n");
    for word in ["Tirocinio", "Dottorato di ricerca", "Borsa di ricerca", "Internship", "PhD position", "Fellowship"] {
        assert!(titles.contains(word), "no offer title mentions {word}");
    }
    let headlines: String = d.talents.iter().map(|t| t.headline.as_str()).collect::<Vec<_>>().join("\n");
    for word in ["Sviluppatrice", "Sviluppatore", "Ingegnera", "Ricercatrice", "Developer", "Engineer", "Researcher"] {
        assert!(headlines.contains(word), "no headline mentions {word}");
    }
    let distinct_bios: HashSet<_> = d.talents.iter().map(|t| t.bio.as_str()).collect();
    assert!(distinct_bios.len() > n * 9 / 10);
}

/// Whether a text uses Italian function words, once names that may contain them (an
/// organisation's, "Rivalta di Torino") are taken out.
fn is_italian(text: &str, org_name: &str) -> bool {
    let mut text = text.replace(org_name, "");
    let mut places: Vec<&str> = crocevia_domain::place::all().iter().map(|c| c.name).collect();
    places.sort_by_key(|name| std::cmp::Reverse(name.len()));
    for name in places {
        text = text.replace(name, "");
    }
    [" di ", " e ", " per ", " con ", " nel ", " da ", "Sono ", " il ", " la ", " un "].iter().any(|w| text.contains(w))
}

#[test]
fn written_folder_reads_back_as_the_domain_types() {
    let skills = taxonomy();
    let d = generate(300, 9, &skills);
    let dir = std::env::temp_dir().join(format!("crocevia-synth-test-{}", std::process::id()));
    d.write_dir(&dir).unwrap();
    let read = |file: &str| -> PathBuf { dir.join(file) };
    let load = |file: &str| std::fs::read_to_string(read(file)).unwrap();
    let back = Dataset {
        organisations: serde_json::from_str(&load("organisations.json")).unwrap(),
        talents: serde_json::from_str(&load("talents.json")).unwrap(),
        startups: serde_json::from_str(&load("startups.json")).unwrap(),
        programmes: serde_json::from_str(&load("programmes.json")).unwrap(),
        offers: serde_json::from_str(&load("offers.json")).unwrap(),
    };
    assert!(!read("skills.json").exists());
    let first = load("talents.json");
    d.write_dir(&dir).unwrap();
    assert_eq!(first, load("talents.json"), "writing twice gives the same bytes");
    assert!(first.starts_with("[\n  {\n    \"id\": ") && first.ends_with("]\n"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(back, d);
}

#[test]
fn small_sizes_are_well_formed() {
    let skills = taxonomy();
    let empty = generate(0, 1, &skills);
    assert_eq!((empty.talents.len(), empty.startups.len(), empty.offers.len()), (0, 0, 0));
    assert_eq!((empty.organisations.len(), empty.programmes.len()), (20, 10));
    let one = generate(1, 1, &skills);
    assert_eq!((one.talents.len(), one.startups.len(), one.offers.len()), (1, 1, 1));
    check_valid_and_consistent(&one, &skills);
    // Without a taxonomy nothing refers to skills, and everything is still valid.
    let bare = generate(50, 1, &[]);
    assert!(bare.talents.iter().all(|t| t.skills.is_empty()));
    check_valid_and_consistent_without_skills(&bare);
}

fn check_valid_and_consistent_without_skills(d: &Dataset) {
    for e in entities(d) {
        e.validate().unwrap();
    }
}

#[test]
#[ignore = "timing; run with cargo test --release -p crocevia-synth -- --ignored --nocapture"]
fn one_hundred_thousand_talents_timing() {
    let skills = taxonomy();
    let start = std::time::Instant::now();
    let d = generate(100_000, 7, &skills);
    let generated = start.elapsed();
    let dir = std::env::temp_dir().join(format!("crocevia-synth-timing-{}", std::process::id()));
    d.write_dir(&dir).unwrap();
    let written = start.elapsed();
    let bytes: u64 = std::fs::read_dir(&dir).unwrap().map(|f| f.unwrap().metadata().unwrap().len()).sum();
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!(
        "100k talents: {} entities generated in {generated:?}, written ({} MB) after {written:?}",
        d.entity_count(),
        bytes / 1_000_000
    );
    check_valid_and_consistent(&d, &skills);
    assert!(generated.as_secs() < 10);
}

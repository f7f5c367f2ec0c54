//! Matching on the Torino demo data and on generated profiles: property tests of the scores,
//! eligibility verdicts with their reasons, cross-lingual matching, restart without
//! recomputation, and the real-time path through the bus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use chrono::{NaiveDate, Utc};
use crocevia_domain::*;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{OutMessage, SharedBus, TopicSpec};
use crocevia_matching::eligibility::{self, Verdict};
use crocevia_matching::engine::{Engine, Entry, ListChange, Ranked, TOP_K, rank};
use crocevia_matching::explain::Explained;
use crocevia_matching::service::MatchingSettings;
use crocevia_matching::{MatchingService, Viewpoint::Subject, Viewpoint::Target, events, scoring};
use crocevia_proto::envelope::{self, Change, EventMeta};
use crocevia_search::index::SearchIndex;
use crocevia_search::taxonomy::Taxonomy;
use proptest::prelude::*;
use secrecy::SecretString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn demo<T: serde::de::DeserializeOwned>(file: &str) -> Vec<T> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn reference() -> &'static SkillTaxonomy {
    static SKILLS: std::sync::LazyLock<SkillTaxonomy> =
        std::sync::LazyLock::new(|| crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")));
    &SKILLS
}

fn taxonomy() -> Arc<Taxonomy> {
    Arc::new(Taxonomy::new(reference().concepts().to_vec()))
}

fn entities() -> Vec<Entity> {
    let mut all: Vec<Entity> = Vec::new();
    all.extend(demo::<Talent>("talents.json").into_iter().map(Entity::Talent));
    all.extend(demo::<Offer>("offers.json").into_iter().map(Entity::Offer));
    all.extend(demo::<Startup>("startups.json").into_iter().map(Entity::Startup));
    all.extend(demo::<Programme>("programmes.json").into_iter().map(Entity::Programme));
    all
}

fn meta(e: &Entity, version: u64) -> EventMeta {
    EventMeta {
        event_id: uuid::Uuid::now_v7(),
        entity_kind: e.kind(),
        entity_id: e.id(),
        entity_version: version,
        occurred_at: Utc::now(),
        correlation_id: "t".into(),
    }
}

/// The lists as the store keeps them, built only from what recomputations hand over (the
/// places that left, the places written), as the store's save does.
#[derive(Default)]
struct Stored(std::collections::HashMap<uuid::Uuid, Vec<Ranked>>);

impl Stored {
    fn apply(&mut self, changes: &[ListChange]) {
        for change in changes {
            let list = self.0.entry(change.subject).or_default();
            let left: Vec<uuid::Uuid> = change.left().collect();
            list.retain(|e| !left.contains(&e.counterpart));
            for written in &change.written {
                list.retain(|e| e.counterpart != written.counterpart);
                list.push(*written);
            }
            rank(list);
        }
    }

    /// A subject's list explained, checked against the engine's: the store holds exactly the
    /// places the engine ranks, and each explanation scores what its place says.
    fn list(&self, engine: &Engine, subject: uuid::Uuid) -> Vec<Entry> {
        let stored = self.0.get(&subject).cloned().unwrap_or_default();
        assert_eq!(stored, engine.list(subject), "stored and held lists of {subject} agree");
        let explained = engine.explained_list(subject);
        let scores: Vec<(uuid::Uuid, f64)> = explained.iter().map(|e| (e.counterpart, e.score)).collect();
        let places: Vec<(uuid::Uuid, f64)> = stored.iter().map(|e| (e.counterpart, e.score)).collect();
        assert_eq!(scores, places, "explanations of {subject}'s list score its places");
        explained
    }
}

fn engine_with(extra: Vec<Entity>) -> Engine {
    engine_and_store(extra).0
}

fn engine_and_store(extra: Vec<Entity>) -> (Engine, Stored) {
    let mut engine = Engine::new(SearchIndex::in_ram(taxonomy()).unwrap());
    let mut ids = Vec::new();
    for e in entities().into_iter().chain(extra) {
        engine.apply(&meta(&e, 1), &Change::Upserted(e.clone())).unwrap();
        ids.push(e.id());
    }
    engine.commit_index().unwrap();
    let mut stored = Stored::default();
    // In chunks, as the service recomputes a batch: lists written by several recomputations.
    for chunk in ids.chunks(7) {
        stored.apply(&engine.recompute(chunk).unwrap());
    }
    (engine, stored)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

// ---------- properties ----------

fn skill_ids() -> Vec<SkillId> {
    reference().concepts().iter().map(|c| c.id.clone()).take(60).collect()
}

prop_compose! {
    fn talent_and_offer()(t in 0..41usize, o in 0..47usize, skills in prop::collection::vec(0..60usize, 0..8), years in 0..30u8, bm25 in 0.0f32..40.0) -> (Talent, Offer, f32) {
        let ids = skill_ids();
        let mut talent = demo::<Talent>("talents.json").swap_remove(t % 41);
        let offer = demo::<Offer>("offers.json").swap_remove(o % 47);
        talent.skills = skills.into_iter().map(|i| ids[i].clone()).collect::<std::collections::BTreeSet<_>>().into_iter().map(|skill| TalentSkill { skill, years: 2 }).collect();
        talent.experience_years = years;
        // Keep the pair past the hard constraints, so the soft factors are what is tested.
        talent.languages = offer.languages.iter().map(|l| LanguageSkill { language: l.language.clone(), level: Cefr::Native }).collect();
        talent.needs_work_permit = false;
        talent.seeking = vec![];
        talent.available_from = None;
        (talent, offer, bm25)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scores_stay_in_range_and_weights_add_up((talent, offer, bm25) in talent_and_offer()) {
        let tax = taxonomy();
        let fit = scoring::talent_offer(&tax, &talent, &offer, bm25).unwrap();
        prop_assert!((0.0..=1.0).contains(&fit.score));
        prop_assert!((fit.factors.iter().map(|f| f.weight).sum::<f64>() - 1.0).abs() < 1e-9);
        prop_assert!(fit.factors.iter().all(|f| (0.0..=1.0).contains(&f.value) && !f.reason_it.is_empty() && !f.reason_en.is_empty()));
        let appeal = scoring::offer_appeal(&talent, &offer, bm25);
        prop_assert!((0.0..=1.0).contains(&appeal.score));
    }

    #[test]
    fn adding_a_required_skill_never_lowers_the_score((talent, offer, bm25) in talent_and_offer(), pick in 0..6usize) {
        let tax = taxonomy();
        let before = scoring::talent_offer(&tax, &talent, &offer, bm25).unwrap().score;
        if let Some(skill) = offer.required_skills.get(pick % offer.required_skills.len().max(1)) {
            let mut more = talent.clone();
            if !more.skills.iter().any(|s| &s.skill == skill) {
                more.skills.push(TalentSkill { skill: skill.clone(), years: 1 });
            }
            let after = scoring::talent_offer(&tax, &more, &offer, bm25).unwrap().score;
            prop_assert!(after >= before, "{after} < {before}");
        }
    }

    #[test]
    fn an_ineligible_startup_never_ranks_above_an_eligible_one(scores in prop::collection::vec((0.0f64..1.0, 0..3u8), 1..60)) {
        let mut list: Vec<Entry> = scores.iter().enumerate().map(|(i, (score, class))| Entry {
            counterpart: uuid::Uuid::from_u128(i as u128 + 1),
            score: *score,
            mutual: *score,
            verdict: Some(match class { 0 => Verdict::NotEligible(vec![]), 1 => Verdict::EligibleIf(vec![]), _ => Verdict::Eligible }),
            explanation: Explained { score: *score, factors: vec![] },
        }).collect();
        rank(&mut list);
        prop_assert!(list.len() <= TOP_K);
        for pair in list.windows(2) {
            let class = |e: &Entry| e.verdict.as_ref().map(Verdict::class).unwrap();
            prop_assert!(class(&pair[0]) >= class(&pair[1]));
            if class(&pair[0]) == class(&pair[1]) { prop_assert!(pair[0].score >= pair[1].score); }
        }
    }
}

// ---------- eligibility ----------

fn programme_with(rules: Vec<EligibilityRule>) -> Programme {
    let mut p = demo::<Programme>("programmes.json").remove(0);
    p.eligibility = rules;
    p.application_deadline = date("2027-01-31");
    p
}

fn startup() -> Startup {
    let mut s = demo::<Startup>("startups.json").remove(0);
    s.stage = StartupStage::Seed;
    s.legal_form = LegalForm::InnovativeStartup;
    s.founded_on = Some(date("2025-06-01"));
    s.seat = Some(Place::Metro(ComuneId::new("torino").unwrap()));
    s.team_size = 4;
    s.funding_raised_eur = 150_000;
    s
}

fn reasons_en(v: &Verdict) -> Vec<String> {
    match v {
        Verdict::Eligible => vec![],
        Verdict::EligibleIf(r) | Verdict::NotEligible(r) => r.iter().map(|r| r.en.clone()).collect(),
    }
}

#[test]
fn eligibility_verdicts_come_with_reasons() {
    let s = startup();
    assert_eq!(
        eligibility::evaluate(&programme_with(vec![EligibilityRule::MaxAgeMonths { months: 36 }]), &s),
        Verdict::Eligible
    );

    let mut old = s.clone();
    old.founded_on = Some(date("2020-01-15"));
    let v = eligibility::evaluate(&programme_with(vec![EligibilityRule::MaxAgeMonths { months: 36 }]), &old);
    assert_eq!(v.key(), "not_eligible");
    assert_eq!(reasons_en(&v), ["founded more than 36 months before the deadline"]);
    let Verdict::NotEligible(r) = &v else { panic!() };
    assert!(r[0].it.contains("più di 36 mesi"));

    let mut team = s.clone();
    team.legal_form = LegalForm::NotIncorporated;
    team.founded_on = None;
    let v = eligibility::evaluate(
        &programme_with(vec![EligibilityRule::LegalFormIn {
            forms: vec![LegalForm::Srl, LegalForm::InnovativeStartup],
            incorporation_by_deadline: true,
        }]),
        &team,
    );
    assert_eq!(v.key(), "eligible_if");
    assert!(reasons_en(&v)[0].starts_with("if you incorporate"), "{v:?}");

    let mut abroad = s.clone();
    abroad.seat = None;
    abroad.willing_to_relocate = true;
    let v = eligibility::evaluate(
        &programme_with(vec![EligibilityRule::SeatInMetroArea { allow_relocation: true }]),
        &abroad,
    );
    assert_eq!(reasons_en(&v), ["if you move your seat to the Torino metropolitan area"]);
    abroad.willing_to_relocate = false;
    assert_eq!(
        eligibility::evaluate(
            &programme_with(vec![EligibilityRule::SeatInMetroArea { allow_relocation: true }]),
            &abroad
        )
        .key(),
        "not_eligible"
    );

    let v = eligibility::evaluate(
        &programme_with(vec![
            EligibilityRule::StageIn { stages: vec![StartupStage::Idea] },
            EligibilityRule::TeamSize { min: Some(5), max: None },
            EligibilityRule::FundingRaised { min_eur: None, max_eur: Some(100_000) },
            EligibilityRule::Founders { female_led: Some(true), under_35: None, university_spinoff: None },
        ]),
        &s,
    );
    assert_eq!(reasons_en(&v).len(), 4, "every failed rule is named: {v:?}");
    // A failed rule wins over a condition, and the condition is still named after it: the
    // startup learns everything it must change at once.
    let mut both = team.clone();
    both.team_size = 1;
    let v = eligibility::evaluate(
        &programme_with(vec![
            EligibilityRule::LegalFormIn { forms: vec![LegalForm::Srl], incorporation_by_deadline: true },
            EligibilityRule::TeamSize { min: Some(2), max: None },
        ]),
        &both,
    );
    assert_eq!(v.key(), "not_eligible");
    let reasons = reasons_en(&v);
    assert_eq!(reasons.len(), 2, "{v:?}");
    assert!(!reasons[0].starts_with("if you") && reasons[1].starts_with("if you incorporate"), "{reasons:?}");
}

#[test]
fn a_programme_sees_eligible_startups_first() {
    let (engine, stored) = engine_and_store(vec![]);
    for programme in demo::<Programme>("programmes.json") {
        let list = stored.list(&engine, programme.id.as_uuid());
        let classes: Vec<u8> = list.iter().map(|e| e.verdict.as_ref().unwrap().class()).collect();
        assert!(classes.windows(2).all(|w| w[0] >= w[1]), "{}: {classes:?}", programme.title);
        for entry in &list {
            let s = engine.startup(entry.counterpart).unwrap();
            assert_eq!(entry.verdict.as_ref().unwrap(), &eligibility::evaluate(&programme, s));
        }
    }
}

// ---------- talent <-> offer ----------

#[test]
fn an_italian_only_offer_finds_an_english_only_profile_with_the_same_skills() {
    let org = demo::<Organisation>("organisations.json").remove(0);
    let skills = ["rust", "backend-development", "postgresql"].map(|s| SkillId::new(s).unwrap());
    let offer = Offer {
        id: OfferId::from_uuid(uuid::Uuid::now_v7()),
        organisation_id: Some(org.id),
        startup_id: None,
        kind: OfferKind::Job,
        title: "Sviluppatrice o sviluppatore di sistemi distribuiti".into(),
        description: "Cerchiamo una persona che progetti servizi affidabili per la mobilità torinese.".into(),
        text_language: LanguageCode::new("it").unwrap(),
        required_skills: skills.to_vec(),
        nice_to_have_skills: vec![],
        languages: vec![],
        comune: ComuneId::new("torino").unwrap(),
        remote: RemotePolicy::Hybrid,
        contract: ContractType::Permanent,
        min_experience_years: 2,
        salary_min_eur: None,
        salary_max_eur: None,
        posted_on: date("2026-11-20"),
        starts_on: None,
        deadline: Some(date("2027-01-31")),
        sponsors_work_permit: true,
        sectors: vec![Sector::Ict],
        status: Status::Open,
        demo: false,
    };
    let talent = Talent {
        id: TalentId::from_uuid(uuid::Uuid::now_v7()),
        user_id: None,
        display_name: "Priya Nair".into(),
        headline: "Backend engineer".into(),
        bio: "I build reliable backend services in Rust on PostgreSQL.".into(),
        contact_email: "priya@example.org".into(),
        country_of_origin: "IN".into(),
        residence: Some(Place::Metro(ComuneId::new("torino").unwrap())),
        field_of_study: None,
        education: vec![],
        check_ins: vec![],
        skills: skills.iter().map(|s| TalentSkill { skill: s.clone(), years: 4 }).collect(),
        languages: vec![LanguageSkill { language: LanguageCode::new("en").unwrap(), level: Cefr::C2 }],
        experience_years: 4,
        available_from: None,
        willing_to_relocate: false,
        open_to_remote: true,
        needs_work_permit: true,
        sectors: vec![Sector::Ict],
        seeking: vec![OfferKind::Job],
        demo: false,
    };
    let (engine, stored) = engine_and_store(vec![Entity::Offer(offer.clone()), Entity::Talent(talent.clone())]);
    let list = stored.list(&engine, offer.id.as_uuid());
    assert_eq!(list.first().map(|e| e.counterpart), Some(talent.id.as_uuid()), "the English-only profile ranks first");
    let skills_factor = list[0].explanation.factors.iter().find(|f| f.key == "skills").unwrap();
    assert_eq!(skills_factor.value, 1.0);
    assert!(skills_factor.reason_it.contains("competenze") && skills_factor.reason_en.contains("skills"));
    // And the talent sees the offer.
    assert!(engine.list(talent.id.as_uuid()).iter().any(|e| e.counterpart == offer.id.as_uuid()));
}

#[test]
fn hard_constraints_exclude_with_a_reason() {
    let mut offers = demo::<Offer>("offers.json");
    let mut offer = offers.remove(1);
    offer.languages = vec![LanguageSkill { language: LanguageCode::new("it").unwrap(), level: Cefr::C1 }];
    let mut talent = demo::<Talent>("talents.json").remove(0);
    talent.seeking = vec![];
    let err = scoring::talent_offer(&taxonomy(), &talent, &offer, 1.0).unwrap_err();
    assert_eq!(err.en, "required: Italian at least C1");
    talent.languages.push(LanguageSkill { language: LanguageCode::new("it").unwrap(), level: Cefr::C1 });
    offer.sponsors_work_permit = false;
    talent.needs_work_permit = true;
    assert!(scoring::talent_offer(&taxonomy(), &talent, &offer, 1.0).unwrap_err().en.contains("work permit"));
}

/// Issue 20: explanations name skills by their label in the reader's language, never by id.
#[test]
fn missing_skills_are_named_by_label_never_by_id() {
    let mut offer = demo::<Offer>("offers.json").remove(1);
    offer.required_skills = vec![SkillId::new("metrology").unwrap(), SkillId::new("statistics").unwrap()];
    let talent = demo::<Talent>("talents.json").remove(0);
    let explained = scoring::talent_offer_explained(&taxonomy(), &talent, &offer, 1.0);
    let skills = explained.factors.iter().find(|f| f.key == "skills").unwrap();
    assert!(skills.reason_it.contains("mancano: Metrologia e controllo dimensionale, Statistica"), "{skills:?}");
    assert!(skills.reason_en.contains("missing: Metrology and dimensional inspection, Statistics"), "{skills:?}");
    for factor in &explained.factors {
        for id in ["metrology", "statistics"] {
            assert!(!factor.reason_it.contains(id) && !factor.reason_en.contains(id), "{id} shown: {factor:?}");
        }
    }
}

/// Issue 20: eligibility reasons name stages, sectors and legal forms by label ("Pre-seed"),
/// never by key ("pre_seed"), in both languages.
#[test]
fn eligibility_reasons_name_enums_by_label() {
    let programme = programme_with(vec![
        EligibilityRule::StageIn { stages: vec![StartupStage::Seed, StartupStage::SeriesA] },
        EligibilityRule::SectorIn { sectors: vec![Sector::FoodAndWine] },
        EligibilityRule::LegalFormIn { forms: vec![LegalForm::InnovativeStartup], incorporation_by_deadline: false },
    ]);
    let mut s = startup();
    s.stage = StartupStage::PreSeed;
    s.sectors = vec![Sector::Ict];
    s.legal_form = LegalForm::Srl;
    let Verdict::NotEligible(reasons) = eligibility::evaluate(&programme, &s) else { panic!("eligible") };
    let it: Vec<&str> = reasons.iter().map(|r| r.it.as_str()).collect();
    let en: Vec<&str> = reasons.iter().map(|r| r.en.as_str()).collect();
    assert_eq!(
        en,
        [
            "stage Pre-seed is not admitted (admitted: Seed, Series A)",
            "no admitted sector (admitted: Food and wine)",
            "legal form S.r.l. (limited company) is not admitted (admitted: Innovative startup)",
        ]
    );
    assert_eq!(
        it,
        [
            "la fase Pre-seed non è ammessa (ammesse: Seed, Serie A)",
            "nessun settore ammesso (ammessi: Agroalimentare ed enogastronomia)",
            "forma giuridica S.r.l. non ammessa (ammesse: Startup innovativa)",
        ]
    );
}

#[test]
fn one_pair_is_scored_live_with_every_exclusion() {
    let offer = demo::<Offer>("offers.json").remove(1);
    let mut talent = demo::<Talent>("talents.json").remove(0);
    talent.seeking = vec![];
    let engine = engine_with(vec![]);
    let listed = engine.list(talent.id.as_uuid()).first().cloned().expect("the demo talent has matches");
    let view =
        crocevia_matching::pair::view(&engine, &Entity::Talent(talent.clone()), listed.counterpart, Subject).unwrap();
    assert_eq!(view.rank, Some(1), "the first of the list is found at its place");
    assert!(view.exclusions.is_empty());
    // From an offer's side (an organisation reading her application): the score, place and
    // reasons of its candidate list, not her own appeal written to her.
    let me = talent.id.as_uuid();
    let mut seen_from_offers = 0;
    for entry in engine.list(me) {
        let candidates = engine.list(entry.counterpart);
        let Some(place) = candidates.iter().position(|c| c.counterpart == me) else { continue };
        let view =
            crocevia_matching::pair::view(&engine, &Entity::Talent(talent.clone()), entry.counterpart, Target).unwrap();
        assert_eq!(view.rank, Some(place + 1));
        assert!(
            (view.score - candidates[place].score).abs() < 1e-9,
            "{} against {}",
            view.score,
            candidates[place].score
        );
        assert!(view.explanation.factors.iter().all(|f| f.key != "skills_used"), "{view:?}");
        seen_from_offers += 1;
    }
    assert!(seen_from_offers > 0, "she is a candidate of at least one of her offers");

    // Neither the language nor the work permit: both reasons, and no mutual score.
    let mut stricter = offer.clone();
    stricter.id = OfferId::from_uuid(uuid::Uuid::now_v7());
    stricter.languages = vec![LanguageSkill { language: LanguageCode::new("de").unwrap(), level: Cefr::C2 }];
    stricter.sponsors_work_permit = false;
    talent.needs_work_permit = true;
    let engine = engine_with(vec![Entity::Offer(stricter.clone())]);
    let view = crocevia_matching::pair::view(&engine, &Entity::Talent(talent.clone()), stricter.id.as_uuid(), Subject)
        .unwrap();
    let rules: Vec<&str> = view.exclusions.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules, ["language", "work_permit"], "{view:?}");
    assert_eq!(view.exclusions[0].en, "required: German at least C2");
    assert_eq!((view.mutual, view.rank), (0.0, None));
    assert!(view.score > 0.0 && view.verdict.is_none(), "the appeal is still explained: {view:?}");

    // A talent is not matched with programmes, and a closed offer is not open.
    let programme = demo::<Programme>("programmes.json").remove(0);
    let wrong =
        crocevia_matching::pair::view(&engine, &Entity::Talent(talent.clone()), programme.id.as_uuid(), Subject);
    assert!(matches!(wrong, Err(crocevia_matching::PairError::KindsDoNotPair { .. })), "{wrong:?}");
    let unknown = crocevia_matching::pair::view(&engine, &Entity::Talent(talent), uuid::Uuid::now_v7(), Subject);
    assert!(matches!(unknown, Err(crocevia_matching::PairError::TargetNotOpen)), "{unknown:?}");
}

#[test]
fn scores_are_deterministic() {
    let a = engine_with(vec![]);
    let b = engine_with(vec![]);
    for offer in demo::<Offer>("offers.json") {
        assert_eq!(a.list(offer.id.as_uuid()), b.list(offer.id.as_uuid()));
    }
}

// ---------- the service, through the bus ----------

async fn publish(bus: &SharedBus, e: &Entity, version: u64) {
    let bytes = envelope::encode(&envelope::build(&Change::Upserted(e.clone()), version, "t", Utc::now()));
    bus.publish("profiles.v1", vec![OutMessage::new(e.id().to_string(), bytes)]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_rematch_in_real_time_and_lists_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url.clone()), 2).await.unwrap();
    let bus: SharedBus = Arc::new(InProcessBus::open(&dir.path().join("bus"), false, "dlq").unwrap());
    bus.create_topics(&[TopicSpec::new("profiles.v1", 3), TopicSpec::new("matches.v1", 3), TopicSpec::new("dlq", 1)])
        .await
        .unwrap();
    let settings = MatchingSettings {
        topic: "profiles.v1".into(),
        matches_topic: "matches.v1".into(),
        group: "matching".into(),
        batch_max: 2000,
        max_delay: Duration::from_millis(200),
        member: None,
        partitions: 3,
    };
    let service = MatchingService::open(db.clone(), &dir.path().join("index"), taxonomy()).await.unwrap();
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let task = service.start(bus.clone(), settings.clone(), shutdown).await.unwrap();
    for e in entities() {
        publish(&bus, &e, 1).await;
    }
    let rust_offer = demo::<Offer>("offers.json").remove(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while service.matches(rust_offer.id.as_uuid()).await.unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!service.matches(rust_offer.id.as_uuid()).await.unwrap().is_empty());

    // Read every match event so far, then change a talent and time the re-match.
    let mut matches = bus.subscribe(&["matches.v1".to_owned()], "reader").await.unwrap();
    while matches.poll(Duration::from_millis(300)).await.unwrap().is_some() {}
    let mut talent = demo::<Talent>("talents.json").remove(0);
    talent.skills.push(TalentSkill { skill: SkillId::new("distributed-systems").unwrap(), years: 3 });
    talent.skills.push(TalentSkill { skill: SkillId::new("docker").unwrap(), years: 3 });
    let started = Instant::now();
    publish(&bus, &Entity::Talent(talent.clone()), 2).await;
    let event = loop {
        let d = matches.poll(Duration::from_secs(5)).await.unwrap().expect("a match event");
        let e = events::decode(&d.payload).unwrap();
        if e.subject_id == talent.id.to_string() || e.counterpart_id == talent.id.to_string() {
            break e;
        }
    };
    assert!(started.elapsed() < Duration::from_secs(2), "re-matched in {:?}", started.elapsed());
    assert!(event.old_rank != event.new_rank || event.old_score != event.new_score);
    stop.send(true).unwrap();
    task.await.unwrap();

    // A restart restores the lists from the tables, without recomputing.
    let before: Vec<Entry> = service.matches(rust_offer.id.as_uuid()).await.unwrap();
    assert!(before.windows(2).all(|w| w[0].score >= w[1].score), "read best first");
    drop(service);
    let restarted = MatchingService::open(db, &dir.path().join("index"), taxonomy()).await.unwrap();
    assert_eq!(restarted.matches(rust_offer.id.as_uuid()).await.unwrap(), before);
    let startup = demo::<Startup>("startups.json").remove(0);
    let programme = demo::<Programme>("programmes.json").remove(0);
    let (verdict, fit) = restarted.eligibility(startup.id.as_uuid(), programme.id.as_uuid()).unwrap();
    assert_eq!(verdict, eligibility::evaluate(&programme, &startup));
    assert!((0.0..=1.0).contains(&fit.score));
}

/// A list that loses a place (its talent erased) takes the next candidate in, in the same
/// recomputation, instead of staying short until its own subject changes.
#[test]
fn a_list_that_loses_a_place_is_refilled_at_once() {
    let (mut engine, mut stored) = engine_and_store(vec![]);
    let offer = demo::<Offer>("offers.json")
        .into_iter()
        .find(|o| engine.list(o.id.as_uuid()).len() == TOP_K)
        .expect("a demo offer with a full list");
    let gone = engine.list(offer.id.as_uuid())[0].counterpart;
    let talent = demo::<Talent>("talents.json").into_iter().find(|t| t.id.as_uuid() == gone).unwrap();
    let m = EventMeta { entity_version: 2, ..meta(&Entity::Talent(talent), 2) };
    engine.apply(&m, &Change::Erased { kind: EntityKind::Talent, id: gone, reason: "erasure_request".into() }).unwrap();
    engine.commit_index().unwrap();
    stored.apply(&engine.recompute(&[gone]).unwrap());
    let list = stored.list(&engine, offer.id.as_uuid());
    assert_eq!(list.len(), TOP_K, "refilled from the next candidates");
    assert!(list.iter().all(|e| e.counterpart != gone));
}

#[tokio::test]
async fn erasure_removes_from_every_list() {
    let (mut engine, mut stored) = engine_and_store(vec![]);
    let talent = demo::<Talent>("talents.json").remove(0);
    let id = talent.id.as_uuid();
    let holders_before = demo::<Offer>("offers.json")
        .iter()
        .filter(|o| engine.list(o.id.as_uuid()).iter().any(|e| e.counterpart == id))
        .count();
    assert!(holders_before > 0);
    let m = EventMeta { entity_version: 2, ..meta(&Entity::Talent(talent.clone()), 2) };
    engine.apply(&m, &Change::Erased { kind: EntityKind::Talent, id, reason: "erasure_request".into() }).unwrap();
    engine.commit_index().unwrap();
    let changes = engine.recompute(&[id]).unwrap();
    assert!(changes.len() >= holders_before);
    stored.apply(&changes);
    for offer in demo::<Offer>("offers.json") {
        assert!(stored.list(&engine, offer.id.as_uuid()).iter().all(|e| e.counterpart != id));
    }
    assert!(engine.list(id).is_empty() && stored.list(&engine, id).is_empty());
}

/// A programme's list is the same whether its startups were ranked after it (each startup
/// offering itself to the programmes whose lists it would enter) or before it (the programme
/// scoring every startup): a startup that would not enter a full list leaves it alone.
#[test]
fn programme_lists_do_not_depend_on_the_order_startups_come_in() {
    let build = |startups_last: bool| {
        let mut engine = Engine::new(SearchIndex::in_ram(taxonomy()).unwrap());
        let startups: Vec<Entity> = demo::<Startup>("startups.json").into_iter().map(Entity::Startup).collect();
        let programmes: Vec<Entity> = demo::<Programme>("programmes.json").into_iter().map(Entity::Programme).collect();
        let (first, then) = if startups_last { (&programmes, &startups) } else { (&startups, &programmes) };
        for group in [first, then] {
            for e in group {
                engine.apply(&meta(e, 1), &Change::Upserted(e.clone())).unwrap();
            }
            engine.commit_index().unwrap();
            let ids: Vec<uuid::Uuid> = group.iter().map(Entity::id).collect();
            for chunk in ids.chunks(5) {
                engine.recompute(chunk).unwrap();
            }
        }
        engine
    };
    let (incremental, scored) = (build(true), build(false));
    let startups = demo::<Startup>("startups.json").len();
    assert!(startups > TOP_K, "more startups than a list holds, so lists are full");
    for programme in demo::<Programme>("programmes.json") {
        let id = programme.id.as_uuid();
        assert_eq!(incremental.list(id), scored.list(id), "programme {}", programme.title);
    }
    for startup in demo::<Startup>("startups.json") {
        let id = startup.id.as_uuid();
        assert_eq!(incremental.list(id), scored.list(id), "startup {}", startup.name);
    }
}

fn delivery(e: &Entity, version: u64, offset: i64) -> crocevia_kit::bus::Delivery {
    crocevia_kit::bus::Delivery {
        topic: "profiles.v1".into(),
        partition: 0,
        offset,
        key: e.id().to_string(),
        payload: envelope::encode(&envelope::build(&Change::Upserted(e.clone()), version, "t", Utc::now())),
        headers: Vec::new(),
    }
}

/// Places whose stored score is not the pair's live score from the list's side (talents and
/// startups: what `pair` scores).
async fn drifted(service: &MatchingService, subjects: &[Entity]) -> usize {
    let mut drifted = 0;
    for subject in subjects {
        for entry in service.matches(subject.id()).await.unwrap() {
            let live = service.pair(subject.clone(), entry.counterpart, Subject).await.unwrap();
            drifted += usize::from((live.score - entry.score).abs() > 1e-9);
        }
    }
    drifted
}

/// When the corpus grows past the threshold, lists nobody touched are scored again with the
/// new statistics, and stored: their scores are the live ones again, before and after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_nobody_touched_are_rescored_when_the_corpus_moves() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url), 2).await.unwrap();
    let service = MatchingService::open(db.clone(), &dir.path().join("index"), taxonomy()).await.unwrap();
    let never = tokio::sync::watch::channel(false).1;
    let first: Vec<_> = entities().iter().enumerate().map(|(i, e)| delivery(e, 1, i as i64)).collect();
    assert!(service.process(&first).await.unwrap().is_empty());
    assert!(
        service.refresh_if_moved(&never).await.unwrap().is_some(),
        "the corpus moved from the empty index the service opened with"
    );
    assert_eq!(service.refresh_if_moved(&never).await.unwrap(), None, "and not since");
    let subjects: Vec<Entity> = demo::<Startup>("startups.json")
        .into_iter()
        .map(Entity::Startup)
        .chain(demo::<Talent>("talents.json").into_iter().map(Entity::Talent))
        .collect();
    assert_eq!(drifted(&service, &subjects).await, 0, "freshly computed lists hold live scores");

    // The corpus grows by closed offers only: indexed, in no list, so no list is recomputed,
    // while every statistic moves.
    let orgs: Vec<Entity> = demo::<Offer>("offers.json")
        .into_iter()
        .flat_map(|o| {
            (0..3).map(move |n| {
                let mut copy = o.clone();
                copy.id = OfferId::from_uuid(uuid::Uuid::now_v7());
                copy.status = Status::Closed;
                copy.description = format!("{} {n} startup fintech software engineering", copy.description);
                Entity::Offer(copy)
            })
        })
        .collect();
    let more: Vec<_> = orgs.iter().enumerate().map(|(i, e)| delivery(e, 1, (first.len() + i) as i64)).collect();
    service.process(&more).await.unwrap();
    let stale = drifted(&service, &subjects).await;
    assert!(stale > 0, "the corpus moved: some stored scores are no longer live");

    let rescored = service.refresh_if_moved(&never).await.unwrap().expect("moved past the threshold");
    assert!(rescored > 0);
    assert_eq!(drifted(&service, &subjects).await, 0, "rescored to the live scores");
    assert_eq!(service.refresh_if_moved(&never).await.unwrap(), None, "nothing moved since");

    let before: Vec<Vec<Entry>> = {
        let mut lists = Vec::new();
        for s in &subjects {
            lists.push(service.matches(s.id()).await.unwrap());
        }
        lists
    };
    drop(service);
    let restarted = MatchingService::open(db, &dir.path().join("index"), taxonomy()).await.unwrap();
    for (s, list) in subjects.iter().zip(before) {
        assert_eq!(restarted.matches(s.id()).await.unwrap(), list, "the rescored lists were stored");
    }
}

/// Fills a service on `db` with the demo entities (every one at version 1), through the
/// first-fill path, with `stop` as its stop signal.
async fn fill(service: &MatchingService, stop: &tokio::sync::watch::Receiver<bool>) -> anyhow::Result<usize> {
    let mut fill = service.begin_fill().await?;
    fill.apply(entities().into_iter().map(|e| (meta(&e, 1), Change::Upserted(e))).collect()).await?;
    fill.finish(2, stop, &|_, _, _| {}).await
}

async fn open_in(dir: &std::path::Path) -> (sea_orm::DatabaseConnection, MatchingService) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("m.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url), 2).await.unwrap();
    let service = MatchingService::open(db.clone(), &dir.join("index"), taxonomy()).await.unwrap();
    (db, service)
}

async fn every_list(service: &MatchingService) -> Vec<(uuid::Uuid, Vec<Entry>)> {
    let mut lists = Vec::new();
    for e in entities() {
        lists.push((e.id(), service.matches(e.id()).await.unwrap()));
    }
    lists
}

/// A first fill computes every list at once from both sides' retrieval; each list holds the
/// best of every pair either side found, so a full rematch right after it changes nothing,
/// and what it stored is what a restart reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_fill_holds_what_a_rematch_computes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, service) = open_in(dir.path()).await;
    let never = tokio::sync::watch::channel(false).1;
    let stored = fill(&service, &never).await.unwrap();
    assert!(!service.fill_pending().await.unwrap(), "the fill's mark is cleared with its last list");
    let lists = every_list(&service).await;
    let filled = lists.iter().filter(|(_, l)| !l.is_empty()).count();
    assert_eq!(stored, filled, "each list that holds a place was stored once");
    // Every list that matching change by change fills holds places after a fill too.
    let incremental = engine_with(vec![]);
    for (id, list) in &lists {
        assert!(incremental.list(*id).is_empty() || !list.is_empty(), "{id} has matches after a fill");
    }
    for talent in demo::<Talent>("talents.json") {
        let list = service.matches(talent.id.as_uuid()).await.unwrap();
        assert!(list.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    }

    let (_, drift) = service.rematch(&|_, _| {}).await.unwrap();
    assert!(drift.lists > 100, "{drift:?}");
    assert_eq!((drift.changed, drift.new_counterparts), (0, 0), "a rematch keeps the filled lists: {drift:?}");
    assert_eq!(drift.max_score_diff, 0.0);
    assert_eq!(every_list(&service).await, lists);

    drop(service);
    let restarted = MatchingService::open(db, &dir.path().join("index"), taxonomy()).await.unwrap();
    assert_eq!(every_list(&restarted).await, lists, "the filled lists were stored");
}

/// A fill cut short (a stop, a crash) after storing its entities and before its lists leaves
/// its mark: the next start fills again and ends with the lists an uninterrupted fill gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fill_cut_short_is_done_again_at_the_next_start() {
    let clean = tempfile::tempdir().unwrap();
    let (_, reference) = open_in(clean.path()).await;
    let never = tokio::sync::watch::channel(false).1;
    fill(&reference, &never).await.unwrap();
    let expected = every_list(&reference).await;

    let dir = tempfile::tempdir().unwrap();
    let (_, service) = open_in(dir.path()).await;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    stop.send(true).unwrap();
    let error = fill(&service, &stopping).await.unwrap_err();
    assert!(error.to_string().contains("stopping"), "{error:#}");
    assert!(service.fill_pending().await.unwrap());
    drop(service);

    let (_, restarted) = open_in(dir.path()).await;
    assert!(restarted.fill_pending().await.unwrap(), "the mark survives the restart");
    assert!(every_list(&restarted).await.iter().all(|(_, l)| l.is_empty()), "no list was stored");
    // The replica holds every entity already: the next fill applies nothing new.
    let mut again = restarted.begin_fill().await.unwrap();
    again.apply(Vec::new()).await.unwrap();
    again.finish(2, &never, &|_, _, _| {}).await.unwrap();
    assert!(!restarted.fill_pending().await.unwrap());
    assert_eq!(every_list(&restarted).await, expected);
}

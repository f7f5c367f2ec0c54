//! Startups: coined names, a stage with a consistent legal form, age, team and funding, and
//! a one-paragraph pitch in Italian or English.

use crate::ids::IdGen;
use crate::organisations::{COINED_TAILS, coined};
use crate::places::{date_between, ymd};
use crate::profiles;
use crate::rng::Rng;
use crate::text::{Lang, fill, lower_first, slug};
use crate::{Progress, World};
use chrono::NaiveDate;
use crocevia_domain::{FoundersProfile, LegalForm, Place, Sector, Startup, StartupId, StartupStage};
use std::collections::HashSet;

use StartupStage as St;

const STAGES: &[(StartupStage, u32)] =
    &[(St::Idea, 20), (St::PreSeed, 30), (St::Seed, 30), (St::SeriesA, 15), (St::Growth, 5)];

const NAME_TAILS: &[&str] = &[
    "Labs",
    "Systems",
    "Robotics",
    "Health",
    "Foods",
    "Energy",
    "AI",
    "Mobility",
    "Studio",
    "Analytics",
    "Space",
    "Bio",
];

const PITCH_IT: &[&str] = &[
    "Piattaforma di {a} per le imprese del settore {sector_l}.",
    "Sviluppiamo soluzioni di {a} e {b} per il settore {sector_l}.",
    "{name} porta {a} nelle piccole e medie imprese del settore {sector_l}.",
    "Startup {stage} che combina {a} e {b} per il settore {sector_l}.",
    "{name} usa {a} per ridurre costi e sprechi nel settore {sector_l}.",
    "Strumenti di {a} per il settore {sector_l}: dal prototipo al mercato.",
    "{name} aiuta le aziende ad adottare {a} e {b}, con un modello in abbonamento.",
    "Soluzioni hardware e software di {a} pensate per il settore {sector_l}.",
];

const PITCH_EN: &[&str] = &[
    "{a} platform for companies in {sector_l}.",
    "We build {a} and {b} solutions for {sector_l}.",
    "{name} brings {a} to small and medium-sized businesses in {sector_l}.",
    "{stage} startup combining {a} and {b} for {sector_l}.",
    "{name} uses {a} to cut costs and waste in {sector_l}.",
    "{a} tools for {sector_l}: from prototype to market.",
    "{name} helps companies adopt {a} and {b}, on a subscription model.",
    "Hardware and software for {a}, designed for {sector_l}.",
];

pub(crate) fn generate(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    n: usize,
    progress: &mut Progress,
) -> Vec<Startup> {
    let mut taken = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(startup(world, rng, ids, i, &mut taken));
        progress.tick();
    }
    out
}

fn unique_name(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    for attempt in 0..6 {
        let mut name = coined(rng);
        if attempt >= 2 || rng.chance(0.3) {
            name = format!("{name} {}", rng.pick(NAME_TAILS));
        }
        if taken.insert(name.clone()) {
            return name;
        }
    }
    let base = format!("{}{} {}", coined(rng), rng.pick(COINED_TAILS), rng.pick(NAME_TAILS));
    (2..).map(|n| format!("{base} {n}")).find(|name| taken.insert(name.clone())).unwrap_or(base)
}

/// Legal form and incorporation date agree with the stage: ideas are mostly not incorporated
/// yet, later stages are companies founded long enough ago.
fn legal(rng: &mut Rng, stage: StartupStage) -> (LegalForm, Option<NaiveDate>) {
    use LegalForm as L;
    let form = match stage {
        St::Idea => rng.weighted(&[(L::NotIncorporated, 70), (L::Srl, 15), (L::InnovativeStartup, 15)], L::Srl),
        St::PreSeed => rng.weighted(
            &[(L::NotIncorporated, 25), (L::InnovativeStartup, 45), (L::Srl, 25), (L::Cooperative, 5)],
            L::Srl,
        ),
        St::Seed | St::SeriesA => rng.weighted(
            &[(L::InnovativeStartup, 50), (L::Srl, 35), (L::Spa, 5), (L::Cooperative, 5), (L::Other, 5)],
            L::Srl,
        ),
        St::Growth => rng.weighted(&[(L::Srl, 40), (L::Spa, 40), (L::InnovativeStartup, 15), (L::Other, 5)], L::Spa),
    };
    if form == L::NotIncorporated {
        return (form, None);
    }
    let (from, to) = match stage {
        St::Idea | St::PreSeed => (ymd(2023, 1, 1), ymd(2026, 11, 1)),
        St::Seed => (ymd(2019, 1, 1), ymd(2025, 12, 31)),
        St::SeriesA => (ymd(2016, 1, 1), ymd(2024, 6, 30)),
        St::Growth => (ymd(2015, 1, 1), ymd(2021, 12, 31)),
    };
    (form, Some(date_between(rng, from, to)))
}

fn team_and_funding(rng: &mut Rng, stage: StartupStage) -> (u16, u64) {
    let ((team_lo, team_hi), (k_lo, k_hi)) = match stage {
        St::Idea => ((1, 4), (0, 20)),
        St::PreSeed => ((2, 8), (10, 300)),
        St::Seed => ((3, 15), (200, 2_000)),
        St::SeriesA => ((10, 40), (2_000, 10_000)),
        St::Growth => ((20, 60), (5_000, 30_000)),
    };
    // Round to 5 000 EUR, as announced rounds are.
    let funding = rng.between(k_lo, k_hi) / 5 * 5_000;
    (rng.between(team_lo, team_hi) as u16, funding)
}

fn stage_word(stage: StartupStage, lang: Lang) -> &'static str {
    match (stage, lang) {
        (St::Idea, Lang::It) => "in fase di idea",
        (St::Idea, Lang::En) => "Early-stage",
        (St::PreSeed, Lang::It) => "pre-seed",
        (St::PreSeed, Lang::En) => "Pre-seed",
        (St::Seed, Lang::It) => "seed",
        (St::Seed, Lang::En) => "Seed",
        (St::SeriesA, _) => "Series A",
        (St::Growth, Lang::It) => "in crescita",
        (St::Growth, Lang::En) => "Growth-stage",
    }
}

fn startup(world: &World, rng: &mut Rng, ids: &mut IdGen, index: usize, taken: &mut HashSet<String>) -> Startup {
    let profile_index = profiles::draw(rng);
    let profile = profiles::get(profile_index);
    let name = unique_name(rng, taken);
    let stage = rng.weighted(STAGES, St::Seed);
    let (legal_form, founded_on) = legal(rng, stage);
    let (team_size, funding_raised_eur) = team_and_funding(rng, stage);
    let seat = rng.chance(0.9).then(|| world.comuni.pick(rng));
    let willing_to_relocate = rng.chance(if seat.is_none() { 0.7 } else { 0.15 });
    let founders = FoundersProfile {
        female_led: rng.chance(0.25),
        under_35: rng.chance(0.5),
        university_spinoff: rng.chance(0.15),
    };
    let mut sectors: Vec<Sector> = vec![profile.sectors[0]];
    if rng.chance(0.6) {
        let s = rng.pick_or(profile.sectors, profile.sectors[0]);
        if !sectors.contains(&s) {
            sectors.push(s);
        }
    }
    let lang = Lang::draw(rng, 0.6);
    let labels: Vec<&str> = world
        .skills
        .draw_distinct(rng, profile_index, 2)
        .into_iter()
        .filter_map(|i| world.skills.concept(i).map(|c| lang.label(c)))
        .collect();
    let topic = lang.choose(profile.topic_it, profile.topic_en);
    let label = |i: usize| labels.get(i).copied().unwrap_or(topic);
    let sector_l = lower_first(lang.sector(sectors[0]));
    let vars = [
        ("name", name.as_str()),
        ("a", label(0)),
        ("b", label(1)),
        ("sector_l", &sector_l),
        ("stage", stage_word(stage, lang)),
    ];
    let mut description = fill(rng.pick(if lang == Lang::It { PITCH_IT } else { PITCH_EN }), &vars);
    if founders.university_spinoff {
        description.push_str(lang.choose(" Spin-off universitario.", " University spin-off."));
    }
    if founders.female_led {
        description.push_str(lang.choose(" Team a guida femminile.", " Female-led team."));
    }
    let host = slug(&name, Some('-'));
    Startup {
        id: StartupId::from_uuid(ids.next()),
        user_id: None,
        contact_email: format!("{}.{}@example.org", slug(&name, Some('.')), index + 1),
        website: rng.chance(0.7).then(|| format!("https://{host}.example.org")),
        name,
        description,
        sectors,
        stage,
        legal_form,
        founded_on,
        seat: seat.map(Place::Metro),
        willing_to_relocate,
        team_size,
        funding_raised_eur,
        founders,
        demo: false,
    }
}

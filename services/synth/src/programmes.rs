//! AcceleraTO programmes run by universities, incubators, accelerators and public bodies,
//! with phases that fit the model and eligibility rules that a startup can actually meet.

use crate::ids::IdGen;
use crate::places::{Comuni, date_between, minus_days, plus_days, ymd};
use crate::profiles::{self, Profile};
use crate::rng::Rng;
use crate::text::{Lang, clip, fill, lower_first};
use crate::{Progress, World};
use crocevia_domain::{
    EligibilityRule, LegalForm, Organisation, Programme, ProgrammeId, ProgrammeModel, ProgrammePhase, Sector,
    StartupStage, Status,
};

use ProgrammeModel as M;
use ProgrammePhase as Ph;

const MODELS: &[(ProgrammeModel, u32)] = &[
    (M::Incubation, 30),
    (M::Acceleration, 30),
    (M::VentureBuilding, 8),
    (M::CorporateAcceleration, 12),
    (M::OpenInnovationChallenge, 10),
    (M::Bootcamp, 10),
];

const TITLE_IT: &[&str] = &[
    "{model} {topic} 2027",
    "Programma di {model_l} {topic} – coorte 2027",
    "{model} {topic} – {comune}",
    "{org}: {model_l} per startup di {topic_l}",
    "Call 2027 – {model} {topic}",
    "{model} per startup del settore {sector_l}",
    "{topic} Lab: {model_l} 2027",
    "Percorso di {model_l} su {a}",
];

const TITLE_EN: &[&str] = &[
    "{topic} {model} 2027",
    "{model} Programme – {topic}, 2027 cohort",
    "{model} {topic} – {comune}",
    "{org}: {model} for {topic} startups",
    "Call 2027 – {topic} {model}",
    "{model} for startups in {sector_l}",
    "{topic} Lab: {model} 2027",
    "{model} Track on {a}",
];

const DESCRIPTION_IT: &[&str] = &[
    "{weeks} settimane per trasformare un'idea di {topic_l} in un'impresa: validazione del mercato, prototipo e pitch finale.",
    "Un percorso di {weeks} settimane con mentor, esperti di {a} e incontri con investitori del territorio.",
    "{org} seleziona fino a {capacity} team del settore {sector_l} per {weeks} settimane di lavoro intensivo.",
    "Spazi a {comune}, mentoring su {a} e {b}, e accesso alla rete di partner di {org}.",
    "Il programma accompagna startup di {topic_l} dalla prima validazione alle prime vendite.",
    "Workshop settimanali su modello di business, {a} e raccolta di capitali, con demo day finale.",
    "Per team che lavorano su {a}: {weeks} settimane di accompagnamento e un piccolo contributo a fondo perduto.",
    "Dedicato alle startup del settore {sector_l}, con sessioni individuali e laboratori su {b}.",
];

const DESCRIPTION_EN: &[&str] = &[
    "{weeks} weeks to turn a {topic_l} idea into a company: market validation, prototype and a final pitch.",
    "A {weeks}-week track with mentors, {a} experts and meetings with local investors.",
    "{org} selects up to {capacity} teams in {sector_l} for {weeks} weeks of intensive work.",
    "Space in {comune}, mentoring on {a} and {b}, and access to the partner network of {org}.",
    "The programme takes {topic_l} startups from first validation to first sales.",
    "Weekly workshops on business models, {a} and fundraising, ending with a demo day.",
    "For teams working on {a}: {weeks} weeks of support and a small non-repayable grant.",
    "Dedicated to startups in {sector_l}, with one-to-one sessions and hands-on labs on {b}.",
];

fn model_words(model: ProgrammeModel) -> (&'static str, &'static str) {
    match model {
        M::Incubation => ("Incubazione", "Incubation"),
        M::Acceleration => ("Accelerazione", "Acceleration"),
        M::VentureBuilding => ("Venture building", "Venture Building"),
        M::CorporateAcceleration => ("Accelerazione corporate", "Corporate Acceleration"),
        M::OpenInnovationChallenge => ("Open innovation challenge", "Open Innovation Challenge"),
        M::Bootcamp => ("Bootcamp", "Bootcamp"),
    }
}

/// Phases the model covers, and its length in weeks.
fn shape(rng: &mut Rng, model: ProgrammeModel) -> (Vec<ProgrammePhase>, u64) {
    match model {
        M::Incubation => {
            let phases = rng.pick_or(
                &[&[Ph::PreIncubation][..], &[Ph::Incubation], &[Ph::PreIncubation, Ph::Incubation]],
                &[Ph::Incubation],
            );
            (phases.to_vec(), rng.between(16, 40))
        }
        M::Acceleration => {
            let phases = if rng.chance(0.3) { vec![Ph::Acceleration, Ph::ScaleUp] } else { vec![Ph::Acceleration] };
            (phases, rng.between(12, 24))
        }
        M::VentureBuilding => (vec![Ph::PreIncubation, Ph::Incubation], rng.between(24, 40)),
        M::CorporateAcceleration => (vec![Ph::Acceleration], rng.between(12, 20)),
        M::OpenInnovationChallenge => (vec![Ph::Incubation, Ph::Acceleration], rng.between(6, 12)),
        M::Bootcamp => (vec![Ph::PreIncubation], rng.between(2, 6)),
    }
}

fn stages_for(phases: &[ProgrammePhase]) -> Vec<StartupStage> {
    use StartupStage as St;
    let mut stages: Vec<StartupStage> = phases
        .iter()
        .flat_map(|p| match p {
            Ph::PreIncubation => [St::Idea, St::PreSeed],
            Ph::Incubation => [St::PreSeed, St::Seed],
            Ph::Acceleration => [St::Seed, St::SeriesA],
            Ph::ScaleUp => [St::SeriesA, St::Growth],
        })
        .collect();
    stages.sort();
    stages.dedup();
    stages
}

/// 0–4 distinct rule kinds, each consistent on its own and with the others (age limits
/// are drawn from disjoint ranges, so min never exceeds max).
fn eligibility(rng: &mut Rng, phases: &[ProgrammePhase], sectors: &[Sector]) -> Vec<EligibilityRule> {
    use EligibilityRule as R;
    let count = rng.weighted(&[(0usize, 15), (1, 25), (2, 30), (3, 20), (4, 10)], 0);
    let mut kinds: [u8; 9] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    for i in (1..kinds.len()).rev() {
        kinds.swap(i, rng.below(i + 1));
    }
    let early = phases.iter().any(|p| matches!(p, Ph::PreIncubation));
    kinds[..count]
        .iter()
        .map(|kind| match kind {
            0 => R::StageIn { stages: stages_for(phases) },
            1 => R::SectorIn { sectors: sectors.to_vec() },
            2 => R::MaxAgeMonths { months: 12 * rng.between(2, 7) as u32 },
            3 => R::MinAgeMonths { months: 6 * rng.between(0, 4) as u32 },
            4 => R::SeatInMetroArea { allow_relocation: rng.chance(0.6) },
            5 => {
                let min = rng.chance(0.6).then(|| rng.between(1, 3) as u16);
                let max = rng.chance(0.7).then(|| rng.between(10, 50) as u16);
                R::TeamSize { min: min.or(max.is_none().then_some(2)), max }
            }
            6 => {
                let min_eur = rng.chance(0.4).then(|| rng.between(0, 20) * 5_000);
                let max_eur = rng.chance(0.8).then(|| rng.between(10, 100) * 50_000);
                R::FundingRaised { min_eur, max_eur: max_eur.or(min_eur.is_none().then_some(1_000_000)) }
            }
            7 => {
                let mut forms = vec![LegalForm::Srl, LegalForm::InnovativeStartup];
                if early {
                    forms.insert(0, LegalForm::NotIncorporated);
                } else if rng.chance(0.3) {
                    forms.push(LegalForm::Spa);
                }
                R::LegalFormIn { forms, incorporation_by_deadline: early && rng.chance(0.5) }
            }
            _ => match rng.below(3) {
                0 => R::Founders { female_led: Some(true), under_35: None, university_spinoff: None },
                1 => R::Founders { female_led: None, under_35: Some(true), university_spinoff: None },
                _ => R::Founders { female_led: None, under_35: None, university_spinoff: Some(true) },
            },
        })
        .collect()
}

fn sectors(rng: &mut Rng, profile: &Profile) -> Vec<Sector> {
    let mut out = vec![profile.sectors[0]];
    for _ in 0..rng.between(0, 2) {
        let s = rng.pick_or(profile.sectors, profile.sectors[0]);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

pub(crate) fn generate(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    n: usize,
    organisations: &[Organisation],
    progress: &mut Progress,
) -> Vec<Programme> {
    let hosts: Vec<&Organisation> = organisations.iter().filter(|o| o.kind.runs_programmes()).collect();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        // Only companies exist when there are no organisations that run programmes: skip.
        if let Some(&host) = hosts.get(rng.below(hosts.len())) {
            out.push(programme(world, rng, ids, host));
        }
        progress.tick();
    }
    out
}

fn programme(world: &World, rng: &mut Rng, ids: &mut IdGen, host: &Organisation) -> Programme {
    let profile_index = profiles::draw(rng);
    let profile = profiles::get(profile_index);
    let model = rng.weighted(MODELS, M::Incubation);
    let (phases, weeks) = shape(rng, model);
    let sectors = sectors(rng, profile);
    let eligibility = eligibility(rng, &phases, &sectors);
    let comune = if rng.chance(0.8) { host.comune.clone() } else { world.comuni.pick(rng) };
    let year_end = ymd(2027, 12, 31);
    let cohort_start = date_between(rng, ymd(2027, 1, 15), ymd(2027, 10, 15));
    let cohort_end = plus_days(cohort_start, weeks * 7).min(year_end);
    let application_deadline = minus_days(cohort_start, rng.between(14, 60));
    let capacity = rng.between(5, 40) as u32;
    let (languages, lang) = match rng.below(10) {
        0..=3 => (vec![world.it.clone()], Lang::It),
        4 | 5 => (vec![world.en.clone()], Lang::En),
        _ => (vec![world.it.clone(), world.en.clone()], Lang::draw(rng, 0.6)),
    };
    let topic = lang.choose(profile.topic_it, profile.topic_en);
    let (model_it, model_en) = model_words(model);
    let model_word = lang.choose(model_it, model_en);
    let labels: Vec<&str> = world
        .skills
        .draw_distinct(rng, profile_index, 2)
        .into_iter()
        .filter_map(|i| world.skills.concept(i).map(|c| lang.label(c)))
        .collect();
    let label = |i: usize| labels.get(i).copied().unwrap_or(topic);
    let vars = [
        ("model", model_word),
        ("model_l", &lang.mid_sentence(model_word)),
        ("topic", topic),
        ("topic_l", &lang.mid_sentence(topic)),
        ("org", host.name.as_str()),
        ("comune", Comuni::name(&comune)),
        ("sector_l", &lower_first(lang.sector(sectors[0]))),
        ("a", label(0)),
        ("b", label(1)),
        ("weeks", &weeks.to_string()),
        ("capacity", &capacity.to_string()),
    ];
    let title = clip(fill(rng.pick(if lang == Lang::It { TITLE_IT } else { TITLE_EN }), &vars));
    let first = fill(rng.pick(if lang == Lang::It { DESCRIPTION_IT } else { DESCRIPTION_EN }), &vars);
    let second = fill(rng.pick(if lang == Lang::It { DESCRIPTION_IT } else { DESCRIPTION_EN }), &vars);
    let description = if first == second { first } else { format!("{first} {second}") };
    Programme {
        id: ProgrammeId::from_uuid(ids.next()),
        organisation_id: host.id,
        title,
        description,
        model,
        phases,
        sectors,
        eligibility,
        comune,
        cohort_start,
        cohort_end,
        application_deadline,
        capacity,
        languages,
        status: Status::Open,
        demo: false,
        review: Default::default(),
        form: vec![],
    }
}

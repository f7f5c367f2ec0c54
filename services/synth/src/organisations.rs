//! Organisations: companies, universities, incubators, accelerators and public bodies with
//! plausible Piedmontese names, seated in comuni drawn by population.

use crate::ids::IdGen;
use crate::names::draw_surname;
use crate::places::Comuni;
use crate::profiles::{self, Profile};
use crate::rng::Rng;
use crate::text::{Lang, clip, fill, join, lower_first, slug};
use crate::{Progress, World};
use crocevia_domain::{Organisation, OrganisationId, OrganisationKind, Sector};
use std::collections::HashSet;

use OrganisationKind as K;

/// The first organisations cover every kind that runs programmes, so even the smallest data
/// set has somewhere to hold a programme, a PhD or an incubation track.
const FIRST_KINDS: [OrganisationKind; 4] = [K::University, K::Incubator, K::Accelerator, K::PublicBody];

const KIND_WEIGHTS: &[(OrganisationKind, u32)] =
    &[(K::Company, 70), (K::University, 5), (K::Incubator, 10), (K::Accelerator, 10), (K::PublicBody, 5)];

/// Syllables for coined brand names ("Voltaria", "Agrilogic").
pub(crate) const COINED_HEADS: &[&str] = &[
    "Volt", "Agri", "Nova", "Bio", "Eco", "Data", "Cyber", "Aero", "Medi", "Tori", "Mole", "Grano", "Vino", "Lumen",
    "Astra", "Flux", "Orto", "Cube", "Sfera", "Onda", "Fab", "Robo", "Quanta", "Terra", "Verde", "Neuro", "Geo",
    "Synth", "Cargo", "Pixel", "Retina", "Hydro", "Sole", "Vento", "Ferro", "Seta", "Cacao", "Dora", "Stura",
    "Sangone",
];
pub(crate) const COINED_TAILS: &[&str] = &[
    "aria", "ly", "tech", "lab", "io", "ify", "wise", "hub", "mind", "works", "net", "logic", "sense", "flow", "bit",
    "gen", "matic", "via", "verse", "core",
];

pub(crate) fn coined(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(COINED_HEADS), rng.pick(COINED_TAILS))
}

pub(crate) fn generate(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    n: usize,
    progress: &mut Progress,
) -> Vec<Organisation> {
    let mut taken = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let kind = FIRST_KINDS.get(i).copied().unwrap_or_else(|| rng.weighted(KIND_WEIGHTS, K::Company));
        out.push(organisation(world, rng, ids, kind, &mut taken));
        progress.tick();
    }
    out
}

fn kind_word(kind: OrganisationKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (K::Company, Lang::It) => "un'azienda",
        (K::University, Lang::It) => "un ateneo",
        (K::Incubator, Lang::It) => "un incubatore di impresa",
        (K::Accelerator, Lang::It) => "un acceleratore di startup",
        (K::PublicBody, Lang::It) => "un ente pubblico",
        (K::Foundation, Lang::It) => "una fondazione",
        (K::Company, Lang::En) => "a company",
        (K::University, Lang::En) => "a university",
        (K::Incubator, Lang::En) => "a business incubator",
        (K::Accelerator, Lang::En) => "a startup accelerator",
        (K::PublicBody, Lang::En) => "a public body",
        (K::Foundation, Lang::En) => "a foundation",
    }
}

fn name_templates(kind: OrganisationKind) -> &'static [&'static str] {
    match kind {
        K::Company => &[
            "{surname} {word} S.r.l.",
            "{surname} & {surname2} S.p.A.",
            "{word} {comune} S.r.l.",
            "{coined} S.r.l.",
            "Gruppo {surname} S.p.A.",
            "{surname} {word} Società Benefit",
            "{coined} {word} S.r.l.",
            "Officine {surname} S.r.l.",
        ],
        K::University => &[
            "Istituto Universitario {surname}",
            "Scuola Superiore di {topic} {surname}",
            "Ateneo {surname} di {comune}",
            "Università {surname} di Scienze Applicate",
            "International School of {topic_en} Torino",
            "Istituto {surname} per la Ricerca in {topic}",
        ],
        K::Incubator => &[
            "Incubatore {coined} {comune}",
            "Incubatore d'impresa {surname}",
            "{coined} Incubator",
            "Incubatore {topic} Torino",
            "{comune} Startup Incubator",
            "Hub {coined} – Incubatore",
        ],
        K::Accelerator => &[
            "{coined} Accelerator",
            "Acceleratore {coined}",
            "{topic_en} Accelerator Torino",
            "Acceleratore {topic} {comune}",
            "{coined} Ventures",
            "{coined} Launchpad",
        ],
        K::PublicBody => &[
            "Agenzia per lo sviluppo di {comune}",
            "Fondazione {surname} per {topic_l}",
            "Consorzio {coined} {comune}",
            "Fondazione {coined}",
            "Centro Servizi {topic} {comune}",
            "Ente Piemontese per {topic_l}",
        ],
        K::Foundation => {
            &["Fondazione {surname} per {topic_l}", "Fondazione {coined}", "Fondazione {surname} {comune}"]
        }
    }
}

const DESCRIPTION_IT: &[&str] = &[
    "{name} è {kind} con sede a {comune}, {attivo} nel settore {sector_l}.",
    "Dal {year}, {name} si occupa di {topic_l} nell'area metropolitana di Torino.",
    "{name} riunisce {people} persone tra {comune} e Torino e investe in {a} e {b}.",
    "Con sede a {comune}, {name} si occupa di {topic_l} e collabora con università e startup.",
    "{name} sviluppa progetti di {topic_l} e cerca talenti con competenze in {a}.",
    "Presso {name} ({comune}) lavorano gruppi dedicati a {list}.",
    "{name} opera nel settore {sector_l} e partecipa a progetti europei di ricerca e innovazione.",
    "{name} è {kind} di {comune}: {topic_l}, con particolare attenzione a {a}.",
];

const DESCRIPTION_EN: &[&str] = &[
    "{name} is {kind} based in {comune}, working in {sector_l}.",
    "Since {year}, {name} has worked on {topic_l} across the Torino metropolitan area.",
    "{name} employs {people} people between {comune} and Torino and invests in {a} and {b}.",
    "Based in {comune}, {name} works on {topic_l} together with universities and startups.",
    "{name} runs projects in {topic_l} and looks for talent skilled in {a}.",
    "At {name} ({comune}) teams work on {list}.",
    "{name} operates in {sector_l} and takes part in European research and innovation projects.",
    "{name} is {kind} in {comune}: {topic_l}, with a focus on {a}.",
];

fn sectors(rng: &mut Rng, kind: OrganisationKind, profile: &Profile) -> Vec<Sector> {
    let mut out = match kind {
        K::University => vec![Sector::Research, Sector::Education],
        K::PublicBody => vec![Sector::PublicSector],
        _ => Vec::new(),
    };
    let extra = if kind == K::Company { rng.between(1, 2) } else { rng.between(2, 4) };
    for j in 0..extra {
        let s = if j == 0 { profile.sectors[0] } else { rng.pick_or(profile.sectors, profile.sectors[0]) };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if kind != K::Company && rng.chance(0.5) {
        let s = rng.pick_or(&Sector::ALL, Sector::Ict);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn organisation(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    kind: OrganisationKind,
    taken: &mut HashSet<String>,
) -> Organisation {
    let profile_index = profiles::draw(rng);
    let profile = profiles::get(profile_index);
    let comune = world.comuni.pick(rng);
    let comune_name = Comuni::name(&comune);
    let name = unique_name(rng, kind, profile, comune_name, taken);
    let sectors = sectors(rng, kind, profile);
    let lang = Lang::draw(rng, 0.6);
    let labels: Vec<&str> = world
        .skills
        .draw_distinct(rng, profile_index, 3)
        .into_iter()
        .filter_map(|i| world.skills.concept(i).map(|c| lang.label(c)))
        .collect();
    let topic = lang.choose(profile.topic_it, profile.topic_en);
    let label = |i: usize| labels.get(i).copied().unwrap_or(topic);
    let (people_lo, people_hi) = match kind {
        K::Company => (8, 2500),
        K::University => (800, 6000),
        K::Incubator | K::Accelerator => (5, 40),
        K::PublicBody => (20, 400),
        K::Foundation => (5, 200),
    };
    let (year, people) = (rng.between(1950, 2024).to_string(), rng.between(people_lo, people_hi).to_string());
    let sector = lang.sector(sectors[0]);
    let vars = [
        ("name", name.as_str()),
        ("kind", kind_word(kind, lang)),
        ("attivo", if kind == K::Company { "attiva" } else { "attivo" }),
        ("comune", comune_name),
        ("sector_l", &lower_first(sector)),
        ("topic_l", &lang.mid_sentence(topic)),
        ("a", label(0)),
        ("b", label(1)),
        ("list", &join(lang, &labels)),
        ("year", &year),
        ("people", &people),
    ];
    let template = rng.pick(if lang == Lang::It { DESCRIPTION_IT } else { DESCRIPTION_EN });
    let website = rng.chance(0.85).then(|| format!("https://{}.example.org", slug(&name, Some('-'))));
    Organisation {
        id: OrganisationId::from_uuid(ids.next()),
        description: fill(template, &vars),
        name,
        kind,
        comune,
        website,
        sectors,
        demo: false,
    }
}

/// Names repeat in big data sets; a few redraws, then the comune, then a number keep them apart.
fn unique_name(
    rng: &mut Rng,
    kind: OrganisationKind,
    profile: &Profile,
    comune: &str,
    taken: &mut HashSet<String>,
) -> String {
    let mut name = String::new();
    for _ in 0..4 {
        let (surname, surname2) = (draw_surname(rng), draw_surname(rng));
        let vars = [
            ("surname", surname),
            ("surname2", surname2),
            ("word", rng.pick(profile.company_words)),
            ("coined", &coined(rng)),
            ("comune", comune),
            ("topic", profile.topic_it),
            ("topic_en", profile.topic_en),
            ("topic_l", &lower_first(profile.topic_it)),
        ];
        name = clip(fill(rng.pick(name_templates(kind)), &vars));
        if !taken.contains(&name) {
            taken.insert(name.clone());
            return name;
        }
    }
    for n in 2.. {
        let candidate = format!("{name} ({comune} {n})");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    name
}

//! Offers: jobs, internships, PhD positions and fellowships posted by generated
//! organisations, with a coherent skill cluster and a title and description in one language.

use crate::ids::IdGen;
use crate::places::{Comuni, date_between, minus_days, plus_days, today, ymd};
use crate::profiles::{self, Profile};
use crate::rng::Rng;
use crate::text::{Lang, clip, fill, join, lower_first};
use crate::{Progress, World};
use crocevia_domain::{
    Cefr, ContractType, LanguageSkill, Offer, OfferId, OfferKind, Organisation, OrganisationKind, RemotePolicy, Sector,
    Status,
};
use templates as t;

mod templates;

const KINDS: &[(OfferKind, u32)] =
    &[(OfferKind::Job, 60), (OfferKind::Internship, 20), (OfferKind::PhdPosition, 10), (OfferKind::Fellowship, 10)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seniority {
    Junior,
    Mid,
    Senior,
}

/// Who may post what: organisations by sector, and the universities for academic offers.
struct Posters<'o> {
    all: &'o [Organisation],
    universities: Vec<usize>,
    by_sector: Vec<Vec<usize>>,
}

impl<'o> Posters<'o> {
    fn new(all: &'o [Organisation]) -> Self {
        let mut by_sector = vec![Vec::new(); Sector::ALL.len()];
        let mut universities = Vec::new();
        for (i, o) in all.iter().enumerate() {
            if o.kind == OrganisationKind::University {
                universities.push(i);
            }
            for s in &o.sectors {
                if let Some(list) = Sector::ALL.iter().position(|x| x == s).and_then(|p| by_sector.get_mut(p)) {
                    list.push(i);
                }
            }
        }
        Self { all, universities, by_sector }
    }

    fn pick(&self, rng: &mut Rng, kind: OfferKind, sector: Sector) -> Option<&'o Organisation> {
        let academic = matches!(kind, OfferKind::PhdPosition | OfferKind::Fellowship);
        let in_sector = Sector::ALL.iter().position(|x| *x == sector).and_then(|p| self.by_sector.get(p));
        let list = if academic && !self.universities.is_empty() && rng.chance(0.75) {
            Some(&self.universities)
        } else {
            in_sector.filter(|l| !l.is_empty() && rng.chance(0.9))
        };
        let index = match list {
            Some(list) => list.get(rng.below(list.len())).copied(),
            None => Some(rng.below(self.all.len())),
        };
        index.and_then(|i| self.all.get(i))
    }
}

pub(crate) fn generate(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    n: usize,
    organisations: &[Organisation],
    progress: &mut Progress,
) -> Vec<Offer> {
    let posters = Posters::new(organisations);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let profile_index = profiles::draw(rng);
        let profile = profiles::get(profile_index);
        let kind = rng.weighted(KINDS, OfferKind::Job);
        let sector =
            if rng.chance(0.8) { profile.sectors[0] } else { rng.pick_or(profile.sectors, profile.sectors[0]) };
        // No organisations at all means nothing can post; the data set then has no offers.
        if let Some(org) = posters.pick(rng, kind, sector) {
            out.push(offer(world, rng, ids, org, profile_index, kind, sector));
        }
        progress.tick();
    }
    out
}

fn contract(rng: &mut Rng, kind: OfferKind) -> ContractType {
    use ContractType as C;
    match kind {
        OfferKind::Job => rng.weighted(
            &[(C::Permanent, 50), (C::FixedTerm, 30), (C::Apprenticeship, 10), (C::Freelance, 10)],
            C::Permanent,
        ),
        OfferKind::Internship => C::Internship,
        OfferKind::PhdPosition => C::PhdScholarship,
        OfferKind::Fellowship => C::Fellowship,
    }
}

fn remote(rng: &mut Rng, kind: OfferKind) -> RemotePolicy {
    use RemotePolicy as R;
    let weights: &[(RemotePolicy, u32)] = match kind {
        OfferKind::Job => &[(R::OnSite, 35), (R::Hybrid, 48), (R::Remote, 17)],
        OfferKind::Internship => &[(R::OnSite, 55), (R::Hybrid, 40), (R::Remote, 5)],
        OfferKind::PhdPosition | OfferKind::Fellowship => &[(R::OnSite, 70), (R::Hybrid, 28), (R::Remote, 2)],
    };
    rng.weighted(weights, R::Hybrid)
}

/// Italian-text offers ask for good Italian and often some English; English-text ones ask
/// for good English and sometimes basic Italian.
fn languages(world: &World, rng: &mut Rng, lang: Lang) -> Vec<LanguageSkill> {
    let (main, other) = match lang {
        Lang::It => (world.it.clone(), world.en.clone()),
        Lang::En => (world.en.clone(), world.it.clone()),
    };
    let mut out = Vec::with_capacity(2);
    if rng.chance(0.92) {
        out.push(LanguageSkill { language: main, level: rng.weighted(&[(Cefr::B2, 60), (Cefr::C1, 40)], Cefr::B2) });
    }
    let (p_other, levels): (f64, &[(Cefr, u32)]) = match lang {
        Lang::It => (0.5, &[(Cefr::B1, 40), (Cefr::B2, 50), (Cefr::C1, 10)]),
        Lang::En => (0.3, &[(Cefr::A2, 40), (Cefr::B1, 45), (Cefr::B2, 15)]),
    };
    if rng.chance(p_other) {
        out.push(LanguageSkill { language: other, level: rng.weighted(levels, Cefr::B1) });
    }
    out
}

/// Gross yearly pay in EUR, in the ranges Torino offers of each kind actually use.
fn salary(rng: &mut Rng, kind: OfferKind, seniority: Seniority) -> (Option<u32>, Option<u32>) {
    let round = |x: u64| (x / 500 * 500) as u32;
    match kind {
        OfferKind::Job if rng.chance(0.85) => {
            let base = match seniority {
                Seniority::Junior => rng.between(24_000, 32_000),
                Seniority::Mid => rng.between(30_000, 45_000),
                Seniority::Senior => rng.between(42_000, 65_000),
            };
            (Some(round(base)), Some(round(base + rng.between(3_000, 18_000))))
        }
        OfferKind::Job => (None, None),
        OfferKind::Internship => {
            let pay = rng.pick(&[7_200u32, 8_400, 9_600]);
            (Some(pay), Some(pay))
        }
        OfferKind::PhdPosition => {
            let pay = round(rng.between(16_500, 19_000));
            (Some(pay), Some(pay))
        }
        OfferKind::Fellowship => {
            let pay = round(rng.between(19_500, 28_000));
            (Some(pay), Some(round(u64::from(pay) + rng.between(0, 4_000))))
        }
    }
}

fn offer(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    org: &Organisation,
    profile_index: usize,
    kind: OfferKind,
    sector: Sector,
) -> Offer {
    let profile = profiles::get(profile_index);
    let lang = Lang::draw(rng, 0.6);
    let seniority = match kind {
        OfferKind::Job => {
            rng.weighted(&[(Seniority::Junior, 35), (Seniority::Mid, 40), (Seniority::Senior, 25)], Seniority::Mid)
        }
        _ => Seniority::Junior,
    };
    let min_experience_years = match (kind, seniority) {
        (OfferKind::Fellowship, _) => rng.between(0, 2),
        (OfferKind::Job, Seniority::Junior) => rng.between(0, 1),
        (OfferKind::Job, Seniority::Mid) => rng.between(2, 4),
        (OfferKind::Job, Seniority::Senior) => rng.between(5, 10),
        _ => 0,
    } as u8;
    let required_count = rng.between(2, 6) as usize;
    let nice_count = rng.between(0, 4) as usize;
    let picked = world.skills.draw_distinct(rng, profile_index, required_count + nice_count);
    let concepts: Vec<_> = picked.iter().filter_map(|&i| world.skills.concept(i)).collect();
    // Fewer concepts than asked (a tiny taxonomy) shortens the nice-to-have list first.
    let split = required_count.min(concepts.len());
    let required_skills = concepts[..split].iter().map(|c| c.id.clone()).collect();
    let nice_to_have_skills = concepts[split..].iter().map(|c| c.id.clone()).collect();
    let labels: Vec<&str> = concepts.iter().map(|c| lang.label(c)).collect();
    let comune = if rng.chance(0.75) { org.comune.clone() } else { world.comuni.pick(rng) };
    let remote = remote(rng, kind);
    let contract = contract(rng, kind);
    let (salary_min_eur, salary_max_eur) = salary(rng, kind, seniority);
    let posted_on = minus_days(today(), rng.between(0, 89));
    let deadline = date_between(rng, ymd(2026, 12, 1), ymd(2027, 4, 30)).max(posted_on);
    let starts_on = rng.chance(0.85).then(|| plus_days(deadline, rng.between(14, 120)));
    let sponsors_work_permit = rng.chance(if lang == Lang::En { 0.45 } else { 0.2 });
    let mut sectors = vec![sector];
    if rng.chance(0.35) {
        let s = rng.pick_or(profile.sectors, sector);
        if !sectors.contains(&s) {
            sectors.push(s);
        }
    }
    let facts = Facts {
        lang,
        kind,
        seniority,
        contract,
        remote,
        profile,
        org: &org.name,
        comune: Comuni::name(&comune),
        sector,
        labels: &labels,
        required: split,
        min_experience_years,
        sponsors_work_permit,
    };
    let (title, description) = texts(rng, &facts);
    Offer {
        id: OfferId::from_uuid(ids.next()),
        organisation_id: Some(org.id),
        startup_id: None,
        kind,
        title,
        description,
        text_language: world.code(lang),
        required_skills,
        nice_to_have_skills,
        languages: languages(world, rng, lang),
        comune,
        remote,
        contract,
        min_experience_years,
        salary_min_eur,
        salary_max_eur,
        posted_on,
        starts_on,
        deadline: Some(deadline),
        sponsors_work_permit,
        sectors,
        status: Status::Open,
        demo: false,
    }
}

/// What the texts may mention, already drawn, so title and description match the data.
struct Facts<'a> {
    lang: Lang,
    kind: OfferKind,
    seniority: Seniority,
    contract: ContractType,
    remote: RemotePolicy,
    profile: &'static Profile,
    org: &'a str,
    comune: &'static str,
    sector: Sector,
    labels: &'a [&'a str],
    /// How many of `labels` are required; the rest are nice to have.
    required: usize,
    min_experience_years: u8,
    sponsors_work_permit: bool,
}

fn texts(rng: &mut Rng, f: &Facts) -> (String, String) {
    let lang = f.lang;
    let it = lang == Lang::It;
    let topic = lang.choose(f.profile.topic_it, f.profile.topic_en);
    let label = |i: usize| f.labels.get(i).or(f.labels.first()).copied().unwrap_or(topic);
    let role = rng.pick_or(f.profile.roles, f.profile.roles[0]);
    let role_word = lang.choose(role.it_any, role.en);
    let field = rng.pick(if it { f.profile.fields_it } else { f.profile.fields_en });
    let sector = lang.sector(f.sector);
    let (required, nice) = f.labels.split_at(f.required.min(f.labels.len()));
    let years = f.min_experience_years.to_string();
    let vars = [
        ("role", role_word),
        ("role_l", &lower_first(role_word)),
        ("role_m", role.it_m),
        ("a", label(0)),
        ("b", label(1)),
        ("c", label(2)),
        ("req", &join(lang, required)),
        ("nice", &join(lang, nice)),
        ("field", field),
        ("sector", sector),
        ("sector_l", &lower_first(sector)),
        ("org", f.org),
        ("comune", f.comune),
        ("years", &years),
    ];
    let pick = |rng: &mut Rng, it_list: &[&'static str], en_list: &[&'static str]| -> String {
        fill(rng.pick(if it { it_list } else { en_list }), &vars)
    };
    let title = match f.kind {
        OfferKind::Job => match f.seniority {
            Seniority::Junior if rng.chance(0.3) => fill(lang.choose(t::JUNIOR_IT, t::JUNIOR_EN), &vars),
            Seniority::Senior if rng.chance(0.3) => fill(lang.choose(t::SENIOR_IT, t::SENIOR_EN), &vars),
            _ => pick(rng, t::JOB_IT, t::JOB_EN),
        },
        OfferKind::Internship => pick(rng, t::INTERNSHIP_IT, t::INTERNSHIP_EN),
        OfferKind::PhdPosition => pick(rng, t::PHD_IT, t::PHD_EN),
        OfferKind::Fellowship => pick(rng, t::FELLOWSHIP_IT, t::FELLOWSHIP_EN),
    };
    let mut sentences = if matches!(f.kind, OfferKind::PhdPosition | OfferKind::Fellowship) {
        vec![
            pick(rng, t::INTRO_ACADEMIC_IT, t::INTRO_ACADEMIC_EN),
            pick(rng, t::ACTIVITY_ACADEMIC_IT, t::ACTIVITY_ACADEMIC_EN),
        ]
    } else {
        vec![pick(rng, t::INTRO_IT, t::INTRO_EN), pick(rng, t::ACTIVITY_IT, t::ACTIVITY_EN)]
    };
    if !required.is_empty() {
        sentences.push(pick(rng, t::REQUIRED_IT, t::REQUIRED_EN));
    }
    match f.min_experience_years {
        0 => {}
        1 => sentences.push(lang.choose(t::EXPERIENCE_ONE_IT, t::EXPERIENCE_ONE_EN).to_owned()),
        _ => sentences.push(fill(lang.choose(t::EXPERIENCE_IT, t::EXPERIENCE_EN), &vars)),
    }
    if !nice.is_empty() {
        sentences.push(pick(rng, t::NICE_IT, t::NICE_EN));
    }
    sentences.push(match f.kind {
        OfferKind::Job => pick(rng, t::contract_it(f.contract), t::contract_en(f.contract)),
        OfferKind::Internship => pick(rng, t::OFFER_INTERNSHIP_IT, t::OFFER_INTERNSHIP_EN),
        OfferKind::PhdPosition => pick(rng, t::OFFER_PHD_IT, t::OFFER_PHD_EN),
        OfferKind::Fellowship => pick(rng, t::OFFER_FELLOWSHIP_IT, t::OFFER_FELLOWSHIP_EN),
    });
    let (remote_it, remote_en) = t::remote(f.remote);
    sentences.push(fill(lang.choose(remote_it, remote_en), &vars));
    if f.sponsors_work_permit {
        sentences.push(lang.choose(t::PERMIT_IT, t::PERMIT_EN).to_owned());
    }
    (clip(title), sentences.join(" "))
}

//! Talents: students, graduates, researchers and professionals, about 30% from abroad, with
//! headlines and bios in Italian or English built from their skills' labels.

use crate::ids::IdGen;
use crate::names::{self, Country, Person};
use crate::places::{Comuni, date_between, ymd};
use crate::profiles::{self, Profile};
use crate::rng::Rng;
use crate::text::{Lang, clip, fill, join, lower_first, slug};
use crate::{Progress, World};
use crocevia_domain::{Cefr, LanguageCode, LanguageSkill, OfferKind, Place, Sector, Talent, TalentId, TalentSkill};
use templates as t;

mod templates;

pub(crate) fn generate(
    world: &World,
    rng: &mut Rng,
    ids: &mut IdGen,
    n: usize,
    progress: &mut Progress,
) -> Vec<Talent> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(talent(world, rng, ids, i));
        progress.tick();
    }
    out
}

fn level(rng: &mut Rng, levels: &[(Cefr, u32)]) -> Cefr {
    rng.weighted(levels, Cefr::B2)
}

fn skill_of(code: &str, level: Cefr) -> Option<LanguageSkill> {
    LanguageCode::new(code).ok().map(|language| LanguageSkill { language, level })
}

/// Italians: native Italian and school-to-fluent English, sometimes a third language.
/// Others: their first language, good English, and Italian from none to B2.
fn languages(rng: &mut Rng, country: &Country) -> Vec<LanguageSkill> {
    use Cefr::*;
    let mut out = Vec::with_capacity(4);
    out.extend(skill_of(country.native, Native));
    if country.code == "IT" {
        out.extend(skill_of("en", level(rng, &[(A2, 15), (B1, 30), (B2, 35), (C1, 20)])));
        if rng.chance(0.25) {
            let third = rng.pick(&["fr", "de", "es"]);
            out.extend(skill_of(third, level(rng, &[(A2, 30), (B1, 40), (B2, 30)])));
        }
        return out;
    }
    if country.native != "en" {
        out.extend(skill_of("en", level(rng, &[(B2, 40), (C1, 40), (C2, 15), (Native, 5)])));
    }
    if !rng.chance(0.3) {
        out.extend(skill_of("it", level(rng, &[(A1, 20), (A2, 30), (B1, 28), (B2, 22)])));
    }
    out
}

fn experience(rng: &mut Rng) -> u8 {
    let (lo, hi) = rng.weighted(&[((0, 2), 35), ((3, 8), 35), ((9, 15), 20), ((16, 25), 10)], (0, 2));
    rng.between(lo, hi) as u8
}

fn seeking(rng: &mut Rng, profile: &Profile, experience: u8) -> Vec<OfferKind> {
    let mut out = Vec::with_capacity(3);
    if experience <= 2 && rng.chance(0.45) {
        out.push(OfferKind::Internship);
    }
    if rng.chance(if profile.academic { 0.7 } else { 0.92 }) {
        out.push(OfferKind::Job);
    }
    if profile.academic && experience <= 6 && rng.chance(0.45) {
        out.push(OfferKind::PhdPosition);
    }
    if profile.academic && rng.chance(0.3) {
        out.push(OfferKind::Fellowship);
    }
    if out.is_empty() {
        out.push(OfferKind::Job);
    }
    out
}

/// One to three sectors, the profile's main one most of the time, now and then one outside it.
fn sectors(rng: &mut Rng, profile: &Profile) -> Vec<Sector> {
    let mut out = Vec::with_capacity(3);
    let main = if rng.chance(0.85) { profile.sectors[0] } else { rng.pick_or(profile.sectors, profile.sectors[0]) };
    out.push(main);
    for _ in 0..rng.between(0, 2) {
        let s = rng.pick_or(profile.sectors, main);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if rng.chance(0.1) {
        let s = rng.pick_or(&Sector::ALL, main);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The talent's skills, and their labels in the language of the texts.
fn skills<'a>(
    world: &World<'a>,
    rng: &mut Rng,
    profile: usize,
    experience: u8,
    lang: Lang,
) -> (Vec<TalentSkill>, Vec<&'a str>) {
    let k = 3 + rng.below(5) + rng.below(5) + usize::from(rng.chance(0.1));
    let mut picked = world.skills.draw_distinct(rng, profile, k);
    if rng.chance(0.25)
        && let Some(soft) = world.skills.draw_soft(rng)
        && !picked.contains(&soft)
    {
        picked.push(soft);
    }
    let max_years = u64::from(experience.saturating_add(2).min(20));
    let (mut skills, mut labels) = (Vec::with_capacity(picked.len()), Vec::with_capacity(picked.len()));
    for (j, concept) in picked.into_iter().filter_map(|i| world.skills.concept(i)).enumerate() {
        // The first skills drawn are the core of the profile and carry most of the years.
        let years = if j < 3 { rng.between(max_years / 2, max_years) } else { rng.between(0, max_years) };
        skills.push(TalentSkill { skill: concept.id.clone(), years: years as u8 });
        labels.push(lang.label(concept));
    }
    (skills, labels)
}

fn talent(world: &World, rng: &mut Rng, ids: &mut IdGen, index: usize) -> Talent {
    let country = names::draw_country(rng);
    let person = names::draw_person(rng, country);
    let international = country.code != "IT";
    let profile_index = profiles::draw(rng);
    let profile = profiles::get(profile_index);
    let experience = experience(rng);
    let languages = languages(rng, country);
    let speaks_italian_well =
        languages.iter().any(|l| l.language.as_str() == "it" && l.level >= Cefr::B2 && l.level != Cefr::Native);
    // Tuned so about 60% of all talents write in Italian: most Italians, a few fluent others.
    let italian_share = if !international {
        0.84
    } else if speaks_italian_well {
        0.3
    } else {
        0.0
    };
    let lang = Lang::draw(rng, italian_share);
    let abroad = rng.chance(if international { 0.22 } else { 0.02 });
    let residence = (!abroad).then(|| world.comuni.pick(rng));
    let (skills, labels) = skills(world, rng, profile_index, experience, lang);
    let seeking = seeking(rng, profile, experience);
    let sectors = sectors(rng, profile);
    let fields = match lang {
        Lang::It => profile.fields_it,
        Lang::En => profile.fields_en,
    };
    let field = rng.pick(fields);
    let role = rng.pick_or(profile.roles, profile.roles[0]);
    let needs_work_permit = international && !country.eu;
    let willing_to_relocate = rng.chance(if abroad { 0.9 } else { 0.3 });
    let open_to_remote = rng.chance(0.55);
    let facts = Facts {
        lang,
        person,
        country,
        role: match (lang, person.female) {
            (Lang::It, false) => role.it_m,
            (Lang::It, true) => role.it_f,
            (Lang::En, _) => role.en,
        },
        field,
        experience,
        sector: sectors[0],
        labels,
        residence: residence.as_ref().map(Comuni::name),
        seeking: seeking[0],
        italian: languages.iter().find(|l| l.language.as_str() == "it").map(|l| l.level),
        needs_work_permit,
        willing_to_relocate,
        open_to_remote,
    };
    let (headline, bio) = texts(rng, &facts);
    let email_local = format!("{}.{}", slug(person.first, None), slug(person.last, None));
    Talent {
        id: TalentId::from_uuid(ids.next()),
        user_id: None,
        display_name: format!("{} {}", person.first, person.last),
        headline,
        bio,
        contact_email: format!("{email_local}.{}@example.org", index + 1),
        country_of_origin: country.code.to_owned(),
        residence: residence.map(Place::Metro),
        field_of_study: rng.chance(0.88).then(|| field.to_owned()),
        education: vec![],
        check_ins: vec![],
        skills,
        languages,
        experience_years: experience,
        available_from: Some(date_between(rng, ymd(2026, 12, 1), ymd(2027, 9, 30))),
        willing_to_relocate,
        open_to_remote,
        needs_work_permit,
        sectors,
        seeking,
        demo: false,
    }
}

/// What the texts may mention, already drawn, so headline and bio never contradict the data.
struct Facts<'a> {
    lang: Lang,
    person: Person,
    country: &'static Country,
    role: &'static str,
    field: &'static str,
    experience: u8,
    sector: Sector,
    labels: Vec<&'a str>,
    residence: Option<&'static str>,
    seeking: OfferKind,
    italian: Option<Cefr>,
    needs_work_permit: bool,
    willing_to_relocate: bool,
    open_to_remote: bool,
}

fn texts(rng: &mut Rng, f: &Facts) -> (String, String) {
    let lang = f.lang;
    let label = |i: usize| f.labels.get(i).or(f.labels.first()).copied().unwrap_or(f.field);
    let (a, b, c) = (label(0), label(1), label(2));
    let list = join(lang, &f.labels[..f.labels.len().min(5)]);
    let years = f.experience.to_string();
    let sector = lang.sector(f.sector);
    let sector_l = lower_first(sector);
    let role_l = lower_first(f.role);
    let fem = f.person.female;
    let g = |m: &'static str, fe: &'static str| if fem { fe } else { m };
    let country = lang.choose(f.country.name_it, f.country.name_en);
    let level_en = match f.experience {
        0..=2 => "Junior",
        3..=7 => "Mid-level",
        8..=14 => "Senior",
        _ => "Lead",
    };
    let vars: [(&str, &str); 21] = [
        ("role", f.role),
        ("role_l", &role_l),
        ("a", a),
        ("b", b),
        ("c", c),
        ("list", &list),
        ("field", f.field),
        ("years", &years),
        ("sector", sector),
        ("sector_l", &sector_l),
        ("country", country),
        ("comune", f.residence.unwrap_or("Torino")),
        ("level", level_en),
        ("laureato", g("laureato", "laureata")),
        ("Laureato", g("Laureato", "Laureata")),
        ("appassionato", g("appassionato", "appassionata")),
        ("specializzato", g("specializzato", "specializzata")),
        ("Studente", g("Studente", "Studentessa")),
        ("originario", g("originario", "originaria")),
        ("disposto", g("disposto", "disposta")),
        ("italian", f.italian.map_or("", Cefr::as_str)),
    ];
    let pick = |rng: &mut Rng, it: &[&'static str], en: &[&'static str]| -> String {
        fill(rng.pick(if lang == Lang::It { it } else { en }), &vars)
    };
    let headline = clip(pick(rng, t::HEADLINE_IT, t::HEADLINE_EN));
    let mut bio =
        if f.experience >= 2 { pick(rng, t::OPENER_IT, t::OPENER_EN) } else { pick(rng, t::JUNIOR_IT, t::JUNIOR_EN) };
    let mut add = |sentence: String| {
        bio.push(' ');
        bio.push_str(&sentence);
    };
    add(pick(rng, t::SKILLS_IT, t::SKILLS_EN));
    add(match f.seeking {
        // The last job sentence speaks of experience the juniors do not have yet.
        OfferKind::Job if f.experience < 2 => pick(rng, &t::SEEK_JOB_IT[..3], &t::SEEK_JOB_EN[..3]),
        OfferKind::Job => pick(rng, t::SEEK_JOB_IT, t::SEEK_JOB_EN),
        OfferKind::Internship => pick(rng, t::SEEK_INTERNSHIP_IT, t::SEEK_INTERNSHIP_EN),
        OfferKind::PhdPosition => pick(rng, t::SEEK_PHD_IT, t::SEEK_PHD_EN),
        OfferKind::Fellowship => pick(rng, t::SEEK_FELLOWSHIP_IT, t::SEEK_FELLOWSHIP_EN),
    });
    let international = f.country.code != "IT";
    match (f.residence.is_some(), international) {
        (true, true) => add(fill(lang.choose(t::ORIGIN_IT, t::ORIGIN_EN), &vars)),
        (true, false) if rng.chance(0.4) => add(fill(lang.choose(t::BASED_IT, t::BASED_EN), &vars)),
        (false, true) => add(fill(lang.choose(t::ABROAD_IT, t::ABROAD_EN), &vars)),
        (false, false) => add(lang.choose(t::ABROAD_ITALIAN_IT, t::ABROAD_ITALIAN_EN).to_owned()),
        _ => {}
    }
    if international && lang == Lang::En && f.italian.is_some() {
        add(fill(t::SPEAKS_ITALIAN_EN, &vars));
    }
    if f.needs_work_permit {
        add(lang.choose(t::PERMIT_IT, t::PERMIT_EN).to_owned());
    }
    if f.willing_to_relocate && f.residence.is_some() && rng.chance(0.5) {
        add(lang.choose(t::RELOCATE_IT, t::RELOCATE_EN).to_owned());
    }
    if f.open_to_remote && rng.chance(0.5) {
        add(lang.choose(t::REMOTE_IT, t::REMOTE_EN).to_owned());
    }
    (headline, bio)
}

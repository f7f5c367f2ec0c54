//! The scores. Hard constraints exclude a pair with reasons; soft factors rank it. Both are
//! pure functions of the two profiles and the text relevance, so equal data gives equal
//! scores, and the property tests can reason about them.

use crate::eligibility::{self, Verdict};
use crate::explain::{Explained, Factor, pct};
use crocevia_domain::{Offer, Programme, ProgrammePhase, RemotePolicy, SkillId, Startup, StartupStage, Talent};
use crocevia_search::taxonomy::Taxonomy;

/// BM25 scores grow without bound; this maps them to 0..1 without looking at other
/// candidates, so a pair's score does not depend on who else is in the list.
pub fn text_value(bm25: f32) -> f64 {
    let s = f64::from(bm25.max(0.0));
    s / (s + 8.0)
}

/// Why a pair is not a match at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// Which constraint: `language`, `work_permit`, `availability` or `seeking`.
    pub rule: String,
    pub it: String,
    pub en: String,
}

impl Excluded {
    fn new(rule: &str, it: String, en: String) -> Self {
        Self { rule: rule.to_owned(), it, en }
    }
}

fn related(taxonomy: &Taxonomy, a: &SkillId, b: &SkillId) -> bool {
    taxonomy.concept(a).is_some_and(|c| c.related.contains(b))
        || taxonomy.concept(b).is_some_and(|c| c.related.contains(a))
}

/// 1 for the skill itself, 0.5 for a related concept, else 0.
fn skill_match(taxonomy: &Taxonomy, talent: &Talent, skill: &SkillId) -> f64 {
    if talent.skills.iter().any(|s| &s.skill == skill) {
        1.0
    } else if talent.skills.iter().any(|s| related(taxonomy, &s.skill, skill)) {
        0.5
    } else {
        0.0
    }
}

pub const W_SKILLS: f64 = 0.40;
pub const W_TEXT: f64 = 0.15;
pub const W_PLACE: f64 = 0.15;
pub const W_LANGUAGES: f64 = 0.10;
pub const W_EXPERIENCE: f64 = 0.10;
pub const W_AVAILABILITY: f64 = 0.05;
pub const W_SECTOR: f64 = 0.05;

/// Hard constraints of an offer on a talent: the first one broken, if any.
pub fn hard_constraints(talent: &Talent, offer: &Offer) -> Result<(), Excluded> {
    match exclusions(talent, offer).into_iter().next() {
        Some(first) => Err(first),
        None => Ok(()),
    }
}

/// Every hard constraint of an offer that a talent breaks, so a talent asking about one
/// offer learns all that stands in the way, not only the first thing.
pub fn exclusions(talent: &Talent, offer: &Offer) -> Vec<Excluded> {
    let mut out = Vec::new();
    for req in &offer.languages {
        if !talent.languages.iter().any(|l| l.satisfies(req)) {
            out.push(Excluded::new(
                "language",
                format!("serve {} almeno {}", req.language, req.level.as_str()),
                format!("{} at least {} is required", req.language, req.level.as_str()),
            ));
        }
    }
    if talent.needs_work_permit && !offer.sponsors_work_permit {
        out.push(Excluded::new(
            "work_permit",
            "serve un permesso di lavoro che l'offerta non sponsorizza".into(),
            "needs a work permit the offer does not sponsor".into(),
        ));
    }
    if let (Some(available), Some(starts)) = (talent.available_from, offer.starts_on)
        && (available - starts).num_days() > 90
    {
        out.push(Excluded::new(
            "availability",
            format!("disponibile dal {available}, oltre 3 mesi dopo l'inizio ({starts})"),
            format!("available from {available}, over 3 months after the start ({starts})"),
        ));
    }
    if !talent.seeking.is_empty() && !talent.seeking.contains(&offer.kind) {
        out.push(Excluded::new(
            "seeking",
            "non cerca questo tipo di offerta".into(),
            "is not looking for this kind of offer".into(),
        ));
    }
    out
}

/// Distance between the talent and the offer's comune, with remote work and relocation.
fn place(talent: &Talent, offer: &Offer) -> (f64, String, String) {
    match (offer.remote, &talent.residence) {
        (RemotePolicy::Remote, _) => (1.0, "lavoro da remoto".to_owned(), "remote work".to_owned()),
        (_, Some(home)) => {
            let km = home.distance_km(&offer.comune);
            let mut v = (1.0 - km / 50.0).clamp(0.0, 1.0);
            if offer.remote == RemotePolicy::Hybrid {
                v = (v + 0.2).min(1.0);
            }
            (v, format!("{km:.0} km da {}", offer.comune), format!("{km:.0} km from {}", offer.comune))
        }
        (_, None) if talent.willing_to_relocate => {
            (0.6, "disposto/a a trasferirsi a Torino".into(), "willing to relocate to Torino".into())
        }
        (_, None) => (
            0.1,
            "vive fuori dall'area e non prevede di trasferirsi".into(),
            "lives outside the area and does not plan to relocate".into(),
        ),
    }
}

fn sector_value(a: &[crocevia_domain::Sector], b: &[crocevia_domain::Sector]) -> f64 {
    if a.is_empty() || b.is_empty() {
        0.5
    } else if a.iter().any(|s| b.contains(s)) {
        1.0
    } else {
        0.0
    }
}

/// How well `offer` suits `talent`, from the talent's side: does it use their skills, is it
/// near, in a sector they like, about what their profile says.
pub fn offer_appeal(talent: &Talent, offer: &Offer, bm25: f32) -> Explained {
    let used = if talent.skills.is_empty() {
        0.0
    } else {
        talent.skills.iter().filter(|s| offer.skills().any(|o| o == &s.skill)).count() as f64
            / talent.skills.len().min(6) as f64
    };
    let (p, it, en) = place(talent, offer);
    let sector = sector_value(&talent.sectors, &offer.sectors);
    let t = text_value(bm25);
    Explained::from_factors(vec![
        Factor::new(
            "skills_used",
            0.35,
            used,
            format!("usa il {} delle tue competenze principali", pct(used.min(1.0))),
            format!("uses {} of your main skills", pct(used.min(1.0))),
        ),
        Factor::new("place", 0.25, p, it, en),
        Factor::new(
            "sector",
            0.20,
            sector,
            format!("settore preferito: {}", pct(sector)),
            format!("preferred sector: {}", pct(sector)),
        ),
        Factor::new(
            "text",
            0.20,
            t,
            format!("affinità con il tuo profilo: {}", pct(t)),
            format!("relevance to your profile: {}", pct(t)),
        ),
    ])
}

/// How well `talent` fits `offer`; `bm25` is the text relevance of the offer against the profile.
pub fn talent_offer(taxonomy: &Taxonomy, talent: &Talent, offer: &Offer, bm25: f32) -> Result<Explained, Excluded> {
    hard_constraints(talent, offer)?;
    let mut factors = Vec::with_capacity(7);

    let (mut got, mut total) = (0.0, 0.0);
    let mut missing = Vec::new();
    for (skill, weight) in
        offer.required_skills.iter().map(|s| (s, 2.0)).chain(offer.nice_to_have_skills.iter().map(|s| (s, 1.0)))
    {
        let m = skill_match(taxonomy, talent, skill);
        got += weight * m;
        total += weight;
        if m == 0.0 && weight > 1.0 {
            missing.push(skill.as_str().to_owned());
        }
    }
    let coverage = if total > 0.0 { got / total } else { 1.0 };
    let (it, en) = if missing.is_empty() {
        (
            format!("copre le competenze richieste ({})", pct(coverage)),
            format!("covers the required skills ({})", pct(coverage)),
        )
    } else {
        (
            format!("competenze coperte al {}; mancano: {}", pct(coverage), missing.join(", ")),
            format!("skills {} covered; missing: {}", pct(coverage), missing.join(", ")),
        )
    };
    factors.push(Factor::new("skills", W_SKILLS, coverage, it, en));

    let t = text_value(bm25);
    factors.push(Factor::new(
        "text",
        W_TEXT,
        t,
        format!("affinità del testo del profilo con l'offerta: {}", pct(t)),
        format!("profile text relevance to the offer: {}", pct(t)),
    ));

    let (place, it, en) = place(talent, offer);
    factors.push(Factor::new("place", W_PLACE, place, it, en));

    let levels = if offer.languages.is_empty() {
        1.0
    } else {
        let surplus: f64 = offer
            .languages
            .iter()
            .map(|req| {
                talent
                    .languages
                    .iter()
                    .filter(|l| l.language == req.language)
                    .map(|l| (l.level as i32 - req.level as i32) as f64)
                    .fold(0.0, f64::max)
            })
            .sum::<f64>()
            / offer.languages.len() as f64;
        (0.75 + 0.125 * surplus).min(1.0)
    };
    factors.push(Factor::new(
        "languages",
        W_LANGUAGES,
        levels,
        format!("lingue richieste soddisfatte ({})", pct(levels)),
        format!("required languages met ({})", pct(levels)),
    ));

    let exp = if offer.min_experience_years == 0 {
        1.0
    } else {
        (f64::from(talent.experience_years) / f64::from(offer.min_experience_years)).min(1.0)
    };
    factors.push(Factor::new(
        "experience",
        W_EXPERIENCE,
        exp,
        format!("{} anni di esperienza, richiesti {}", talent.experience_years, offer.min_experience_years),
        format!("{} years of experience, {} asked", talent.experience_years, offer.min_experience_years),
    ));

    let avail = match (talent.available_from, offer.starts_on) {
        (Some(a), Some(s)) if a > s => (1.0 - (a - s).num_days() as f64 / 90.0).max(0.0),
        _ => 1.0,
    };
    factors.push(Factor::new(
        "availability",
        W_AVAILABILITY,
        avail,
        format!("disponibilità: {}", pct(avail)),
        format!("availability: {}", pct(avail)),
    ));

    let sector = sector_value(&talent.sectors, &offer.sectors);
    factors.push(Factor::new(
        "sector",
        W_SECTOR,
        sector,
        format!("settore preferito: {}", pct(sector)),
        format!("preferred sector: {}", pct(sector)),
    ));
    Ok(Explained::from_factors(factors))
}

fn phase_fit(stage: StartupStage, phases: &[ProgrammePhase]) -> f64 {
    use ProgrammePhase::*;
    use StartupStage::*;
    let ideal: &[ProgrammePhase] = match stage {
        Idea => &[PreIncubation],
        PreSeed => &[PreIncubation, Incubation],
        Seed => &[Incubation, Acceleration],
        SeriesA => &[Acceleration, ScaleUp],
        Growth => &[ScaleUp],
    };
    if phases.iter().any(|p| ideal.contains(p)) { 1.0 } else { 0.3 }
}

/// The verdict and the fit of `startup` for `programme`.
pub fn startup_programme(startup: &Startup, programme: &Programme, bm25: f32) -> (Verdict, Explained) {
    let verdict = eligibility::evaluate(programme, startup);
    let sector = if programme.sectors.is_empty() || startup.sectors.iter().any(|s| programme.sectors.contains(s)) {
        1.0
    } else {
        0.0
    };
    let phase = phase_fit(startup.stage, &programme.phases);
    let (place, it, en) = match &startup.seat {
        Some(seat) => {
            let km = seat.distance_km(&programme.comune);
            (
                (1.0 - km / 50.0).clamp(0.0, 1.0),
                format!("sede a {km:.0} km dal programma"),
                format!("seat {km:.0} km from the programme"),
            )
        }
        None if startup.willing_to_relocate => (0.5, "disposta a trasferirsi".into(), "willing to relocate".into()),
        None => (0.0, "sede fuori dall'area".into(), "seat outside the area".into()),
    };
    let t = text_value(bm25);
    let factors = vec![
        Factor::new(
            "sector",
            0.35,
            sector,
            format!("settore del programma: {}", pct(sector)),
            format!("programme sector: {}", pct(sector)),
        ),
        Factor::new(
            "phase",
            0.25,
            phase,
            format!("fase adatta allo stadio: {}", pct(phase)),
            format!("phase suits the stage: {}", pct(phase)),
        ),
        Factor::new("place", 0.15, place, it, en),
        Factor::new("text", 0.25, t, format!("affinità del testo: {}", pct(t)), format!("text relevance: {}", pct(t))),
    ];
    (verdict, Explained::from_factors(factors))
}

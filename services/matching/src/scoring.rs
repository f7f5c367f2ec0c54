//! The scores. Hard constraints exclude a pair with reasons; soft factors rank it. Both are
//! pure functions of the two profiles and the text relevance, so equal data gives equal
//! scores, and the property tests can reason about them.

use crate::eligibility::{self, Verdict};
use crate::explain::{Explain, Explained, Factors, ScoreOnly, pct};
use crocevia_domain::say::{self, Lang::En, Lang::It};
use crocevia_domain::{Offer, Place, Programme, ProgrammePhase, RemotePolicy, SkillId, Startup, StartupStage, Talent};
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
    /// Which constraint: `language`, `work_permit`, `availability`, `seeking` or `location`.
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

/// The skills by their labels, `[italian, english]`, each list joined: explanations never
/// show ids. A concept gone from the taxonomy since the offer named it shows its id in words.
fn skill_labels(taxonomy: &Taxonomy, ids: &[&SkillId]) -> [String; 2] {
    let names = |pick: fn(&crocevia_domain::SkillConcept) -> &str| {
        ids.iter()
            .map(|id| taxonomy.concept(id).map_or_else(|| id.as_str().replace('-', " "), |c| pick(c).to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    [names(|c| c.label_it.as_str()), names(|c| c.label_en.as_str())]
}

pub const W_SKILLS: f64 = 0.40;
pub const W_TEXT: f64 = 0.15;
pub const W_PLACE: f64 = 0.15;
pub const W_LANGUAGES: f64 = 0.10;
pub const W_EXPERIENCE: f64 = 0.10;
pub const W_AVAILABILITY: f64 = 0.05;
pub const W_SECTOR: f64 = 0.05;

/// A hard constraint a talent breaks for an offer.
enum Broken<'a> {
    Language(&'a crocevia_domain::LanguageSkill),
    WorkPermit,
    Availability(chrono::NaiveDate, chrono::NaiveDate),
    Seeking,
    /// Lives outside the metro area, will not move and does not work remotely, while the
    /// offer asks for presence (on site or hybrid).
    Location(&'a Place),
}

/// The hard constraints of `offer` that `talent` breaks, in order, without writing reasons.
fn broken<'a>(talent: &'a Talent, offer: &'a Offer) -> impl Iterator<Item = Broken<'a>> + 'a {
    let languages =
        offer.languages.iter().filter(|req| !talent.languages.iter().any(|l| l.satisfies(req))).map(Broken::Language);
    let permit = (talent.needs_work_permit && !offer.sponsors_work_permit).then_some(Broken::WorkPermit);
    let availability = match (talent.available_from, offer.starts_on) {
        (Some(available), Some(starts)) if (available - starts).num_days() > 90 => {
            Some(Broken::Availability(available, starts))
        }
        _ => None,
    };
    let seeking = (!talent.seeking.is_empty() && !talent.seeking.contains(&offer.kind)).then_some(Broken::Seeking);
    languages.chain(permit).chain(availability).chain(seeking).chain(location(talent, offer).map(Broken::Location))
}

/// The talent's place when it keeps them from an offer that needs presence: they live outside
/// the metro area (known, not merely unstated), will not relocate and are not open to remote
/// work. A remote offer needs no presence, so it never excludes.
fn location<'a>(talent: &'a Talent, offer: &Offer) -> Option<&'a Place> {
    let needs_presence = offer.remote != RemotePolicy::Remote;
    let home = talent.residence.as_ref().filter(|p| !p.in_metro())?;
    (needs_presence && !talent.willing_to_relocate && !talent.open_to_remote).then_some(home)
}

impl Broken<'_> {
    fn excluded(self, offer: &Offer) -> Excluded {
        match self {
            Broken::Language(req) => Excluded::new(
                "language",
                format!("richiesto: {} almeno {}", say::language(It, req.language.as_str()), req.level.as_str()),
                format!("required: {} at least {}", say::language(En, req.language.as_str()), req.level.as_str()),
            ),
            Broken::WorkPermit => Excluded::new(
                "work_permit",
                "serve un permesso di lavoro che l'offerta non sponsorizza".into(),
                "needs a work permit the offer does not sponsor".into(),
            ),
            Broken::Availability(available, starts) => Excluded::new(
                "availability",
                format!(
                    "disponibile dal {}, oltre 3 mesi dopo l'inizio ({})",
                    say::date(It, available),
                    say::date(It, starts)
                ),
                format!(
                    "available from {}, over 3 months after the start ({})",
                    say::date(En, available),
                    say::date(En, starts)
                ),
            ),
            Broken::Seeking => Excluded::new(
                "seeking",
                "non cerca questo tipo di offerta".into(),
                "is not looking for this kind of offer".into(),
            ),
            Broken::Location(home) => {
                let [home_it, home_en] = home.labels();
                let comune = offer.comune.name();
                let (presence_it, presence_en) = match offer.remote {
                    RemotePolicy::Hybrid => (
                        format!("l'offerta è ibrida, con sede a {comune}"),
                        format!("the offer is hybrid, based in {comune}"),
                    ),
                    _ => (format!("l'offerta è in presenza a {comune}"), format!("the offer is on site in {comune}")),
                };
                Excluded::new(
                    "location",
                    format!("vive a {home_it} e non si trasferisce; {presence_it}"),
                    format!("lives in {home_en} and will not relocate; {presence_en}"),
                )
            }
        }
    }
}

/// Hard constraints of an offer on a talent: the first one broken, if any.
pub fn hard_constraints(talent: &Talent, offer: &Offer) -> Result<(), Excluded> {
    match broken(talent, offer).next() {
        Some(first) => Err(first.excluded(offer)),
        None => Ok(()),
    }
}

/// Whether no hard constraint keeps `talent` from `offer`: the offers a skills gap looks at.
pub fn passes_hard_constraints(talent: &Talent, offer: &Offer) -> bool {
    broken(talent, offer).next().is_none()
}

/// The required skills of `offer` that `talent` has neither itself nor through a related
/// concept: what the skills factor names as missing, and what a skills gap counts.
pub fn missing_required<'a>(taxonomy: &Taxonomy, talent: &Talent, offer: &'a Offer) -> Vec<&'a SkillId> {
    offer.required_skills.iter().filter(|s| skill_match(taxonomy, talent, s) == 0.0).collect()
}

/// Every hard constraint of an offer that a talent breaks, so a talent asking about one
/// offer learns all that stands in the way, not only the first thing.
pub fn exclusions(talent: &Talent, offer: &Offer) -> Vec<Excluded> {
    broken(talent, offer).map(|b| b.excluded(offer)).collect()
}

/// Where a talent is, seen from an offer; a place outside the area is named when known.
enum Whereabouts<'a> {
    Remote,
    Km(f64),
    Relocating(Option<&'a Place>),
    Away(Option<&'a Place>),
}

/// Distance between the talent and the offer's comune, with remote work and relocation.
fn place<'a>(talent: &'a Talent, offer: &Offer) -> (f64, Whereabouts<'a>) {
    let home = talent.residence.as_ref();
    match (offer.remote, home.and_then(Place::comune)) {
        (RemotePolicy::Remote, _) => (1.0, Whereabouts::Remote),
        (_, Some(home)) => {
            let km = home.distance_km(&offer.comune);
            let mut v = (1.0 - km / 50.0).clamp(0.0, 1.0);
            if offer.remote == RemotePolicy::Hybrid {
                v = (v + 0.2).min(1.0);
            }
            (v, Whereabouts::Km(km))
        }
        (_, None) if talent.willing_to_relocate => (0.6, Whereabouts::Relocating(home)),
        (_, None) => (0.1, Whereabouts::Away(home)),
    }
}

fn place_reasons(whereabouts: Whereabouts, offer: &Offer) -> (String, String) {
    match whereabouts {
        Whereabouts::Remote => ("lavoro da remoto".to_owned(), "remote work".to_owned()),
        Whereabouts::Km(km) => {
            let comune = offer.comune.name();
            (format!("{km:.0} km da {comune}"), format!("{km:.0} km from {comune}"))
        }
        Whereabouts::Relocating(None) => {
            ("disposto/a a trasferirsi a Torino".into(), "willing to relocate to Torino".into())
        }
        Whereabouts::Relocating(Some(home)) => {
            let [it, en] = home.labels();
            (
                format!("vive a {it}, disposto/a a trasferirsi a Torino"),
                format!("lives in {en}, willing to relocate to Torino"),
            )
        }
        Whereabouts::Away(None) => (
            "vive fuori dall'area e non prevede di trasferirsi".into(),
            "lives outside the area and does not plan to relocate".into(),
        ),
        Whereabouts::Away(Some(home)) => {
            let [it, en] = home.labels();
            (
                format!("vive a {it} e non prevede di trasferirsi"),
                format!("lives in {en} and does not plan to relocate"),
            )
        }
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
    let mut explain = Explain::default();
    appeal_factors(talent, offer, bm25, &mut explain);
    explain.finish()
}

/// [`offer_appeal`]'s score alone.
pub fn offer_appeal_score(talent: &Talent, offer: &Offer, bm25: f32) -> f64 {
    let mut score = ScoreOnly::default();
    appeal_factors(talent, offer, bm25, &mut score);
    score.score()
}

fn appeal_factors(talent: &Talent, offer: &Offer, bm25: f32, out: &mut impl Factors) {
    let used = if talent.skills.is_empty() {
        0.0
    } else {
        talent.skills.iter().filter(|s| offer.skills().any(|o| o == &s.skill)).count() as f64
            / talent.skills.len().min(6) as f64
    };
    let (p, whereabouts) = place(talent, offer);
    let sector = sector_value(&talent.sectors, &offer.sectors);
    let t = text_value(bm25);
    // Worded for any reader: the talent reads it in her matches, an organisation beside its
    // candidate (the mutual score includes it).
    out.add("skills_used", 0.35, used, || {
        (
            format!("competenze principali del profilo usate: {}", pct(used.min(1.0))),
            format!("main skills of the profile used: {}", pct(used.min(1.0))),
        )
    });
    out.add("place", 0.25, p, || place_reasons(whereabouts, offer));
    out.add("sector", 0.20, sector, || {
        (format!("settore preferito: {}", pct(sector)), format!("preferred sector: {}", pct(sector)))
    });
    out.add("text", 0.20, t, || {
        (format!("affinità tra profilo e offerta: {}", pct(t)), format!("relevance of profile and offer: {}", pct(t)))
    });
}

/// How well `talent` fits `offer`; `bm25` is the text relevance of the offer against the profile.
pub fn talent_offer(taxonomy: &Taxonomy, talent: &Talent, offer: &Offer, bm25: f32) -> Result<Explained, Excluded> {
    hard_constraints(talent, offer)?;
    Ok(talent_offer_explained(taxonomy, talent, offer, bm25))
}

/// [`talent_offer`]'s explanation of a pair already known to pass the hard constraints.
pub fn talent_offer_explained(taxonomy: &Taxonomy, talent: &Talent, offer: &Offer, bm25: f32) -> Explained {
    let mut explain = Explain::default();
    fit_factors(taxonomy, talent, offer, bm25, &mut explain);
    explain.finish()
}

/// [`talent_offer`]'s score alone, `None` when a hard constraint excludes the pair.
pub fn talent_offer_score(taxonomy: &Taxonomy, talent: &Talent, offer: &Offer, bm25: f32) -> Option<f64> {
    if broken(talent, offer).next().is_some() {
        return None;
    }
    let mut score = ScoreOnly::default();
    fit_factors(taxonomy, talent, offer, bm25, &mut score);
    Some(score.score())
}

fn fit_factors(taxonomy: &Taxonomy, talent: &Talent, offer: &Offer, bm25: f32, out: &mut impl Factors) {
    let (mut got, mut total) = (0.0, 0.0);
    for (skill, weight) in
        offer.required_skills.iter().map(|s| (s, 2.0)).chain(offer.nice_to_have_skills.iter().map(|s| (s, 1.0)))
    {
        got += weight * skill_match(taxonomy, talent, skill);
        total += weight;
    }
    let coverage = if total > 0.0 { got / total } else { 1.0 };
    out.add("skills", W_SKILLS, coverage, || {
        let missing = missing_required(taxonomy, talent, offer);
        if missing.is_empty() {
            (
                format!("copre le competenze richieste ({})", pct(coverage)),
                format!("covers the required skills ({})", pct(coverage)),
            )
        } else {
            let [it, en] = skill_labels(taxonomy, &missing);
            (
                format!("competenze coperte al {}; mancano: {it}", pct(coverage)),
                format!("skills {} covered; missing: {en}", pct(coverage)),
            )
        }
    });

    let t = text_value(bm25);
    out.add("text", W_TEXT, t, || {
        (
            format!("affinità del testo del profilo con l'offerta: {}", pct(t)),
            format!("profile text relevance to the offer: {}", pct(t)),
        )
    });

    let (place, whereabouts) = place(talent, offer);
    out.add("place", W_PLACE, place, || place_reasons(whereabouts, offer));

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
    out.add("languages", W_LANGUAGES, levels, || {
        (format!("lingue richieste soddisfatte ({})", pct(levels)), format!("required languages met ({})", pct(levels)))
    });

    let exp = if offer.min_experience_years == 0 {
        1.0
    } else {
        (f64::from(talent.experience_years) / f64::from(offer.min_experience_years)).min(1.0)
    };
    out.add("experience", W_EXPERIENCE, exp, || {
        (
            format!("{} anni di esperienza, richiesti {}", talent.experience_years, offer.min_experience_years),
            format!("{} years of experience, {} asked", talent.experience_years, offer.min_experience_years),
        )
    });

    let avail = match (talent.available_from, offer.starts_on) {
        (Some(a), Some(s)) if a > s => (1.0 - (a - s).num_days() as f64 / 90.0).max(0.0),
        _ => 1.0,
    };
    out.add("availability", W_AVAILABILITY, avail, || {
        (format!("disponibilità: {}", pct(avail)), format!("availability: {}", pct(avail)))
    });

    let sector = sector_value(&talent.sectors, &offer.sectors);
    out.add("sector", W_SECTOR, sector, || {
        (format!("settore preferito: {}", pct(sector)), format!("preferred sector: {}", pct(sector)))
    });
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
    let (place, it, en) = match startup.seat_comune() {
        Some(seat) => {
            let km = seat.distance_km(&programme.comune);
            (
                (1.0 - km / 50.0).clamp(0.0, 1.0),
                format!("sede a {km:.0} km dal programma"),
                format!("seat {km:.0} km from the programme"),
            )
        }
        None => {
            let seat = startup.seat.as_ref().map(Place::labels);
            let (at_it, at_en) =
                seat.map_or((String::new(), String::new()), |[it, en]| (format!(" a {it}"), format!(" in {en}")));
            if startup.willing_to_relocate {
                (0.5, format!("sede{at_it}, disposta a trasferirsi"), format!("seat{at_en}, willing to relocate"))
            } else {
                (0.0, format!("sede{at_it}, fuori dall'area"), format!("seat{at_en}, outside the area"))
            }
        }
    };
    let t = text_value(bm25);
    // Programmes are few: every startup-programme pair is explained as it is scored.
    let mut explain = Explain::default();
    explain.add("sector", 0.35, sector, || {
        (format!("settore del programma: {}", pct(sector)), format!("programme sector: {}", pct(sector)))
    });
    explain.add("phase", 0.25, phase, || {
        (format!("fase adatta allo stadio: {}", pct(phase)), format!("phase suits the stage: {}", pct(phase)))
    });
    explain.add("place", 0.15, place, || (it, en));
    explain.add("text", 0.25, t, || (format!("affinità del testo: {}", pct(t)), format!("text relevance: {}", pct(t))));
    (verdict, explain.finish())
}

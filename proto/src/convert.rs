//! Conversions between protobuf payloads and domain entities.
//!
//! Enumerated values travel as the same snake_case keys the domain serialises with, so the
//! mapping goes through serde instead of a hand-written table per enum.

use crate::v1;
use crate::v1::envelope::Payload;
use chrono::{DateTime, NaiveDate, Utc};
use crocevia_domain as d;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

mod education;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a valid protobuf envelope: {0}")]
    Protobuf(#[from] prost::DecodeError),
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    /// The payload is sealed with a person's key: open it first (see [`crate::sealing`]).
    #[error("the payload is sealed with the key of data subject {subject}")]
    Sealed { subject: String },
}

impl DecodeError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field { field: field.into(), message: message.into() }
    }
}

type Result<T> = std::result::Result<T, DecodeError>;

fn key<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn keys<T: Serialize>(values: &[T]) -> Vec<String> {
    values.iter().map(key).collect()
}

fn parse<T: DeserializeOwned>(field: &str, s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| DecodeError::field(field, format!("{s:?} is not accepted: {e}")))
}

fn parse_all<T: DeserializeOwned>(field: &str, values: &[String]) -> Result<Vec<T>> {
    values.iter().enumerate().map(|(i, s)| parse(&format!("{field}[{i}]"), s)).collect()
}

pub(crate) fn uuid(field: &str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| DecodeError::field(field, format!("{s:?} is not a UUID")))
}

fn id<T: std::str::FromStr>(field: &str, s: &str) -> Result<T> {
    s.parse().map_err(|_| DecodeError::field(field, format!("{s:?} is not a UUID")))
}

fn opt_id<T: std::str::FromStr>(field: &str, s: &Option<String>) -> Result<Option<T>> {
    s.as_deref().map(|s| id(field, s)).transpose()
}

fn date_str(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn date(field: &str, s: &str) -> Result<Option<NaiveDate>> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| DecodeError::field(field, format!("{s:?} is not a date YYYY-MM-DD")))
}

fn required_date(field: &str, s: &str) -> Result<NaiveDate> {
    date(field, s)?.ok_or_else(|| DecodeError::field(field, "is missing"))
}

pub(crate) fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

pub(crate) fn from_timestamp(field: &str, t: &prost_types::Timestamp) -> Result<DateTime<Utc>> {
    u32::try_from(t.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(t.seconds, nanos))
        .ok_or_else(|| DecodeError::field(field, "is not a valid timestamp"))
}

fn required_timestamp(field: &str, t: &Option<prost_types::Timestamp>) -> Result<DateTime<Utc>> {
    from_timestamp(field, t.as_ref().ok_or_else(|| DecodeError::field(field, "is missing"))?)
}

fn small<T: TryFrom<u32>>(field: &str, n: u32) -> Result<T> {
    T::try_from(n).map_err(|_| DecodeError::field(field, format!("{n} is out of range")))
}

fn comune(field: &str, s: &str) -> Result<d::ComuneId> {
    d::ComuneId::new(s).map_err(|e| DecodeError::field(field, e.message))
}

/// The comune field of a place: set only for a place in the metro area.
fn place_comune(place: &Option<d::Place>) -> Option<String> {
    place.as_ref().and_then(d::Place::comune).map(ToString::to_string)
}

fn place_elsewhere(place: &Option<d::Place>) -> Option<v1::PlaceElsewhere> {
    match place {
        Some(d::Place::Elsewhere { city, country }) => {
            Some(v1::PlaceElsewhere { city: city.clone(), country: country.to_string() })
        }
        _ => None,
    }
}

/// A place from its two fields; an event from before places elsewhere has only the comune.
fn place_from(
    field: &str,
    comune_id: &Option<String>,
    elsewhere: Option<v1::PlaceElsewhere>,
) -> Result<Option<d::Place>> {
    match (comune_id, elsewhere) {
        (Some(_), Some(_)) => Err(DecodeError::field(field, "both a comune and a place elsewhere")),
        (Some(id), None) => Ok(Some(d::Place::Metro(comune(field, id)?))),
        (None, Some(p)) => {
            let country = d::CountryCode::new(&p.country)
                .map_err(|e| DecodeError::field(format!("{field}_elsewhere.country"), e.message))?;
            Ok(Some(d::Place::Elsewhere { city: p.city, country }))
        }
        (None, None) => Ok(None),
    }
}

fn skills(field: &str, ids: &[String]) -> Result<Vec<d::SkillId>> {
    ids.iter()
        .enumerate()
        .map(|(i, s)| d::SkillId::new(s.clone()).map_err(|e| DecodeError::field(format!("{field}[{i}]"), e.message)))
        .collect()
}

fn language(field: &str, s: &str) -> Result<d::LanguageCode> {
    d::LanguageCode::new(s).map_err(|e| DecodeError::field(field, e.message))
}

fn languages_to(langs: &[d::LanguageSkill]) -> Vec<v1::LanguageSkill> {
    langs.iter().map(|l| v1::LanguageSkill { language: l.language.to_string(), level: key(&l.level) }).collect()
}

fn languages_from(field: &str, langs: &[v1::LanguageSkill]) -> Result<Vec<d::LanguageSkill>> {
    langs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(d::LanguageSkill {
                language: language(&format!("{field}[{i}].language"), &l.language)?,
                level: parse(&format!("{field}[{i}].level"), &l.level)?,
            })
        })
        .collect()
}

pub(crate) fn kind_to_proto(kind: d::EntityKind) -> v1::EntityKind {
    match kind {
        d::EntityKind::User => v1::EntityKind::User,
        d::EntityKind::Consent => v1::EntityKind::Consent,
        d::EntityKind::Organisation => v1::EntityKind::Organisation,
        d::EntityKind::Talent => v1::EntityKind::Talent,
        d::EntityKind::Startup => v1::EntityKind::Startup,
        d::EntityKind::Programme => v1::EntityKind::Programme,
        d::EntityKind::Offer => v1::EntityKind::Offer,
        d::EntityKind::Application => v1::EntityKind::Application,
    }
}

pub(crate) fn kind_from_proto(kind: v1::EntityKind) -> Option<d::EntityKind> {
    Some(match kind {
        v1::EntityKind::Unspecified => return None,
        v1::EntityKind::User => d::EntityKind::User,
        v1::EntityKind::Consent => d::EntityKind::Consent,
        v1::EntityKind::Organisation => d::EntityKind::Organisation,
        v1::EntityKind::Talent => d::EntityKind::Talent,
        v1::EntityKind::Startup => d::EntityKind::Startup,
        v1::EntityKind::Programme => d::EntityKind::Programme,
        v1::EntityKind::Offer => d::EntityKind::Offer,
        v1::EntityKind::Application => d::EntityKind::Application,
    })
}

pub(crate) fn payload_of(entity: &d::Entity) -> Payload {
    match entity {
        d::Entity::User(u) => Payload::User(v1::User {
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: key(&u.role),
            organisation_id: u.organisation_id.map(|o| o.to_string()),
            locale: key(&u.locale),
        }),
        d::Entity::Consent(c) => Payload::Consent(v1::Consent {
            user_id: c.user_id.to_string(),
            purpose: key(&c.purpose),
            granted: c.granted,
            at: Some(timestamp(c.at)),
        }),
        d::Entity::Organisation(o) => Payload::Organisation(v1::Organisation {
            name: o.name.clone(),
            kind: key(&o.kind),
            description: o.description.clone(),
            comune: o.comune.to_string(),
            website: o.website.clone(),
            sectors: keys(&o.sectors),
            demo: o.demo,
        }),
        d::Entity::Talent(t) => Payload::Talent(talent_to(t)),
        d::Entity::Startup(s) => Payload::Startup(startup_to(s)),
        d::Entity::Programme(p) => Payload::Programme(programme_to(p)),
        d::Entity::Offer(o) => Payload::Offer(offer_to(o)),
        d::Entity::Application(a) => Payload::Application(application_to(a)),
    }
}

pub(crate) fn entity_of(entity_id: Uuid, payload: Payload) -> Result<d::Entity> {
    Ok(match payload {
        Payload::User(u) => d::Entity::User(d::User {
            id: d::UserId::from_uuid(entity_id),
            email: u.email,
            display_name: u.display_name,
            role: parse("user.role", &u.role)?,
            organisation_id: opt_id("user.organisation_id", &u.organisation_id)?,
            locale: parse("user.locale", &u.locale)?,
        }),
        Payload::Consent(c) => d::Entity::Consent(d::Consent {
            id: d::ConsentId::from_uuid(entity_id),
            user_id: id("consent.user_id", &c.user_id)?,
            purpose: parse("consent.purpose", &c.purpose)?,
            granted: c.granted,
            at: required_timestamp("consent.at", &c.at)?,
        }),
        Payload::Organisation(o) => d::Entity::Organisation(d::Organisation {
            id: d::OrganisationId::from_uuid(entity_id),
            name: o.name,
            kind: parse("organisation.kind", &o.kind)?,
            description: o.description,
            comune: comune("organisation.comune", &o.comune)?,
            website: o.website,
            sectors: parse_all("organisation.sectors", &o.sectors)?,
            demo: o.demo,
        }),
        Payload::Talent(t) => d::Entity::Talent(talent_from(entity_id, t)?),
        Payload::Startup(s) => d::Entity::Startup(startup_from(entity_id, s)?),
        Payload::Programme(p) => d::Entity::Programme(programme_from(entity_id, p)?),
        Payload::Offer(o) => d::Entity::Offer(offer_from(entity_id, o)?),
        Payload::Application(a) => d::Entity::Application(application_from(entity_id, a)?),
        Payload::Erased(_) => return Err(DecodeError::field("payload", "an erasure carries no entity")),
        Payload::Sealed(s) => return Err(DecodeError::Sealed { subject: s.subject_id }),
    })
}

fn talent_to(t: &d::Talent) -> v1::Talent {
    v1::Talent {
        user_id: t.user_id.map(|u| u.to_string()),
        display_name: t.display_name.clone(),
        headline: t.headline.clone(),
        bio: t.bio.clone(),
        contact_email: t.contact_email.clone(),
        country_of_origin: t.country_of_origin.clone(),
        residence: place_comune(&t.residence),
        residence_elsewhere: place_elsewhere(&t.residence),
        field_of_study: t.field_of_study.clone(),
        education: education::education_to(&t.education),
        check_ins: education::check_ins_to(&t.check_ins),
        skills: t
            .skills
            .iter()
            .map(|s| v1::TalentSkill { skill: s.skill.to_string(), years: u32::from(s.years) })
            .collect(),
        languages: languages_to(&t.languages),
        experience_years: u32::from(t.experience_years),
        available_from: date_str(t.available_from),
        willing_to_relocate: t.willing_to_relocate,
        open_to_remote: t.open_to_remote,
        needs_work_permit: t.needs_work_permit,
        sectors: keys(&t.sectors),
        seeking: keys(&t.seeking),
        demo: t.demo,
    }
}

fn talent_from(entity_id: Uuid, t: v1::Talent) -> Result<d::Talent> {
    let skills = t
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(d::TalentSkill {
                skill: d::SkillId::new(s.skill.clone())
                    .map_err(|e| DecodeError::field(format!("talent.skills[{i}].skill"), e.message))?,
                years: small(&format!("talent.skills[{i}].years"), s.years)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(d::Talent {
        id: d::TalentId::from_uuid(entity_id),
        user_id: opt_id("talent.user_id", &t.user_id)?,
        display_name: t.display_name,
        headline: t.headline,
        bio: t.bio,
        contact_email: t.contact_email,
        country_of_origin: t.country_of_origin,
        residence: place_from("talent.residence", &t.residence, t.residence_elsewhere)?,
        field_of_study: t.field_of_study,
        education: education::education_from(t.education)?,
        check_ins: education::check_ins_from(t.check_ins)?,
        skills,
        languages: languages_from("talent.languages", &t.languages)?,
        experience_years: small("talent.experience_years", t.experience_years)?,
        available_from: date("talent.available_from", &t.available_from)?,
        willing_to_relocate: t.willing_to_relocate,
        open_to_remote: t.open_to_remote,
        needs_work_permit: t.needs_work_permit,
        sectors: parse_all("talent.sectors", &t.sectors)?,
        seeking: parse_all("talent.seeking", &t.seeking)?,
        demo: t.demo,
    })
}

fn startup_to(s: &d::Startup) -> v1::Startup {
    v1::Startup {
        user_id: s.user_id.map(|u| u.to_string()),
        name: s.name.clone(),
        description: s.description.clone(),
        sectors: keys(&s.sectors),
        stage: key(&s.stage),
        legal_form: key(&s.legal_form),
        founded_on: date_str(s.founded_on),
        seat: place_comune(&s.seat),
        seat_elsewhere: place_elsewhere(&s.seat),
        willing_to_relocate: s.willing_to_relocate,
        team_size: u32::from(s.team_size),
        funding_raised_eur: s.funding_raised_eur,
        founders: Some(v1::FoundersProfile {
            female_led: s.founders.female_led,
            under_35: s.founders.under_35,
            university_spinoff: s.founders.university_spinoff,
        }),
        contact_email: s.contact_email.clone(),
        website: s.website.clone(),
        demo: s.demo,
    }
}

fn startup_from(entity_id: Uuid, s: v1::Startup) -> Result<d::Startup> {
    let founders = s.founders.unwrap_or_default();
    Ok(d::Startup {
        id: d::StartupId::from_uuid(entity_id),
        user_id: opt_id("startup.user_id", &s.user_id)?,
        name: s.name,
        description: s.description,
        sectors: parse_all("startup.sectors", &s.sectors)?,
        stage: parse("startup.stage", &s.stage)?,
        legal_form: parse("startup.legal_form", &s.legal_form)?,
        founded_on: date("startup.founded_on", &s.founded_on)?,
        seat: place_from("startup.seat", &s.seat, s.seat_elsewhere)?,
        willing_to_relocate: s.willing_to_relocate,
        team_size: small("startup.team_size", s.team_size)?,
        funding_raised_eur: s.funding_raised_eur,
        founders: d::FoundersProfile {
            female_led: founders.female_led,
            under_35: founders.under_35,
            university_spinoff: founders.university_spinoff,
        },
        contact_email: s.contact_email,
        website: s.website,
        demo: s.demo,
    })
}

fn programme_to(p: &d::Programme) -> v1::Programme {
    v1::Programme {
        organisation_id: p.organisation_id.to_string(),
        title: p.title.clone(),
        description: p.description.clone(),
        model: key(&p.model),
        phases: keys(&p.phases),
        sectors: keys(&p.sectors),
        eligibility_json: p.eligibility.iter().filter_map(|r| serde_json::to_string(r).ok()).collect(),
        comune: p.comune.to_string(),
        cohort_start: date_str(Some(p.cohort_start)),
        cohort_end: date_str(Some(p.cohort_end)),
        application_deadline: date_str(Some(p.application_deadline)),
        capacity: p.capacity,
        languages: p.languages.iter().map(ToString::to_string).collect(),
        status: key(&p.status),
        demo: p.demo,
    }
}

fn programme_from(entity_id: Uuid, p: v1::Programme) -> Result<d::Programme> {
    let eligibility = p
        .eligibility_json
        .iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::from_str(r)
                .map_err(|e| DecodeError::field(format!("programme.eligibility_json[{i}]"), e.to_string()))
        })
        .collect::<Result<_>>()?;
    let languages = p
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| language(&format!("programme.languages[{i}]"), l))
        .collect::<Result<_>>()?;
    Ok(d::Programme {
        id: d::ProgrammeId::from_uuid(entity_id),
        organisation_id: id("programme.organisation_id", &p.organisation_id)?,
        title: p.title,
        description: p.description,
        model: parse("programme.model", &p.model)?,
        phases: parse_all("programme.phases", &p.phases)?,
        sectors: parse_all("programme.sectors", &p.sectors)?,
        eligibility,
        comune: comune("programme.comune", &p.comune)?,
        cohort_start: required_date("programme.cohort_start", &p.cohort_start)?,
        cohort_end: required_date("programme.cohort_end", &p.cohort_end)?,
        application_deadline: required_date("programme.application_deadline", &p.application_deadline)?,
        capacity: p.capacity,
        languages,
        status: parse("programme.status", &p.status)?,
        demo: p.demo,
        // The review panel is the organisation's own business: it stays in the profiles
        // database and is not published (no consumer needs it).
        review: Default::default(),
        form: vec![],
    })
}

fn offer_to(o: &d::Offer) -> v1::Offer {
    v1::Offer {
        organisation_id: o.organisation_id.map(|id| id.to_string()).unwrap_or_default(),
        startup_id: o.startup_id.map(|id| id.to_string()).unwrap_or_default(),
        kind: key(&o.kind),
        title: o.title.clone(),
        description: o.description.clone(),
        text_language: o.text_language.to_string(),
        required_skills: o.required_skills.iter().map(ToString::to_string).collect(),
        nice_to_have_skills: o.nice_to_have_skills.iter().map(ToString::to_string).collect(),
        languages: languages_to(&o.languages),
        comune: o.comune.to_string(),
        remote: key(&o.remote),
        contract: key(&o.contract),
        min_experience_years: u32::from(o.min_experience_years),
        salary_min_eur: o.salary_min_eur,
        salary_max_eur: o.salary_max_eur,
        posted_on: date_str(Some(o.posted_on)),
        starts_on: date_str(o.starts_on),
        deadline: date_str(o.deadline),
        sponsors_work_permit: o.sponsors_work_permit,
        sectors: keys(&o.sectors),
        status: key(&o.status),
        demo: o.demo,
    }
}

fn offer_from(entity_id: Uuid, o: v1::Offer) -> Result<d::Offer> {
    let organisation_id = opt_id("offer.organisation_id", &Some(o.organisation_id).filter(|s| !s.is_empty()))?;
    let startup_id = opt_id("offer.startup_id", &Some(o.startup_id).filter(|s| !s.is_empty()))?;
    if organisation_id.is_some() == startup_id.is_some() {
        return Err(DecodeError::field(
            "offer.organisation_id",
            "exactly one of organisation_id and startup_id names the employer",
        ));
    }
    Ok(d::Offer {
        id: d::OfferId::from_uuid(entity_id),
        organisation_id,
        startup_id,
        kind: parse("offer.kind", &o.kind)?,
        title: o.title,
        description: o.description,
        text_language: language("offer.text_language", &o.text_language)?,
        required_skills: skills("offer.required_skills", &o.required_skills)?,
        nice_to_have_skills: skills("offer.nice_to_have_skills", &o.nice_to_have_skills)?,
        languages: languages_from("offer.languages", &o.languages)?,
        comune: comune("offer.comune", &o.comune)?,
        remote: parse("offer.remote", &o.remote)?,
        contract: parse("offer.contract", &o.contract)?,
        min_experience_years: small("offer.min_experience_years", o.min_experience_years)?,
        salary_min_eur: o.salary_min_eur,
        salary_max_eur: o.salary_max_eur,
        posted_on: required_date("offer.posted_on", &o.posted_on)?,
        starts_on: date("offer.starts_on", &o.starts_on)?,
        deadline: date("offer.deadline", &o.deadline)?,
        sponsors_work_permit: o.sponsors_work_permit,
        sectors: parse_all("offer.sectors", &o.sectors)?,
        status: parse("offer.status", &o.status)?,
        demo: o.demo,
    })
}

fn application_to(a: &d::Application) -> v1::Application {
    let (applicant_kind, applicant_id) = match a.applicant {
        d::Applicant::Talent(t) => ("talent", t.to_string()),
        d::Applicant::Startup(s) => ("startup", s.to_string()),
    };
    let (target_kind, target_id) = match a.target {
        d::ApplicationTarget::Offer(o) => ("offer", o.to_string()),
        d::ApplicationTarget::Programme(p) => ("programme", p.to_string()),
    };
    v1::Application {
        applicant_kind: applicant_kind.to_owned(),
        applicant_id,
        target_kind: target_kind.to_owned(),
        target_id,
        stage: key(&a.stage),
        history: a
            .history
            .iter()
            .map(|h| v1::StageChange { stage: key(&h.stage), at: Some(timestamp(h.at)) })
            .collect(),
        motivation: a.motivation.clone(),
        score: a.score.map(u32::from),
        rubric: a
            .rubric
            .iter()
            .map(|r| v1::RubricScore {
                criterion: r.criterion.clone(),
                points: u32::from(r.points),
                max_points: u32::from(r.max_points),
            })
            .collect(),
        conditions: a
            .conditions
            .iter()
            .map(|c| v1::EligibilityCondition { rule: c.rule.clone(), it: c.it.clone(), en: c.en.clone() })
            .collect(),
        hire: education::hire_to(&a.hire),
    }
}

fn application_from(entity_id: Uuid, a: v1::Application) -> Result<d::Application> {
    let applicant = match a.applicant_kind.as_str() {
        "talent" => d::Applicant::Talent(id("application.applicant_id", &a.applicant_id)?),
        "startup" => d::Applicant::Startup(id("application.applicant_id", &a.applicant_id)?),
        other => {
            return Err(DecodeError::field(
                "application.applicant_kind",
                format!("{other:?} is not talent or startup"),
            ));
        }
    };
    let target = match a.target_kind.as_str() {
        "offer" => d::ApplicationTarget::Offer(id("application.target_id", &a.target_id)?),
        "programme" => d::ApplicationTarget::Programme(id("application.target_id", &a.target_id)?),
        other => {
            return Err(DecodeError::field("application.target_kind", format!("{other:?} is not offer or programme")));
        }
    };
    let history = a
        .history
        .iter()
        .enumerate()
        .map(|(i, h)| {
            Ok(d::StageChange {
                stage: parse(&format!("application.history[{i}].stage"), &h.stage)?,
                at: required_timestamp(&format!("application.history[{i}].at"), &h.at)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(d::Application {
        id: d::ApplicationId::from_uuid(entity_id),
        applicant,
        target,
        stage: parse("application.stage", &a.stage)?,
        history,
        motivation: a.motivation,
        score: a.score.map(|s| small("application.score", s)).transpose()?,
        rubric: a
            .rubric
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(d::RubricScore {
                    criterion: r.criterion.clone(),
                    points: small(&format!("application.rubric[{i}].points"), r.points)?,
                    max_points: small(&format!("application.rubric[{i}].max_points"), r.max_points)?,
                })
            })
            .collect::<Result<_>>()?,
        conditions: a
            .conditions
            .into_iter()
            .map(|c| d::EligibilityCondition { rule: c.rule, it: c.it, en: c.en })
            .collect(),
        // The answers to a programme's form are between the startup and the organisation:
        // they stay in the profiles database and are not published (no consumer needs them).
        answers: vec![],
        hire: education::hire_from(a.hire)?,
    })
}

//! Retention (Talenti a Torino): a year after a graduation or a hire, a talent who consented
//! is asked whether they still live and work in the metropolitan area. The answer goes on
//! their profile, so it travels with its events to the open data (counted, never named).
//!
//! A check-in stays open for [`OPEN_FOR_MONTHS`] after it falls due: an answer given much
//! later would say where the talent is then, not at twelve months, and would bias the figure.

use super::queries::ends;
use super::{Actor, App, AppError};
use crate::service::WriteOutcome;
use chrono::{Months, NaiveDate, Utc};
use crocevia_api::{CheckInAnswer, CheckInKind, CheckInView, Date, wire};
use crocevia_domain::{
    Applicant, Application, CheckIn, CheckInAbout, ConsentPurpose, Entity, EntityKind, Role, Talent, User,
};
use uuid::Uuid;

/// How long after falling due a check-in may be answered.
pub const OPEN_FOR_MONTHS: u32 = 6;

const CORRELATION: &str = "check-in";

/// A check-in of `talent` that can be asked about, with what the view shows of it.
struct Candidate {
    about: CheckInAbout,
    offer_title: Option<String>,
    employer_name: Option<String>,
}

fn is_open(about: &CheckInAbout, today: NaiveDate) -> bool {
    let due = about.due_on();
    let closes = due.checked_add_months(Months::new(OPEN_FOR_MONTHS)).unwrap_or(NaiveDate::MAX);
    due <= today && today < closes
}

/// Whether `answer` is about `about`.
fn same(about: &CheckInAbout, other: &CheckInAbout) -> bool {
    match (about, other) {
        (
            CheckInAbout::Graduation { institution: a, graduated_on: d, .. },
            CheckInAbout::Graduation { institution: b, graduated_on: e, .. },
        ) => a == b && d == e,
        (CheckInAbout::Hire { application: a, .. }, CheckInAbout::Hire { application: b, .. }) => a == b,
        _ => false,
    }
}

fn view(candidate: &Candidate, answer: Option<&CheckIn>) -> CheckInView {
    let about = &candidate.about;
    let (kind, institution, application) = match about {
        CheckInAbout::Graduation { institution, .. } => (CheckInKind::Graduation, Some(*institution), None),
        CheckInAbout::Hire { application, .. } => (CheckInKind::Hire, None, Some(wire::id(application))),
    };
    CheckInView {
        kind,
        on: Date(about.on()),
        due_on: Date(about.due_on()),
        institution,
        application,
        offer_title: candidate.offer_title.clone(),
        employer_name: candidate.employer_name.clone(),
        answered_on: answer.map(|a| Date(a.answered_on)),
        lives_in_area: answer.map(|a| a.lives_in_area),
        works_in_area: answer.map(|a| a.works_in_area),
    }
}

impl App {
    /// The signed-in talent, their profile and its version; FORBIDDEN for any other role.
    async fn own_talent(&self, actor: &Actor) -> Result<(User, Talent, u64), AppError> {
        let user = actor.require()?;
        if user.role != Role::Talent {
            return Err(AppError::forbidden("check-ins are for talents, about their own graduation or hire"));
        }
        let Some((_, id)) = self.own_profile(actor).await? else {
            return Err(AppError::not_found("save your profile first"));
        };
        let stored = self.profiles.get(EntityKind::Talent, id).await?;
        match stored.entity {
            Entity::Talent(t) => Ok((user.clone(), t, stored.version)),
            _ => Err(AppError::Other(anyhow::anyhow!("talent {id} names another kind"))),
        }
    }

    /// Every graduation and hire of `talent` a check-in could be about.
    async fn candidates(&self, actor: &Actor, talent: &Talent) -> Result<Vec<Candidate>, AppError> {
        let mut out: Vec<Candidate> = talent
            .education
            .iter()
            .map(|e| Candidate { about: CheckInAbout::of_graduation(e), offer_title: None, employer_name: None })
            .collect();
        let mine = |a: &Application| a.applicant == Applicant::Talent(talent.id);
        for application in self.applications(actor).await?.into_iter().filter(mine) {
            let Some(hire) = &application.hire else { continue };
            let (_, (_, offer)) = ends(&application);
            let (offer_title, employer_name) = self.offer_and_employer(offer).await?;
            out.push(Candidate {
                about: CheckInAbout::Hire { application: application.id, hired_on: hire.hired_on },
                offer_title,
                employer_name,
            });
        }
        Ok(out)
    }

    /// An offer's title and its employer's name, if the offer is still there.
    async fn offer_and_employer(&self, offer: Uuid) -> Result<(Option<String>, Option<String>), AppError> {
        let Some(stored) = crate::store::find(self.profiles.db(), EntityKind::Offer, offer).await? else {
            return Ok((None, None));
        };
        let Entity::Offer(o) = stored.entity else { return Ok((None, None)) };
        let employer = match o.employer() {
            Some(e) => Some(self.employer_name(e).await?).filter(|n| !n.is_empty()),
            None => None,
        };
        Ok((Some(o.title), employer))
    }

    /// My check-ins: the ones answered, and, when I consented to be asked, the ones open today
    /// (due a year after a graduation or a hire, for [`OPEN_FOR_MONTHS`]).
    pub async fn my_check_ins(&self, actor: &Actor) -> Result<Vec<CheckInView>, AppError> {
        self.check_ins_on(actor, Utc::now().date_naive()).await
    }

    async fn check_ins_on(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<CheckInView>, AppError> {
        let (user, talent, _) = self.own_talent(actor).await?;
        let asked = self.consents_to(user.id, ConsentPurpose::RetentionCheckIn).await?;
        let mut out = Vec::new();
        for candidate in self.candidates(actor, &talent).await? {
            let answer = talent.check_ins.iter().find(|c| same(&c.about, &candidate.about));
            if answer.is_some() || (asked && is_open(&candidate.about, today)) {
                out.push(view(&candidate, answer));
            }
        }
        out.sort_by_key(|v| v.due_on);
        Ok(out)
    }

    /// Answers one of my open check-ins. Refused: no consent to be asked, a graduation or hire
    /// that is not mine, one not due yet or closed, one already answered.
    pub async fn answer_check_in(&self, actor: &Actor, answer: CheckInAnswer) -> Result<WriteOutcome, AppError> {
        let today = Utc::now().date_naive();
        let (user, mut talent, version) = self.own_talent(actor).await?;
        if !self.consents_to(user.id, ConsentPurpose::RetentionCheckIn).await? {
            return Err(AppError::forbidden("consent to the retention check-in first (consent RETENTION_CHECK_IN)"));
        }
        let candidates = self.candidates(actor, &talent).await?;
        let found = candidates.into_iter().find(|c| match (&c.about, answer.kind) {
            (CheckInAbout::Graduation { institution, graduated_on, .. }, CheckInKind::Graduation) => {
                Some(*institution) == answer.institution && Some(Date(*graduated_on)) == answer.graduated_on
            }
            (CheckInAbout::Hire { application, .. }, CheckInKind::Hire) => {
                answer.application.as_ref().and_then(|a| a.parse::<Uuid>().ok()) == Some(application.as_uuid())
            }
            _ => false,
        });
        let Some(candidate) = found else {
            let field = match answer.kind {
                CheckInKind::Graduation => "answer.graduatedOn",
                CheckInKind::Hire => "answer.application",
            };
            return Err(AppError::invalid(field, "names no graduation or hire of yours"));
        };
        if talent.check_ins.iter().any(|c| same(&c.about, &candidate.about)) {
            return Err(AppError::Refused {
                field: "answer".into(),
                message: "this check-in is already answered".into(),
                reasons: vec![],
            });
        }
        if !is_open(&candidate.about, today) {
            return Err(AppError::invalid(
                "answer",
                format!(
                    "this check-in is open from {} for {OPEN_FOR_MONTHS} months, not on {today}",
                    candidate.about.due_on()
                ),
            ));
        }
        talent.check_ins.push(CheckIn {
            about: candidate.about,
            answered_on: today,
            lives_in_area: answer.lives_in_area,
            works_in_area: answer.works_in_area,
        });
        let mut work = self.profiles.work().await?;
        let outcome = work.upsert(Entity::Talent(talent), Some(version), CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_domain::{DegreeLevel, Institution, StudyField};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_check_in_is_open_for_six_months_from_a_year_on() {
        let about = CheckInAbout::Graduation {
            institution: Institution::Polito,
            level: DegreeLevel::Master,
            field: StudyField::Ict,
            graduated_on: day(2025, 7, 15),
        };
        assert!(!is_open(&about, day(2026, 7, 14)));
        assert!(is_open(&about, day(2026, 7, 15)));
        assert!(is_open(&about, day(2027, 1, 14)));
        assert!(!is_open(&about, day(2027, 1, 15)));
    }
}

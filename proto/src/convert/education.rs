//! Education, check-ins and hires (issue 20) to and from protobuf.

use super::{DecodeError, Result, date_str, id, key, keys, parse, parse_all};
use crate::v1;
use chrono::NaiveDate;
use crocevia_domain as d;

fn day(field: &str, s: &str) -> Result<NaiveDate> {
    super::date(field, s)?.ok_or_else(|| DecodeError::field(field, "is required"))
}

pub(super) fn education_to(list: &[d::Education]) -> Vec<v1::Education> {
    list.iter()
        .map(|e| v1::Education {
            institution: key(&e.institution),
            institution_name: e.institution_name.clone(),
            level: key(&e.level),
            field: key(&e.field),
            course: e.course.clone(),
            graduated_on: date_str(Some(e.graduated_on)),
        })
        .collect()
}

pub(super) fn education_from(list: Vec<v1::Education>) -> Result<Vec<d::Education>> {
    list.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let f = |name: &str| format!("talent.education[{i}].{name}");
            Ok(d::Education {
                institution: parse(&f("institution"), &e.institution)?,
                institution_name: e.institution_name,
                level: parse(&f("level"), &e.level)?,
                field: parse(&f("field"), &e.field)?,
                course: e.course,
                graduated_on: day(&f("graduated_on"), &e.graduated_on)?,
            })
        })
        .collect()
}

pub(super) fn check_ins_to(list: &[d::CheckIn]) -> Vec<v1::CheckIn> {
    list.iter()
        .map(|c| v1::CheckIn {
            about: Some(match &c.about {
                d::CheckInAbout::Graduation { institution, level, field, graduated_on } => {
                    v1::check_in::About::Graduation(v1::GraduationCheckIn {
                        institution: key(institution),
                        level: key(level),
                        field: key(field),
                        graduated_on: date_str(Some(*graduated_on)),
                    })
                }
                d::CheckInAbout::Hire { application, hired_on } => v1::check_in::About::Hire(v1::HireCheckIn {
                    application_id: application.to_string(),
                    hired_on: date_str(Some(*hired_on)),
                }),
            }),
            answered_on: date_str(Some(c.answered_on)),
            lives_in_area: c.lives_in_area,
            works_in_area: c.works_in_area,
        })
        .collect()
}

pub(super) fn check_ins_from(list: Vec<v1::CheckIn>) -> Result<Vec<d::CheckIn>> {
    list.into_iter()
        .enumerate()
        .map(|(i, c)| {
            let f = |name: &str| format!("talent.check_ins[{i}].{name}");
            let about = match c.about {
                Some(v1::check_in::About::Graduation(g)) => d::CheckInAbout::Graduation {
                    institution: parse(&f("graduation.institution"), &g.institution)?,
                    level: parse(&f("graduation.level"), &g.level)?,
                    field: parse(&f("graduation.field"), &g.field)?,
                    graduated_on: day(&f("graduation.graduated_on"), &g.graduated_on)?,
                },
                Some(v1::check_in::About::Hire(h)) => d::CheckInAbout::Hire {
                    application: id(&f("hire.application_id"), &h.application_id)?,
                    hired_on: day(&f("hire.hired_on"), &h.hired_on)?,
                },
                None => return Err(DecodeError::field(f("about"), "names neither a graduation nor a hire")),
            };
            Ok(d::CheckIn {
                about,
                answered_on: day(&f("answered_on"), &c.answered_on)?,
                lives_in_area: c.lives_in_area,
                works_in_area: c.works_in_area,
            })
        })
        .collect()
}

pub(super) fn hire_to(hire: &Option<d::Hire>) -> Option<v1::Hire> {
    hire.as_ref().map(|h| v1::Hire {
        hired_on: date_str(Some(h.hired_on)),
        origin: h.origin.clone(),
        sectors: keys(&h.sectors),
        by_startup: h.by_startup,
    })
}

pub(super) fn hire_from(hire: Option<v1::Hire>) -> Result<Option<d::Hire>> {
    hire.map(|h| {
        Ok(d::Hire {
            hired_on: day("application.hire.hired_on", &h.hired_on)?,
            origin: h.origin,
            sectors: parse_all("application.hire.sectors", &h.sectors)?,
            by_startup: h.by_startup,
        })
    })
    .transpose()
}

//! Talent: students, graduates, researchers and professionals, many from abroad.

use crate::education::{CheckIn, Education};
use crate::ids::{SkillId, TalentId, UserId};
use crate::language::LanguageSkill;
use crate::offer::OfferKind;
use crate::place::{CountryCode, Place};
use crate::sector::Sector;
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalentSkill {
    pub skill: SkillId,
    /// Years of practice, 0 to 50.
    #[serde(default)]
    pub years: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Talent {
    pub id: TalentId,
    #[serde(default)]
    pub user_id: Option<UserId>,
    pub display_name: String,
    #[serde(default)]
    pub headline: String,
    #[serde(default)]
    pub bio: String,
    /// Private: reaches only organisations the talent applied to or consented to.
    pub contact_email: String,
    /// ISO 3166-1 alpha-2 country of origin, e.g. `IT`, `IN`, `BR`.
    pub country_of_origin: String,
    /// Where the talent lives: a comune of the metro area or a city abroad or elsewhere in
    /// Italy. `None` when not given (older profiles kept places outside the area that way too).
    #[serde(default)]
    pub residence: Option<Place>,
    #[serde(default)]
    pub field_of_study: Option<String>,
    /// Degrees, finished or expected.
    #[serde(default)]
    pub education: Vec<Education>,
    /// Answers to the 12-month check-ins (after a graduation or a hire). Written only through
    /// `answer_check_in`, never by a profile save, which keeps them.
    #[serde(default)]
    pub check_ins: Vec<CheckIn>,
    #[serde(default)]
    pub skills: Vec<TalentSkill>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    #[serde(default)]
    pub experience_years: u8,
    #[serde(default)]
    pub available_from: Option<NaiveDate>,
    #[serde(default)]
    pub willing_to_relocate: bool,
    #[serde(default)]
    pub open_to_remote: bool,
    /// Whether working in Italy needs a permit the employer must sponsor.
    #[serde(default)]
    pub needs_work_permit: bool,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    #[serde(default)]
    pub seeking: Vec<OfferKind>,
    #[serde(default)]
    pub demo: bool,
}

pub(crate) fn check_country(v: &mut Validator, field: &str, code: &str) {
    v.check(CountryCode::new(code).is_ok(), field, "must be an ISO 3166-1 alpha-2 country code such as \"IT\"");
}

impl Talent {
    /// Whether the talent is known to live outside the metropolitan area. An unknown residence
    /// is not: a hard rule excludes only on what the profile says.
    pub fn lives_outside_metro(&self) -> bool {
        self.residence.as_ref().is_some_and(|p| !p.in_metro())
    }
}

impl Validate for Talent {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.name("display_name", &self.display_name);
        v.text("headline", &self.headline, crate::validation::MAX_NAME_CHARS, false);
        v.text("bio", &self.bio, MAX_TEXT_CHARS, false);
        v.email("contact_email", &self.contact_email);
        check_country(&mut v, "country_of_origin", &self.country_of_origin);
        if let Some(residence) = &self.residence {
            residence.check(&mut v, "residence");
        }
        if let Some(field) = &self.field_of_study {
            v.name("field_of_study", field);
        }
        v.list_len("education", &self.education);
        for (i, e) in self.education.iter().enumerate() {
            e.check(&mut v, &format!("education[{i}]"));
        }
        v.list_len("check_ins", &self.check_ins);
        v.list_len("skills", &self.skills);
        let skill_ids: Vec<_> = self.skills.iter().map(|s| &s.skill).collect();
        v.unique("skills", &skill_ids);
        for (i, s) in self.skills.iter().enumerate() {
            v.check(s.years <= 50, format!("skills[{i}].years"), "must be at most 50");
        }
        v.list_len("languages", &self.languages);
        let langs: Vec<_> = self.languages.iter().map(|l| &l.language).collect();
        v.unique("languages", &langs);
        v.check(self.experience_years <= 60, "experience_years", "must be at most 60");
        v.list_len("sectors", &self.sectors);
        v.unique("sectors", &self.sectors);
        v.unique("seeking", &self.seeking);
        v.finish()
    }
}

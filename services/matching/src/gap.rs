//! A talent's skills gap: among the open offers that no hard constraint keeps from them (the
//! same rules that keep an offer out of their list, see [`scoring::passes_hard_constraints`]),
//! the required skills they miss most often (missing as the skills factor says it:
//! [`scoring::missing_required`]), each with how many offers it alone would open and how many
//! it stands in the way of, and where in Torino it is taught.

use crate::scoring;
use crocevia_domain::{Courses, Offer, SkillId, Talent};
use crocevia_search::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Skills a gap lists at most.
pub const TOP_SKILLS: usize = 10;

/// A talent's skills gap (serialisable: the gateway may ask a matching process for it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillsGap {
    /// Open offers that no hard constraint keeps from the talent.
    pub offers_that_fit: usize,
    /// Of those, the offers whose required skills the talent already has.
    pub offers_open_now: usize,
    /// The skills missed most often, at most [`TOP_SKILLS`].
    pub skills: Vec<GapSkill>,
}

/// One skill that stands between a talent and offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapSkill {
    pub skill: SkillId,
    pub label_it: String,
    pub label_en: String,
    /// Offers where it is the only required skill missing: learning it opens them.
    pub opens: usize,
    /// Offers where it is one of the required skills missing.
    pub missing_in: usize,
    /// Where in Torino it is taught, when the reference data names a course.
    pub courses: Vec<GapCourse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapCourse {
    pub institution: String,
    pub title_it: String,
    pub title_en: String,
    pub url: String,
}

/// The gap of `talent` over `offers` (the open ones).
pub fn skills_gap<'a>(
    taxonomy: &Taxonomy,
    courses: &Courses,
    talent: &Talent,
    offers: impl IntoIterator<Item = &'a Offer>,
) -> SkillsGap {
    let (mut fit, mut open_now) = (0, 0);
    // skill -> (opens, missing in)
    let mut counts: HashMap<&SkillId, (usize, usize)> = HashMap::new();
    for offer in offers {
        if !scoring::passes_hard_constraints(talent, offer) {
            continue;
        }
        fit += 1;
        let missing = scoring::missing_required(taxonomy, talent, offer);
        if missing.is_empty() {
            open_now += 1;
        }
        let alone = missing.len() == 1;
        for skill in missing {
            let entry = counts.entry(skill).or_default();
            entry.0 += usize::from(alone);
            entry.1 += 1;
        }
    }
    let mut ranked: Vec<(&SkillId, (usize, usize))> = counts.into_iter().collect();
    // Most often missing first; then the one that alone opens most; then by id, so equal
    // counts always list in the same order.
    ranked.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(b.1.0.cmp(&a.1.0)).then(a.0.cmp(b.0)));
    let skills = ranked
        .into_iter()
        .take(TOP_SKILLS)
        .map(|(skill, (opens, missing_in))| {
            // A concept gone from the taxonomy since the offer named it reads as its id in words.
            let (label_it, label_en) = taxonomy.concept(skill).map_or_else(
                || {
                    let words = skill.as_str().replace('-', " ");
                    (words.clone(), words)
                },
                |c| (c.label_it.clone(), c.label_en.clone()),
            );
            let courses = courses
                .teaching(skill)
                .map(|c| GapCourse {
                    institution: c.institution.clone(),
                    title_it: c.title_it.clone(),
                    title_en: c.title_en.clone(),
                    url: c.url.clone(),
                })
                .collect();
            GapSkill { skill: skill.clone(), label_it, label_en, opens, missing_in, courses }
        })
        .collect();
    SkillsGap { offers_that_fit: fit, offers_open_now: open_now, skills }
}

//! `mySkillsGap`: the skills that stand between a talent and the open offers that otherwise fit
//! her, with where in Torino they are taught. Both labels and both titles travel; the reader's
//! language picks one (explanations never show ids).

use super::{app, app_error, signed_in};
use async_graphql::{Context, Object, Result, SimpleObject};
use crocevia_matching::{GapCourse, GapSkill, SkillsGap};

#[derive(Debug, Default)]
pub struct GapQuery;

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(SimpleObject, Debug)]
#[graphql(name = "SkillsGap")]
pub struct SkillsGapGql {
    /// Open offers that no hard constraint (language, work permit, start date, kind of offer,
    /// location) keeps from me.
    pub offers_that_fit: i32,
    /// Of those, the offers whose required skills I already have.
    pub offers_open_now: i32,
    /// The required skills I miss most often among them, at most 10, most often missing first.
    pub skills: Vec<GapSkillGql>,
}

#[derive(SimpleObject, Debug)]
#[graphql(name = "GapSkill")]
pub struct GapSkillGql {
    /// The skill's id in the taxonomy (for the profile editor; show the labels).
    pub skill: String,
    pub label_it: String,
    pub label_en: String,
    /// Offers where it is the only required skill I miss: learning it opens them.
    pub opens: i32,
    /// Offers where it is one of the required skills I miss.
    pub missing_in: i32,
    /// Where in Torino it is taught, when the reference data names a course.
    pub courses: Vec<CourseGql>,
}

#[derive(SimpleObject, Debug)]
#[graphql(name = "Course")]
pub struct CourseGql {
    pub institution: String,
    pub title_it: String,
    pub title_en: String,
    /// The institution's page that lists it.
    pub url: String,
}

impl From<&GapCourse> for CourseGql {
    fn from(c: &GapCourse) -> Self {
        Self {
            institution: c.institution.clone(),
            title_it: c.title_it.clone(),
            title_en: c.title_en.clone(),
            url: c.url.clone(),
        }
    }
}

impl From<&GapSkill> for GapSkillGql {
    fn from(s: &GapSkill) -> Self {
        Self {
            skill: s.skill.as_str().to_owned(),
            label_it: s.label_it.clone(),
            label_en: s.label_en.clone(),
            opens: count(s.opens),
            missing_in: count(s.missing_in),
            courses: s.courses.iter().map(CourseGql::from).collect(),
        }
    }
}

impl From<&SkillsGap> for SkillsGapGql {
    fn from(g: &SkillsGap) -> Self {
        Self {
            offers_that_fit: count(g.offers_that_fit),
            offers_open_now: count(g.offers_open_now),
            skills: g.skills.iter().map(GapSkillGql::from).collect(),
        }
    }
}

#[Object]
impl GapQuery {
    /// My skills gap, as a talent: among the open offers that otherwise fit me, the required
    /// skills I miss most often, each with the offers it alone would open and where it is
    /// taught. Only for a talent with a profile (others: FORBIDDEN).
    async fn my_skills_gap(&self, ctx: &Context<'_>) -> Result<SkillsGapGql> {
        let gap = app(ctx)?.my_skills_gap(signed_in(ctx)?).await.map_err(app_error)?;
        Ok(SkillsGapGql::from(&gap))
    }
}

//! Where in Torino a skill is taught: the courses of the reference data
//! (`data/reference/courses/courses.json`, embedded at compile time like the taxonomy), so a
//! talent's skills gap can point at a programme that teaches what stands between them and
//! more offers.

use crate::ids::SkillId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

include!(concat!(env!("OUT_DIR"), "/reference_courses.rs"));

/// One programme or course of an institution of the area, with the skills it teaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub institution: String,
    pub title_it: String,
    pub title_en: String,
    /// The institution's page where the programme is listed.
    pub url: String,
    pub skills: Vec<SkillId>,
}

/// The courses of the reference data, by skill. Cheap to clone the courses out of; load once.
#[derive(Debug, Clone, Default)]
pub struct Courses {
    all: Vec<Course>,
    by_skill: HashMap<SkillId, Vec<usize>>,
}

impl Courses {
    /// Courses from a JSON array of [`Course`]; the error names the entry and what is wrong.
    pub fn parse(json: &str) -> Result<Self, String> {
        let all: Vec<Course> = serde_json::from_str(json).map_err(|e| format!("courses.json: {e}"))?;
        let mut by_skill: HashMap<SkillId, Vec<usize>> = HashMap::new();
        for (i, course) in all.iter().enumerate() {
            let blank = [&course.institution, &course.title_it, &course.title_en].iter().any(|t| t.trim().is_empty());
            if blank || !course.url.starts_with("https://") || course.skills.is_empty() {
                return Err(format!(
                    "courses.json, entry {i}: needs an institution, both titles, an https:// url and at least one skill"
                ));
            }
            for skill in &course.skills {
                by_skill.entry(skill.clone()).or_default().push(i);
            }
        }
        Ok(Self { all, by_skill })
    }

    /// The reference courses built into the binary.
    pub fn reference() -> Result<Self, String> {
        Self::parse(COURSES)
    }

    pub fn all(&self) -> &[Course] {
        &self.all
    }

    /// The courses that teach `skill`, in the file's order.
    pub fn teaching(&self, skill: &SkillId) -> impl Iterator<Item = &Course> {
        self.by_skill.get(skill).into_iter().flatten().filter_map(|&i| self.all.get(i))
    }
}

//! Reference data for forms, readable without logging in: the skills taxonomy for a skills
//! picker and the comuni of the area.

use super::{Services, field_error};
use async_graphql::{Context, Object, Result, SimpleObject};
use crocevia_domain::SkillConcept;

/// Most ids one `skills` lookup takes (a profile holds far fewer skills).
const MAX_IDS: usize = 200;

#[derive(Debug, Default)]
pub struct ReferenceQuery;

#[derive(SimpleObject, Debug, Clone)]
pub struct Skill {
    pub id: String,
    pub label_it: String,
    pub label_en: String,
    pub category: String,
}

impl From<&SkillConcept> for Skill {
    fn from(c: &SkillConcept) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            label_it: c.label_it.clone(),
            label_en: c.label_en.clone(),
            category: c.category.clone(),
        }
    }
}

/// Which skills taxonomy this platform uses (reference data, `data/reference/skills`).
#[derive(SimpleObject, Debug, Clone)]
pub struct SkillTaxonomyInfo {
    /// Its version, `MAJOR.MINOR.PATCH`: MAJOR when a concept id goes, MINOR when concepts come.
    pub version: String,
    /// How many concepts it holds.
    pub concepts: i32,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct Comune {
    /// The id profiles and offers use, e.g. `torino`, `moncalieri`.
    pub id: String,
    pub name: String,
    pub population: i32,
}

#[Object]
impl ReferenceQuery {
    /// Skills of the taxonomy. With `ids`: those concepts, in that order (ids no longer in the
    /// taxonomy are left out). With `query`: the concept the whole text names ("Python
    /// (avanzato)"), then concepts where it starts a label, then a word of a label, then a
    /// synonym, ignoring case and accents, at most `limit` (up to 50). With
    /// neither: the first `limit` concepts by label.
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] query: String,
        #[graphql(default)] ids: Vec<String>,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<Skill>> {
        let catalog = &ctx.data::<Services>()?.skills;
        if !ids.is_empty() {
            if !query.trim().is_empty() {
                return Err(field_error("ids", "give either ids or a query, not both"));
            }
            if ids.len() > MAX_IDS {
                return Err(field_error("ids", format!("at most {MAX_IDS} ids at once")));
            }
            return Ok(catalog.by_ids(&ids).into_iter().map(Skill::from).collect());
        }
        if query.chars().count() > 100 {
            return Err(field_error("query", "at most 100 characters"));
        }
        let limit =
            usize::try_from(limit).ok().filter(|l| *l > 0).ok_or_else(|| field_error("limit", "must be at least 1"))?;
        Ok(catalog.suggest(&query, limit).into_iter().map(Skill::from).collect())
    }

    /// The version and size of the skills taxonomy.
    async fn skill_taxonomy(&self, ctx: &Context<'_>) -> Result<SkillTaxonomyInfo> {
        let catalog = &ctx.data::<Services>()?.skills;
        Ok(SkillTaxonomyInfo {
            version: catalog.version().to_owned(),
            concepts: i32::try_from(catalog.len()).unwrap_or(i32::MAX),
        })
    }

    /// The comuni of the area, Torino first.
    async fn comuni(&self) -> Vec<Comune> {
        crocevia_domain::place::all()
            .iter()
            .map(|c| Comune {
                id: c.id.to_owned(),
                name: c.name.to_owned(),
                population: i32::try_from(c.population).unwrap_or(i32::MAX),
            })
            .collect()
    }
}

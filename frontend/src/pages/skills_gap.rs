//! "Skills that would open more offers", on a talent's matches page: the required skills she
//! misses most often among the open offers that otherwise suit her (`mySkillsGap`), each with
//! the offers it alone would open and where in Torino it is taught.

use crate::i18n::{Lang, T};
use crate::session::use_session;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillsGap {
    pub offers_that_fit: u64,
    pub offers_open_now: u64,
    pub skills: Vec<GapSkill>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GapSkill {
    pub skill: String,
    pub label_it: String,
    pub label_en: String,
    pub opens: u64,
    pub missing_in: u64,
    pub courses: Vec<Course>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Course {
    pub institution: String,
    pub title_it: String,
    pub title_en: String,
    pub url: String,
}

pub const QUERY: &str = "query { mySkillsGap { offersThatFit offersOpenNow \
     skills { skill labelIt labelEn opens missingIn courses { institution titleIt titleEn url } } } }";

/// "{n} offers", with the singular where the language wants it.
fn counted(lang: Lang, n: u64, one: T, many: T) -> String {
    if n == 1 { one.get(lang).to_owned() } else { many.get(lang).replace("{n}", &n.to_string()) }
}

/// The panel; reloads when `version` changes (the matches page bumps it on every list change).
#[component]
pub fn SkillsGapPanel(version: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let gap = RwSignal::new(None::<SkillsGap>);
    Effect::new(move |_| {
        version.track();
        leptos::task::spawn_local(async move {
            // A failure leaves the panel out: the matches above are what the page is for.
            if let Ok(g) = session.call::<SkillsGap>(QUERY, Value::Null, "mySkillsGap").await {
                gap.set(Some(g));
            }
        });
    });
    move || {
        gap.get().map(|g| {
            let lang = move || session.lang.get();
            let fit = g.offers_that_fit;
            let intro = move || session.t(T::SkillsGapIntro).replace("{n}", &fit.to_string());
            let body = if g.skills.is_empty() {
                view! { <p class="empty">{move || session.t(T::SkillsGapNone)}</p> }.into_any()
            } else {
                let items = g
                    .skills
                    .into_iter()
                    .map(|s| {
                        let (opens, missing) = (s.opens, s.missing_in);
                        let label = (s.label_it.clone(), s.label_en.clone());
                        let courses = s.courses.clone();
                        view! {
                            <li class="gap-skill" data-skill=s.skill.clone() data-opens=opens.to_string() data-missing=missing.to_string()>
                                <strong class="gap-label">{move || lang().pick(&label.0, &label.1).to_owned()}</strong>
                                <span class="gap-counts">
                                    {move || counted(lang(), opens, T::SkillOpensOne, T::SkillOpens)}
                                    " · "
                                    {move || counted(lang(), missing, T::SkillMissingInOne, T::SkillMissingIn)}
                                </span>
                                {(!courses.is_empty()).then(|| view! {
                                    <details class="gap-courses">
                                        <summary>{move || session.t(T::WhereTaught)}</summary>
                                        <ul>
                                            {courses.into_iter().map(|c| {
                                                let title = (c.title_it.clone(), c.title_en.clone());
                                                view! {
                                                    <li class="gap-course">
                                                        <a href=c.url.clone() target="_blank" rel="noopener">
                                                            {move || lang().pick(&title.0, &title.1).to_owned()}
                                                        </a>
                                                        " – " {c.institution.clone()}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                })}
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="gap-list">{items}</ol> }.into_any()
            };
            view! {
                <section id="skills-gap" class="skills-gap" aria-labelledby="skills-gap-title">
                    <h2 id="skills-gap-title">{move || session.t(T::SkillsGapTitle)}</h2>
                    <p class="hint">{intro}</p>
                    {body}
                </section>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_both_languages() {
        assert_eq!(counted(Lang::It, 3, T::SkillOpensOne, T::SkillOpens), "da sola ti aprirebbe 3 offerte");
        assert_eq!(counted(Lang::En, 1, T::SkillOpensOne, T::SkillOpens), "alone would open 1 offer");
    }

    #[test]
    fn the_answer_decodes() {
        let json = r#"{"offersThatFit":4,"offersOpenNow":1,"skills":[{"skill":"sql","labelIt":"SQL","labelEn":"SQL",
            "opens":3,"missingIn":3,"courses":[{"institution":"Politecnico di Torino","titleIt":"a","titleEn":"b","url":"https://x"}]}]}"#;
        let gap: SkillsGap = serde_json::from_str(json).unwrap();
        assert_eq!(gap.skills[0].courses[0].institution, "Politecnico di Torino");
    }
}

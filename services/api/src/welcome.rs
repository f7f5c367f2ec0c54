//! The welcome path as clients read and edit it: an accepted applicant's checklist (with
//! their own ticks; the organisation's copy carries none), the administrator's edit of the
//! whole checklist, and the ticks in a person's data export.

use crate::convert::api_errors;
use crate::wire::{Date, DateTime, Id};
use crocevia_domain::ValidationErrors;
use crocevia_domain::welcome::{WelcomeChecklist, WelcomeRoute, WelcomeStep};
use serde::{Deserialize, Serialize};

/// One step of the checklist, in Italian and English, with its official source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "WelcomeStep"))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeStepView {
    /// Stable id, e.g. `codice-fiscale`.
    pub id: String,
    /// The routes the step belongs to (`blue-card`, `research`, `study-conversion`,
    /// `startup-visa`).
    pub routes: Vec<String>,
    pub title_it: String,
    pub title_en: String,
    pub explanation_it: String,
    pub explanation_en: String,
    /// The official page (`https://`).
    pub source: String,
    /// The day the step was last checked against its source.
    pub checked_on: Date,
    /// Whether I ticked it done: only in the applicant's own checklist, null for anyone else.
    pub done: Option<bool>,
}

impl WelcomeStepView {
    pub fn of(step: &WelcomeStep, done: Option<bool>) -> Self {
        Self {
            id: step.id.clone(),
            routes: step.routes.iter().map(|r| r.key().to_owned()).collect(),
            title_it: step.title_it.clone(),
            title_en: step.title_en.clone(),
            explanation_it: step.explanation_it.clone(),
            explanation_en: step.explanation_en.clone(),
            source: step.source.clone(),
            checked_on: Date(step.checked_on),
            done,
        }
    }
}

/// The checklist of one accepted application: the case's route and its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "WelcomeChecklist"))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeChecklistView {
    pub application_id: Id,
    /// `blue-card`, `research`, `study-conversion` or `startup-visa`.
    pub route: String,
    pub route_it: String,
    pub route_en: String,
    /// The checklist's version (`MAJOR.MINOR.PATCH`).
    pub version: String,
    /// The oldest check among the steps shown: everything was checked on that day or later.
    pub checked_on: Date,
    /// Whether the reader may tick steps (the applicant; the organisation reads only).
    pub can_tick: bool,
    pub steps: Vec<WelcomeStepView>,
}

impl WelcomeChecklistView {
    /// The steps of `route` in `checklist`; `ticked` is the applicant's ticks, `None` for a
    /// reader who sees no tick state.
    pub fn of(application: Id, route: WelcomeRoute, checklist: &WelcomeChecklist, ticked: Option<&[String]>) -> Self {
        let steps: Vec<WelcomeStepView> =
            checklist.steps_for(route).map(|s| WelcomeStepView::of(s, ticked.map(|t| t.contains(&s.id)))).collect();
        let checked_on = steps.iter().map(|s| s.checked_on).min().unwrap_or(Date(chrono::NaiveDate::MIN));
        let [route_it, route_en] = route.labels();
        Self {
            application_id: application,
            route: route.key().to_owned(),
            route_it: route_it.to_owned(),
            route_en: route_en.to_owned(),
            version: checklist.version.clone(),
            checked_on,
            can_tick: ticked.is_some(),
            steps,
        }
    }
}

/// The whole checklist as an administrator edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "WelcomeDocument"))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeDocumentView {
    pub version: String,
    /// When an administrator saved it; null for the built-in reference checklist.
    pub saved_at: Option<DateTime>,
    pub steps: Vec<WelcomeStepView>,
}

impl WelcomeDocumentView {
    pub fn of(checklist: &WelcomeChecklist, saved_at: Option<DateTime>) -> Self {
        Self {
            version: checklist.version.clone(),
            saved_at,
            steps: checklist.steps.iter().map(|s| WelcomeStepView::of(s, None)).collect(),
        }
    }
}

/// One step of a new version of the checklist. The check date is text so a bad one is an
/// error on its field (`steps[3].checkedOn`), like every other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeStepInput {
    pub id: String,
    pub routes: Vec<String>,
    pub title_it: String,
    pub title_en: String,
    pub explanation_it: String,
    pub explanation_en: String,
    pub source: String,
    /// `YYYY-MM-DD`.
    pub checked_on: String,
}

/// A new version of the whole checklist; `version` must be greater than the current one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeChecklistInput {
    pub version: String,
    pub steps: Vec<WelcomeStepInput>,
}

impl WelcomeChecklistInput {
    /// The checklist, every field checked by the domain's one parser (the reference file's
    /// too); errors name the field in API spelling (`steps[3].titleEn`).
    pub fn into_domain(self) -> Result<WelcomeChecklist, ValidationErrors> {
        let steps: Vec<serde_json::Value> = self
            .steps
            .into_iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "routes": s.routes,
                    "title_it": s.title_it, "title_en": s.title_en,
                    "explanation_it": s.explanation_it, "explanation_en": s.explanation_en,
                    "source": s.source, "checked_on": s.checked_on,
                })
            })
            .collect();
        let document = serde_json::json!({ "version": self.version, "steps": steps });
        WelcomeChecklist::parse(&document).map_err(|e| api_errors("", e))
    }

    /// The input that saves `checklist` again (an administrator edits what they read).
    pub fn of(checklist: &WelcomeChecklist) -> Self {
        Self {
            version: checklist.version.clone(),
            steps: checklist
                .steps
                .iter()
                .map(|s| WelcomeStepInput {
                    id: s.id.clone(),
                    routes: s.routes.iter().map(|r| r.key().to_owned()).collect(),
                    title_it: s.title_it.clone(),
                    title_en: s.title_en.clone(),
                    explanation_it: s.explanation_it.clone(),
                    explanation_en: s.explanation_en.clone(),
                    source: s.source.clone(),
                    checked_on: s.checked_on.to_string(),
                })
                .collect(),
        }
    }
}

/// A step I ticked done, in my data export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "WelcomeTick"))]
#[serde(rename_all = "camelCase")]
pub struct WelcomeTickData {
    pub application_id: Id,
    pub step: String,
    pub ticked_at: DateTime,
}

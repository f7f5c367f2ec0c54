//! The welcome path: what an accepted talent from outside the EU/EEA and Switzerland, or the
//! founders of a startup based outside them, do next in Torino, as a bilingual checklist of
//! steps, each with its official source and the day it was checked.
//!
//! The reference checklist (`data/reference/welcome/checklist.json`) is built in and is the
//! default; an administrator saves newer versions (the profiles service stores them). Both
//! are read by one parser, [`WelcomeChecklist::parse`], whose errors name the field
//! (`steps[3].source`), so the file and an administrator's edit are held to the same rules.

use crate::offer::OfferKind;
use crate::validation::{MAX_LIST_ITEMS, MAX_NAME_CHARS, ValidationErrors, Validator};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The reference checklist, as shipped (version 1, the default).
const REFERENCE: &str = include_str!("../../../data/reference/welcome/checklist.json");

/// Longest explanation of a step, in characters: a few practical sentences, not a manual.
pub const MAX_EXPLANATION_CHARS: usize = 1_000;

/// The case of an accepted applicant: the permit route the checklist starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WelcomeRoute {
    /// A talent hired into a job: the EU Blue Card (art. 27-quater D.Lgs. 286/1998).
    BlueCard,
    /// A PhD position or a fellowship: the research permit (art. 27-ter).
    Research,
    /// A talent who graduated in Italy: the study permit converted into a work permit.
    StudyConversion,
    /// Founders of a startup based outside the EU accepted into a programme: Italia Startup Visa.
    StartupVisa,
}

impl WelcomeRoute {
    pub const ALL: [Self; 4] = [Self::BlueCard, Self::Research, Self::StudyConversion, Self::StartupVisa];

    /// The id used in the reference data and the API, `blue-card`.
    pub fn key(self) -> &'static str {
        match self {
            Self::BlueCard => "blue-card",
            Self::Research => "research",
            Self::StudyConversion => "study-conversion",
            Self::StartupVisa => "startup-visa",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    /// `[italian, english]` name, what a page shows.
    pub fn labels(self) -> [&'static str; 2] {
        match self {
            Self::BlueCard => ["Carta blu UE", "EU Blue Card"],
            Self::Research => ["Permesso per ricerca", "Research permit"],
            Self::StudyConversion => ["Conversione del permesso per studio", "Study permit conversion"],
            Self::StartupVisa => ["Italia Startup Visa", "Italia Startup Visa"],
        }
    }

    /// The route of a talent accepted for an offer of `kind`. Research positions take the
    /// research permit; any other offer the Blue Card, unless the talent graduated in Italy
    /// and so already holds a study permit to convert.
    pub fn for_offer(kind: OfferKind, graduated_in_italy: bool) -> Self {
        match kind {
            OfferKind::PhdPosition | OfferKind::Fellowship => Self::Research,
            OfferKind::Job | OfferKind::Internship if graduated_in_italy => Self::StudyConversion,
            OfferKind::Job | OfferKind::Internship => Self::BlueCard,
        }
    }
}

/// One step: what to do, why, where it is officially explained, and when that was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WelcomeStep {
    /// Stable, lower case with dashes (`codice-fiscale`); ticks name it.
    pub id: String,
    pub routes: Vec<WelcomeRoute>,
    pub title_it: String,
    pub title_en: String,
    pub explanation_it: String,
    pub explanation_en: String,
    /// The official page (`https://`).
    pub source: String,
    pub checked_on: NaiveDate,
}

/// A version of the checklist: every step of every route, in the order they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WelcomeChecklist {
    /// `MAJOR.MINOR.PATCH` (see the reference data's README).
    pub version: String,
    pub steps: Vec<WelcomeStep>,
}

const STEP_FIELDS: [&str; 8] =
    ["id", "routes", "title_it", "title_en", "explanation_it", "explanation_en", "source", "checked_on"];

impl WelcomeChecklist {
    /// The built-in reference checklist. It is checked by a test, so an error here means a
    /// file edited without running the tests.
    pub fn reference() -> Result<Self, ValidationErrors> {
        let value: Value = serde_json::from_str(REFERENCE)
            .map_err(|e| ValidationErrors::single("", format!("the reference checklist is not JSON: {e}")))?;
        Self::parse(&value)
    }

    /// A checklist from its JSON form, every field checked; errors name the field in the
    /// file's spelling (`steps[3].title_en`).
    pub fn parse(value: &Value) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let Some(doc) = value.as_object() else {
            return Err(ValidationErrors::single("", "must be an object with `version` and `steps`"));
        };
        for key in doc.keys().filter(|k| !matches!(k.as_str(), "version" | "steps")) {
            v.check(false, key.as_str(), "is not a field of the checklist (version, steps)");
        }
        let version = string(&mut v, doc, "", "version");
        v.check(parse_version(&version).is_some(), "version", "must be a version such as 1.2.0 (MAJOR.MINOR.PATCH)");
        let mut steps = Vec::new();
        match doc.get("steps").and_then(Value::as_array) {
            None => v.check(false, "steps", "must be a list of steps"),
            Some(list) => {
                v.check(!list.is_empty(), "steps", "must have at least one step");
                v.list_len("steps", list);
                for (i, item) in list.iter().enumerate() {
                    if let Some(step) = parse_step(&mut v, &format!("steps[{i}]"), item) {
                        steps.push(step);
                    }
                }
                let ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
                for (i, id) in ids.iter().enumerate() {
                    v.check(
                        !ids[..i].contains(id),
                        format!("steps[{i}].id"),
                        format!("{id:?} is used by another step"),
                    );
                }
            }
        }
        v.finish()?;
        Ok(Self { version, steps })
    }

    /// The JSON form [`WelcomeChecklist::parse`] reads.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The steps of `route`, in order.
    pub fn steps_for(&self, route: WelcomeRoute) -> impl Iterator<Item = &WelcomeStep> {
        self.steps.iter().filter(move |s| s.routes.contains(&route))
    }

    /// Whether this version may replace `current`: its version number is greater.
    pub fn supersedes(&self, current: &Self) -> bool {
        match (parse_version(&self.version), parse_version(&current.version)) {
            (Some(new), Some(old)) => new > old,
            _ => false,
        }
    }
}

/// `MAJOR.MINOR.PATCH` as numbers, for comparing versions.
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('.');
    let mut next = || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?.parse().ok();
    let version = (next()?, next()?, next()?);
    parts.next().is_none().then_some(version)
}

/// A step id: lower-case letters and digits in words joined by single dashes.
pub fn is_step_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 60
        && id.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn string(v: &mut Validator, object: &Map<String, Value>, prefix: &str, key: &str) -> String {
    let field = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
    match object.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        None | Some(Value::Null) => {
            v.check(false, field, "is required");
            String::new()
        }
        Some(_) => {
            v.check(false, field, "must be text");
            String::new()
        }
    }
}

fn parse_step(v: &mut Validator, at: &str, item: &Value) -> Option<WelcomeStep> {
    let Some(step) = item.as_object() else {
        v.check(false, at, "must be an object");
        return None;
    };
    for key in step.keys().filter(|k| !STEP_FIELDS.contains(&k.as_str())) {
        v.check(false, format!("{at}.{key}"), format!("is not a field of a step ({})", STEP_FIELDS.join(", ")));
    }
    let id = string(v, step, at, "id");
    if !id.is_empty() {
        v.check(is_step_id(&id), format!("{at}.id"), "must be lower-case words joined by dashes, e.g. codice-fiscale");
    }
    let mut texts = Vec::new();
    for (key, max) in [
        ("title_it", MAX_NAME_CHARS),
        ("title_en", MAX_NAME_CHARS),
        ("explanation_it", MAX_EXPLANATION_CHARS),
        ("explanation_en", MAX_EXPLANATION_CHARS),
    ] {
        let text = string(v, step, at, key);
        if step.get(key).is_some_and(Value::is_string) {
            // Both languages, always: a step in one language only is refused.
            v.text(&format!("{at}.{key}"), &text, max, true);
        }
        texts.push(text);
    }
    let source = string(v, step, at, "source");
    if step.get("source").is_some_and(Value::is_string) {
        v.check(is_https_url(&source), format!("{at}.source"), "must be an https:// address of the official source");
    }
    let checked = string(v, step, at, "checked_on");
    let checked_on = NaiveDate::parse_from_str(&checked, "%Y-%m-%d").ok();
    if step.get("checked_on").is_some_and(Value::is_string) {
        v.check(checked_on.is_some(), format!("{at}.checked_on"), "must be a date as YYYY-MM-DD");
    }
    let routes = parse_routes(v, at, step.get("routes"));
    let [title_it, title_en, explanation_it, explanation_en] = <[String; 4]>::try_from(texts).ok()?;
    Some(WelcomeStep {
        id,
        routes,
        title_it,
        title_en,
        explanation_it,
        explanation_en,
        source,
        checked_on: checked_on?,
    })
}

fn parse_routes(v: &mut Validator, at: &str, value: Option<&Value>) -> Vec<WelcomeRoute> {
    let field = format!("{at}.routes");
    let Some(list) = value.and_then(Value::as_array) else {
        v.check(false, field, "must be a list of routes (blue-card, research, study-conversion, startup-visa)");
        return Vec::new();
    };
    v.check(!list.is_empty(), &field, "must name at least one route");
    let mut routes = Vec::new();
    for (j, item) in list.iter().enumerate().take(MAX_LIST_ITEMS) {
        match item.as_str().and_then(WelcomeRoute::from_key) {
            Some(route) if routes.contains(&route) => v.check(false, format!("{field}[{j}]"), "is listed twice"),
            Some(route) => routes.push(route),
            None => v.check(
                false,
                format!("{field}[{j}]"),
                format!("{item} is not a route (blue-card, research, study-conversion, startup-visa)"),
            ),
        }
    }
    routes
}

/// An absolute `https://` address with a host and nothing that breaks out of a link.
fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    host.contains('.')
        && url.len() <= 500
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
}

#[cfg(test)]
mod tests;

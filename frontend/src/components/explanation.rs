//! Why a match scores what it scores: the factors with their weights, and the verdict of a
//! programme's eligibility rules, in the reader's language.

use crate::api::ApiErrors;
use crate::format;
use crate::i18n::T;
use crate::session::use_session;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    pub key: String,
    pub weight: f64,
    pub value: f64,
    pub reason_it: String,
    pub reason_en: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub it: String,
    pub en: String,
}

impl Reason {
    /// One entry of a refusal's `extensions.reasons`: a `{rule, it, en}` object, or the
    /// text `rule: English / Italian` the platform sends; any other text is kept whole, in
    /// both languages, so no reason is ever dropped.
    pub fn from_refusal(value: &serde_json::Value) -> Self {
        if let Ok(r) = serde_json::from_value::<Reason>(value.clone()) {
            return r;
        }
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        let parsed = text.split_once(": ").and_then(|(rule, rest)| {
            let is_key =
                !rule.is_empty() && rule.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            let (en, it) = rest.split_once(" / ")?;
            is_key.then(|| Reason { rule: rule.to_owned(), it: it.to_owned(), en: en.to_owned() })
        });
        parsed.unwrap_or_else(|| Reason { rule: String::new(), it: text.clone(), en: text })
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Verdict {
    /// `ELIGIBLE`, `ELIGIBLE_IF` or `NOT_ELIGIBLE`.
    pub status: String,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// NOT_ELIGIBLE: the server refuses an application, so the page offers none.
    pub fn refuses(&self) -> bool {
        self.status == "NOT_ELIGIBLE"
    }

    /// ELIGIBLE_IF: an application is accepted and recorded with the conditions.
    pub fn is_conditional(&self) -> bool {
        self.status == "ELIGIBLE_IF"
    }

    /// The order lists show verdicts in, as the platform ranks them: eligible (2), then
    /// eligible if (1), then not eligible (0); an unknown status counts as not eligible.
    pub fn class(&self) -> u8 {
        match self.status.as_str() {
            "ELIGIBLE" => 2,
            "ELIGIBLE_IF" => 1,
            _ => 0,
        }
    }
}

/// The factors, strongest contribution first, each with a bar.
#[component]
pub fn Explanation(factors: Vec<Factor>) -> impl IntoView {
    let session = use_session();
    let mut factors = factors;
    factors.sort_by(|a, b| (b.weight * b.value).total_cmp(&(a.weight * a.value)));
    view! {
        <ul class="factors">
            {factors
                .into_iter()
                .map(|f| {
                    let share = f.value.clamp(0.0, 1.0);
                    let width = format!("width: {:.0}%", share * 100.0);
                    let (it, en) = (f.reason_it.clone(), f.reason_en.clone());
                    view! {
                        <li class="factor" data-key=f.key.clone()>
                            <span class="factor-reason">{move || session.lang.get().pick(&it, &en).to_owned()}</span>
                            <span class="bar" role="img" aria-label=move || format::percent(session.lang.get(), share)>
                                <span class="bar-fill" style=width.clone()></span>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Eligible, eligible if (with the conditions to meet), or not eligible (with every reason).
#[component]
pub fn VerdictBadge(verdict: Verdict) -> impl IntoView {
    let session = use_session();
    let (class, label, lead) = match verdict.status.as_str() {
        "ELIGIBLE" => ("verdict eligible", T::Eligible, None),
        "ELIGIBLE_IF" => ("verdict eligible-if", T::EligibleIf, Some(T::ConditionsToMeet)),
        _ => ("verdict not-eligible", T::NotEligible, Some(T::WhyNotEligible)),
    };
    let lead = lead.filter(|_| !verdict.reasons.is_empty());
    view! {
        <div class=class data-status=verdict.status.clone()>
            <strong>{move || session.t(label)}</strong>
            {lead.map(|t| view! { " " <span class="verdict-lead">{move || session.t(t)}</span> })}
            <ReasonList reasons=verdict.reasons />
        </div>
    }
}

/// Bilingual reasons (or conditions), each marked with its rule, in the reader's language.
#[component]
pub fn ReasonList(reasons: Vec<Reason>, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let session = use_session();
    view! {
        <ul class="reasons" id=id>
            {reasons
                .into_iter()
                .map(|r| view! { <li data-rule=r.rule.clone()>{move || session.lang.get().pick(&r.it, &r.en).to_owned()}</li> })
                .collect_view()}
        </ul>
    }
}

/// Why an action was not done: with `extensions.reasons`, every reason in the reader's
/// language; otherwise the errors' messages. Never reads as a success.
#[component]
pub fn ApplicationRefusal(errors: ApiErrors, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let session = use_session();
    let reasons = errors.reasons();
    let summary = errors.summary();
    view! {
        <div class="refusal error" role="alert" id=id>
            {if reasons.is_empty() {
                view! { <p><strong>{move || session.t(T::ApplicationNotSent)}</strong> ": " {summary}</p> }.into_any()
            } else {
                view! {
                    <p><strong>{move || session.t(T::ApplicationRefused)}</strong></p>
                    <ReasonList reasons=reasons />
                }
                .into_any()
            }}
        </div>
    }
}

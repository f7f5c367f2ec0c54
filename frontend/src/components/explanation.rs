//! Why a match scores what it scores: the factors with their weights, and the verdict of a
//! programme's eligibility rules, in the reader's language.

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

/// Eligible, eligible if, or not eligible, with the reasons.
#[component]
pub fn VerdictBadge(verdict: Verdict) -> impl IntoView {
    let session = use_session();
    let (class, label) = match verdict.status.as_str() {
        "ELIGIBLE" => ("verdict eligible", T::Eligible),
        "ELIGIBLE_IF" => ("verdict eligible-if", T::EligibleIf),
        _ => ("verdict not-eligible", T::NotEligible),
    };
    view! {
        <div class=class data-status=verdict.status.clone()>
            <strong>{move || session.t(label)}</strong>
            <ul>
                {verdict
                    .reasons
                    .into_iter()
                    .map(|r| view! { <li data-rule=r.rule.clone()>{move || session.lang.get().pick(&r.it, &r.en).to_owned()}</li> })
                    .collect_view()}
            </ul>
        </div>
    }
}

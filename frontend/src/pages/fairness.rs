//! The fairness monitor of an offer or programme, for its organisation: how far each group
//! gets through the pipeline. Groups of fewer than k applicants show no figures (the open
//! data's rule); a rate under four fifths of the best group's at the same step is flagged for
//! a person to look at, not judged by the page.

use crate::api::ApiErrors;
use crate::format;
use crate::i18n::{self, Lang, T};
use crate::queries::FAIRNESS;
use crate::session::use_session;
use crocevia_api::wire::enum_name;
use crocevia_api::{DimensionRatesView, FairnessView, GroupRatesView};
use leptos::prelude::*;
use serde_json::json;

/// A group's name in the reader's language.
pub fn group_label(lang: Lang, group: &str) -> String {
    let t = match group {
        "local" => T::GroupLocal,
        "international" => T::GroupInternational,
        "yes" => T::Yes,
        "no" => T::No,
        other => return other.to_owned(),
    };
    t.get(lang).to_owned()
}

/// A step's cell: the rate and how many reached it, or that the group is too small to show.
pub fn step_text(lang: Lang, reached: Option<i32>, rate: Option<f64>) -> String {
    match (reached, rate) {
        (Some(n), Some(r)) => format!("{} ({n})", format::percent(lang, r)),
        _ => "—".to_owned(),
    }
}

#[component]
pub fn FairnessSection(target: String) -> impl IntoView {
    let session = use_session();
    let report = RwSignal::new(None::<Result<FairnessView, ApiErrors>>);
    leptos::task::spawn_local(async move {
        report.set(Some(session.call(FAIRNESS, json!({"target": target}), "fairness").await));
    });
    view! {
        <section class="fairness" id="fairness" aria-labelledby="fairness-title">
            <h2 id="fairness-title">{move || session.t(T::FairnessTitle)}</h2>
            {move || match report.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                Some(Ok(r)) => {
                    let k = r.k;
                    view! {
                        <p class="hint" id="fairness-hint" data-applications=r.applications>
                            {move || session.t(T::FairnessHint).replace("{k}", &k.to_string())}
                        </p>
                        {r.dimensions.into_iter().map(|d| view! { <Dimension dimension=d /> }).collect_view()}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Dimension(dimension: DimensionRatesView) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let stages: Vec<_> =
        dimension.groups.first().map(|g| g.steps.iter().map(|s| s.stage).collect()).unwrap_or_default();
    let (label_it, label_en) = (dimension.label_it.clone(), dimension.label_en.clone());
    let caption = move || if lang() == Lang::It { label_it.clone() } else { label_en.clone() };
    view! {
        <div class="table-wrap">
            <table class="table fairness-table" data-dimension=dimension.dimension.clone()>
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">{move || session.t(T::Group)}</th>
                    <th scope="col" class="num">{move || session.t(T::Applicants)}</th>
                    {stages.into_iter().map(|s| view! {
                        <th scope="col" class="num">{move || i18n::application_stage(lang(), s)}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {dimension.groups.into_iter().map(|g| view! { <GroupRow group=g /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn GroupRow(group: GroupRatesView) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let name = group.group.clone();
    let applicants = group.applicants;
    view! {
        <tr data-group=group.group.clone() data-shown=applicants.is_some().to_string()>
            <th scope="row">{move || group_label(lang(), &name)}</th>
            <td class="num applicants">
                {move || applicants.map_or_else(|| session.t(T::FewerThanK).to_owned(), |n| n.to_string())}
            </td>
            {group.steps.into_iter().map(|s| {
                let flagged = s.flagged;
                view! {
                    <td class="num step" class:flagged=flagged data-stage=enum_name(&s.stage).unwrap_or_default()
                        data-flagged=flagged.to_string()>
                        {move || step_text(lang(), s.reached, s.rate)}
                        {flagged.then(|| view! { " " <span class="flag" title=move || session.t(T::FourFifthsFlag)>"⚠"</span> })}
                    </td>
                }
            }).collect_view()}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_read_in_both_languages_and_unknown_ones_as_sent() {
        assert_eq!(group_label(Lang::It, "international"), "Dall'estero");
        assert_eq!(group_label(Lang::En, "local"), "From Italy");
        assert_eq!(group_label(Lang::It, "yes"), "Sì");
        assert_eq!(group_label(Lang::En, "other"), "other");
    }

    #[test]
    fn a_small_group_shows_no_figures() {
        assert_eq!(step_text(Lang::It, Some(3), Some(0.5)), "50% (3)");
        assert_eq!(step_text(Lang::En, None, None), "—");
    }
}

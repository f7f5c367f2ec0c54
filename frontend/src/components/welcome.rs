//! The welcome path of an accepted application: the permit route of the case and the steps
//! after it, each with its official source and the day it was checked, in the reader's
//! language. The applicant ticks steps done (their ticks are theirs alone); the organisation
//! reads the same steps without any tick. Nothing shows when the application has none.

use crate::format;
use crate::i18n::T;
use crate::session::use_session;
use crocevia_api::{WelcomeChecklistView, WelcomeStepView};
use leptos::prelude::*;
use serde_json::json;

const STEP_FIELDS: &str = "id titleIt titleEn explanationIt explanationEn source checkedOn done routes";

fn checklist_query() -> String {
    format!(
        "query($a: ID!) {{ welcomeChecklist(application: $a) {{ applicationId route routeIt routeEn version checkedOn canTick steps {{ {STEP_FIELDS} }} }} }}"
    )
}

fn tick_query() -> String {
    format!(
        "mutation($a: ID!, $s: String!, $d: Boolean!) {{ tickWelcomeStep(application: $a, step: $s, done: $d) {{ applicationId route routeIt routeEn version checkedOn canTick steps {{ {STEP_FIELDS} }} }} }}"
    )
}

/// The host of a source address, as the link reads ("www.agenziaentrate.gov.it").
fn host(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).split(['/', '?', '#']).next().unwrap_or(url).to_owned()
}

#[component]
pub fn WelcomePath(application: String) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let checklist = RwSignal::new(None::<WelcomeChecklistView>);
    let error = RwSignal::new(String::new());
    let id = StoredValue::new(application);
    leptos::task::spawn_local(async move {
        let query = checklist_query();
        match session
            .call::<Option<WelcomeChecklistView>>(&query, json!({"a": id.get_value()}), "welcomeChecklist")
            .await
        {
            Ok(found) => checklist.set(found),
            Err(e) => error.set(e.summary()),
        }
    });
    let tick = move |step: String, done: bool| {
        leptos::task::spawn_local(async move {
            let query = tick_query();
            let vars = json!({"a": id.get_value(), "s": step, "d": done});
            match session.call::<WelcomeChecklistView>(&query, vars, "tickWelcomeStep").await {
                Ok(updated) => {
                    error.set(String::new());
                    checklist.set(Some(updated));
                }
                Err(e) => error.set(e.summary()),
            }
        });
    };
    view! {
        {move || checklist.get().map(|c| {
            let (route_it, route_en) = (c.route_it.clone(), c.route_en.clone());
            let (version, checked) = (c.version.clone(), c.checked_on.0);
            let can_tick = c.can_tick;
            view! {
                <section class="welcome-path" data-application=id.get_value() data-route=c.route.clone()>
                    <h2>{move || session.t(T::WelcomeTitle)}</h2>
                    <p class="welcome-route">
                        {move || session.t(T::WelcomeRoute)} ": "
                        <strong>{move || lang().pick(&route_it, &route_en).to_owned()}</strong>
                    </p>
                    <p class="hint welcome-version">
                        {move || session.t(T::WelcomeVersion)
                            .replace("{version}", &version)
                            .replace("{date}", &format::date(lang(), checked))}
                    </p>
                    <p class="hint">{move || session.t(if can_tick { T::WelcomeTicksMine } else { T::WelcomeTicksPrivate })}</p>
                    <ol class="welcome-steps">
                        {c.steps.into_iter().map(|s| view! { <Step step=s can_tick=can_tick tick=tick /> }).collect_view()}
                    </ol>
                </section>
            }
        })}
        <p class="error" role="alert">{move || error.get()}</p>
    }
}

#[component]
fn Step(
    step: WelcomeStepView,
    can_tick: bool,
    tick: impl Fn(String, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let WelcomeStepView { id, title_it, title_en, explanation_it, explanation_en, source, checked_on, done, .. } = step;
    let done = done.unwrap_or(false);
    let box_id = format!("welcome-{id}");
    let step_id = StoredValue::new(id.clone());
    let title = move || lang().pick(&title_it, &title_en).to_owned();
    let link_text = host(&source);
    view! {
        <li class="welcome-step" data-step=id.clone() data-done=done.to_string()>
            {if can_tick {
                view! {
                    <input type="checkbox" id=box_id.clone() prop:checked=done
                        on:change=move |ev| tick(step_id.get_value(), event_target_checked(&ev)) />
                    " " <label for=box_id class="welcome-step-title"><strong>{title}</strong></label>
                }.into_any()
            } else {
                view! { <strong class="welcome-step-title">{title}</strong> }.into_any()
            }}
            <p>{move || lang().pick(&explanation_it, &explanation_en).to_owned()}</p>
            <p class="hint welcome-source">
                {move || session.t(T::Source)} ": "
                <a href=source target="_blank" rel="noopener noreferrer">{link_text}</a>
                " · "
                <span class="checked-on">{move || session.t(T::VerifiedOn).replace("{date}", &format::date(lang(), checked_on.0))}</span>
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn a_source_reads_as_its_host() {
        assert_eq!(host("https://www.agenziaentrate.gov.it/portale/x?y=1"), "www.agenziaentrate.gov.it");
        assert_eq!(host("https://questure.poliziadistato.it"), "questure.poliziadistato.it");
    }
}

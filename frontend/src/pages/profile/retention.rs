//! The talent's consent to the 12-month check-in, and the check-ins open today: "do you still
//! live and work in the Torino area?", a year after a graduation or a hire.

use crate::api::Saved;
use crate::format;
use crate::i18n::T;
use crate::queries::{MY_CONSENTS, SET_CONSENT};
use crate::session::use_session;
use crocevia_api::{CheckInAnswer, CheckInKind, CheckInView, ConsentPurpose, ConsentView};
use leptos::prelude::*;
use serde_json::json;

const MY_CHECK_INS: &str = "query { myCheckIns { kind on dueOn institution application offerTitle employerName \
     answeredOn livesInArea worksInArea } }";
const ANSWER: &str = "mutation($answer: CheckInAnswer!) { answerCheckIn(answer: $answer) { id version } }";

/// The consent checkbox; once given, the open check-ins show below it.
#[component]
pub fn CheckInConsent() -> impl IntoView {
    let session = use_session();
    let granted = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    leptos::task::spawn_local(async move {
        if let Ok(list) = session.call::<Vec<ConsentView>>(MY_CONSENTS, json!({}), "myConsents").await {
            granted.set(list.iter().any(|c| c.purpose == ConsentPurpose::RetentionCheckIn && c.granted));
        }
    });
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        leptos::task::spawn_local(async move {
            let vars = json!({ "purpose": "RETENTION_CHECK_IN", "granted": on });
            match session.call::<Saved>(SET_CONSENT, vars, "setConsent").await {
                Ok(_) => {
                    granted.set(on);
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <section class="check-ins" aria-labelledby="check-ins-title">
            <h2 id="check-ins-title">{move || session.t(T::CheckIns)}</h2>
            <label class="check">
                <input type="checkbox" id="check-in-consent" prop:checked=move || granted.get() on:change=toggle />
                " " {move || session.t(T::CheckInConsent)}
            </label>
            <p class="field-error" role="alert">{move || error.get()}</p>
            {move || { reload.get(); view! { <CheckInList /> } }}
        </section>
    }
}

#[component]
fn CheckInList() -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(Vec::<CheckInView>::new());
    leptos::task::spawn_local(async move {
        if let Ok(found) = session.call::<Vec<CheckInView>>(MY_CHECK_INS, json!({}), "myCheckIns").await {
            list.set(found);
        }
    });
    view! {
        <ul class="check-in-list">
            {move || list.get().into_iter().enumerate().map(|(i, c)| view! { <CheckInCard index=i check_in=c /> }).collect_view()}
        </ul>
    }
}

#[component]
fn CheckInCard(index: usize, check_in: CheckInView) -> impl IntoView {
    let session = use_session();
    let (lives, works) = (RwSignal::new(true), RwSignal::new(true));
    let answered = RwSignal::new(check_in.answered_on);
    let error = RwSignal::new(None::<String>);
    let what = {
        let c = check_in.clone();
        move || {
            let lang = session.lang.get();
            match c.kind {
                CheckInKind::Graduation => format!(
                    "{} {} ({})",
                    session.t(T::CheckInGraduation),
                    c.institution.map(|i| lang.pick(i.labels()[0], i.labels()[1])).unwrap_or_default(),
                    format::date(lang, c.on.0)
                ),
                CheckInKind::Hire => format!(
                    "{} «{}» — {} ({})",
                    session.t(T::CheckInHire),
                    c.offer_title.clone().unwrap_or_default(),
                    c.employer_name.clone().unwrap_or_default(),
                    format::date(lang, c.on.0)
                ),
            }
        }
    };
    let send = {
        let c = check_in.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let answer = CheckInAnswer {
                kind: c.kind,
                institution: c.institution,
                graduated_on: (c.kind == CheckInKind::Graduation).then_some(c.on),
                application: c.application.clone(),
                lives_in_area: lives.get_untracked(),
                works_in_area: works.get_untracked(),
            };
            leptos::task::spawn_local(async move {
                match session.call::<Saved>(ANSWER, json!({ "answer": answer }), "answerCheckIn").await {
                    Ok(_) => answered.set(Some(crocevia_api::Date(format::today()))),
                    Err(e) => error.set(Some(e.summary())),
                }
            });
        }
    };
    let id = move |name: &str| format!("check-in-{index}-{name}");
    view! {
        <li class="check-in" data-kind=format!("{:?}", check_in.kind).to_lowercase()>
            <p class="check-in-what">{what}</p>
            <Show
                when=move || answered.get().is_none()
                fallback=move || view! {
                    <p class="check-in-done" role="status">
                        {session.t(T::CheckInAnswered)} " "
                        {answered.get().map(|d| format::date(session.lang.get(), d.0))}
                    </p>
                }
            >
                <form class="check-in-form" on:submit=send.clone()>
                    <label class="check"><input type="checkbox" id=id("lives") prop:checked=move || lives.get()
                        on:change=move |ev| lives.set(event_target_checked(&ev)) /> " " {move || session.t(T::CheckInLives)}</label>
                    <label class="check"><input type="checkbox" id=id("works") prop:checked=move || works.get()
                        on:change=move |ev| works.set(event_target_checked(&ev)) /> " " {move || session.t(T::CheckInWorks)}</label>
                    <button type="submit" class="primary" id=id("send")>{move || session.t(T::CheckInSend)}</button>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                </form>
            </Show>
        </li>
    }
}

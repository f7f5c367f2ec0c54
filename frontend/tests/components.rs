//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): each mounts a
//! component into the page and checks what a user would see and what assistive technology
//! would read.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use crocevia_frontend::api::{ApiError, ApiErrors};
use crocevia_frontend::components::{
    ApplicationRefusal, Explanation, Factor, Nav, Reason, TextInput, Verdict, VerdictBadge,
};
use crocevia_frontend::i18n::{Lang, T};
use crocevia_frontend::session::Session;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element in the page to mount into.
fn host() -> web_sys::HtmlElement {
    let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets the reactive system run its effects.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn texts(root: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.text_content().unwrap_or_default()).collect()
}

fn session(lang: Lang) -> Session {
    let s = Session::restore();
    s.set_lang(lang);
    s.log_out();
    s
}

fn factor(key: &str, weight: f64, value: f64) -> Factor {
    Factor { key: key.into(), weight, value, reason_it: format!("{key} it"), reason_en: format!("{key} en") }
}

#[wasm_bindgen_test]
async fn explanation_puts_the_strongest_factor_first_and_follows_the_language() {
    let root = host();
    let s = session(Lang::It);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        let factors = vec![factor("skills", 0.4, 0.5), factor("languages", 0.3, 1.0), factor("distance", 0.1, 0.2)];
        view! { <Explanation factors=factors /> }
    });
    settle().await;
    assert_eq!(texts(&root, ".factor-reason"), ["languages it", "skills it", "distance it"]);
    let bar = root.query_selector(".factor[data-key=skills] .bar").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-label").as_deref(), Some("50%"));
    assert_eq!(bar.get_attribute("role").as_deref(), Some("img"));

    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, ".factor-reason")[0], "languages en");
    assert_eq!(document().document_element().unwrap().get_attribute("lang").as_deref(), Some("en"));
}

#[wasm_bindgen_test]
async fn verdict_shows_status_and_reasons() {
    let root = host();
    let s = session(Lang::It);
    let verdict = Verdict {
        status: "ELIGIBLE_IF".into(),
        reasons: vec![Reason {
            rule: "legal_form_in".into(),
            it: "se si costituisce".into(),
            en: "if it incorporates".into(),
        }],
    };
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <VerdictBadge verdict=verdict /> }
    });
    settle().await;
    let badge = root.query_selector(".verdict").unwrap().unwrap();
    assert!(badge.class_list().contains("eligible-if"));
    assert_eq!(texts(&root, ".verdict strong"), [T::EligibleIf.get(Lang::It)]);
    assert_eq!(texts(&root, "li[data-rule=legal_form_in]"), ["se si costituisce"]);
    assert_eq!(texts(&root, ".verdict-lead"), [T::ConditionsToMeet.get(Lang::It)], "the conditions are named so");
    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, "li[data-rule=legal_form_in]"), ["if it incorporates"]);
    assert_eq!(texts(&root, ".verdict-lead"), ["Conditions to meet:"]);
}

fn refusal(reasons: &[(&str, &str, &str)]) -> ApiErrors {
    ApiErrors(vec![ApiError {
        code: "BAD_USER_INPUT".into(),
        message: "your startup is not eligible for this programme".into(),
        field: Some("target".into()),
        reasons: reasons
            .iter()
            .map(|(rule, it, en)| Reason { rule: (*rule).into(), it: (*it).into(), en: (*en).into() })
            .collect(),
    }])
}

#[wasm_bindgen_test]
async fn a_refused_application_shows_every_reason_in_the_readers_language() {
    let root = host();
    let s = session(Lang::It);
    let errors = refusal(&[
        ("founders", "il programma chiede: a guida femminile", "the programme asks for: female-led"),
        ("team_size", "team di 5 persone, ammesso 1–2", "team of 5, admitted 1–2"),
    ]);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <ApplicationRefusal errors=errors id="refused" /> }
    });
    settle().await;
    let box_ = root.query_selector("#refused").unwrap().unwrap();
    assert_eq!(box_.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(texts(&root, "#refused strong"), [T::ApplicationRefused.get(Lang::It)]);
    assert_eq!(
        texts(&root, "#refused li"),
        ["il programma chiede: a guida femminile", "team di 5 persone, ammesso 1–2"]
    );
    assert!(!box_.text_content().unwrap_or_default().contains(T::Applied.get(Lang::It)));
    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, "#refused li"), ["the programme asks for: female-led", "team of 5, admitted 1–2"]);
}

#[wasm_bindgen_test]
async fn a_refusal_without_reasons_still_says_the_application_was_not_sent() {
    let root = host();
    let s = session(Lang::En);
    let errors = refusal(&[]);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <ApplicationRefusal errors=errors /> }
    });
    settle().await;
    let text = texts(&root, ".refusal p").join(" ");
    assert!(text.starts_with("Application not sent") && text.contains("not eligible"), "{text}");
}

#[wasm_bindgen_test]
async fn an_api_error_appears_next_to_the_field_it_names() {
    let root = host();
    let s = session(Lang::En);
    let errors = RwSignal::new(ApiErrors::default());
    let value = RwSignal::new(String::new());
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! {
            <TextInput form="f" field="team_size" label=T::TeamSize value=value errors=errors kind="number" />
            <TextInput form="f" field="name" label=T::StartupName value=RwSignal::new(String::new()) errors=errors />
        }
    });
    settle().await;
    let input = root.query_selector("#f-team_size").unwrap().unwrap();
    let label = root.query_selector("label[for=f-team_size]").unwrap().unwrap();
    assert_eq!(label.text_content().as_deref(), Some("Team size"), "the control is labelled");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("false"));

    errors.set(ApiErrors(vec![ApiError {
        code: "BAD_USER_INPUT".into(),
        message: "must be between 1 and 10000".into(),
        field: Some("profile.startup.teamSize".into()),
        reasons: vec![],
    }]));
    settle().await;
    assert_eq!(texts(&root, "#f-team_size-error"), ["must be between 1 and 10000"]);
    assert_eq!(texts(&root, "#f-name-error"), [""], "only the named field shows it");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(input.get_attribute("aria-describedby").as_deref(), Some("f-team_size-error"));

    // Typing reaches the form's state.
    let el: web_sys::HtmlInputElement = input.unchecked_into();
    el.set_value("12");
    el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    assert_eq!(value.get_untracked(), "12");
}

#[wasm_bindgen_test]
async fn the_header_switches_language_and_offers_login_to_visitors() {
    let root = host();
    let s = session(Lang::It);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <Nav /> }
    });
    settle().await;
    let links = texts(&root, "nav a");
    assert!(links.contains(&"Accedi".to_owned()) && links.contains(&"Registrati".to_owned()), "{links:?}");
    let switch: web_sys::HtmlElement = root.query_selector("#lang-switch").unwrap().unwrap().unchecked_into();
    assert_eq!(switch.get_attribute("aria-label").as_deref(), Some("Switch to English"));
    switch.click();
    settle().await;
    assert_eq!(s.lang.get_untracked(), Lang::En);
    assert!(texts(&root, "nav a").contains(&"Log in".to_owned()));
    assert_eq!(
        web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("crocevia.lang").unwrap().as_deref(),
        Some("en"),
        "the choice is remembered"
    );
}

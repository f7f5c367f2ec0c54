//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): each mounts a
//! component into the page and checks what a user would see and what assistive technology
//! would read.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use crocevia_frontend::api::{ApiError, ApiErrors};
use crocevia_frontend::components::{
    ApplicationRefusal, Explanation, Factor, Nav, Reason, RubricEditor, TextInput, Verdict, VerdictBadge, rubric_input,
    rubric_rows,
};
use crocevia_frontend::i18n::{Lang, T};
use crocevia_frontend::pages::CohortFacts;
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
    // Its accessible name starts with its visible text (axe's label-content-name-mismatch).
    assert_eq!(switch.get_attribute("aria-label").as_deref(), Some("EN – Switch to English"));
    assert_eq!(switch.text_content().as_deref().map(str::trim), Some("EN"));
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

fn cohort_for_a_startup() -> crocevia_api::CohortView {
    use crocevia_api::{ApplicationStage, CohortView, Date, NamedView};
    let day = |m, d| Date(chrono::NaiveDate::from_ymd_opt(2027, m, d).unwrap());
    CohortView {
        programme_id: "p".into(),
        title: "AcceleraTO Deep Tech".into(),
        cohort_start: day(3, 1),
        cohort_end: day(7, 31),
        capacity: 2,
        members: vec![NamedView { id: "s1".into(), name: "Nebbia Robotics".into() }],
        waitlisted: 3,
        // A startup is not told who else waits.
        waitlist: vec![],
        my_stage: Some(ApplicationStage::Waitlisted),
        my_waitlist_position: Some(2),
    }
}

#[wasm_bindgen_test]
async fn a_startup_reads_its_cohort_and_its_place_on_the_waitlist_in_its_language() {
    let root = host();
    let s = session(Lang::It);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <CohortFacts cohort=cohort_for_a_startup() /> }
    });
    settle().await;
    assert_eq!(texts(&root, ".places"), ["occupati 1 su 2"]);
    assert_eq!(texts(&root, ".dates"), ["1 mar 2027 – 31 lug 2027"]);
    assert_eq!(texts(&root, ".my-stage"), ["In lista d'attesa"]);
    assert_eq!(texts(&root, ".my-position"), ["2"]);
    assert_eq!(texts(&root, ".cohort-members li"), ["Nebbia Robotics"]);
    assert!(root.query_selector(".waitlist").unwrap().is_none(), "no names on a startup's waitlist");
    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, ".places"), ["1 of 2 taken"]);
    assert_eq!(texts(&root, ".my-stage"), ["Waitlisted"]);
}

#[wasm_bindgen_test]
async fn an_organisation_member_finds_the_review_queue_and_their_account_in_the_header() {
    let root = host();
    let s = session(Lang::It);
    s.user.set(Some(crocevia_api::UserView {
        id: "u1".into(),
        email: "marco@i3p.example.org".into(),
        display_name: "Marco".into(),
        role: crocevia_domain::Role::Organisation,
        organisation_id: Some("o1".into()),
        locale: crocevia_domain::Locale::It,
    }));
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <Nav /> }
    });
    settle().await;
    let review = root.query_selector("nav a[href='#/reviews']").unwrap().unwrap();
    assert_eq!(review.text_content().as_deref(), Some("Da valutare"));
    let account = root.query_selector("nav a[href='#/account']").unwrap().unwrap();
    assert_eq!(account.text_content().as_deref(), Some("Il mio account"));
    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(review.text_content().as_deref(), Some("To review"));
}

#[wasm_bindgen_test]
async fn a_rubric_grows_by_a_criterion_and_typing_reaches_its_rows() {
    let root = host();
    let s = session(Lang::En);
    let rows = RwSignal::new(rubric_rows());
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <RubricEditor prefix="r".to_owned() rows=rows /> }
    });
    settle().await;
    assert_eq!(texts(&root, "label[for=r-rubric-0-criterion]"), ["Criterion"]);
    let add: web_sys::HtmlElement = root.query_selector("button.add-criterion").unwrap().unwrap().unchecked_into();
    add.click();
    settle().await;
    let points: web_sys::HtmlInputElement =
        root.query_selector("#r-rubric-1-points").unwrap().unwrap().unchecked_into();
    points.set_value("7");
    points.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    assert_eq!(rows.get_untracked()[1], (String::new(), "7".to_owned(), "10".to_owned()));
    assert_eq!(rubric_input(&rows.get_untracked())[1]["points"], 7);
}

//! Crocevia's web app: Leptos in client-side rendering, compiled to WebAssembly and served by
//! the gateway at `/`. It reaches the platform only through GraphQL (queries and mutations
//! over `fetch`, subscriptions over a WebSocket), in Italian and English.

pub mod api;
pub mod application_form;
pub mod components;
pub mod form;
pub mod format;
pub mod i18n;
pub mod live;
pub mod open_data;
pub mod pages;
pub mod queries;
pub mod route;
pub mod session;
pub mod storage;

use leptos::prelude::*;
use route::Route;
use session::Session;
use wasm_bindgen::prelude::*;

/// Entry point, called by `index.html` once the module is loaded.
#[wasm_bindgen]
pub fn run() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // index.html's "Loading…", shown until now.
    if let Some(placeholder) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot-placeholder"))
    {
        placeholder.remove();
    }
}

/// The page the location's fragment names.
fn current_route() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}

/// Opens a page (adds a history entry, as a link would).
pub fn navigate(route: &Route) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(route.href().trim_start_matches('#'));
    }
}

/// Moves the focus to the page's heading (or, before it is drawn, to the page itself), so a
/// screen reader announces the new page and Tab goes on from its top, not from `<body>`.
pub fn focus_heading() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let target = document.query_selector("main h1").ok().flatten().or_else(|| document.get_element_by_id("main"));
    if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        if !element.has_attribute("tabindex") {
            let _ = element.set_attribute("tabindex", "-1");
        }
        let _ = element.focus();
    }
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::restore();
    provide_context(session);
    leptos::task::spawn_local(async move { session.load_user().await });

    let route = RwSignal::new(current_route());
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        route.set(current_route());
        // A new page starts at its top, and its heading gets the focus for screen readers.
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
            let focus = Closure::once_into_js(focus_heading);
            let _ = w.set_timeout_with_callback(focus.unchecked_ref());
        }
    });
    if let Some(w) = web_sys::window() {
        w.set_onhashchange(Some(on_hash.as_ref().unchecked_ref()));
    }
    on_hash.forget();

    view! {
        <components::Nav />
        <main id="main" tabindex="-1">
            {move || pages::render(route.get())}
        </main>
        <footer class="site-footer">{move || session.t(i18n::T::Footer)}</footer>
    }
}

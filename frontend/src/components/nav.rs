//! The header: where to go for this kind of account, the language switch, log in and out.

use crate::i18n::T;
use crate::route::{Route, SearchQuery};
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn Nav() -> impl IntoView {
    let session = use_session();
    // On a phone the links fold behind "Menu" (the header stays one row); a link followed
    // folds them again.
    let menu_open = RwSignal::new(false);
    let link = move |route: Route, text: T| {
        view! { <li><a href=route.href() on:click=move |_| menu_open.set(false)>{move || session.t(text)}</a></li> }
    };
    let account_links = move || {
        let user = session.user.get();
        match user {
            None => view! {
                {link(Route::Login, T::Login)}
                {link(Route::Signup, T::Signup)}
            }
            .into_any(),
            Some(u) => {
                let own = if u.is_organisation() {
                    view! {
                        {link(Route::Postings, T::MyPostings)}
                        {link(Route::Applications, T::Applications)}
                        {link(Route::Reviews, T::ToReview)}
                        {link(Route::Account, T::MyAccount)}
                    }
                    .into_any()
                } else {
                    view! {
                        {link(Route::Profile, T::MyProfile)}
                        {link(Route::Matches, T::MyMatches)}
                        {link(Route::Applications, T::MyApplications)}
                        // A startup hires too: its jobs and internships.
                        {u.is_startup().then(|| link(Route::Postings, T::MyOffers))}
                        {link(Route::Account, T::MyAccount)}
                    }
                    .into_any()
                };
                view! {
                    {own}
                    <li>
                        <button type="button" class="link" id="logout" on:click=move |_| {
                            menu_open.set(false);
                            session.log_out();
                            crate::navigate(&Route::Home);
                        }>
                            {move || session.t(T::Logout)}
                            " ("
                            {u.display_name.clone()}
                            ")"
                        </button>
                    </li>
                }
                .into_any()
            }
        }
    };
    view! {
        <header class="site-header">
            // Pages live in the fragment: following `#main` would open a page called "main".
            <a class="skip" href="#main" on:click=move |ev| {
                ev.prevent_default();
                crate::focus_heading();
            }>{move || session.t(T::SkipToContent)}</a>
            <a class="brand" href="#/">{move || session.t(T::AppName)}</a>
            <div class="header-tools">
                <button
                    type="button"
                    id="lang-switch"
                    class="lang"
                    // The name starts with the visible text ("EN"), as speech input users say
                    // what they see (WCAG 2.5.3).
                    aria-label=move || format!("{} – {}", session.t(T::OtherLanguageShort), session.t(T::SwitchLanguage))
                    lang=move || session.lang.get().other().code()
                    on:click=move |_| session.set_lang(session.lang.get_untracked().other())
                >
                    {move || session.t(T::OtherLanguageShort)}
                </button>
                <button type="button" id="menu-toggle" class="menu-toggle" aria-controls="site-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)>
                    {move || session.t(T::Menu)}
                </button>
            </div>
            <nav id="site-nav" class:open=move || menu_open.get() aria-label=move || session.t(T::MainNav)>
                <ul>
                    {link(Route::Search(SearchQuery::default()), T::Search)}
                    {link(Route::Insights, T::Insights)}
                    {account_links}
                </ul>
            </nav>
        </header>
    }
}

//! The header: where to go for this kind of account, the language switch, log in and out.

use crate::i18n::T;
use crate::route::{Route, SearchQuery};
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn Nav() -> impl IntoView {
    let session = use_session();
    let link = move |route: Route, text: T| view! { <li><a href=route.href()>{move || session.t(text)}</a></li> };
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
                    }
                    .into_any()
                };
                view! {
                    {own}
                    <li>
                        <button type="button" class="link" id="logout" on:click=move |_| {
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
            <a class="skip" href="#main">{move || session.t(T::SkipToContent)}</a>
            <a class="brand" href="#/">{move || session.t(T::AppName)}</a>
            <nav aria-label=move || session.t(T::MainNav)>
                <ul>
                    {link(Route::Search(SearchQuery::default()), T::Search)}
                    {link(Route::Insights, T::Insights)}
                    {account_links}
                    <li>
                        <button
                            type="button"
                            id="lang-switch"
                            class="lang"
                            aria-label=move || session.t(T::SwitchLanguage)
                            lang=move || session.lang.get().other().code()
                            on:click=move |_| session.set_lang(session.lang.get_untracked().other())
                        >
                            {move || session.t(T::OtherLanguageShort)}
                        </button>
                    </li>
                </ul>
            </nav>
        </header>
    }
}

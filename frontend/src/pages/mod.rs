//! One module per page; `render` picks the page of a route.

mod account;
mod applications;
mod auth;
mod detail;
mod fairness;
mod home;
mod insights;
mod matches;
mod options;
mod postings;
mod profile;
mod ranking;
mod reviews;
mod search;
mod selection;
mod skills_gap;
mod skills_market;

pub use insights::InsightsReport;
pub use selection::CohortFacts;

use crate::i18n::T;
use crate::route::Route;
use crate::session::use_session;
use leptos::prelude::*;

pub fn render(route: Route) -> AnyView {
    match route {
        Route::Home => home::Home().into_any(),
        Route::Search(q) => view! { <search::SearchPage query=q /> }.into_any(),
        Route::Offer(id) => view! { <detail::Detail kind=detail::Kind::Offer id=id /> }.into_any(),
        Route::Programme(id) => view! { <detail::Detail kind=detail::Kind::Programme id=id /> }.into_any(),
        Route::Login => auth::Login().into_any(),
        Route::Signup => auth::Signup().into_any(),
        Route::Verify(token) => view! { <auth::Verify token=token /> }.into_any(),
        Route::Forgot => auth::Forgot().into_any(),
        Route::Reset(token) => view! { <auth::Reset token=token /> }.into_any(),
        Route::Profile => profile::ProfilePage().into_any(),
        Route::Matches => matches::MatchesPage().into_any(),
        Route::Applications => applications::ApplicationsPage().into_any(),
        Route::Postings => postings::Postings().into_any(),
        Route::NewOffer => view! { <postings::OfferForm id=None /> }.into_any(),
        Route::EditOffer(id) => view! { <postings::OfferForm id=Some(id) /> }.into_any(),
        Route::NewProgramme => view! { <postings::ProgrammeForm id=None /> }.into_any(),
        Route::EditProgramme(id) => view! { <postings::ProgrammeForm id=Some(id) /> }.into_any(),
        Route::Ranking(id) => view! { <ranking::Ranking id=id /> }.into_any(),
        Route::Selection(id) => view! { <selection::Selection id=id /> }.into_any(),
        Route::Reviews => reviews::ReviewsPage().into_any(),
        Route::Account => account::AccountPage().into_any(),
        Route::Insights => insights::InsightsPage().into_any(),
        Route::NotFound => view! { <Message text=T::NotFound /> }.into_any(),
    }
}

/// A page-sized message, as the page's heading (every page has one h1).
#[component]
pub fn Message(text: T) -> impl IntoView {
    let session = use_session();
    view! { <section class="message"><h1>{move || session.t(text)}</h1></section> }
}

/// Shows `children` to a logged-in user whose role passes `allowed`, else says why not.
#[component]
pub fn RequireRole(allowed: fn(&crate::session::User) -> bool, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    // The page is drawn again when who is allowed changes, not at every change of the user
    // signal (a changed password brings a new token for the same account).
    #[derive(Clone, PartialEq)]
    enum Gate {
        Loading,
        LogIn,
        Allowed(String),
        Refused,
    }
    let gate = Memo::new(move |_| match session.user.with(|u| u.as_ref().map(|u| (u.id.to_string(), allowed(u)))) {
        None if session.token.with(Option::is_some) => Gate::Loading,
        None => Gate::LogIn,
        Some((id, true)) => Gate::Allowed(id),
        Some((_, false)) => Gate::Refused,
    });
    move || match gate.get() {
        Gate::Loading => view! { <section class="message"><p>{move || session.t(T::Loading)}</p></section> }.into_any(),
        Gate::LogIn => view! {
            <section class="message">
                <h1>{move || session.t(T::LoginRequired)}</h1>
                <a class="button" href=Route::Login.href()>{move || session.t(T::Login)}</a>
            </section>
        }
        .into_any(),
        Gate::Allowed(_) => children().into_any(),
        Gate::Refused => view! { <Message text=T::Forbidden /> }.into_any(),
    }
}

//! For organisations: their offers and programmes; for startups: their offers (jobs and
//! internships); and the forms that post and edit them.

mod offer;
mod programme;

pub use offer::OfferForm;
pub use programme::ProgrammeForm;

use super::RequireRole;
use crate::api::{ApiErrors, Saved};
use crate::form::focus_first_error;
use crate::i18n::T;
use crate::queries::{ENTITY, EntityVariables, MY_POSTINGS};
use crate::route::Route;
use crate::session::use_session;
use crocevia_api::{EntityKind, EntityView, PostingView, Status};
use leptos::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

#[component]
pub fn Postings() -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation() || u.is_startup()>
            <PostingList />
        </RequireRole>
    }
}

/// What the list shows of a posting.
struct Line {
    id: String,
    title: String,
    open: bool,
    is_offer: bool,
}

impl From<PostingView> for Line {
    fn from(p: PostingView) -> Self {
        match p {
            PostingView::Offer(o) => {
                Line { id: o.id.to_string(), title: o.title, open: o.status == Status::Open, is_offer: true }
            }
            PostingView::Programme(p) => {
                Line { id: p.id.to_string(), title: p.title, open: p.status == Status::Open, is_offer: false }
            }
        }
    }
}

#[component]
fn PostingList() -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(None::<Vec<PostingView>>);
    let error = RwSignal::new(String::new());
    // A startup posts offers only (programmes are organisations').
    let startup = move || session.user.get().is_some_and(|u| u.is_startup());
    let refresh = move || {
        leptos::task::spawn_local(async move {
            match session.call::<Vec<PostingView>>(MY_POSTINGS, Value::Null, "myPostings").await {
                Ok(l) => list.set(Some(l)),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    refresh();
    let close = move |is_offer: bool, id: String| {
        leptos::task::spawn_local(async move {
            let op = if is_offer { "closeOffer" } else { "closeProgramme" };
            let query = format!("mutation($id: ID!) {{ {op}(id: $id) {{ id version }} }}");
            match session.call::<Saved>(&query, json!({"id": id}), op).await {
                Ok(_) => refresh(),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    view! {
        <section class="postings">
            <h1>{move || session.t(if startup() { T::MyOffers } else { T::MyPostings })}</h1>
            <p class="actions">
                <a class="button primary" id="new-offer" href=Route::NewOffer.href()>{move || session.t(T::NewOffer)}</a>
                {move || (!startup()).then(|| view! {
                    " "
                    <a class="button primary" id="new-programme" href=Route::NewProgramme.href()>{move || session.t(T::NewProgramme)}</a>
                })}
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || list.get().map(|l| view! {
                <ul class="posting-list">
                    {l.into_iter().map(Line::from).map(|Line { id, title, open, is_offer }| {
                        let (view_route, edit) = if is_offer {
                            (Route::Offer(id.clone()), Route::EditOffer(id.clone()))
                        } else {
                            (Route::Programme(id.clone()), Route::EditProgramme(id.clone()))
                        };
                        let ranking = Route::Ranking(id.clone());
                        let selection = (!is_offer).then(|| Route::Selection(id.clone()));
                        let closing = id.clone();
                        view! {
                            <li data-id=id data-kind=if is_offer { "OFFER" } else { "PROGRAMME" }>
                                <span class="hit-kind">{move || session.t(if is_offer { T::Offers } else { T::Programmes })}</span>
                                <a href=view_route.href()>{title}</a>
                                <span class="status">{move || session.t(if open { T::Open } else { T::Closed })}</span>
                                <a href=ranking.href()>{move || session.t(T::Ranking)}</a>
                                {selection.map(|r| view! { <a class="selection" href=r.href()>{move || session.t(T::Selection)}</a> })}
                                <a href=edit.href()>{move || session.t(T::Edit)}</a>
                                {open.then(|| view! {
                                    <button type="button" class="link" on:click=move |_| close(is_offer, closing.clone())>
                                        {move || session.t(T::Close)}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Loads a posting into a form, or leaves a new one empty; the signal tells when it is done.
fn load_posting(kind: EntityKind, id: Option<String>, apply: impl Fn(EntityView) + 'static) -> RwSignal<bool> {
    let session = use_session();
    let loaded = RwSignal::new(id.is_none());
    if let Some(id) = id {
        leptos::task::spawn_local(async move {
            if let Ok(v) = session.call::<EntityView>(ENTITY, EntityVariables { kind, id }, "entity").await {
                apply(v);
            }
            loaded.set(true);
        });
    }
    loaded
}

/// The variables of a posting's mutations: `id` and `expectedVersion` for an update only.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SaveVariables<I> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    input: I,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_version: Option<i64>,
}

/// Posts or updates an `Offer` or a `Programme` (`name`, as the API's mutations and input
/// types spell it) the form read and checked, then opens the ranking of the saved posting.
fn submit_posting<I: Serialize + 'static>(
    name: &'static str,
    input: Result<I, ApiErrors>,
    id: Option<String>,
    version: Option<i64>,
    errors: RwSignal<ApiErrors>,
    busy: RwSignal<bool>,
) {
    let session = use_session();
    let input = match input {
        Ok(i) => i,
        Err(e) => {
            errors.set(e);
            focus_first_error();
            return;
        }
    };
    busy.set(true);
    let arg = name.to_lowercase();
    let (op, query) = if id.is_some() {
        let op = format!("update{name}");
        let query = format!(
            "mutation($id: ID!, $input: {name}Input!, $expectedVersion: Int) \
             {{ {op}(id: $id, {arg}: $input, expectedVersion: $expectedVersion) {{ id version }} }}"
        );
        (op, query)
    } else {
        let op = format!("post{name}");
        (op.clone(), format!("mutation($input: {name}Input!) {{ {op}({arg}: $input) {{ id version }} }}"))
    };
    let variables = SaveVariables { id, input, expected_version: version };
    leptos::task::spawn_local(async move {
        match session.call::<Saved>(&query, variables, &op).await {
            Ok(saved) => crate::navigate(&Route::Ranking(saved.id)),
            Err(e) => {
                errors.set(e);
                focus_first_error();
            }
        }
        busy.set(false);
    });
}

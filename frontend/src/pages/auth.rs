//! Sign up (talent or startup) and log in.

use crate::api::{ApiError, ApiErrors};
use crate::components::{ErrorList, Labelled, field_id};
use crate::i18n::T;
use crate::route::Route;
use crate::session::{USER_FIELDS, User, use_session};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct AuthPayload {
    token: String,
    user: User,
}

const FORM: &str = "auth";

/// Where a fresh account goes first: talents and startups to their profile.
fn landing(user: &User) -> Route {
    if user.is_organisation() {
        Route::Postings
    } else if user.is_talent() || user.is_startup() {
        Route::Profile
    } else {
        Route::Home
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let query = format!(
            "mutation($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ token user {{ {USER_FIELDS} }} }} }}"
        );
        leptos::task::spawn_local(async move {
            let vars = json!({"email": email.get_untracked(), "password": password.get_untracked()});
            match session.call::<AuthPayload>(&query, vars, "login").await {
                Ok(p) => {
                    let next = landing(&p.user);
                    session.log_in(p.token, p.user);
                    crate::navigate(&next);
                }
                Err(e) => errors.set(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::Login)}</h1>
            <form on:submit=submit novalidate>
                <ErrorList errors=errors known=&["email", "password"] />
                <Labelled form=FORM field="email" label=T::Email errors=errors>
                    <input id=field_id(FORM, "email") type="email" autocomplete="username" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </Labelled>
                <Labelled form=FORM field="password" label=T::Password errors=errors>
                    <input id=field_id(FORM, "password") type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </Labelled>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || session.t(T::Login)}</button>
            </form>
            <p>{move || session.t(T::NoAccount)} " " <a href=Route::Signup.href()>{move || session.t(T::Signup)}</a></p>
        </section>
    }
}

#[component]
pub fn Signup() -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("TALENT".to_owned());
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rule as the server, said before the round trip.
        if password.get_untracked().chars().count() < 10 {
            errors.set(ApiErrors::one(ApiError {
                code: "BAD_USER_INPUT".into(),
                message: session.t(T::PasswordHint).into(),
                field: Some("input.password".into()),
            }));
            return;
        }
        busy.set(true);
        let query = format!(
            "mutation($input: RegisterInput!) {{ register(input: $input) {{ token user {{ {USER_FIELDS} }} }} }}"
        );
        leptos::task::spawn_local(async move {
            let locale = if session.lang.get_untracked() == crate::i18n::Lang::En { "EN" } else { "IT" };
            let vars = json!({"input": {
                "email": email.get_untracked(),
                "password": password.get_untracked(),
                "displayName": name.get_untracked(),
                "role": role.get_untracked(),
                "locale": locale,
            }});
            match session.call::<AuthPayload>(&query, vars, "register").await {
                Ok(p) => {
                    session.log_in(p.token, p.user);
                    crate::navigate(&Route::Profile);
                }
                Err(e) => errors.set(e),
            }
            busy.set(false);
        });
    };
    let role_choice = move |value: &'static str, label: T| {
        let id = format!("signup-role-{}", value.to_lowercase());
        view! {
            <div class="check">
                <input type="radio" name="role" id=id.clone() value=value
                    prop:checked=move || role.get() == value on:change=move |_| role.set(value.to_owned()) />
                <label for=id>{move || session.t(label)}</label>
            </div>
        }
    };
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::Signup)}</h1>
            <form on:submit=submit novalidate>
                <ErrorList errors=errors known=&["email", "password", "displayName"] />
                <fieldset>
                    <legend>{move || session.t(T::IAm)}</legend>
                    {role_choice("TALENT", T::RoleTalent)}
                    {role_choice("STARTUP", T::RoleStartup)}
                </fieldset>
                <Labelled form=FORM field="displayName" label=T::DisplayName errors=errors>
                    <input id=field_id(FORM, "displayName") type="text" autocomplete="name" required
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </Labelled>
                <Labelled form=FORM field="email" label=T::Email errors=errors>
                    <input id=field_id(FORM, "email") type="email" autocomplete="email" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </Labelled>
                <Labelled form=FORM field="password" label=T::Password errors=errors hint=T::PasswordHint>
                    <input id=field_id(FORM, "password") type="password" autocomplete="new-password" required minlength="10"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </Labelled>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || session.t(T::Signup)}</button>
            </form>
            <p>{move || session.t(T::HaveAccount)} " " <a href=Route::Login.href()>{move || session.t(T::Login)}</a></p>
        </section>
    }
}

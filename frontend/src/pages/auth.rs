//! Sign up (talent or startup) and confirm the address by its e-mailed link; log in; reset a
//! forgotten password by an e-mailed link.

use crate::api::{ApiError, ApiErrors};
use crate::components::{ErrorList, Labelled, field_id};
use crate::i18n::T;
use crate::route::Route;
use crate::session::{Session, USER_FIELDS, User, use_session};
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

/// Runs a mutation that answers a token (log in, a confirmation link, a reset link), then logs
/// in and opens the account's first page.
async fn enter(session: Session, query: &str, vars: serde_json::Value, field: &str) -> Result<(), ApiErrors> {
    let p = session.call::<AuthPayload>(query, vars, field).await?;
    let next = landing(&p.user);
    session.log_in(p.token, p.user);
    crate::navigate(&next);
    Ok(())
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
            if let Err(e) = enter(session, &query, vars, "login").await {
                errors.set(e);
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
            <p><a id="forgot-link" href=Route::Forgot.href()>{move || session.t(T::ForgotPassword)}</a></p>
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
    // The address the confirmation link went to, once sign-up answered.
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rule as the server, said before the round trip.
        if password.get_untracked().chars().count() < 10 {
            errors.set(ApiErrors::one(ApiError {
                code: "BAD_USER_INPUT".into(),
                message: session.t(T::PasswordHint).into(),
                field: Some("input.password".into()),
                reasons: Vec::new(),
            }));
            return;
        }
        busy.set(true);
        let query = "mutation($input: RegisterInput!) { register(input: $input) { email linkValidHours } }";
        leptos::task::spawn_local(async move {
            let locale = if session.lang.get_untracked() == crate::i18n::Lang::En { "EN" } else { "IT" };
            let vars = json!({"input": {
                "email": email.get_untracked(),
                "password": password.get_untracked(),
                "displayName": name.get_untracked(),
                "role": role.get_untracked(),
                "locale": locale,
            }});
            match session.call::<Registration>(query, vars, "register").await {
                Ok(r) => sent.set(Some(r.email)),
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
    let form = move || {
        view! {
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
        }
    };
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::Signup)}</h1>
            {move || match sent.get() {
                Some(address) => view! {
                    <div id="signup-sent" role="status">
                        <h2>{move || session.t(T::CheckInbox)}</h2>
                        <p class="address">{address}</p>
                        <p>{move || session.t(T::SignupSent)}</p>
                    </div>
                }
                .into_any(),
                None => form().into_any(),
            }}
            <p>{move || session.t(T::HaveAccount)} " " <a href=Route::Login.href()>{move || session.t(T::Login)}</a></p>
        </section>
    }
}

#[derive(Deserialize)]
struct Registration {
    email: String,
}

/// The link of a sign-up e-mail: confirms the address (which creates the account) and logs in.
#[component]
pub fn Verify(token: String) -> impl IntoView {
    let session = use_session();
    let failed = RwSignal::new(false);
    let query =
        format!("mutation($token: String!) {{ confirmEmail(token: $token) {{ token user {{ {USER_FIELDS} }} }} }}");
    leptos::task::spawn_local(async move {
        if enter(session, &query, json!({ "token": token }), "confirmEmail").await.is_err() {
            failed.set(true);
        }
    });
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::Signup)}</h1>
            {move || if failed.get() {
                view! {
                    <p id="verify-failed" role="alert">{move || session.t(T::ConfirmFailed)}</p>
                    <a class="button" href=Route::Signup.href()>{move || session.t(T::Signup)}</a>
                }
                .into_any()
            } else {
                view! { <p role="status">{move || session.t(T::Confirming)}</p> }.into_any()
            }}
        </section>
    }
}

/// Asks for a password-reset link. The answer is the same whether or not the address has an
/// account.
#[component]
pub fn Forgot() -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let query = "mutation($email: String!) { requestPasswordReset(email: $email) }";
            match session.call::<bool>(query, json!({ "email": email.get_untracked() }), "requestPasswordReset").await {
                Ok(_) => sent.set(true),
                Err(e) => errors.set(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::ResetTitle)}</h1>
            {move || if sent.get() {
                view! { <p id="forgot-sent" role="status">{move || session.t(T::ResetSent)}</p> }.into_any()
            } else {
                view! {
                    <form on:submit=submit novalidate>
                        <p>{move || session.t(T::ResetAsk)}</p>
                        <ErrorList errors=errors known=&["email"] />
                        <Labelled form=FORM field="email" label=T::Email errors=errors>
                            <input id=field_id(FORM, "email") type="email" autocomplete="username" required
                                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                        </Labelled>
                        <button type="submit" class="primary" disabled=move || busy.get()>{move || session.t(T::SendLink)}</button>
                    </form>
                }
                .into_any()
            }}
        </section>
    }
}

/// The link of a password-reset e-mail: choose a new password, then in.
#[component]
pub fn Reset(token: String) -> impl IntoView {
    let session = use_session();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let query = format!(
            "mutation($token: String!, $password: String!) {{ resetPassword(token: $token, newPassword: $password) {{ token user {{ {USER_FIELDS} }} }} }}"
        );
        leptos::task::spawn_local(async move {
            let vars = json!({ "token": token.get_value(), "password": password.get_untracked() });
            if let Err(e) = enter(session, &query, vars, "resetPassword").await {
                errors.set(e);
            }
            busy.set(false);
        });
    };
    let dead = move || errors.get().0.iter().any(|e| e.field.as_deref() == Some("token"));
    view! {
        <section class="auth narrow">
            <h1>{move || session.t(T::ResetTitle)}</h1>
            <Show when=dead>
                <p id="reset-failed" role="alert">{move || session.t(T::ResetFailed)} " "
                    <a href=Route::Forgot.href()>{move || session.t(T::SendLink)}</a></p>
            </Show>
            <form on:submit=submit novalidate>
                <ErrorList errors=errors known=&["newPassword", "token"] />
                <Labelled form=FORM field="newPassword" label=T::NewPassword errors=errors hint=T::PasswordHint>
                    <input id=field_id(FORM, "newPassword") type="password" autocomplete="new-password" required minlength="10"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </Labelled>
                <button type="submit" class="primary" disabled=move || busy.get()>{move || session.t(T::SetPassword)}</button>
            </form>
        </section>
    }
}

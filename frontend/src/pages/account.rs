//! "My account": who I am on the platform, my password and sessions, my consents, my data to
//! download and my account to erase. Organisation members also read their id here, which
//! whoever runs a programme puts on its review panel.

use super::RequireRole;
use crate::api::ApiErrors;
use crate::api::{ApiError, Saved};
use crate::components::TextInput;
use crate::i18n::{self, T};
use crate::queries::{MY_CONSENTS, SET_CONSENT};
use crate::route::Route;
use crate::session::{Session, USER_FIELDS, use_session};
use crocevia_api::wire::enum_name;
use crocevia_api::{ConsentPurpose, ConsentView};
use leptos::prelude::*;
use serde_json::{Value, json};

const FORM: &str = "account";
const CHANGE_PASSWORD: &str = "mutation($current: String!, $new: String!) {
    changePassword(currentPassword: $current, newPassword: $new) { token user { USER } } }";

/// Everything the platform holds about me, every field selected (GDPR Art. 15 and 20).
fn export_query() -> String {
    format!(
        "mutation {{ exportMyData {{ exportedAt user {{ {USER_FIELDS} }} talent {{ {} }} startup {{ {} }}
        applications {{ id version stage motivation history {{ stage at }} answers {{ key text choices number file }}
            hire {{ hiredOn checkInDueOn }} }}
        consents {{ id purpose granted at }} savedSearches {{ id name text kinds filters }}
        welcomeTicks {{ applicationId step tickedAt }} }} }}",
        crate::queries::TALENT_FIELDS,
        crate::queries::STARTUP_FIELDS
    )
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    // Read once: RequireRole draws the page again for another account, and a new token for
    // the same one (a changed password) keeps the page and what it says.
    view! {
        <RequireRole allowed=|_| true>
            {move || session.user.get_untracked().map(|u| {
                let role = u.role;
                let member = u.is_organisation();
                let person = u.is_talent() || u.is_startup();
                view! {
                    <section class="account narrow">
                        <h1>{move || session.t(T::MyAccount)}</h1>
                        <dl class="facts">
                            <dt>{move || session.t(T::DisplayName)}</dt>
                            <dd id="account-name">{u.display_name.clone()}</dd>
                            <dt>{move || session.t(T::Email)}</dt>
                            <dd id="account-email">{u.email.clone()}</dd>
                            <dt>{move || session.t(T::RoleLabel)}</dt>
                            <dd id="account-role">{move || i18n::role(session.lang.get(), role)}</dd>
                            <dt>{move || session.t(T::AccountId)}</dt>
                            <dd><code id="account-id" class="id">{u.id.to_string()}</code></dd>
                        </dl>
                        {member.then(|| view! { <p class="hint">{move || session.t(T::AccountIdHint)}</p> })}
                        <PasswordSection />
                        <SessionsSection />
                        {person.then(|| view! { <ConsentsSection talent=u.is_talent() /> })}
                        <MyDataSection />
                        <EraseSection email=u.email.clone() />
                    </section>
                }
            })}
        </RequireRole>
    }
}

/// A new password, with the current one; the other sessions end and this one goes on with
/// the new token the answer carries.
#[component]
fn PasswordSection() -> impl IntoView {
    let session = use_session();
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(ApiErrors::default());
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        leptos::task::spawn_local(async move {
            let query = CHANGE_PASSWORD.replace("USER", USER_FIELDS);
            let vars = json!({"current": current.get_untracked(), "new": new.get_untracked()});
            match session.call::<Value>(&query, vars, "changePassword").await {
                Ok(answer) => match (answer["token"].as_str(), serde_json::from_value(answer["user"].clone())) {
                    (Some(token), Ok(user)) => {
                        session.log_in(token.to_owned(), user);
                        errors.set(ApiErrors::default());
                        current.set(String::new());
                        new.set(String::new());
                        done.set(true);
                    }
                    _ => errors.set(ApiErrors::one(ApiError::network(session.t(T::UnexpectedAnswer)))),
                },
                Err(e) => errors.set(e),
            }
        });
    };
    view! {
        <section class="account-part" aria-labelledby="password-title">
            <h2 id="password-title">{move || session.t(T::ChangePassword)}</h2>
            <form id="password-form" novalidate on:submit=submit>
                <TextInput form=FORM field="currentPassword" label=T::CurrentPassword value=current errors=errors kind="password" />
                <TextInput form=FORM field="newPassword" label=T::NewPassword value=new errors=errors kind="password" />
                <p class="error" role="alert" id="password-error">
                    {move || errors.with(|e| e.general(&["currentPassword", "newPassword"]).join("; "))}
                </p>
                <button type="submit" class="primary" id="password-save">{move || session.t(T::ChangePassword)}</button>
                <p class="ok" role="status" id="password-changed">{move || done.get().then(|| session.t(T::PasswordChanged))}</p>
            </form>
        </section>
    }
}

/// Every session ends, this one too: a lost laptop's token stops working.
#[component]
fn SessionsSection() -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(String::new());
    let everywhere = move |_| {
        leptos::task::spawn_local(async move {
            match session.call::<bool>("mutation { logOutEverywhere }", json!({}), "logOutEverywhere").await {
                Ok(_) => {
                    session.log_out();
                    crate::navigate(&Route::Login);
                }
                Err(e) => error.set(e.summary()),
            }
        });
    };
    view! {
        <section class="account-part" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{move || session.t(T::Sessions)}</h2>
            <p class="hint">{move || session.t(T::LogOutEverywhereHint)}</p>
            <button type="button" id="logout-everywhere" on:click=everywhere>{move || session.t(T::LogOutEverywhere)}</button>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// The consents a talent or a startup gives, each withdrawn as easily as given.
#[component]
fn ConsentsSection(talent: bool) -> impl IntoView {
    let session = use_session();
    let held = RwSignal::new(Vec::<ConsentView>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = session.call::<Vec<ConsentView>>(MY_CONSENTS, json!({}), "myConsents").await {
            held.set(list);
        }
    });
    let mut purposes = vec![(ConsentPurpose::ContactSharing, T::ConsentContactSharing)];
    if talent {
        purposes.push((ConsentPurpose::RetentionCheckIn, T::CheckInConsent));
    }
    view! {
        <section class="account-part" aria-labelledby="consents-title">
            <h2 id="consents-title">{move || session.t(T::Consents)}</h2>
            {purposes.into_iter().map(|(purpose, label)| view! {
                <ConsentBox purpose=purpose label=label held=held />
            }).collect_view()}
        </section>
    }
}

#[component]
fn ConsentBox(purpose: ConsentPurpose, label: T, held: RwSignal<Vec<ConsentView>>) -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    // The GraphQL spelling (`CONTACT_SHARING`), and the box's id from it.
    let name = enum_name(&purpose).unwrap_or_default();
    let id = format!("consent-{}", name.to_lowercase().replace('_', "-"));
    let name = StoredValue::new(name);
    let granted = move || held.with(|l| l.iter().any(|c| c.purpose == purpose && c.granted));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        leptos::task::spawn_local(async move {
            let vars = json!({"purpose": name.get_value(), "granted": on});
            match session.call::<Saved>(SET_CONSENT, vars, "setConsent").await {
                Ok(_) => {
                    error.set(None);
                    if let Ok(list) = session.call::<Vec<ConsentView>>(MY_CONSENTS, json!({}), "myConsents").await {
                        held.set(list);
                    }
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <p class="check">
            <input type="checkbox" id=id.clone() prop:checked=granted on:change=toggle />
            <label for=id>{move || session.t(label)}</label>
        </p>
        <p class="field-error" role="alert">{move || error.get()}</p>
    }
}

/// Everything the platform holds about me, as a JSON file to keep.
#[component]
fn MyDataSection() -> impl IntoView {
    let session = use_session();
    let link = RwSignal::new(None::<String>);
    let error = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let export = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match session.call::<Value>(&export_query(), json!({}), "exportMyData").await {
                Ok(data) => match json_file(&data) {
                    Some(url) => {
                        link.set(Some(url));
                        error.set(String::new());
                    }
                    None => error.set(session.t(T::UnexpectedAnswer).to_owned()),
                },
                Err(e) => error.set(e.summary()),
            }
            busy.set(false);
        });
    };
    let file_name = move || format!("crocevia-{}.json", crate::format::today().format("%Y-%m-%d"));
    view! {
        <section class="account-part" aria-labelledby="my-data-title">
            <h2 id="my-data-title">{move || session.t(T::MyData)}</h2>
            <p class="hint">{move || session.t(T::MyDataHint)}</p>
            <button type="button" id="export-data" on:click=export disabled=move || busy.get()>{move || session.t(T::PrepareMyData)}</button>
            {move || link.get().map(|url| view! {
                " " <a class="button" id="export-link" href=url download=file_name()>{move || session.t(T::DownloadMyData)}</a>
            })}
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// `data` as a JSON file the browser can save: a `data:` URL (a person's export is a few
/// kilobytes; a `blob:` URL could not be read back under the page's `connect-src 'self'`).
fn json_file(data: &Value) -> Option<String> {
    let text = serde_json::to_string_pretty(data).ok()?;
    Some(format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(&text)))
}

/// Erasing cannot be undone: it asks for the account's e-mail first.
#[component]
fn EraseSection(email: String) -> impl IntoView {
    let session = use_session();
    let asking = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let email = StoredValue::new(email);
    let matches = move || typed.with(|t| t.trim().eq_ignore_ascii_case(&email.get_value()));
    let erase = move |_| {
        leptos::task::spawn_local(async move { erase_account(session, error).await });
    };
    view! {
        <section class="account-part danger" aria-labelledby="erase-title">
            <h2 id="erase-title">{move || session.t(T::EraseAccount)}</h2>
            <p class="hint">{move || session.t(T::EraseAccountHint)}</p>
            {move || if asking.get() {
                view! {
                    <label for="erase-confirm">{move || session.t(T::EraseTypeEmail)}</label>
                    <input id="erase-confirm" type="email" autocomplete="off" prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <p>
                        <button type="button" class="danger" id="erase-final" disabled=move || !matches() on:click=erase>
                            {move || session.t(T::EraseForever)}
                        </button>
                        " "
                        <button type="button" class="link" on:click=move |_| asking.set(false)>{move || session.t(T::Cancel)}</button>
                    </p>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="danger" id="erase-start" on:click=move |_| asking.set(true)>
                        {move || session.t(T::EraseAccount)}
                    </button>
                }.into_any()
            }}
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

async fn erase_account(session: Session, error: RwSignal<String>) {
    match session.call::<i64>("mutation { eraseMyData(confirm: true) }", json!({}), "eraseMyData").await {
        Ok(_) => {
            session.log_out();
            crate::navigate(&Route::Home);
        }
        Err(e) => error.set(e.summary()),
    }
}

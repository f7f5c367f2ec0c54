//! "My profile": the talent's or the startup's own profile, read into the API's input and
//! checked here with the server's own conversion, so every wrong field is marked at once,
//! then saved.

mod retention;
mod startup;
mod talent;

use super::RequireRole;
use crate::api::{ApiErrors, Saved};
use crate::form::focus_first_error;
use crate::i18n::T;
use crate::queries::MY_PROFILE;
use crate::session::use_session;
use crocevia_api::{ProfileInput, ProfileView};
use leptos::prelude::*;
use serde::Serialize;
use serde_json::Value;

const FORM: &str = "profile";

const SAVE: &str = "mutation($profile: ProfileInput!) { saveProfile(profile: $profile) { id version } }";

#[derive(Serialize)]
struct SaveVariables {
    profile: ProfileInput,
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireRole allowed=|u| u.is_talent() || u.is_startup()>
            {move || match session.user.get() {
                Some(u) if u.is_startup() => view! { <startup::StartupForm /> }.into_any(),
                _ => view! { <talent::TalentForm /> }.into_any(),
            }}
        </RequireRole>
    }
}

/// Loads my profile, if I saved one, into `apply`; the signal tells when it is done.
fn load_mine(apply: impl Fn(ProfileView) + 'static) -> RwSignal<bool> {
    let session = use_session();
    let loaded = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(Some(view)) = session.call::<Option<ProfileView>>(MY_PROFILE, Value::Null, "myProfile").await {
            apply(view);
        }
        loaded.set(true);
    });
    loaded
}

/// Saves a profile the form read and checked, or shows why it cannot be.
fn save(profile: Result<ProfileInput, ApiErrors>, errors: RwSignal<ApiErrors>, status: RwSignal<Option<T>>) {
    let session = use_session();
    let fail = move |e: ApiErrors| {
        errors.set(e);
        status.set(None);
        focus_first_error();
    };
    let profile = match profile {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    errors.set(ApiErrors::default());
    status.set(Some(T::Saving));
    leptos::task::spawn_local(async move {
        match session.call::<Saved>(SAVE, SaveVariables { profile }, "saveProfile").await {
            Ok(_) => status.set(Some(T::ProfileSaved)),
            Err(e) => fail(e),
        }
    });
}

#[component]
fn SaveBar(status: RwSignal<Option<T>>) -> impl IntoView {
    let session = use_session();
    view! {
        <div class="save-bar">
            <button type="submit" class="primary" id="profile-save">{move || session.t(T::Save)}</button>
            <p role="status" aria-live="polite" id="profile-status">{move || status.get().map(|t| session.t(t))}</p>
        </div>
    }
}

//! "My account": who I am on the platform. Organisation members read their id here, which
//! whoever runs a programme puts on its review panel (the platform lists no organisation's
//! members, so the id is passed on by hand).

use super::RequireRole;
use crate::i18n::{self, T};
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireRole allowed=|_| true>
            {move || session.user.get().map(|u| {
                let role = u.role;
                let member = u.is_organisation();
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
                    </section>
                }
            })}
        </RequireRole>
    }
}

//! Who is using the app and in which language, shared by every page through Leptos context.

use crate::api::{self, ApiErrors};
use crate::i18n::{Lang, T};
use crate::storage;
use leptos::prelude::*;
use serde_json::Value;

/// The signed-in user, as the API's `User` type.
pub type User = crocevia_api::UserView;

#[derive(Clone, Copy, Debug)]
pub struct Session {
    pub lang: RwSignal<Lang>,
    pub token: RwSignal<Option<String>>,
    pub user: RwSignal<Option<User>>,
}

pub const USER_FIELDS: &str = "id email displayName role organisationId locale";

impl Session {
    /// The remembered language, else the browser's, else Italian; and the remembered token.
    pub fn restore() -> Self {
        let lang = storage::get(storage::LANG)
            .and_then(|c| Lang::from_code(&c))
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()).and_then(|c| Lang::from_code(&c)))
            .unwrap_or_default();
        let session = Session {
            lang: RwSignal::new(lang),
            token: RwSignal::new(storage::get(storage::TOKEN)),
            user: RwSignal::new(None),
        };
        set_document_lang(lang);
        session
    }

    pub fn t(&self, t: T) -> &'static str {
        t.get(self.lang.get())
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        storage::set(storage::LANG, Some(lang.code()));
        set_document_lang(lang);
    }

    pub fn token(&self) -> Option<String> {
        self.token.get_untracked()
    }

    pub fn log_in(&self, token: String, user: User) {
        storage::set(storage::TOKEN, Some(&token));
        self.token.set(Some(token));
        self.user.set(Some(user));
    }

    pub fn log_out(&self) {
        storage::set(storage::TOKEN, None);
        self.token.set(None);
        self.user.set(None);
    }

    /// Runs an operation with the session's token; an expired or revoked token logs out.
    pub async fn call<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        variables: impl serde::Serialize,
        field: &str,
    ) -> Result<T, ApiErrors> {
        let token = self.token();
        let result = api::fetch(query, variables, token.as_deref(), field).await;
        if let Err(e) = &result
            && e.has_code("UNAUTHENTICATED")
            && token.is_some()
        {
            self.log_out();
        }
        result
    }

    /// Loads the account behind a remembered token.
    pub async fn load_user(&self) {
        if self.token().is_none() {
            return;
        }
        let query = format!("query {{ me {{ {USER_FIELDS} }} }}");
        if let Ok(user) = self.call::<User>(&query, Value::Null, "me").await {
            self.user.set(Some(user));
        }
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

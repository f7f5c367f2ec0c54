//! Rows of a language and its CEFR level, for profiles and offers.

use crate::api::ApiErrors;
use crate::components::key_of;
use crate::i18n::{self, T};
use crate::session::use_session;
use crocevia_api::{Cefr, LanguageLevel};
use leptos::prelude::*;

const COMMON_LANGUAGES: [&str; 11] = ["it", "en", "fr", "de", "es", "pt", "zh", "ar", "hi", "ru", "ro"];

/// Languages as the editor's rows: the code and the level's key (`B2`, `native`).
pub fn language_rows(languages: &[LanguageLevel]) -> Vec<(String, String)> {
    languages.iter().map(|l| (l.language.clone(), key_of(&l.level))).collect()
}

/// Rows of language and CEFR level.
#[component]
pub fn LanguagesEditor(
    form: &'static str,
    rows: RwSignal<Vec<(String, String)>>,
    errors: RwSignal<ApiErrors>,
) -> impl IntoView {
    let session = use_session();
    view! {
        <fieldset class="field languages" class:invalid=move || errors.with(|e| e.for_field("languages").is_some())>
            <legend>{move || session.t(T::Languages)}</legend>
            {move || {
                let lang = session.lang.get();
                (0..rows.with(Vec::len)).map(|i| {
                    let (code, level) = rows.with_untracked(|r| r[i].clone());
                    let code_id = format!("{form}-language-{i}");
                    let level_id = format!("{form}-level-{i}");
                    view! {
                        <div class="language-row">
                            <label for=code_id.clone() class="visually-hidden">{session.t(T::Language)}</label>
                            <select id=code_id on:change=move |ev| rows.update(|r| r[i].0 = event_target_value(&ev))>
                                {COMMON_LANGUAGES.iter().map(|c| view! {
                                    <option value=*c selected=code == *c>{i18n::language_name(lang, c)}</option>
                                }).collect_view()}
                            </select>
                            <label for=level_id.clone() class="visually-hidden">{session.t(T::Level)}</label>
                            <select id=level_id on:change=move |ev| rows.update(|r| r[i].1 = event_target_value(&ev))>
                                {Cefr::ALL.iter().map(|c| {
                                    let key = key_of(c);
                                    view! { <option value=key.clone() selected=level == key>{i18n::cefr(lang, *c)}</option> }
                                }).collect_view()}
                            </select>
                            <button type="button" class="link" on:click=move |_| rows.update(|r| { r.remove(i); })>
                                {session.t(T::Remove)}
                            </button>
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" id=format!("{form}-add-language")
                on:click=move |_| rows.update(|r| r.push(("en".into(), "B2".into())))>
                {move || session.t(T::AddLanguage)}
            </button>
            <p class="field-error" role="alert">{move || errors.with(|e| e.for_field("languages"))}</p>
        </fieldset>
    }
}

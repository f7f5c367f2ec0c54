//! Labelled form controls whose error, from the API or from validation, sits next to them
//! and is announced to screen readers.

use crate::api::ApiErrors;
use crate::i18n::T;
use crate::session::use_session;
use leptos::prelude::*;

/// The DOM id of a form field's control; its error has the id with `-error`.
pub fn field_id(form: &str, field: &str) -> String {
    // A nested field ("residence.city") gets an id without the dot, usable as a CSS selector.
    format!("{form}-{}", field.replace('.', "-"))
}

/// The error the API or the validator gave for `field`, in an element the control points at
/// with `aria-describedby`.
#[component]
pub fn FieldError(form: &'static str, field: &'static str, errors: RwSignal<ApiErrors>) -> impl IntoView {
    let message = move || errors.with(|e| e.for_field(field));
    view! {
        <p class="field-error" id=format!("{}-error", field_id(form, field)) role="alert" aria-live="polite">
            {message}
        </p>
    }
}

/// A label, one control and its error. The control must use `id=field_id(form, field)`.
#[component]
pub fn Labelled(
    form: &'static str,
    field: &'static str,
    label: T,
    errors: RwSignal<ApiErrors>,
    #[prop(optional)] hint: Option<T>,
    #[prop(default = true)] show_hint: bool,
    children: Children,
) -> impl IntoView {
    let session = use_session();
    let hint = hint.filter(|_| show_hint);
    let invalid = move || errors.with(|e| e.for_field(field).is_some());
    view! {
        <div class="field" class:invalid=invalid>
            <label for=field_id(form, field)>{move || session.t(label)}</label>
            {children()}
            {hint.map(|h| view! { <p class="hint">{move || session.t(h)}</p> })}
            <FieldError form=form field=field errors=errors />
        </div>
    }
}

/// A checkbox with its label after it.
#[component]
pub fn Check(id: String, label: T, checked: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    view! {
        <div class="check">
            <input
                type="checkbox"
                id=id.clone()
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=id>{move || session.t(label)}</label>
        </div>
    }
}

/// Errors no field claims, at the top of a form.
#[component]
pub fn ErrorList(errors: RwSignal<ApiErrors>, known: &'static [&'static str]) -> impl IntoView {
    let session = use_session();
    let general = move || errors.with(|e| e.general(known));
    let has_field_errors = move || errors.with(|e| e.0.len() > e.general(known).len());
    view! {
        <div class="form-errors" role="alert" aria-live="assertive">
            <Show when=has_field_errors>
                <p class="error">{move || session.t(T::FixErrors)}</p>
            </Show>
            {move || general().into_iter().map(|m| view! { <p class="error">{m}</p> }).collect_view()}
        </div>
    }
}

/// The comuni of the metro area, Torino first; `allow_none` adds "outside the area".
#[component]
pub fn ComuneSelect(
    id: String,
    value: RwSignal<String>,
    #[prop(optional)] none_label: Option<T>,
    #[prop(optional)] described_by: Option<String>,
) -> impl IntoView {
    let session = use_session();
    let mut comuni: Vec<_> = crocevia_domain::place::all().iter().collect();
    comuni[1..].sort_by(|a, b| a.name.cmp(b.name));
    view! {
        <select
            id=id
            aria-describedby=described_by
            prop:value=move || value.get()
            on:change=move |ev| value.set(event_target_value(&ev))
        >
            {none_label.map(|l| view! { <option value="">{move || session.t(l)}</option> })}
            {comuni
                .into_iter()
                .map(|c| view! { <option value=c.id selected=move || value.get() == c.id>{c.name}</option> })
                .collect_view()}
        </select>
    }
}

/// Options of a choice: `(value, label)` in a language.
pub type Options = fn(crate::i18n::Lang) -> Vec<(String, String)>;

/// A labelled text-like input (`text`, `email`, `number`, `date`, `url`).
#[component]
pub fn TextInput(
    form: &'static str,
    field: &'static str,
    label: T,
    value: RwSignal<String>,
    errors: RwSignal<ApiErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<T>,
    /// The id of a `<datalist>` the browser completes the text from.
    #[prop(optional)]
    list: Option<String>,
) -> impl IntoView {
    let id = field_id(form, field);
    view! {
        <Labelled form=form field=field label=label errors=errors hint=hint.unwrap_or(T::AppName) show_hint=hint.is_some()>
            <input
                id=id.clone()
                name=field
                type=kind
                list=list
                aria-describedby=format!("{id}-error")
                aria-invalid=move || errors.with(|e| e.for_field(field).is_some()).to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </Labelled>
    }
}

#[component]
pub fn TextArea(
    form: &'static str,
    field: &'static str,
    label: T,
    value: RwSignal<String>,
    errors: RwSignal<ApiErrors>,
) -> impl IntoView {
    let id = field_id(form, field);
    view! {
        <Labelled form=form field=field label=label errors=errors>
            <textarea
                id=id.clone()
                name=field
                rows="4"
                aria-describedby=format!("{id}-error")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </Labelled>
    }
}

/// One of several values, as a select.
#[component]
pub fn Choice(
    form: &'static str,
    field: &'static str,
    label: T,
    value: RwSignal<String>,
    errors: RwSignal<ApiErrors>,
    options: Options,
) -> impl IntoView {
    let session = use_session();
    let id = field_id(form, field);
    view! {
        <Labelled form=form field=field label=label errors=errors>
            <select
                id=id.clone()
                name=field
                aria-describedby=format!("{id}-error")
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {move || {
                    options(session.lang.get())
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = value.get_untracked() == v;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </Labelled>
    }
}

/// Any number of values, as checkboxes in a fieldset.
#[component]
pub fn MultiChoice(
    form: &'static str,
    field: &'static str,
    label: T,
    values: RwSignal<Vec<String>>,
    errors: RwSignal<ApiErrors>,
    options: Options,
) -> impl IntoView {
    let session = use_session();
    view! {
        <fieldset class="field multi" class:invalid=move || errors.with(|e| e.for_field(field).is_some())>
            <legend>{move || session.t(label)}</legend>
            <div class="multi-options">
                {move || {
                    options(session.lang.get())
                        .into_iter()
                        .map(|(v, l)| {
                            let id = format!("{}-{v}", field_id(form, field));
                            let v2 = v.clone();
                            view! {
                                <span class="check">
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        value=v.clone()
                                        prop:checked=move || values.with(|s| s.contains(&v))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            values.update(|s| {
                                                s.retain(|x| *x != v2);
                                                if on {
                                                    s.push(v2.clone());
                                                }
                                            });
                                        }
                                    />
                                    <label for=id>{l}</label>
                                </span>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <FieldError form=form field=field errors=errors />
        </fieldset>
    }
}

/// The serde name of a domain enum value (`OfferKind::PhdPosition` → `phd_position`).
pub fn key_of<E: serde::Serialize>(value: &E) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Options from a list of domain enum values and their labels.
pub fn enum_options<E: serde::Serialize + Copy>(
    values: &[E],
    lang: crate::i18n::Lang,
    label: fn(crate::i18n::Lang, E) -> &'static str,
) -> Vec<(String, String)> {
    values.iter().map(|v| (key_of(v), label(lang, *v).to_owned())).collect()
}

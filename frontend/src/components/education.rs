//! A talent's degrees: rows of institution (from the list, or named), level, ISCED-F field,
//! course and graduation day.

use crate::api::ApiErrors;
use crate::components::key_of;
use crate::form::{FormReader, date_text};
use crate::i18n::{Lang, T};
use crate::session::use_session;
use crocevia_api::{DegreeLevel, Education, Institution, StudyField};
use leptos::prelude::*;

/// One row of the editor, as the form holds it: storage keys and texts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EducationRow {
    pub institution: String,
    pub institution_name: String,
    pub level: String,
    pub field: String,
    pub course: String,
    pub graduated_on: String,
}

impl EducationRow {
    fn new() -> Self {
        Self {
            institution: key_of(&Institution::Polito),
            level: key_of(&DegreeLevel::Master),
            field: key_of(&StudyField::Engineering),
            ..Self::default()
        }
    }
}

pub fn education_rows(list: &[Education]) -> Vec<EducationRow> {
    list.iter()
        .map(|e| EducationRow {
            institution: key_of(&e.institution),
            institution_name: e.institution_name.clone().unwrap_or_default(),
            level: key_of(&e.level),
            field: key_of(&e.field),
            course: e.course.clone(),
            graduated_on: date_text(Some(e.graduated_on)),
        })
        .collect()
}

/// The rows as the API's input; a bad or missing value is reported on its field
/// (`education[1].graduatedOn`).
pub fn education_input(f: &mut FormReader, rows: &[EducationRow]) -> Vec<Education> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let field = |name: &str| format!("education[{i}].{name}");
            let name = r.institution_name.trim();
            Education {
                institution: f.choice(&field("institution"), &r.institution, Institution::OtherItaly),
                institution_name: (!name.is_empty()).then(|| name.to_owned()),
                level: f.choice(&field("level"), &r.level, DegreeLevel::Other),
                field: f.choice(&field("field"), &r.field, StudyField::Services),
                course: r.course.trim().to_owned(),
                graduated_on: f.required_date(&field("graduatedOn"), &r.graduated_on),
            }
        })
        .collect()
}

fn pick(lang: Lang, [it, en]: [&'static str; 2]) -> &'static str {
    lang.pick(it, en)
}

/// A select of a keyed enum's values, the row's current one selected.
fn select<E: serde::Serialize + Copy + 'static>(
    id: String,
    values: &'static [E],
    labels: fn(E) -> [&'static str; 2],
    current: String,
    lang: Lang,
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| on_change(event_target_value(&ev))>
            {values.iter().map(|v| {
                let key = key_of(v);
                view! { <option value=key.clone() selected=current == key>{pick(lang, labels(*v))}</option> }
            }).collect_view()}
        </select>
    }
}

/// The rows re-render when one is added, removed or changes institution (which may ask for a
/// name); typing in a text or date field only updates the value, so the field keeps its focus.
#[component]
pub fn EducationEditor(
    form: &'static str,
    rows: RwSignal<Vec<EducationRow>>,
    errors: RwSignal<ApiErrors>,
) -> impl IntoView {
    let session = use_session();
    let error =
        move |i: usize, name: &'static str| move || errors.with(|e| e.for_field(&format!("education[{i}].{name}")));
    view! {
        <fieldset class="field education" class:invalid=move || errors.with(|e| e.for_field("education").is_some())>
            <legend>{move || session.t(T::Education)}</legend>
            {move || {
                let lang = session.lang.get();
                (0..rows.with(Vec::len)).map(|i| {
                    let row = rows.with_untracked(|r| r[i].clone());
                    let id = move |name: &str| format!("{form}-education-{i}-{name}");
                    let named = Institution::from_key(&row.institution).is_some_and(Institution::needs_name);
                    view! {
                        <div class="education-row" data-row=i>
                            <label for=id("institution")>{session.t(T::Institution)}</label>
                            {select(id("institution"), Institution::ALL, Institution::labels, row.institution.clone(), lang,
                                move |v| rows.update(|r| r[i].institution = v))}
                            <Show when=move || named>
                                <label for=id("name")>{session.t(T::InstitutionName)}</label>
                                <input id=id("name") type="text" prop:value=row.institution_name.clone()
                                    on:input=move |ev| rows.update_untracked(|r| r[i].institution_name = event_target_value(&ev)) />
                                <p class="field-error" role="alert">{error(i, "institutionName")}</p>
                            </Show>
                            <label for=id("level")>{session.t(T::DegreeLevel)}</label>
                            {select(id("level"), DegreeLevel::ALL, DegreeLevel::labels, row.level.clone(), lang,
                                move |v| rows.update(|r| r[i].level = v))}
                            <label for=id("field")>{session.t(T::StudyField)}</label>
                            {select(id("field"), StudyField::ALL, StudyField::labels, row.field.clone(), lang,
                                move |v| rows.update(|r| r[i].field = v))}
                            <label for=id("course")>{session.t(T::Course)}</label>
                            <input id=id("course") type="text" prop:value=row.course.clone()
                                on:input=move |ev| rows.update_untracked(|r| r[i].course = event_target_value(&ev)) />
                            <label for=id("graduated")>{session.t(T::GraduatedOn)}</label>
                            <input id=id("graduated") type="date" prop:value=row.graduated_on.clone()
                                on:change=move |ev| rows.update_untracked(|r| r[i].graduated_on = event_target_value(&ev)) />
                            <p class="field-error" role="alert">{error(i, "graduatedOn")}</p>
                            <button type="button" class="link" on:click=move |_| rows.update(|r| { r.remove(i); })>
                                {session.t(T::Remove)}
                            </button>
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" id=format!("{form}-add-education") on:click=move |_| rows.update(|r| r.push(EducationRow::new()))>
                {move || session.t(T::AddEducation)}
            </button>
        </fieldset>
    }
}

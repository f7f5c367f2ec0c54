//! A programme's application form: the organisation's builder rows, the startup's answers
//! (from what the inputs hold to `AnswerInput`s, and back from a saved draft), and answers
//! shown to reviewers with the questions' labels, a file answer as an authenticated download.

use crate::api::{self, ApiError, ApiErrors};
use crate::components::key_of;
use crate::form::{FormReader, number_text};
use crate::format;
use crate::i18n::{Lang, T};
use crate::session::{Session, use_session};
use crocevia_api::{AnswerInput, AnswerView, Choice, Id, Question};
use crocevia_domain::QuestionKind;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Every kind of question, in the order the builder offers them.
pub const KINDS: [QuestionKind; 7] = [
    QuestionKind::ShortText,
    QuestionKind::LongText,
    QuestionKind::SingleChoice,
    QuestionKind::MultipleChoice,
    QuestionKind::Number,
    QuestionKind::Url,
    QuestionKind::File,
];

pub fn kind_label(lang: Lang, kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::ShortText => lang.pick("Testo breve", "Short text"),
        QuestionKind::LongText => lang.pick("Testo lungo", "Long text"),
        QuestionKind::SingleChoice => lang.pick("Scelta singola", "Single choice"),
        QuestionKind::MultipleChoice => lang.pick("Scelta multipla", "Multiple choice"),
        QuestionKind::Number => lang.pick("Numero", "Number"),
        QuestionKind::Url => lang.pick("Indirizzo web (URL)", "Web address (URL)"),
        QuestionKind::File => lang.pick("File PDF", "PDF file"),
    }
}

fn is_choice(kind: QuestionKind) -> bool {
    matches!(kind, QuestionKind::SingleChoice | QuestionKind::MultipleChoice)
}

fn is_text(kind: QuestionKind) -> bool {
    matches!(kind, QuestionKind::ShortText | QuestionKind::LongText)
}

// ---------------------------------------------------------------------------------------
// The builder.

/// One question as the builder's inputs hold it; options one per line, `key | it | en`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuestionText {
    pub key: String,
    pub kind: String,
    pub label_it: String,
    pub label_en: String,
    pub required: bool,
    pub options: String,
    pub max_chars: String,
    pub min: String,
    pub max: String,
    pub max_bytes: String,
}

impl QuestionText {
    pub fn blank() -> Self {
        Self { kind: key_of(&QuestionKind::ShortText), ..Self::default() }
    }

    pub fn of(q: &Question) -> Self {
        Self {
            key: q.key.clone(),
            kind: key_of(&q.kind),
            label_it: q.label_it.clone(),
            label_en: q.label_en.clone(),
            required: q.required,
            options: q
                .options
                .iter()
                .map(|o| format!("{} | {} | {}", o.key, o.label_it, o.label_en))
                .collect::<Vec<_>>()
                .join("\n"),
            max_chars: number_text(q.max_chars),
            min: number_text(q.min),
            max: number_text(q.max),
            max_bytes: number_text(q.max_bytes),
        }
    }

    pub fn kind(&self) -> QuestionKind {
        crocevia_api::wire::parse_enum(&self.kind).unwrap_or(QuestionKind::ShortText)
    }

    /// The question to send, its fields named `form[i].…` as the server names them; the
    /// bounds that do not belong to its kind are left out.
    pub fn read(&self, f: &mut FormReader, i: usize) -> Question {
        let at = |name: &str| format!("form[{i}].{name}");
        let kind = f.choice(&at("kind"), &self.kind, QuestionKind::ShortText);
        let options = if is_choice(kind) {
            self.options
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|line| {
                    let mut parts = line.split('|').map(str::trim);
                    let key = parts.next().unwrap_or_default().to_owned();
                    let label_it = parts.next().filter(|p| !p.is_empty()).unwrap_or(&key).to_owned();
                    let label_en = parts.next().filter(|p| !p.is_empty()).unwrap_or(&label_it).to_owned();
                    Choice { key, label_it, label_en }
                })
                .collect()
        } else {
            Vec::new()
        };
        let number = kind == QuestionKind::Number;
        Question {
            key: f.required(&at("key"), &self.key),
            kind,
            label_it: f.required(&at("labelIt"), &self.label_it),
            label_en: f.required(&at("labelEn"), &self.label_en),
            required: self.required,
            options,
            max_chars: if is_text(kind) { f.number(&at("maxChars"), &self.max_chars) } else { None },
            min: if number { f.number(&at("min"), &self.min) } else { None },
            max: if number { f.number(&at("max"), &self.max) } else { None },
            max_bytes: if kind == QuestionKind::File { f.number(&at("maxBytes"), &self.max_bytes) } else { None },
        }
    }
}

/// The builder's rows: a stable id (for the list's keys and DOM ids) and the row's text.
pub type Rows = RwSignal<Vec<(u32, RwSignal<QuestionText>)>>;

/// Rows for a loaded form.
pub fn rows_of(form: &[Question], next: &mut u32) -> Vec<(u32, RwSignal<QuestionText>)> {
    form.iter()
        .map(|q| {
            *next += 1;
            (*next, RwSignal::new(QuestionText::of(q)))
        })
        .collect()
}

/// The organisation's form builder: questions added, removed and reordered, each with its
/// kind, Italian and English labels, whether it is required, options for choices and the
/// bounds of its kind; the server's errors about a question (`programme.form[i].…`) sit
/// next to it.
#[component]
pub fn FormBuilder(rows: Rows, errors: RwSignal<ApiErrors>) -> impl IntoView {
    let session = use_session();
    let next = StoredValue::new(1_000_u32);
    let add = move |_| {
        next.update_value(|n| *n += 1);
        let uid = next.get_value();
        rows.update(|r| r.push((uid, RwSignal::new(QuestionText::blank()))));
    };
    let position = move |uid: u32| rows.with(|r| r.iter().position(|(u, _)| *u == uid));
    let shift = move |uid: u32, up: bool| {
        rows.update(|r| {
            if let Some(i) = r.iter().position(|(u, _)| *u == uid) {
                let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < r.len()) };
                if let Some(j) = j {
                    r.swap(i, j);
                }
            }
        });
    };
    view! {
        <fieldset class="form-builder" id="form-builder">
            <legend>{move || session.t(T::ApplicationFormTitle)}</legend>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="hint">{move || session.t(T::NoQuestions)}</p>
            </Show>
            <ol class="questions">
                <For each=move || rows.get() key=|(uid, _)| *uid children=move |(uid, row)| {
                    let id = move |name: &str| format!("question-{uid}-{name}");
                    let kind = move || row.with(QuestionText::kind);
                    let messages = move || position(uid).map(|i| errors.with(|e| question_errors(e, i))).unwrap_or_default();
                    let text = move |label: T, name: &'static str, get: fn(&QuestionText) -> String, set: fn(&mut QuestionText, String), input_kind: &'static str| {
                        let input_id = id(name);
                        view! {
                            <div class="field">
                                <label for=input_id.clone()>{move || session.t(label)}</label>
                                <input id=input_id type=input_kind prop:value=move || row.with(get)
                                    on:input=move |ev| row.update(|q| set(q, event_target_value(&ev))) />
                            </div>
                        }
                    };
                    view! {
                        <li class="question-row" data-index=move || position(uid).unwrap_or_default()
                            class:invalid=move || !messages().is_empty()>
                            {text(T::QuestionKey, "key", |q| q.key.clone(), |q, v| q.key = v, "text")}
                            <div class="field">
                                <label for=id("kind")>{move || session.t(T::QuestionKindLabel)}</label>
                                <select id=id("kind") on:change=move |ev| row.update(|q| q.kind = event_target_value(&ev))>
                                    {move || KINDS.iter().map(|k| {
                                        let value = key_of(k);
                                        let selected = row.with_untracked(|q| q.kind == value);
                                        view! { <option value=value selected=selected>{kind_label(session.lang.get(), *k)}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            {text(T::LabelIt, "label_it", |q| q.label_it.clone(), |q, v| q.label_it = v, "text")}
                            {text(T::LabelEn, "label_en", |q| q.label_en.clone(), |q, v| q.label_en = v, "text")}
                            <div class="check">
                                <input type="checkbox" id=id("required") prop:checked=move || row.with(|q| q.required)
                                    on:change=move |ev| row.update(|q| q.required = event_target_checked(&ev)) />
                                <label for=id("required")>{move || session.t(T::QuestionRequired)}</label>
                            </div>
                            <Show when=move || is_choice(kind())>
                                <div class="field">
                                    <label for=id("options")>{move || session.t(T::QuestionOptions)}</label>
                                    <textarea id=id("options") rows="3" prop:value=move || row.with(|q| q.options.clone())
                                        on:input=move |ev| row.update(|q| q.options = event_target_value(&ev))></textarea>
                                </div>
                            </Show>
                            <Show when=move || is_text(kind())>
                                {text(T::MaxChars, "max_chars", |q| q.max_chars.clone(), |q, v| q.max_chars = v, "number")}
                            </Show>
                            <Show when=move || kind() == QuestionKind::Number>
                                {text(T::Min, "min", |q| q.min.clone(), |q, v| q.min = v, "number")}
                                {text(T::Max, "max", |q| q.max.clone(), |q, v| q.max = v, "number")}
                            </Show>
                            <Show when=move || kind() == QuestionKind::File>
                                {text(T::MaxBytes, "max_bytes", |q| q.max_bytes.clone(), |q, v| q.max_bytes = v, "number")}
                            </Show>
                            <ul class="field-error" role="alert">{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                            <p class="row-actions">
                                <button type="button" class="move-up" on:click=move |_| shift(uid, true)>{move || session.t(T::MoveUp)}</button>
                                " "
                                <button type="button" class="move-down" on:click=move |_| shift(uid, false)>{move || session.t(T::MoveDown)}</button>
                                " "
                                <button type="button" class="remove-question" on:click=move |_| rows.update(|r| r.retain(|(u, _)| *u != uid))>
                                    {move || session.t(T::Remove)}
                                </button>
                            </p>
                        </li>
                    }
                } />
            </ol>
            <button type="button" id="add-question" on:click=add>{move || session.t(T::AddQuestion)}</button>
        </fieldset>
    }
}

/// Whether an API field path (`programme.form[2].options[0].key`) is about question `i`.
pub fn is_question_field(path: &str, i: usize) -> bool {
    let inside = path.strip_prefix("programme.").unwrap_or(path);
    let head = format!("form[{i}]");
    inside.strip_prefix(&head).is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The messages of the errors about question `i`, each with the part it names.
pub fn question_errors(errors: &ApiErrors, i: usize) -> Vec<String> {
    errors
        .0
        .iter()
        .filter_map(|e| {
            let field = e.field.as_deref()?;
            is_question_field(field, i).then(|| {
                let part = field.rsplit_once('.').map(|(_, p)| p).filter(|p| !p.starts_with("form["));
                part.map_or_else(|| e.message.clone(), |p| format!("{p}: {}", e.message))
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The startup's answers.

/// A file answer once uploaded: its id, name and size.
#[derive(Clone, Debug, PartialEq)]
pub struct Uploaded {
    pub id: String,
    pub name: String,
    pub bytes: f64,
}

/// What a question's inputs hold: text (text, URL and number questions), chosen option
/// keys, or an uploaded file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnswerState {
    pub text: String,
    pub choices: Vec<String>,
    pub file: Option<Uploaded>,
}

impl AnswerState {
    /// A saved answer back in the inputs.
    pub fn of(a: &AnswerView) -> Self {
        Self {
            text: a.text.clone().or_else(|| a.number.map(|n| n.to_string())).unwrap_or_default(),
            choices: a.choices.clone().unwrap_or_default(),
            file: a.file.as_ref().map(|id| Uploaded {
                id: id.as_str().to_owned(),
                name: id.as_str().to_owned(),
                bytes: a.file_bytes.unwrap_or_default(),
            }),
        }
    }
}

pub type Answers = BTreeMap<String, AnswerState>;

/// The answers to send: one per question answered (a blank one is left out, and the server
/// asks for the required ones when the startup applies); a number that does not parse is
/// named under `answers.<key>`, as the server names its errors.
pub fn answer_inputs(form: &[Question], answers: &Answers, lang: Lang) -> Result<Vec<AnswerInput>, ApiErrors> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for q in form {
        let Some(a) = answers.get(&q.key) else { continue };
        let mut input = AnswerInput { key: q.key.clone(), text: None, choices: None, number: None, file: None };
        let text = a.text.trim();
        match q.kind {
            QuestionKind::ShortText | QuestionKind::LongText | QuestionKind::Url if !text.is_empty() => {
                input.text = Some(text.to_owned());
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice if !a.choices.is_empty() => {
                input.choices = Some(a.choices.clone());
            }
            QuestionKind::Number if !text.is_empty() => match text.replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => input.number = Some(n),
                _ => {
                    errors.push(ApiError {
                        code: "BAD_USER_INPUT".into(),
                        message: format!("{}: {text:?}", lang.pick("Valore non valido", "Invalid value")),
                        field: Some(format!("answers.{}", q.key)),
                        reasons: Vec::new(),
                    });
                    continue;
                }
            },
            QuestionKind::File if a.file.is_some() => {
                input.file = a.file.as_ref().map(|f| Id::from(f.id.clone()));
            }
            _ => continue,
        }
        out.push(input);
    }
    if errors.is_empty() { Ok(out) } else { Err(ApiErrors(errors)) }
}

/// The message for question `key` (`answers.team`, `answers.team.number`, `answers[0]`
/// does not count: the server names answers by key).
pub fn answer_error(errors: &ApiErrors, key: &str) -> Option<String> {
    let head = format!("answers.{key}");
    errors
        .0
        .iter()
        .find(|e| {
            e.field.as_deref().is_some_and(|f| {
                f.strip_prefix(&head)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
            })
        })
        .map(|e| e.message.clone())
}

/// Errors that no question claims.
pub fn unclaimed(errors: &ApiErrors, form: &[Question]) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|e| !form.iter().any(|q| answer_error(&ApiErrors(vec![(*e).clone()]), &q.key).is_some()))
        .map(|e| e.message.clone())
        .collect()
}

/// The questions of a form as inputs, one per kind; required ones are marked, and the
/// server's message for each is shown under it.
#[component]
pub fn FormQuestions(
    form: Vec<Question>,
    answers: RwSignal<Answers>,
    errors: RwSignal<ApiErrors>,
    disabled: bool,
) -> impl IntoView {
    let session = use_session();
    form.into_iter()
        .map(|q| view! { <FormQuestion q=q answers=answers errors=errors disabled=disabled session=session /> })
        .collect_view()
}

#[component]
fn FormQuestion(
    q: Question,
    answers: RwSignal<Answers>,
    errors: RwSignal<ApiErrors>,
    disabled: bool,
    session: Session,
) -> impl IntoView {
    let lang = move || session.lang.get();
    let key = StoredValue::new(q.key.clone());
    let id = format!("answer-{}", q.key);
    let error_id = format!("{id}-error");
    let (label_it, label_en) = (q.label_it.clone(), q.label_en.clone());
    let label = move || lang().pick(&label_it, &label_en).to_owned();
    let state = move || answers.with(|a| a.get(&key.get_value()).cloned().unwrap_or_default());
    let set_text = move |v: String| answers.update(|a| a.entry(key.get_value()).or_default().text = v);
    let error = move || errors.with(|e| answer_error(e, &key.get_value()));
    let required = q.required;
    let upload_status = RwSignal::new(None::<Result<(), String>>);
    let input = match q.kind {
        QuestionKind::ShortText | QuestionKind::Url | QuestionKind::Number => {
            let kind = match q.kind {
                QuestionKind::Url => "url",
                QuestionKind::Number => "number",
                _ => "text",
            };
            let max = q.max_chars.map(|m| m.to_string());
            let (min_n, max_n) = (q.min.map(|m| m.to_string()), q.max.map(|m| m.to_string()));
            view! {
                <input id=id.clone() type=kind maxlength=max min=min_n max=max_n step="any" required=required disabled=disabled
                    aria-describedby=error_id.clone() aria-invalid=move || error().is_some().to_string()
                    prop:value=move || state().text on:input=move |ev| set_text(event_target_value(&ev)) />
            }
            .into_any()
        }
        QuestionKind::LongText => {
            let max = q.max_chars.map(|m| m.to_string());
            view! {
                <textarea id=id.clone() rows="4" maxlength=max required=required disabled=disabled
                    aria-describedby=error_id.clone() aria-invalid=move || error().is_some().to_string()
                    prop:value=move || state().text on:input=move |ev| set_text(event_target_value(&ev))></textarea>
            }
            .into_any()
        }
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let multiple = q.kind == QuestionKind::MultipleChoice;
            let kind = if multiple { "checkbox" } else { "radio" };
            let name = id.clone();
            q.options
                .iter()
                .map(|o| {
                    let option = StoredValue::new(o.key.clone());
                    let (it, en) = (o.label_it.clone(), o.label_en.clone());
                    let option_id = format!("{id}-{}", o.key);
                    let toggle = move |checked: bool| {
                        answers.update(|a| {
                            let choices = &mut a.entry(key.get_value()).or_default().choices;
                            let o = option.get_value();
                            if !multiple {
                                choices.clear();
                            }
                            choices.retain(|c| *c != o);
                            if checked {
                                choices.push(o);
                            }
                        });
                    };
                    view! {
                        <label class="check" for=option_id.clone()>
                            <input id=option_id.clone() type=kind name=name.clone() value=o.key.clone() disabled=disabled
                                prop:checked=move || state().choices.contains(&option.get_value())
                                on:change=move |ev| toggle(event_target_checked(&ev)) />
                            " " {move || lang().pick(&it, &en).to_owned()}
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionKind::File => {
            let on_change = move |ev: leptos::ev::Event| {
                let Some(input) =
                    ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                else {
                    return;
                };
                let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
                upload_status.set(None);
                let file = send_wrapper::SendWrapper::new(file);
                leptos::task::spawn_local(async move {
                    let token = session.token();
                    match api::upload_file(&file, token.as_deref()).await {
                        Ok(f) => {
                            answers.update(|a| {
                                a.entry(key.get_value()).or_default().file =
                                    Some(Uploaded { id: f.id.as_str().to_owned(), name: f.name, bytes: f.bytes });
                            });
                            upload_status.set(Some(Ok(())));
                        }
                        Err(e) => upload_status.set(Some(Err(e.summary()))),
                    }
                });
            };
            view! {
                <input id=id.clone() type="file" accept="application/pdf,.pdf" disabled=disabled
                    aria-describedby=error_id.clone() on:change=on_change />
                <p class="uploaded" id=format!("{id}-file") role="status">
                    {move || state().file.map(|f| format!("{} · {}", f.name, file_size(lang(), f.bytes)))}
                    {move || match upload_status.get() {
                        Some(Err(e)) => Some(view! { <span class="error" role="alert">{e}</span> }),
                        _ => None,
                    }}
                </p>
            }
            .into_any()
        }
    };
    let label_for = (!is_choice(q.kind)).then(|| id.clone());
    view! {
        <div class="field question" data-key=q.key.clone() class:invalid=move || error().is_some()>
            <label for=label_for>
                {label}
                {required.then(|| view! { <span class="required" title=move || session.t(T::RequiredQuestion)>" *"</span> })}
            </label>
            {input}
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    }
}

/// A size in bytes as people read it (KB and MB, 1024-based as browsers show files).
pub fn file_size(lang: Lang, bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{} MB", format::number(lang, bytes / 1024.0 / 1024.0, 1))
    } else if bytes >= 1024.0 {
        format!("{} KB", format::number(lang, bytes / 1024.0, 1))
    } else {
        format!("{} B", format::number(lang, bytes, 0))
    }
}

// ---------------------------------------------------------------------------------------
// Answers as the organisation and its reviewers read them.

/// The text of an answer in a language: an option's label, a number, or none for a file
/// (which is a download link) or an answer held back.
pub fn answer_text(lang: Lang, question: Option<&Question>, a: &AnswerView) -> Option<String> {
    let option = |key: &String| {
        question
            .and_then(|q| q.options.iter().find(|o| o.key == *key))
            .map_or_else(|| key.clone(), |o| lang.pick(&o.label_it, &o.label_en).to_owned())
    };
    if let Some(text) = &a.text {
        Some(text.clone())
    } else if let Some(choices) = &a.choices {
        Some(choices.iter().map(option).collect::<Vec<_>>().join(", "))
    } else {
        a.number.map(|n| format::number(lang, n, if n.fract() == 0.0 { 0 } else { 2 }))
    }
}

/// One answer, under its question's label in the current language.
pub fn answer_row(session: Session, questions: &[Question], a: &AnswerView) -> impl IntoView + use<> {
    let lang = session.lang.get();
    let question = questions.iter().find(|q| q.key == a.key);
    let label = question.map_or_else(|| a.key.clone(), |q| lang.pick(&q.label_it, &q.label_en).to_owned());
    let value = match (answer_text(lang, question, a), &a.file) {
        (Some(text), _) => text.into_any(),
        (None, Some(file)) => {
            let id = file.as_str().to_owned();
            let name = format!("{}.pdf", a.key);
            let size = a.file_bytes.map(|b| format!(" ({})", file_size(lang, b))).unwrap_or_default();
            view! { <DownloadLink id=id name=name /> {size} }.into_any()
        }
        (None, None) => session.t(T::AnswerWithheld).into_any(),
    };
    view! {
        <dt data-key=a.key.clone()>{label}</dt>
        <dd data-key=a.key.clone()>{value}</dd>
    }
}

/// A file fetched with the session's token and saved through a Blob URL.
#[component]
pub fn DownloadLink(id: String, name: String) -> impl IntoView {
    let session = use_session();
    let failed = RwSignal::new(None::<String>);
    let (id_v, name_v) = (StoredValue::new(id.clone()), StoredValue::new(name));
    let click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let token = session.token();
            let result = api::download_file(&id_v.get_value(), &name_v.get_value(), token.as_deref()).await;
            failed.set(result.err().map(|e| e.summary()));
        });
    };
    view! {
        <a href=format!("/api/v1/files/{id}") class="download" data-file=id on:click=click>{move || session.t(T::DownloadFile)}</a>
        {move || failed.get().map(|e| view! { " " <span class="error" role="alert">{e}</span> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(key: &str, kind: QuestionKind, required: bool) -> Question {
        Question {
            key: key.into(),
            kind,
            label_it: key.into(),
            label_en: key.into(),
            required,
            options: Vec::new(),
            max_chars: None,
            min: None,
            max: None,
            max_bytes: None,
        }
    }

    fn state(text: &str) -> AnswerState {
        AnswerState { text: text.into(), ..AnswerState::default() }
    }

    #[test]
    fn answers_take_the_field_their_kind_needs_and_blanks_are_left_out() {
        let form = vec![
            question("pitch", QuestionKind::LongText, false),
            question("team", QuestionKind::Number, true),
            question("sector", QuestionKind::SingleChoice, false),
            question("deck", QuestionKind::File, true),
            question("site", QuestionKind::Url, false),
        ];
        let mut answers = Answers::new();
        answers.insert("pitch".into(), state("  We build  "));
        answers.insert("team".into(), state("4,5"));
        answers.insert("sector".into(), AnswerState { choices: vec!["ai".into()], ..AnswerState::default() });
        answers.insert(
            "deck".into(),
            AnswerState {
                file: Some(Uploaded { id: "f1".into(), name: "d.pdf".into(), bytes: 9.0 }),
                ..AnswerState::default()
            },
        );
        answers.insert("site".into(), state(" "));
        let inputs = answer_inputs(&form, &answers, Lang::En).unwrap();
        assert_eq!(inputs.len(), 4, "{inputs:?}");
        assert_eq!(inputs[0].text.as_deref(), Some("We build"));
        assert_eq!(inputs[1].number, Some(4.5));
        assert_eq!(inputs[2].choices.as_deref(), Some(&["ai".to_owned()][..]));
        assert_eq!(inputs[3].file, Some(Id::from("f1".to_owned())));
        assert!(inputs.iter().all(|i| i.key != "site"));
    }

    #[test]
    fn a_number_that_does_not_parse_is_named_like_the_server_names_it() {
        let form = vec![question("team", QuestionKind::Number, true)];
        let answers = Answers::from([("team".to_owned(), state("four"))]);
        let e = answer_inputs(&form, &answers, Lang::It).unwrap_err();
        assert_eq!(e.0[0].field.as_deref(), Some("answers.team"));
        assert!(answer_error(&e, "team").unwrap().starts_with("Valore non valido"));
        assert_eq!(answer_error(&e, "tea"), None);
        assert!(unclaimed(&e, &form).is_empty());
    }

    #[test]
    fn a_draft_goes_back_into_the_inputs() {
        let a = AnswerView {
            key: "team".into(),
            text: None,
            choices: None,
            number: Some(3.0),
            file: None,
            file_bytes: None,
        };
        assert_eq!(AnswerState::of(&a).text, "3");
        let f = AnswerView {
            key: "deck".into(),
            text: None,
            choices: None,
            number: None,
            file: Some(Id::from("f9".to_owned())),
            file_bytes: Some(2048.0),
        };
        assert_eq!(AnswerState::of(&f).file.map(|u| (u.id, u.bytes)), Some(("f9".to_owned(), 2048.0)));
        assert_eq!(file_size(Lang::En, 2048.0), "2.0 KB");
    }

    #[test]
    fn builder_rows_read_into_questions_with_only_their_kinds_bounds() {
        let mut row = QuestionText::blank();
        row.key = "stage".into();
        row.kind = key_of(&QuestionKind::SingleChoice);
        row.label_it = "Fase".into();
        row.label_en = "Stage".into();
        row.options = "idea | Idea\nmvp | Prodotto minimo | MVP\n".into();
        row.min = "3".into();
        let mut f = FormReader::new("programme", Lang::En);
        let q = row.read(&mut f, 0);
        assert_eq!(q.options.len(), 2);
        assert_eq!((q.options[0].label_it.as_str(), q.options[0].label_en.as_str()), ("Idea", "Idea"));
        assert_eq!(q.options[1].label_en, "MVP");
        assert_eq!(q.min, None);
        assert_eq!(QuestionText::of(&q).options, "idea | Idea | Idea\nmvp | Prodotto minimo | MVP");

        let mut blank = QuestionText::blank();
        blank.kind = key_of(&QuestionKind::Number);
        blank.min = "x".into();
        let _ = blank.read(&mut f, 1);
        let e = f.finish((), |()| Ok::<_, crocevia_domain::ValidationErrors>(())).unwrap_err();
        assert_eq!(question_errors(&e, 0), Vec::<String>::new());
        let messages = question_errors(&e, 1);
        assert!(messages.iter().any(|m| m.starts_with("key:")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("min:")), "{messages:?}");
        assert!(is_question_field("programme.form[0].options", 0));
        assert!(!is_question_field("programme.form[10]", 1));
    }
}

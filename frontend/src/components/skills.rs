//! Picks skill concepts from the platform's bilingual taxonomy: type in Italian or English,
//! choose with the mouse or the keyboard (arrows, Enter, Escape), remove with the chip's button.

use crate::i18n::T;
use crate::session::use_session;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    pub id: String,
    pub label_it: String,
    pub label_en: String,
    #[serde(default)]
    pub category: String,
}

const QUERY: &str =
    "query($q: String!, $ids: [String!]!) { skills(query: $q, ids: $ids, limit: 8) { id labelIt labelEn category } }";

#[component]
pub fn SkillsPicker(id: String, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let suggestions = RwSignal::new(Vec::<Skill>::new());
    let active = RwSignal::new(0usize);
    let labels = RwSignal::new(HashMap::<String, Skill>::new());
    let asked = StoredValue::new(0u32);
    let listbox = format!("{id}-options");

    // Labels for what the profile already holds.
    Effect::new(move |_| {
        let missing: Vec<String> =
            selected.get().into_iter().filter(|s| !labels.with_untracked(|l| l.contains_key(s))).collect();
        if missing.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = session.call::<Vec<Skill>>(QUERY, json!({"q": "", "ids": missing}), "skills").await {
                labels.update(|l| l.extend(found.into_iter().map(|s| (s.id.clone(), s))));
            }
        });
    });

    let look_up = move |q: String| {
        asked.update_value(|n| *n += 1);
        let ticket = asked.get_value();
        if q.trim().is_empty() {
            suggestions.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let found =
                session.call::<Vec<Skill>>(QUERY, json!({"q": q, "ids": []}), "skills").await.unwrap_or_default();
            // Answers can arrive out of order; only the newest question's answer shows.
            if asked.get_value() == ticket {
                active.set(0);
                suggestions.set(found);
            }
        });
    };

    let choose = move |skill: Skill| {
        let id = skill.id.clone();
        labels.update(|l| {
            l.insert(id.clone(), skill);
        });
        selected.update(|s| {
            if !s.contains(&id) {
                s.push(id);
            }
        });
        text.set(String::new());
        suggestions.set(Vec::new());
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = suggestions.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % n);
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + n - 1) % n);
            }
            "Enter" if n > 0 => {
                ev.prevent_default();
                if let Some(s) = suggestions.with(|s| s.get(active.get_untracked()).cloned()) {
                    choose(s);
                }
            }
            "Escape" => suggestions.set(Vec::new()),
            _ => {}
        }
    };

    let label_of = move |id: &str| {
        let lang = session.lang.get();
        labels.with(|l| l.get(id).map(|s| lang.pick(&s.label_it, &s.label_en).to_owned())).unwrap_or_else(|| id.into())
    };
    let option_id = {
        let listbox = listbox.clone();
        move |i: usize| format!("{listbox}-{i}")
    };
    let option_id2 = option_id.clone();

    view! {
        <div class="skills-picker">
            <ul class="chips" aria-label=move || session.t(T::Skills)>
                {move || {
                    selected
                        .get()
                        .into_iter()
                        .map(|sid| {
                            let name = label_of(&sid);
                            let remove_label = format!("{} {}", session.t(T::Remove), name);
                            let sid2 = sid.clone();
                            view! {
                                <li class="chip" data-skill=sid.clone()>
                                    {name}
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=remove_label
                                        on:click=move |_| selected.update(|s| s.retain(|x| *x != sid2))
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-controls=listbox.clone()
                aria-expanded=move || (!suggestions.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || {
                    if suggestions.with(Vec::is_empty) { String::new() } else { option_id(active.get()) }
                }
                placeholder=move || session.t(T::SkillsPickerHint)
                prop:value=move || text.get()
                on:input=move |ev| {
                    let q = event_target_value(&ev);
                    text.set(q.clone());
                    look_up(q);
                }
                on:keydown=on_key
            />
            <ul id=listbox class="suggestions" role="listbox" hidden=move || suggestions.with(Vec::is_empty)>
                {move || {
                    let lang = session.lang.get();
                    suggestions
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let label = format!("{} · {}", lang.pick(&s.label_it, &s.label_en), lang.pick(&s.label_en, &s.label_it));
                            let skill = s.clone();
                            view! {
                                <li
                                    id=option_id2(i)
                                    role="option"
                                    class:active=move || active.get() == i
                                    aria-selected=move || (active.get() == i).to_string()
                                    data-skill=s.id.clone()
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        choose(skill.clone());
                                    }
                                >
                                    {label}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Skill concepts by id, shown with their labels in the reader's language.
#[component]
pub fn SkillNames(ids: Vec<String>) -> impl IntoView {
    let session = use_session();
    let labels = RwSignal::new(HashMap::<String, Skill>::new());
    let ids = StoredValue::new(ids);
    if !ids.with_value(Vec::is_empty) {
        leptos::task::spawn_local(async move {
            let asked = json!({"q": "", "ids": ids.get_value()});
            if let Ok(found) = session.call::<Vec<Skill>>(QUERY, asked, "skills").await {
                labels.set(found.into_iter().map(|s| (s.id.clone(), s)).collect());
            }
        });
    }
    move || {
        let lang = session.lang.get();
        ids.get_value()
            .into_iter()
            .map(|id| {
                let label = labels.with(|l| l.get(&id).map(|s| lang.pick(&s.label_it, &s.label_en).to_owned()));
                let shown = label.unwrap_or_else(|| id.clone());
                view! { <span class="skill" data-skill=id>{shown}</span> }
            })
            .collect_view()
    }
}

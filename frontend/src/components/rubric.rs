//! A rubric being filled in: criteria, the points given and the points possible, as
//! `scoreApplication` takes them.

use crate::i18n::T;
use crate::session::use_session;
use leptos::prelude::*;
use serde_json::{Value, json};

/// One row as typed: criterion, points, maximum.
pub type RubricRow = (String, String, String);

/// A first, empty row out of 10.
pub fn rubric_rows() -> Vec<RubricRow> {
    vec![(String::new(), String::new(), "10".to_owned())]
}

/// The rows as the API's `[RubricInput!]!`. Numbers that do not parse are sent as values the
/// server refuses naming the row (`rubric[1].points`), never dropped.
pub fn rubric_input(rows: &[RubricRow]) -> Vec<Value> {
    rows.iter()
        .map(|(c, p, m)| {
            json!({
                "criterion": c.trim(),
                "points": p.trim().parse::<i64>().unwrap_or(-1),
                "maxPoints": m.trim().parse::<i64>().unwrap_or(0),
            })
        })
        .collect()
}

/// The rows of a rubric with their labels, and a button that adds one; `prefix` makes the
/// controls' ids (`{prefix}-rubric-{i}-criterion`, `-points`, `-max`).
#[component]
pub fn RubricEditor(prefix: String, rows: RwSignal<Vec<RubricRow>>) -> impl IntoView {
    let session = use_session();
    let prefix = StoredValue::new(prefix);
    view! {
        {move || (0..rows.with(Vec::len)).map(|i| {
            let (c, p, m) = rows.with_untracked(|r| r[i].clone());
            let base = format!("{}-rubric-{i}", prefix.get_value());
            view! {
                <div class="rubric-row">
                    <label for=format!("{base}-criterion")>{session.t(T::Criterion)}</label>
                    <input id=format!("{base}-criterion") class="criterion" type="text" prop:value=c
                        on:input=move |ev| rows.update(|r| r[i].0 = event_target_value(&ev)) />
                    <label for=format!("{base}-points")>{session.t(T::Points)}</label>
                    <input id=format!("{base}-points") class="short points" type="number" min="0" prop:value=p
                        on:input=move |ev| rows.update(|r| r[i].1 = event_target_value(&ev)) />
                    <label for=format!("{base}-max")>{session.t(T::MaxPoints)}</label>
                    <input id=format!("{base}-max") class="short max" type="number" min="1" prop:value=m
                        on:input=move |ev| rows.update(|r| r[i].2 = event_target_value(&ev)) />
                </div>
            }
        }).collect_view()}
        <button type="button" class="link add-criterion" on:click=move |_| rows.update(|r| r.push((String::new(), String::new(), "10".into())))>
            {move || session.t(T::AddCriterion)}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_the_api_input_and_bad_numbers_are_sent_to_be_refused() {
        let rows = vec![(" Team ".to_owned(), "8".to_owned(), "10".to_owned()), ("Fit".into(), "x".into(), "".into())];
        let input = rubric_input(&rows);
        assert_eq!(input[0], json!({"criterion": "Team", "points": 8, "maxPoints": 10}));
        assert_eq!(input[1], json!({"criterion": "Fit", "points": -1, "maxPoints": 0}));
        assert_eq!(rubric_rows().len(), 1);
    }
}
